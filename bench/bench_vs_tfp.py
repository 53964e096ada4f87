"""Our Playground against TensorFlow Playground, side by side in one headless Chromium.

Serves TF Playground (built, from ``../shared/anchors/tf-playground/``) and runs
``streamlit run app.py``; then, for ``--rounds`` rounds, opens each app fresh at
1600×1000, in alternating order so that machine drift hits both, and measures (rows):

- play: displayed frames/s (changes of the step counter on screen, polled every animation
  frame: TFP's ``#iter-number``, our Step metric; each of our frames repaints the boundary,
  the diagram and the metrics together), and weight updates/s (TFP: its counter counts
  epochs, one per frame: floor(training points / batch size) updates each, 25 at its
  defaults, 250 at batch size 1; ours: the Step metric's rise, one update a step);
- first: Play → first frame: from the Play click (the click event's time stamp) to the
  step counter's first change, plus one animation frame (the frame that shows it is on
  screen); ``--first-clicks`` Play clicks per app and round (each paused again);
- step: click → counter changed, charts redrawn, our script finished, two animation frames;
  then → page settled (the last DOM change on screen, SETTLE_JS);
- bursts: ten quick Step clicks (ours also the phase buttons and Undo) → page settled;
- pages (ours): on every page (Playground, Gradients, Step-through, Hidden space, Loss
  surface, Lesson; reached through the sidebar's links) a click on the page's Step
  (``.bp-bar-step``, the stepping bar) → page idle (its last DOM change on screen, the
  script finished), beside TFP's Step → redrawn from the same round;
- ours only: bytes received on the websocket per displayed frame while playing.

Three scenarios: both at their defaults; a 6×8 tanh network on 500 spiral points (TFP:
``#dataset=spiral&networkShape=8,8,8,8,8,8``); batch size 1 on a 4×8 ReLU network, 500
points (TFP: ``#batchSize=1&networkShape=8,8,8,8&activation=relu``; rows play and first
only), where ours plays at its "1 epoch" per frame speed when it has one (TFP's unit), else
at its fastest steps per frame. Prints every measurement, the medians and the ours/TFP
ratios. No timing here is asserted anywhere: this is a report.

    python bench/bench_vs_tfp.py              # 3 rounds, all rows (12-15 minutes)
    python bench/bench_vs_tfp.py --rounds 1 --only pages --scenario defaults
    python bench/bench_vs_tfp.py --rounds 1 --only play,first --scenario "batch size 1"
"""

from __future__ import annotations

import argparse
import base64
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CHROMIUM_ARGS, IDLE, ROOT, free_port, start_server  # noqa: E402

TFP_DIR = ROOT.parent / "shared" / "anchors" / "tf-playground"
VIEWPORT = {"width": 1600, "height": 1000}
TFP_POINTS = 500  # TFP's NUM_SAMPLES_CLASSIFY: every classification data set
ROWS = ("play", "first", "step", "bursts", "pages")
SCENARIOS = {
    "defaults": {"tfp": "index.html", "ours": "", "rows": ROWS},
    "6x8 tanh, 500 spiral points": {"tfp": "index.html#dataset=spiral&networkShape=8,8,8,8,8,8",
                                   "ours": "?ds=spiral&n=500&h=8,8,8,8,8,8", "rows": ROWS},
    # TFP's defaults otherwise: 500 circle points, 50 % training, noise 0, lr 0.03 (ours too).
    "batch size 1, 4x8 ReLU, 500 points": {
        "tfp": "index.html#batchSize=1&networkShape=8,8,8,8&activation=relu",
        "ours": "?h=8,8,8,8&act=relu,relu,relu,relu&batch=1&n=500", "rows": ("play", "first"),
        "speed": "epoch"},
}
# Our pages, by their sidebar links' text, in the order they are measured.
PAGES = ("Playground", "Gradients", "Step-through", "Hidden space", "Loss surface", "Lesson")
NAV = "[data-testid='stSidebarNavLink']"
LOST_S = 15  # a page click that neither changed the page nor ended a script run by then
SPEED = "[data-testid='stSlider']:has(input[aria-label^='Speed']) input[type='range']"
APPS = {
    "tfp": {"counter": "#iter-number", "play": "#play-pause-button",
            "step": "#next-step-button"},
    "ours": {"counter": ".bp-metric-value[data-label='Step']", "play": ".bp-play",
             "step": ".bp-bar-step", "undo": ".bp-bar-undo", "forward": ".bp-bar-forward",
             "backward": ".bp-bar-backward", "update": ".bp-bar-update"},
}
BURST = 10  # real mouse clicks...
BURST_GAP_MS = 50  # ...this far apart
QUIET_MS = 700  # the page is settled when nothing changed for this long (and, ours, the
                # script finished): the last change before that is when it settled

