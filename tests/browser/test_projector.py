"""End to end at projector resolutions: no button, metric or widget label is cut short,
in normal and presenter view; the screenshots are kept as artifacts to look at."""

from __future__ import annotations

import pytest

from .helpers import format_errors, open_app, wait_for_idle, wait_for_render

pytestmark = pytest.mark.browser

# Elements whose text must fit: a truncated one has more content than room.
CUT_JS = """() => [...document.querySelectorAll(
        "button, button *, .bp-metric-label, .bp-metric-value, .bp-play, " +
        "[data-testid='stWidgetLabel'] p, [data-testid='stMetricLabel'] *, " +
        "[data-testid='stMetricValue'] *")]
    .filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1)
    .map(e => `${(e.textContent || '').trim().slice(0, 40)} (${e.scrollWidth}>${e.clientWidth})`)
"""


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
        page.locator("[data-testid='stSidebarNavLink']", has_text="Step-through").click()
        wait_for_idle(page)
        wait_for_render(page)
        page.screenshot(path=str(artifacts_dir / f"step-through-{name}.png"), full_page=True)
        assert page.evaluate(CUT_JS) == [], f"Step-through {name}"
        assert errors == [], format_errors(errors)
    finally:
        context.close()
