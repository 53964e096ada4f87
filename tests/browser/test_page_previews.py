"""Issue 19: on every inspection page a click on Step shows the step it leads to in the
click's own task (ui/page_previews.py: the blocks after the next Step, computed ahead),
and the rerun that then runs the step changes none of those blocks (it brings the same
numbers and figures), at the defaults and on the 6×8 network."""

from __future__ import annotations

import pytest

from .helpers import format_errors, go_to_page, open_app, wait_for_idle, wait_for_render

pytestmark = pytest.mark.browser

PAGES = ("Gradients", "Step-through", "Hidden space", "Loss surface", "Lesson")

# The click, and what the page shows right after it in the same task; the blocks' own
# mutations from then on are counted in window.__late (the preview's are taken first).
CLICK_JS = r"""
() => {
  const blocks = (n) => n.nodeType === 1 ? n : n.parentElement;
  const inBlock = (r) => { const e = blocks(r.target);
                           return !!(e && e.closest('.bp-panel, .bp-figure')); };
  const step = () => {
    const m = document.querySelector(".bp-panel-metric-value[data-label='Step']");
    if (m) return Number(m.textContent.replace(/,/g, ''));
    const title = document.querySelector('.bp-figure .gtitle');
    const epoch = [...document.querySelectorAll('.bp-panel-md')]
      .map(e => /^Epoch (\d+)/.exec(e.textContent)).find(Boolean);
    if (epoch) return Number(epoch[1]);
    return title ? Number(/step (\d+)/.exec(title.textContent)[1]) : null;
  };
  const before = step();
  window.__late = [];
  const obs = new MutationObserver((rs) => {
    for (const r of rs) if (inBlock(r)) window.__late.push(
      (blocks(r.target).className || '') + ' ' + r.type + ' ' + (r.attributeName || ''));
  });
  obs.observe(document.body, {subtree: true, childList: true, attributes: true,
                              characterData: true});
  document.querySelector('.bp-bar-step').click();
  const preview = obs.takeRecords().filter(inBlock).length;  // the preview's own changes
  window.__lateObserver = obs;
  return {before, after: step(), preview};
}
"""


@pytest.mark.parametrize("query", ["", "?ds=spiral&n=500&h=8,8,8,8,8,8"],
                         ids=["defaults", "6x8"])
def test_a_step_shows_at_once_and_its_rerun_changes_nothing(page, app_server, query):
    open_app(page, app_server + query, charts=3)
    page.locator(".bp-bar-step").first.click()  # past step 0: the charts of a finished
    wait_for_idle(page)                          # step (ΔW, norms) exist from then on
    wait_for_render(page)
    for title in PAGES:
        go_to_page(page, title)
        for k in range(3):
            page.wait_for_timeout(300)
            shown = page.evaluate(CLICK_JS)
            assert shown["before"] is not None, title
            assert shown["after"] == shown["before"] + 1, (title, k, shown)
            assert shown["preview"] > 0, (title, k)
            page.wait_for_timeout(200)
            wait_for_idle(page)
            wait_for_render(page)
            page.wait_for_timeout(300)
            late = page.evaluate("() => { window.__lateObserver.disconnect();"
                                 " return window.__late; }")
            assert late == [], (title, k, late[:10])
    assert not page.console_errors, format_errors(page.console_errors)
