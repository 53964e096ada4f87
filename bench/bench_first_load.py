"""First load against the floor of the stack it is built on, side by side in one run.

Serves three apps with ``streamlit run`` (same config, same static files) and opens each
in a fresh browser context (nothing cached), round after round in alternating order:

- ours: ``app.py``, from navigation start to every chart of the Playground drawn (its
  three live charts and the Step metric on screen, the script finished);
- Streamlit alone: ``bench/floor_apps/bare.py`` (a sidebar, a select box, a button), to
  all of it on screen and the script finished;
- Streamlit and three charts: ``bench/floor_apps/three_charts.py``, bare.py plus three
  tiny line charts drawn by our chart component with the light Plotly bundle, to every
  chart drawn and the script finished.

The second and third are floors: no app on this stack (Streamlit pages, Plotly charts)
that shows three charts can load faster here. Prints every load, the medians and the
ratios to the floors. The first round warms the servers and is not counted. No timing here
is asserted anywhere.

    python bench/bench_first_load.py [--rounds 6]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CHROMIUM_ARGS, ROOT, free_port, start_server  # noqa: E402

_SCRIPT_DONE = """(() => { const app = document.querySelector('[data-testid="stApp"]');
    return !!app && app.getAttribute('data-test-script-state') === 'notRunning'; })()"""
_CHARTS_DRAWN = """(n, scope) => {
    const p = [...document.querySelectorAll(scope + ' .js-plotly-plot')];
    return p.length >= n && p.every((g) => g.querySelector('.main-svg')); }"""

# name -> (script, JavaScript that is true once the page is drawn)
APPS = {
    "ours": (ROOT / "app.py", f"""() => {_SCRIPT_DONE}
        && !!document.querySelector(".bp-metric-value[data-label='Step']")
        && ({_CHARTS_DRAWN})(3, '.bp-live')"""),
    "Streamlit alone": (ROOT / "bench/floor_apps/bare.py", f"""() => {_SCRIPT_DONE}
        && [...document.querySelectorAll('button')].some((b) => b.innerText === 'Step')
        && !!document.querySelector("[data-testid='stSelectbox']")"""),
    "Streamlit and three charts": (ROOT / "bench/floor_apps/three_charts.py",
                                   f"() => {_SCRIPT_DONE} && ({_CHARTS_DRAWN})(3, '')"),
}


def load_ms(browser, port: int, drawn: str) -> float:
    """Navigation start → ``drawn`` true, in a fresh context (empty cache)."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_function(drawn, timeout=60000, polling=20)
        return page.evaluate("() => performance.now()")
    finally:
        context.close()


def served_from(script: Path, where: Path) -> Path:
    """``script`` as seen from ``where``, beside a link to the app's static files: Streamlit
    serves ``static/`` from beside the main script (``server.enableStaticServing``)."""
    if script.parent == ROOT:
        return script
    if not (where / "static").is_symlink():  # made by whichever app runs first
        (where / "static").symlink_to(ROOT / "static", target_is_directory=True)
    link = where / script.name
    link.symlink_to(script)  # the script resolves its own path to find the repo
    return link


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=6)
    args = ap.parse_args()
    servers = {}
    where = Path(tempfile.mkdtemp(prefix="bench_first_load_"))
    try:
        for name, (script, _) in APPS.items():
            port = free_port()
            servers[name] = (start_server(served_from(script, where), port), port)
        times: dict[str, list[float]] = {name: [] for name in APPS}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                         args=CHROMIUM_ARGS)
            for r in range(args.rounds + 1):
                order = list(APPS) if r % 2 == 0 else list(APPS)[::-1]
                for name in order:
                    ms = load_ms(browser, servers[name][1], APPS[name][1])
                    if r:  # round 0 warms the servers (imports, first script run)
                        times[name].append(ms)
            browser.close()
    finally:
        for proc, _ in servers.values():
            proc.terminate()
    med = {name: statistics.median(v) for name, v in times.items()}
    print(f"First load, navigation start → drawn (fresh context, median of {args.rounds} "
          "alternating rounds, 1600×1000)")
    for name, v in times.items():
        ratio = med["ours"] / med[name]
        print(f"  {name:<28} {med[name]:7.0f} ms   ours / this {ratio:5.2f}x   "
              f"[{', '.join(f'{x:.0f}' for x in v)}]")
    print("  (target: ours ≤ 1,500 ms; the floors are what the stack takes with no app in it)")


if __name__ == "__main__":
    main()
