"""Playground speed in a real headless Chromium (Debian's, driven by Playwright).

Starts ``streamlit run app.py`` on a free port and, for each of ``--runs`` fresh sessions:
sets the speed control to ``--spf`` steps per frame, clicks Play and counts, for
``--play-secs`` seconds, how often each chart's drawn content changes (display updates/s)
and how fast the Step metric rises (weight updates/s); clicks Pause; then times ``--clicks``
Step clicks: click → new Step value in the DOM, every chart redrawn, script finished, two
animation frames. A bare fragment (a counter, nothing else) is measured in the same run, for
scale. Prints medians.

    python bench/bench_ui.py                 # defaults: 3 runs, 100 steps per frame
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
CHARTS = ("network", "boundary", "loss")
SPEEDS = [1, 2, 5, 10, 20, 30, 50, 100, 200]  # the speed control's stops (pages/playground.py)

# Watches the first metric (Step) and every chart's drawn SVG (images, line paths); a
# chart counts as updated when that content differs from the previous animation frame's.
INSTRUMENT_JS = r"""
() => {
  if (window.__bench) return;
  const B = window.__bench = {metric: [], charts: {}, last: {}, lastMetric: null};
  B.metricText = () => {
    const el = document.querySelector('[data-testid="stMetricValue"]');
    return el ? el.textContent.trim() : null;
  };
  B.sigs = () => {
    const out = {};
    for (const gd of document.querySelectorAll('.js-plotly-plot')) {
      const kind = gd.layout && gd.layout.meta;
      if (!kind || !gd.querySelector('.main-svg')) continue;
      let s = '';
      for (const im of gd.querySelectorAll('image')) s += (im.getAttribute('href') || '').length
          + (im.getAttribute('href') || '').slice(-64) + '|';
      for (const p of gd.querySelectorAll('path.js-line')) s += (p.getAttribute('d') || '')
          + (p.getAttribute('style') || '') + '|';
      out[kind] = s;
    }
    return out;
  };
  B.state = () => document.querySelector('[data-testid="stApp"]')
      ?.getAttribute('data-test-script-state');
  new MutationObserver(() => {
    const v = B.metricText();
    if (v !== null && v !== B.lastMetric) { B.lastMetric = v; B.metric.push(performance.now()); }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
  const tick = () => {
    const s = B.sigs(), t = performance.now();
    for (const k in s) if (s[k] !== B.last[k]) {
      B.last[k] = s[k]; (B.charts[k] = B.charts[k] || []).push(t);
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
"""

SNAPSHOT_JS = """() => ({t: performance.now(), m: window.__bench.metric.length,
  v: window.__bench.metricText(),
  c: Object.fromEntries(Object.entries(window.__bench.charts).map(([k, a]) => [k, a.length]))})"""

CLICK_JS = r"""
async ([label, nCharts, timeoutMs]) => {
  const B = window.__bench, raf = () => new Promise(r => requestAnimationFrame(r));
  const btn = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === label);
  if (!btn) return {err: 'no button ' + label};
  const prevV = B.metricText(), prevS = B.sigs(), t0 = performance.now();
  btn.click();
  let tv = null, tc = null;
  while (performance.now() - t0 < timeoutMs) {
    await raf();
    const v = B.metricText(), s = B.sigs();
    if (tv === null && v !== prevV) tv = performance.now() - t0;
    const changed = Object.keys(s).filter(k => s[k] !== prevS[k]).length;
    if (tc === null && changed >= nCharts) tc = performance.now() - t0;
    if (tv !== null && tc !== null && B.state() === 'notRunning') {
      await raf(); await raf();
      return {ms: performance.now() - t0};
    }
  }
  return {err: 'timeout', tv, tc, state: B.state()};
}
"""

BARE_APP = '''
import streamlit as st
st.session_state.setdefault("n", 0)
@st.fragment(run_every=0.001)
def counter():
    st.session_state.n += 1
    st.metric("Step", st.session_state.n)
counter()
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(script: Path, port: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless=true",
           f"--server.port={port}", "--server.address=127.0.0.1",
           "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
           "--runner.postScriptGC=false"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.read() == b"ok":
                    return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"streamlit did not start for {script}")


def wait_idle(page, timeout: float = 30000) -> None:
    page.wait_for_timeout(150)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                           timeout=timeout)


def to_int(text) -> int | None:
    try:
        return int(str(text).replace(",", ""))
    except ValueError:
        return None


def rates(page, seconds: float) -> dict:
    s0 = page.evaluate(SNAPSHOT_JS)
    page.wait_for_timeout(seconds * 1000)
    s1 = page.evaluate(SNAPSHOT_JS)
    dt = (s1["t"] - s0["t"]) / 1000
    v0, v1 = to_int(s0["v"]), to_int(s1["v"])
    return {
        "metric_ups": (s1["m"] - s0["m"]) / dt,
        "steps_per_s": (v1 - v0) / dt if v0 is not None and v1 is not None else 0.0,
        "charts": {k: (s1["c"].get(k, 0) - s0["c"].get(k, 0)) / dt for k in CHARTS},
    }


def set_speed(page, spf: int) -> None:
    """Move the speed select-slider to ``spf`` with the keyboard (one stop per key)."""
    slider = (page.locator("[data-testid='stSlider']", has_text="Speed")
              .get_by_role("slider"))
    slider.focus()
    slider.press("Home")
    for _ in range(SPEEDS.index(spf)):
        slider.press("ArrowRight")
    wait_idle(page)


def playground_run(browser, url: str, args) -> dict:
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url)
    wait_idle(page)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg')"
                           ".length >= 3", timeout=60000)
    page.evaluate(INSTRUMENT_JS)
    set_speed(page, args.spf)
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_timeout(args.warmup * 1000)
    play = rates(page, args.play_secs)
    page.get_by_role("button", name="Pause", exact=True).click()
    wait_idle(page)
    page.wait_for_timeout(800)
    wait_idle(page)
    latencies, failures = [], 0
    for _ in range(args.clicks):
        result = page.evaluate(CLICK_JS, ["Step", len(CHARTS), 5000])
        if "err" in result:
            failures += 1
        else:
            latencies.append(result["ms"])
        page.wait_for_timeout(250)
        wait_idle(page)
    page.close()
    return {**play, "step_ms": latencies, "failures": failures, "errors": errors}


def bare_run(browser, url: str, seconds: float) -> float:
    page = browser.new_page()
    page.goto(url)
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=60000)
    page.evaluate(INSTRUMENT_JS)
    page.wait_for_timeout(1000)
    rate = rates(page, seconds)["metric_ups"]
    page.close()
    return rate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--spf", type=int, default=100, choices=SPEEDS)
    ap.add_argument("--play-secs", type=float, default=6.0)
    ap.add_argument("--warmup", type=float, default=1.5)
    ap.add_argument("--clicks", type=int, default=15)
    args = ap.parse_args()

    app_port, bare_port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare_fragment.py"
        bare.write_text(BARE_APP)
        servers = [start_server(ROOT / "app.py", app_port), start_server(bare, bare_port)]
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                            args=CHROMIUM_ARGS)
                runs = [playground_run(browser, f"http://127.0.0.1:{app_port}/", args)
                        for _ in range(args.runs)]
                bare_rate = bare_run(browser, f"http://127.0.0.1:{bare_port}/", 4.0)
                browser.close()
        finally:
            for s in servers:
                s.terminate()

    med = statistics.median
    display = med([min(r["charts"].values()) for r in runs])
    steps = [x for r in runs for x in r["step_ms"]]
    print(f"Playground in headless Chromium: circle, 2 hidden layers x 4, "
          f"{args.spf} steps per frame, median of {args.runs} sessions")
    for r in runs:
        charts = ", ".join(f"{k} {v:.1f}/s" for k, v in r["charts"].items())
        print(f"  session: charts {charts}; {r['steps_per_s']:.0f} weight updates/s; "
              f"Step median {med(r['step_ms']) if r['step_ms'] else float('nan'):.0f} ms")
    print(f"Play: display updates/s (slowest chart)  {display:6.1f}   (target >= 12)")
    print(f"Play: weight updates/s                   {med([r['steps_per_s'] for r in runs]):6.0f}"
          f"   (target >= 1200)")
    print(f"Step click -> all charts redrawn, median {med(steps) if steps else float('nan'):6.0f}"
          f" ms (target <= 150), p90 {sorted(steps)[int(0.9 * (len(steps) - 1))]:.0f} ms"
          if steps else "Step: no successful click")
    print(f"Bare fragment (counter only), same run   {bare_rate:6.1f} runs/s (for scale)")
    failures = sum(r["failures"] for r in runs)
    errors = sorted({e for r in runs for e in r["errors"]})
    print(f"Step clicks that timed out: {failures}; console errors: {errors or 'none'}")


if __name__ == "__main__":
    main()