# Every change to the page after a click: any DOM mutation (text, attributes, elements; our
# live view also bumps data-frames on every canvas repaint), except Streamlit's own
# script-state test hook. The last one is when the page settled: every element final.
# While a rerun runs, Streamlit marks the elements it has not redrawn yet as stale
# (data-stale and a class): they fade only after 0.5 s of it ("opacity 1s ease-in 0.5s",
# measured), so a stale mark shorter than that changes nothing on screen; a longer one
# counts from when the fade began. An expander marks its <details> and <summary> stale by
# their class alone, with the same delayed fade (Streamlit's STALE_STYLES, "opacity 1s
# ease-in 0.5s", and its border "1s ease-in 0.5s"): a class that is back within 0.5 s
# changed nothing on screen either.
SETTLE_JS = r"""
() => {
  const M = window.__settle = {last: performance.now(), shown: performance.now(), n: 0,
                               what: [], stale: new Map(), flips: new Map(), runs: 0,
                               ran: null};
  const FADE_MS = 500;
  const staleMark = (r) => r.type === 'attributes' && r.target.classList &&
      r.target.classList.contains('stElementContainer') &&
      (r.attributeName === 'data-stale' || r.attributeName === 'class');
  const expanderMark = (r) => r.type === 'attributes' && r.attributeName === 'class' &&
      (r.target.nodeName === 'DETAILS' || r.target.nodeName === 'SUMMARY') &&
      r.target.closest('[data-testid="stExpander"]');
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes' && r.attributeName === 'data-test-script-state') {
        if (r.oldValue === 'running') { M.runs += 1; M.ran = performance.now(); }
        continue;  // a script run ended (ours): counted, not a change on screen
      }
      if (staleMark(r)) {
        if (r.attributeName !== 'data-stale') continue;
        const now = performance.now();
        if (r.target.getAttribute('data-stale') === 'true') {
          M.stale.set(r.target, now);
          continue;
        }
        const since = M.stale.get(r.target);
        M.stale.delete(r.target);
        if (since === undefined || now - since < FADE_MS) continue;
      }
      if (expanderMark(r)) {
        const now = performance.now(), flip = M.flips.get(r.target);
        if (!flip) {
          M.flips.set(r.target, {since: now, from: r.oldValue});
          continue;
        }
        if (r.target.getAttribute('class') !== flip.from) continue;
        M.flips.delete(r.target);
        if (now - flip.since < FADE_MS) continue;
      }
      M.last = performance.now();
      M.n += 1;
      const seq = M.n;  // when this change is on screen: the first task after its frame
      requestAnimationFrame(() => setTimeout(() => {
        if (M.n === seq) M.shown = performance.now();
      }, 0));
      if (M.what.length < 400) M.what.push([M.last, r.type, r.attributeName || '',
          (r.target.className && r.target.className.baseVal === undefined
           ? String(r.target.className) : r.target.nodeName).slice(0, 60)]);
    }
  }).observe(document, {subtree: true, childList: true, attributes: true,
                        characterData: true, attributeOldValue: true});
}
"""


# Polls the counter every animation frame and records when its text changes.
COUNTER_JS = r"""
(sel) => {
  const C = window.__counter = {sel, changes: [], last: null, value: null};
  const read = () => {
    const e = document.querySelector(sel);
    return e ? e.textContent.trim() : null;
  };
  C.read = read;
  const tick = () => {
    const v = read();
    if (v !== C.last) { C.last = v; C.changes.push(performance.now()); C.value = v; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
"""
SNAP_JS = ("() => ({t: performance.now(), n: window.__counter.changes.length, "
           "v: window.__counter.read()})")

