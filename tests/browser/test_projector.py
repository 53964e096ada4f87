"""End to end at projector resolutions: no button, metric or widget label is cut short,
in normal and presenter view; presenting scales the page 1.5×, collapses the sidebar and
gives the charts the screen; the screenshots are kept as artifacts to look at."""

from __future__ import annotations

import pytest

from .helpers import format_errors, go_to_page, open_app

pytestmark = pytest.mark.browser

# Elements whose text must fit: a truncated one has more content than room (not counting
# a collapsed sidebar's, which has no room at all until it is opened).
CUT_JS = """() => [...document.querySelectorAll(
        "button, button *, .bp-metric-label, .bp-metric-value, .bp-play, " +
        "[data-testid='stWidgetLabel'] p, [data-testid='stMetricLabel'] *, " +
        "[data-testid='stMetricValue'] *, [data-testid='stTopNavLink'] *, " +
        ".bp-panel-metric-label, .bp-panel-metric-value")]
    .filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1)
    .filter(e => !(e.closest("[data-testid='stSidebar']")?.getBoundingClientRect().width < 1))
    .map(e => `${(e.textContent || '').trim().slice(0, 40)} (${e.scrollWidth}>${e.clientWidth})`)
"""

# Sizes that say what presenting does: root font (all rem text), a button's and a metric's
# text, the sidebar's width, the live view's charts (height, bottom, an axis label's font).
SIZES_JS = """() => {
  const px = (e) => e ? parseFloat(getComputedStyle(e).fontSize) : null;
  const box = (s) => { const e = document.querySelector(s);
                       return e ? e.getBoundingClientRect() : null; };
  const side = box("[data-testid='stSidebar']");
  const tick = document.querySelector(".bp-boundary .xtick text");
  return { root: px(document.documentElement),
           button: px(document.querySelector("[data-testid='stBaseButton-secondary'] p")),
           metric: px(document.querySelector(".bp-metric-value")),
           prose: px(document.querySelector("[data-testid='stMarkdownContainer'] p")),
           sidebar: side ? side.width : 0,
           network: box(".bp-cell-network").height, width: box(".bp-cell-network").width,
           chartsBottom: box(".bp-charts").bottom, viewport: innerHeight,
           tick: tick ? parseFloat(tick.style.fontSize) : null };
}"""


def _sizes(browser, app_server, width, height, presenter):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    open_app(page, app_server + ("/?present=1" if presenter else "/"), charts=3)
    page.wait_for_timeout(300)  # the live view fits its charts once its numbers are in
    sizes = page.evaluate(SIZES_JS)
    context.close()
    return sizes


@pytest.mark.parametrize("width, height", [(1024, 768), (1280, 720), (1920, 1080)])
@pytest.mark.parametrize("presenter", [False, True])
def test_nothing_is_cut_short(browser, app_server, artifacts_dir, width, height, presenter):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        open_app(page, app_server + ("/?present=1" if presenter else "/"), charts=3)
        name = f"{width}x{height}{'-presenter' if presenter else ''}"
        page.screenshot(path=str(artifacts_dir / f"playground-{name}.png"), full_page=True)
        assert page.evaluate(CUT_JS) == [], name
        for title in ("Gradients", "Step-through", "Lesson", "Hidden space", "Loss surface"):
            go_to_page(page, title)
            shot = f"{title.lower().replace(' ', '-')}-{name}.png"
            page.screenshot(path=str(artifacts_dir / shot), full_page=True)
            assert page.evaluate(CUT_JS) == [], f"{title} {name}"
        assert errors == [], format_errors(errors)
    finally:
        context.close()


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
def test_presenter_view_scales_everything_and_gives_the_charts_the_screen(
        browser, app_server, width, height):
    normal = _sizes(browser, app_server, width, height, presenter=False)
    big = _sizes(browser, app_server, width, height, presenter=True)
    for what in ("root", "button", "metric", "prose", "tick"):
        assert big[what] >= 1.5 * normal[what] - 0.01, (what, normal[what], big[what])
    assert normal["sidebar"] > 200 and big["sidebar"] == 0  # collapsed: its room is the charts'
    assert big["network"] >= normal["network"]
    assert big["width"] > 1.15 * normal["width"]  # the sidebar's room and the margins
    if height >= 1000:  # a 1080p projector: the charts fill the screen, none cut off
        assert big["chartsBottom"] <= big["viewport"] + 1
