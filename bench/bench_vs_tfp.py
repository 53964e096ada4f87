"""Our Playground against TensorFlow Playground, side by side in one headless Chromium.

Serves TF Playground (built, from ``../shared/anchors/tf-playground/``) and runs
``streamlit run app.py``; then, for ``--rounds`` rounds, opens each app fresh at
1600×1000, in alternating order so that machine drift hits both, and measures:

- Play: displayed frames/s (changes of the step counter on screen, polled every animation
  frame: TFP's ``#iter-number``, our Step metric; each of our frames repaints the boundary,
  the diagram and the metrics together), and weight updates/s (TFP: 25 per epoch, its
  frame; ours: the Step metric's rise);
- Step: click → counter changed, charts redrawn, our script finished, two animation frames;
- ours only: bytes received on the websocket per displayed frame while playing.

Two scenarios: both at their defaults, and a 6×8 tanh network on 500 spiral points (TFP:
``#dataset=spiral&networkShape=8,8,8,8,8,8``). Prints every measurement, the medians and
the ours/TFP ratios. No timing here is asserted anywhere: this is a report.

    python bench/bench_vs_tfp.py              # 3 rounds, 6 s of Play, 10 Step clicks
"""

from __future__ import annotations

import argparse
import base64
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CHROMIUM_ARGS, ROOT, free_port, start_server  # noqa: E402