# Click → the counter shows a new value and (ours) the view painted a new frame: every
# chart and metric redrawn; then two animation frames (the picture is on screen). Ours
# returns once the script finished too (so the next measurement starts from a quiet page);
# when the page settled comes from SETTLE_JS.
CLICK_JS = r"""
async ([selector, label, ours, timeoutMs]) => {
  const raf = () => new Promise(r => requestAnimationFrame(r));
  const btn = selector ? document.querySelector(selector)
    : [...document.querySelectorAll('button')].find(b => b.textContent.trim() === label);
  if (!btn) return {err: 'no button'};
  const C = window.__counter, root = document.querySelector('.bp-live');
  const v0 = C.read(), f0 = root ? root.dataset.frames : null, t0 = performance.now();
  const state = () => document.querySelector('[data-testid="stApp"]')
      ?.getAttribute('data-test-script-state');
  btn.click();
  let painted = null;
  while (performance.now() - t0 < timeoutMs) {
    await raf();
    if (painted === null && C.read() !== v0 && (!ours || root.dataset.frames !== f0)) {
      await raf(); await raf();
      painted = performance.now() - t0;
      if (!ours) return {ms: painted, t0};
    }
    if (painted !== null && state() === 'notRunning') return {ms: painted, t0};
  }
  return {err: 'timeout'};
}
"""


# Play → first frame: from the Play click (its event's time stamp, on performance.now()'s
# clock) to the first animation frame in which the step counter shows a new value, plus
# one animation frame more (the frame showing it has been presented).
FIRST_JS = r"""
() => {
  const F = window.__first = {t0: null, ms: null};
  const C = window.__counter, v0 = C.read();
  document.addEventListener('click', (e) => { F.t0 = e.timeStamp; },
                            {capture: true, once: true});
  const tick = () => {
    if (F.t0 !== null && C.read() !== v0) {
      requestAnimationFrame(() => { F.ms = performance.now() - F.t0; });
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
"""

# A click on the page's Step (the stepping bar's): when, and how many changes the page had
# seen before it (SETTLE_JS counts them).
PAGE_STEP_JS = r"""
(selector) => {
  const btn = document.querySelector(selector);
  if (!btn) return {err: 'no Step button'};
  if (btn.disabled) return {err: 'Step is disabled'};
  const n0 = window.__settle.n, runs0 = window.__settle.runs, t0 = performance.now();
  btn.click();
  return {t0, n0, runs0};
}
"""

# What the stepping bars on the page show (for a click that did nothing).
BAR_JS = r"""
() => [...document.querySelectorAll('.bp-bar')].map(b => ({
  step: b.querySelector('.bp-bar-step')?.disabled ? 'disabled' : 'enabled',
  shown: !!b.offsetParent, message: b.querySelector('.bp-bar-message')?.textContent}))
"""

