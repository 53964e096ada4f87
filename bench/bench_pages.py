"""Inspection pages' speed in headless Chromium: click Step, time until the page has
re-rendered (script finished, every chart drawn, two animation frames), for a 6×8 tanh
network on 250 points. Target: under 300 ms. Run: ``python bench/bench_pages.py``."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CHROMIUM_ARGS, ROOT, free_port, start_server, wait_idle  # noqa: E402

# Every page shows a Step at once (a preview: ui/page_previews.py) and bench_vs_tfp.py
# times each page's Step → page idle against TF Playground; here, the same two pages until
# the rerun after the click has finished too (the server's side of a Step).
PAGES = {"Gradients": "Gradients", "Step-through": "Step-through"}

CLICK_JS = r"""
async (label) => {
  const raf = () => new Promise(r => requestAnimationFrame(r));
  const app = () => document.querySelector('[data-testid="stApp"]');
  const step = () => document.querySelector(".bp-metric-value[data-label='Step'], " +
      ".bp-panel-metric-value[data-label='Step']")?.textContent;
  const btn = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === label);
  const before = step(), t0 = performance.now();
  let ran = false;  // the click's rerun has ended (the preview alone changes the step)
  const watch = new MutationObserver((rs) => {
    if (rs.some(r => r.oldValue === 'running')) ran = true;
  });
  watch.observe(app(), {attributes: true, attributeOldValue: true,
                        attributeFilter: ['data-test-script-state']});
  btn.click();
  while (performance.now() - t0 < 10000) {
    await raf();
    const drawn = [...document.querySelectorAll('.js-plotly-plot')]
        .every(g => g.querySelector('.main-svg'));
    if (step() !== before && ran && drawn
        && !document.querySelector('[data-testid="stSkeleton"]')) {
      watch.disconnect();
      await raf(); await raf();
      return performance.now() - t0;
    }
  }
  watch.disconnect();
  return null;
}
"""


def set_network(page, layers: int, neurons: int) -> None:
    """Hidden layers and neurons through the sidebar's number inputs."""
    page.get_by_label("Hidden layers").fill(str(layers))
    page.get_by_label("Hidden layers").press("Enter")
    wait_idle(page)
    for i in range(1, layers + 1):
        field = page.get_by_label(f"Neurons in layer {i}")
        field.fill(str(neurons))
        field.press("Enter")
        wait_idle(page)


def main(clicks: int = 12) -> None:
    port = free_port()
    server = start_server(ROOT / "app.py", port)
    results = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/")
            wait_idle(page)
            set_network(page, 6, 8)
            for name, link in PAGES.items():
                if link:
                    page.locator("[data-testid='stSidebarNavLink']", has_text=link).click()
                    wait_idle(page)
                page.wait_for_timeout(1500)
                wait_idle(page)
                times = []
                for _ in range(clicks):
                    ms = page.evaluate(CLICK_JS, "Step")
                    if ms is not None:
                        times.append(ms)
                    page.wait_for_timeout(200)
                    wait_idle(page)
                results[name] = times
            browser.close()
    finally:
        server.terminate()
    print("Step click -> page re-rendered, 6x8 tanh network, 250 points (median of "
          f"{clicks} clicks; target < 300 ms)")
    for name, times in results.items():
        med = statistics.median(times) if times else float("nan")
        print(f"  {name:<14} median {med:6.0f} ms   max {max(times, default=float('nan')):6.0f}"
              f" ms   ({len(times)}/{clicks} clicks measured)")


if __name__ == "__main__":
    main()