TFP_DIR = ROOT.parent / "shared" / "anchors" / "tf-playground"
VIEWPORT = {"width": 1600, "height": 1000}
TFP_UPDATES_PER_EPOCH = 25  # 250 training points (500 at 50 %), batch size 10
SCENARIOS = {
    "defaults": {"tfp": "index.html", "ours": ""},
    "6x8 tanh, 500 spiral points": {"tfp": "index.html#dataset=spiral&networkShape=8,8,8,8,8,8",
                                   "ours": "?ds=spiral&n=500&h=8,8,8,8,8,8"},
}
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
# counts from when the fade began.
SETTLE_JS = r"""
() => {
  const M = window.__settle = {last: performance.now(), shown: performance.now(), n: 0,
                               what: [], stale: new Map()};
  const FADE_MS = 500;
  const staleMark = (r) => r.type === 'attributes' && r.target.classList &&
      r.target.classList.contains('stElementContainer') &&
      (r.attributeName === 'data-stale' || r.attributeName === 'class');
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes' && r.attributeName === 'data-test-script-state') continue;
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
                        characterData: true});
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


def measure(browser, which: str, url: str, args) -> dict:
    context, page = open_app(browser, which, url)
    wire = Wire(page) if which == "ours" else None
    try:
        sel = APPS[which]
        page.click(sel["play"])
        page.wait_for_timeout(args.warmup * 1000)
        s0, b0 = page.evaluate(SNAP_JS), wire.bytes if wire else 0
        page.wait_for_timeout(args.play_secs * 1000)
        s1, b1 = page.evaluate(SNAP_JS), wire.bytes if wire else 0
        page.click(sel["play"])  # pause
        dt = (s1["t"] - s0["t"]) / 1000
        frames = s1["n"] - s0["n"]
        rise = counter_value(s1["v"]) - counter_value(s0["v"])
        updates = rise * (TFP_UPDATES_PER_EPOCH if which == "tfp" else 1)
        page.wait_for_timeout(1500)
        if which == "ours":
            page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
            page.wait_for_timeout(500)
        page.evaluate(SETTLE_JS)
        steps, settled = [], []
        for _ in range(args.clicks):
            page.wait_for_timeout(QUIET_MS)
            r = page.evaluate(CLICK_JS, [sel["step"], "Step", which == "ours", 10000])
            if "ms" in r:
                steps.append(r["ms"])
                settled.append(settle(page, which, r["t0"]))
        return {"fps": frames / dt, "ups": updates / dt, "step_ms": steps, "settled": settled,
                "bursts": bursts(page, which),
                "bytes_per_frame": (b1 - b0) / frames if wire and frames else None}
    finally:
        context.close()


def fmt_row(name: str, r: dict) -> str:
    med = statistics.median
    step = med(r["step_ms"]) if r["step_ms"] else float("nan")
    settled = med(r["settled"]) if r["settled"] else float("nan")
    extra = (f", {r['bytes_per_frame'] / 1000:.1f} kB/frame"
             if r.get("bytes_per_frame") is not None else "")
    burst = "; ".join(f"{BURST}×{kind}: {b['effects']} effects, settled {b['settled']:.0f} ms"
                      for kind, b in r["bursts"].items())
    return (f"    {name:5s} {r['fps']:5.1f} frames/s, {r['ups']:6.0f} updates/s, "
            f"Step → redrawn {step:4.0f} ms, → page settled {settled:4.0f} ms{extra}\n"
            f"          {burst}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--play-secs", type=float, default=6.0)
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--clicks", type=int, default=10)
    args = ap.parse_args()
    if not (TFP_DIR / "index.html").exists():
        sys.exit(f"TF Playground not found at {TFP_DIR}")

    servers, tfp_url, app_url = start_servers()
    results = {s: {"tfp": [], "ours": []} for s in SCENARIOS}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for k in range(args.rounds):
                order = ("tfp", "ours") if k % 2 == 0 else ("ours", "tfp")
                print(f"round {k + 1} ({' then '.join(order)})", flush=True)
                for scenario, urls in SCENARIOS.items():
                    print(f"  {scenario}")
                    for which in order:
                        base = tfp_url if which == "tfp" else app_url
                        r = measure(browser, which, base + urls[which], args)
                        results[scenario][which].append(r)
                        print(fmt_row(which, r), flush=True)
            browser.close()
    finally:
        for s in servers:
            s.terminate()

    med = statistics.median
    print(f"\nMedians over {args.rounds} rounds (1600x1000, headless Chromium, same run)")
    for scenario, res in results.items():
        row = {}
        for which in ("tfp", "ours"):
            runs = res[which]
            steps = [x for r in runs for x in r["step_ms"]]
            settled = [x for r in runs for x in r["settled"]]
            row[which] = {"fps": med(r["fps"] for r in runs), "ups": med(r["ups"] for r in runs),
                          "step": med(steps) if steps else float("nan"),
                          "settled": med(settled) if settled else float("nan"),
                          "burst": med(r["bursts"]["step"]["settled"] for r in runs)}
        t, o = row["tfp"], row["ours"]
        bpf = [r["bytes_per_frame"] for r in res["ours"] if r["bytes_per_frame"]]
        print(f"  {scenario}")
        print(f"    Play display      TFP {t['fps']:5.1f} /s   ours {o['fps']:5.1f} /s   "
              f"ours/TFP {o['fps'] / t['fps']:.2f}  (target >= 0.6)")
        print(f"    weight updates    TFP {t['ups']:5.0f} /s   ours {o['ups']:5.0f} /s   "
              f"ours/TFP {o['ups'] / t['ups']:.2f}")
        print(f"    Step → redrawn    TFP {t['step']:5.0f} ms  ours {o['step']:5.0f} ms  "
              f"ours/TFP {o['step'] / t['step']:.2f}")
        print(f"    Step → page settled (last change on screen)  TFP {t['settled']:5.0f} ms  "
              f"ours {o['settled']:5.0f} ms  ours/TFP {o['settled'] / t['settled']:.2f}; "
              f"ours settled / TFP redrawn {o['settled'] / t['step']:.2f}  (target <= 1.0)")
        print(f"    {BURST} Step clicks {BURST_GAP_MS} ms apart → page settled: TFP "
              f"{t['burst']:.0f} ms, ours {o['burst']:.0f} ms: {o['burst'] / t['burst']:.2f}"
              "  (target <= 1.5)")
        for kind in ("step", "phases", "undo"):
            got = [r["bursts"][kind]["effects"] for r in res["ours"]]
            print(f"    ours: {BURST} quick clicks on {kind}: effects per round {got} "
                  f"(target: exactly {BURST} every time)")
        tfp_got = [r["bursts"]["step"]["effects"] for r in res["tfp"]]
        print(f"    TFP: {BURST} quick clicks on step: effects per round {tfp_got}")
        if bpf:
            print(f"    ours: {med(bpf) / 1000:.1f} kB on the websocket per displayed frame")


if __name__ == "__main__":
    main()