def wait_http(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def start_servers() -> tuple[list[subprocess.Popen], str, str]:
    tfp_port, app_port = free_port(), free_port()
    tfp = subprocess.Popen([sys.executable, "-m", "http.server", str(tfp_port), "-d",
                            str(TFP_DIR), "--bind", "127.0.0.1"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tfp_url, app_url = f"http://127.0.0.1:{tfp_port}/", f"http://127.0.0.1:{app_port}/"
    wait_http(tfp_url + "index.html", tfp)
    return [tfp, start_server(ROOT / "app.py", app_port)], tfp_url, app_url


def open_app(browser, which: str, url: str):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(url)
    if which == "ours":
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                               timeout=60000)
        page.wait_for_function("() => document.querySelector('.bp-live')?.dataset.frames >= 1"
                               " && document.querySelectorAll('.bp-plot .main-svg').length >= 3",
                               timeout=60000)
    else:
        page.wait_for_selector("#iter-number", timeout=60000)
        page.wait_for_timeout(1000)
    page.evaluate(COUNTER_JS, APPS[which]["counter"])
    return context, page


def center(page, selector: str) -> tuple[float, float]:
    box = page.locator(selector).first.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def progress(page, which: str) -> int:
    """How far the run is, in phases (ours) or steps (TFP, which has no phases)."""
    step = counter_value(page.evaluate("() => window.__counter.read()"))
    if which == "tfp":
        return step
    nxt = page.evaluate("() => document.querySelector('.bp-bar .bp-primary')?.dataset.kind")
    return 3 * step + {"forward": 0, "backward": 1, "update": 2}.get(nxt, 0)


def settle(page, which: str, t0: float, timeout_s: float = 20) -> float:
    """Milliseconds from ``t0`` (performance.now()) until the page's last change is on
    screen (the first task after the frame that shows it), once the page has been quiet
    for QUIET_MS (ours: with the script finished too)."""
    idle = "[data-testid='stApp'][data-test-script-state='notRunning']"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        page.wait_for_timeout(50)
        now, last, shown = page.evaluate(
            "() => [performance.now(), window.__settle.last, window.__settle.shown]")
        if now - last >= QUIET_MS and (which == "tfp" or page.locator(idle).count()):
            return shown - t0
    raise TimeoutError("the page never settled")


def clicks(page, which: str, selectors: list[str]) -> dict:
    """Real mouse clicks on ``selectors`` in turn, BURST_GAP_MS apart: how many effects
    (phases or steps moved; one per click expected) and when the page settled."""
    page.wait_for_timeout(QUIET_MS)
    before = progress(page, which)
    where = [center(page, sel) for sel in selectors]
    t0 = page.evaluate("() => performance.now()")
    for x, y in where:
        page.mouse.click(x, y)
        page.wait_for_timeout(BURST_GAP_MS)
    settled = settle(page, which, t0)
    return {"effects": progress(page, which) - before, "settled": settled}


def bursts(page, which: str) -> dict:
    """Ten quick clicks on Step; ours also on the phase buttons in turn, then on Undo."""
    sel = APPS[which]
    out = {"step": clicks(page, which, [sel["step"]] * BURST)}
    if which == "ours":
        order = [sel[p] for p in ("forward", "backward", "update")] * 4
        out["phases"] = clicks(page, which, order[:BURST])
        page.wait_for_timeout(QUIET_MS)
        clicks(page, which, [sel["forward"], sel["backward"]])  # finish the step by hand
        clicks(page, which, [sel["update"]])
        out["undo"] = clicks(page, which, [sel["undo"]] * BURST)
        out["undo"]["effects"] = -out["undo"]["effects"] // 3  # steps back
        out["step"]["effects"] //= 3
    return out


def counter_value(text) -> int:
    return int(str(text).replace(",", ""))


class Wire:
    """Bytes received on our websocket (CDP Network events)."""

    def __init__(self, page):
        self.bytes = 0
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.webSocketFrameReceived", self._frame)

    def _frame(self, event) -> None:
        response = event.get("response", {})
        payload = response.get("payloadData", "")
        self.bytes += len(base64.b64decode(payload)) if response.get("opcode") == 2 else len(
            payload.encode())


def tfp_updates_per_epoch(tfp_url: str) -> int:
    """TFP's weight updates per epoch (its counter's unit): it updates after every
    batchSize-th training point, and drops the remainder."""
    state = dict(kv.split("=", 1) for kv in urlparse(tfp_url).fragment.split("&") if "=" in kv)
    batch = int(state.get("batchSize", 10))
    train = TFP_POINTS * int(state.get("percTrainData", 50)) // 100
    return train // batch


def speed_label(page) -> str | None:
    box = page.locator(SPEED)
    return box.first.get_attribute("aria-valuetext") if box.count() else None


def set_speed(page, want: str) -> str:
    """Our Play speed: the option whose label contains ``want`` (e.g. "epoch"), through the
    speed slider's keys; without one, the fastest steps per frame. Returns what was set."""
    box = page.locator(SPEED)
    if not box.count():
        return "unknown (no speed slider found)"
    box = box.first

    def press(key: str) -> str:
        box.press(key)
        page.wait_for_timeout(300)
        page.wait_for_selector(IDLE, timeout=30000)
        return box.get_attribute("aria-valuetext") or ""

    box.focus()
    label = press("End")
    if want in label:
        return label
    press("Home")
    for _ in range(int(box.get_attribute("max")) - int(box.get_attribute("min"))):
        label = box.get_attribute("aria-valuetext") or ""
        if want in label:
            return label
        label = press("ArrowRight")
    if want in label:
        return label
    return f"{press('End')} (no '{want}' option: the fastest)"


def quiet(page, which: str) -> None:
    """Wait until the app is at rest (ours: the script finished; after a pause, its rerun)."""
    page.wait_for_timeout(1500)
    if which == "ours":
        page.wait_for_selector(IDLE, timeout=60000)
        page.wait_for_timeout(500)


def play_click(page, which: str) -> float | None:
    """Click Play; milliseconds to the first new frame on screen (None: none in 30 s)."""
    page.evaluate(FIRST_JS)
    page.click(APPS[which]["play"])
    try:
        page.wait_for_function("() => window.__first.ms !== null", timeout=30000)
    except Exception:  # noqa: BLE001 - a report: say it, go on
        return None
    return page.evaluate("() => window.__first.ms")


def page_step(page, name: str) -> int | None:
    """The step (epochs on the Lesson: its own network) the page shows, if it says."""
    if name == "Lesson":
        m = re.search(r"Epoch ([\d,]+) ·", page.evaluate("() => document.body.innerText"))
        return counter_value(m.group(1)) if m else None
    step = parse_qs(urlparse(page.url).query).get("step")
    return int(step[0]) if step else 0


def goto_page(page, name: str) -> None:
    link = page.locator(NAV).filter(has_text=re.compile(f"^{re.escape(name)}$")).first
    link.click()
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=120000)
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')]"
                           ".every(g => g.querySelector('.main-svg'))", timeout=60000)
    page.wait_for_timeout(1500)
    page.wait_for_selector(IDLE, timeout=60000)


def pages_steps(page, clicks: int) -> dict:
    """Ours: on every page, ``clicks`` clicks on its Step (one at a time, each once the page
    is quiet) → page idle: once the click has changed the page and a script run has ended
    since, the last change on screen (``settle``). {page: {"ms": [...], "run": [ms to the
    end of the last script run], "moved": [steps the page's step moved], "err": None or
    why the page could not be measured}}."""
    out = {}
    for name in PAGES:
        r = out[name] = {"ms": [], "run": [], "moved": [], "lost": [], "err": None}
        try:
            goto_page(page, name)
        except Exception as exc:  # noqa: BLE001 - a report: say it, go on
            r["err"] = f"could not open the page: {str(exc).splitlines()[0]}"
            continue
        for k in range(clicks):
            page.wait_for_timeout(QUIET_MS)
            page.wait_for_selector(IDLE, timeout=60000)
            before = page_step(page, name)
            c = page.evaluate(PAGE_STEP_JS, APPS["ours"]["step"])
            if "err" in c:
                r["err"] = c["err"]
                break
            try:  # the click's effect: a change on the page and a script run that ended
                page.wait_for_function("([n0, runs0]) => window.__settle.n > n0 && "
                                       "window.__settle.runs > runs0", arg=[c["n0"], c["runs0"]],
                                       timeout=LOST_S * 1000)
            except Exception:  # noqa: BLE001 - a report: say it, go on with the next click
                r["lost"].append(f"click {k + 1}: the page changed "
                                 f"{page.evaluate('() => window.__settle.n') - c['n0']} times, "
                                 f"{page.evaluate('() => window.__settle.runs') - c['runs0']} "
                                 f"script runs ended in {LOST_S} s; step {before} → "
                                 f"{page_step(page, name)}; the bar: {page.evaluate(BAR_JS)}")
                continue
            try:
                ms = settle(page, "ours", c["t0"], timeout_s=60)
            except TimeoutError as exc:
                r["err"] = str(exc)
                break
            after = page_step(page, name)
            r["ms"].append(ms)
            r["run"].append(page.evaluate("() => window.__settle.ran") - c["t0"])
            r["moved"].append(None if before is None or after is None else after - before)
    return out


def row_play(page, which: str, url: str, args, out: dict, wire) -> None:
    """Play for ``args.play_secs`` after ``args.warmup``: frames/s, updates/s (and the
    Play click's first frame)."""
    sel = APPS[which]
    out["first"].append(play_click(page, which))
    page.wait_for_timeout(args.warmup * 1000)
    s0, b0 = page.evaluate(SNAP_JS), wire.bytes if wire else 0
    page.wait_for_timeout(args.play_secs * 1000)
    s1, b1 = page.evaluate(SNAP_JS), wire.bytes if wire else 0
    page.click(sel["play"])  # pause
    quiet(page, which)
    if s0["v"] is None or s1["v"] is None:
        shown = page.evaluate("() => document.querySelector(\"[data-testid='stException']\")"
                              "?.innerText.slice(0, 300)")
        raise RuntimeError(f"the step counter ({sel['counter']}) was not on the page while "
                           f"playing" + (f"; the page showed an error: {shown!r}" if shown else ""))
    dt = (s1["t"] - s0["t"]) / 1000
    frames = s1["n"] - s0["n"]
    rise = counter_value(s1["v"]) - counter_value(s0["v"])
    per = tfp_updates_per_epoch(url) if which == "tfp" else 1
    out.update(fps=frames / dt, ups=rise * per / dt,
               bytes_per_frame=(b1 - b0) / frames if wire and frames else None)


def row_first(page, which: str, args, out: dict, played: bool) -> None:
    for _ in range(args.first_clicks - played):
        out["first"].append(play_click(page, which))
        page.wait_for_timeout(300)
        page.click(APPS[which]["play"])  # pause
        quiet(page, which)


def row_step(page, which: str, args, out: dict) -> None:
    sel = APPS[which]
    for _ in range(args.clicks):
        page.wait_for_timeout(QUIET_MS)
        r = page.evaluate(CLICK_JS, [sel["step"], "Step", which == "ours", 10000])
        if "ms" in r:
            out["step_ms"].append(r["ms"])
            out["settled"].append(settle(page, which, r["t0"]))


def measure(browser, which: str, url: str, args, scenario: dict) -> dict:
    """One app opened fresh, its rows measured in turn; a row that fails is reported in
    ``errors`` and the others go on."""
    rows = [r for r in scenario["rows"] if r in args.only]
    context, page = open_app(browser, which, url)
    wire = Wire(page) if which == "ours" else None
    out = {"first": [], "step_ms": [], "settled": [], "speed": None, "errors": []}

    def attempt(row: str, run) -> None:
        try:
            run()
        except Exception as exc:  # noqa: BLE001 - a report: say it, go on
            text = str(exc).strip().splitlines()
            out["errors"].append(f"{row}: {type(exc).__name__}: {text[0] if text else ''}")

    try:
        if which == "ours" and ("play" in rows or "first" in rows):
            def speed() -> None:
                want = scenario.get("speed")
                out["speed"] = set_speed(page, want) if want else speed_label(page)
                if want:
                    quiet(page, which)
            attempt("speed", speed)
        if "play" in rows:
            attempt("play", lambda: row_play(page, which, url, args, out, wire))
        if "first" in rows:
            attempt("first", lambda: row_first(page, which, args, out, "play" in rows))
        page.evaluate(SETTLE_JS)
        # TFP's Step → redrawn is also what our pages are measured against.
        if "step" in rows or ("pages" in rows and which == "tfp"):
            attempt("step", lambda: row_step(page, which, args, out))
        if "bursts" in rows:
            attempt("bursts", lambda: out.__setitem__("bursts", bursts(page, which)))
        if "pages" in rows and which == "ours":
            attempt("pages", lambda: out.__setitem__("pages",
                                                     pages_steps(page, args.page_clicks)))
        return out
    finally:
        context.close()


def med_or_nan(values) -> float:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def fmt_row(name: str, r: dict) -> str:
    lines = []
    if "fps" in r:
        extra = (f", {r['bytes_per_frame'] / 1000:.1f} kB/frame"
                 if r.get("bytes_per_frame") is not None else "")
        lines.append(f"{r['fps']:5.1f} frames/s, {r['ups']:6.0f} updates/s{extra}")
    if r["first"]:
        lines.append("Play → first frame " + ", ".join(
            "none" if v is None else f"{v:.0f}" for v in r["first"]) + " ms")
    if r["step_ms"]:
        lines.append(f"Step → redrawn {med_or_nan(r['step_ms']):4.0f} ms, → page settled "
                     f"{med_or_nan(r['settled']):4.0f} ms")
    if r.get("speed"):
        lines.append(f"speed: {r['speed']}")
    text = f"    {name:5s} " + "; ".join(lines)
    if "bursts" in r:
        text += "\n          " + "; ".join(
            f"{BURST}×{kind}: {b['effects']} effects, settled {b['settled']:.0f} ms"
            for kind, b in r["bursts"].items())
    for err in r["errors"]:
        text += f"\n          FAILED {err}"
    for page_name, p in r.get("pages", {}).items():
        ms = ", ".join(f"{v:.0f}" for v in p["ms"]) or "-"
        run = ", ".join(f"{v:.0f}" for v in p["run"]) or "-"
        err = f"  ({p['err']})" if p["err"] else ""
        text += (f"\n          {page_name:<13} Step → page idle {ms} ms (script ended {run} ms)"
                 f", steps moved {p['moved']}{err}")
        for lost in p["lost"]:
            text += f"\n            NO EFFECT: {lost}"
    return text


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def summary(scenario: str, res: dict) -> None:
    med = statistics.median
    t_runs, o_runs = res["tfp"], res["ours"]
    print(f"  {scenario}")
    speeds = sorted({r["speed"] for r in o_runs if r.get("speed")})
    if speeds:
        print(f"    ours played at: {' / '.join(speeds)} per frame (TFP: one epoch a frame)")
    for who, runs in (("TFP", t_runs), ("ours", o_runs)):
        for i, r in enumerate(runs):
            for err in r["errors"]:
                print(f"    {who}, round {i + 1}: FAILED {err}")
    if any("fps" in r for r in t_runs) and any("fps" in r for r in o_runs):
        t = {k: med(r[k] for r in t_runs if "fps" in r) for k in ("fps", "ups")}
        o = {k: med(r[k] for r in o_runs if "fps" in r) for k in ("fps", "ups")}
        print(f"    Play display      TFP {t['fps']:6.1f} /s  ours {o['fps']:6.1f} /s  "
              f"ours/TFP {ratio(o['fps'], t['fps']):.2f}  (target >= 0.6)")
        print(f"    weight updates    TFP {t['ups']:6.0f} /s  ours {o['ups']:6.0f} /s  "
              f"ours/TFP {ratio(o['ups'], t['ups']):.2f}  (target >= 1.0)")
    t_first = med_or_nan(x for r in t_runs for x in r["first"])
    o_first = med_or_nan(x for r in o_runs for x in r["first"])
    if any(r["first"] for r in t_runs + o_runs):
        missed = sum(x is None for r in t_runs + o_runs for x in r["first"])
        print(f"    Play → first frame  TFP {t_first:5.0f} ms  ours {o_first:5.0f} ms  "
              f"ours/TFP {ratio(o_first, t_first):.2f}  (target <= 2.0)"
              + (f"  [{missed} Play clicks showed no frame in 30 s]" if missed else ""))
    t_step = med_or_nan(x for r in t_runs for x in r["step_ms"])
    if any(r["step_ms"] for r in o_runs):
        o_step = med_or_nan(x for r in o_runs for x in r["step_ms"])
        t_set = med_or_nan(x for r in t_runs for x in r["settled"])
        o_set = med_or_nan(x for r in o_runs for x in r["settled"])
        print(f"    Step → redrawn    TFP {t_step:5.0f} ms  ours {o_step:5.0f} ms  "
              f"ours/TFP {ratio(o_step, t_step):.2f}")
        print(f"    Step → page settled (last change on screen)  TFP {t_set:5.0f} ms  "
              f"ours {o_set:5.0f} ms  ours/TFP {ratio(o_set, t_set):.2f}; "
              f"ours settled / TFP redrawn {ratio(o_set, t_step):.2f}  (target <= 1.0)")
    if any("bursts" in r for r in t_runs) and any("bursts" in r for r in o_runs):
        t_bursts = [r for r in t_runs if "bursts" in r]
        o_bursts = [r for r in o_runs if "bursts" in r]
        tb = med(r["bursts"]["step"]["settled"] for r in t_bursts)
        ob = med(r["bursts"]["step"]["settled"] for r in o_bursts)
        print(f"    {BURST} Step clicks {BURST_GAP_MS} ms apart → page settled: TFP "
              f"{tb:.0f} ms, ours {ob:.0f} ms: {ratio(ob, tb):.2f}  (target <= 1.5)")
        for kind in ("step", "phases", "undo"):
            got = [r["bursts"][kind]["effects"] for r in o_bursts]
            print(f"    ours: {BURST} quick clicks on {kind}: effects per round {got} "
                  f"(target: exactly {BURST} every time)")
        tfp_got = [r["bursts"]["step"]["effects"] for r in t_bursts]
        print(f"    TFP: {BURST} quick clicks on step: effects per round {tfp_got}")
    if any("pages" in r for r in o_runs):
        print(f"    Step → page idle, ours on every page (the last change on screen, the "
              f"script run ended), against TFP's Step → redrawn {t_step:.0f} ms "
              "(target <= 1.5x)")
        for name in PAGES:
            runs = [r["pages"][name] for r in o_runs if "pages" in r]
            ms = [x for p in runs for x in p["ms"]]
            ran = med_or_nan(x for p in runs for x in p["run"])
            moved = [x for p in runs for x in p["moved"]]
            errs = sorted({p["err"] for p in runs if p["err"]})
            lost = sum(len(p["lost"]) for p in runs)
            if lost:
                errs.append(f"{lost} clicks had no effect within {LOST_S} s")
            m = med_or_nan(ms)
            note = f"; {'; '.join(errs)}" if errs else ""
            steps = ("" if all(x == 1 for x in moved) else f"; steps moved per click {moved}")
            print(f"      {name:<13} {m:6.0f} ms  ours/TFP {ratio(m, t_step):5.2f}  "
                  f"(script ended {ran:.0f} ms; {len(ms)} clicks{steps}{note})")
    bpf = [r["bytes_per_frame"] for r in o_runs if r.get("bytes_per_frame")]
    if bpf:
        print(f"    ours: {med(bpf) / 1000:.1f} kB on the websocket per displayed frame")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--play-secs", type=float, default=6.0)
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--clicks", type=int, default=6, help="Step clicks per app and round")
    ap.add_argument("--first-clicks", type=int, default=2,
                    help="Play clicks timed to the first frame, per app and round")
    ap.add_argument("--page-clicks", type=int, default=2,
                    help="Step clicks on each of our pages per round")
    ap.add_argument("--only", default=",".join(ROWS),
                    help=f"comma-separated rows to measure, of {','.join(ROWS)}")
    ap.add_argument("--scenario", action="append", default=[],
                    help="run only the scenarios whose name contains this (repeatable)")
    args = ap.parse_args()
    args.only = [r.strip() for r in args.only.split(",") if r.strip()]
    unknown = set(args.only) - set(ROWS)
    if unknown:
        sys.exit(f"unknown rows {sorted(unknown)}; choose from {', '.join(ROWS)}")
    scenarios = {name: s for name, s in SCENARIOS.items()
                 if (not args.scenario or any(w in name for w in args.scenario))
                 and any(r in args.only for r in s["rows"])}
    if not scenarios:
        sys.exit(f"no scenario matches; the scenarios: {', '.join(SCENARIOS)}")
    if not (TFP_DIR / "index.html").exists():
        sys.exit(f"TF Playground not found at {TFP_DIR}")

    servers, tfp_url, app_url = start_servers()
    results = {s: {"tfp": [], "ours": []} for s in scenarios}
    started = time.monotonic()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            try:
                for k in range(args.rounds):
                    order = ("tfp", "ours") if k % 2 == 0 else ("ours", "tfp")
                    print(f"round {k + 1} ({' then '.join(order)})", flush=True)
                    for scenario, urls in scenarios.items():
                        print(f"  {scenario}")
                        for which in order:
                            base = tfp_url if which == "tfp" else app_url
                            r = measure(browser, which, base + urls[which], args, urls)
                            results[scenario][which].append(r)
                            print(fmt_row(which, r), flush=True)
            finally:
                browser.close()
    finally:
        for s in servers:
            s.terminate()
        for s in servers:
            s.wait(timeout=30)

    print(f"\nMedians over {args.rounds} rounds (1600x1000, headless Chromium, same run; "
          f"{(time.monotonic() - started) / 60:.1f} min)")
    for scenario, res in results.items():
        summary(scenario, res)


if __name__ == "__main__":
    main()
