"""End to end: Streamlit's toasts (a drawn point, an edit by hand, Reset) never cover the
live view's metrics row, wherever the page is scrolled (issue 17, §5: they did, top right)."""

from __future__ import annotations

import pytest

from .helpers import format_errors, open_app, type_weight, wait_for_idle
from .test_by_hand import click_plane, select

pytestmark = pytest.mark.browser

# Scroll the page so that the metrics row's top is ``y`` px from the viewport's top.
SCROLL_METRICS_TO = """(y) => {
  const m = document.querySelector('.bp-metrics');
  let box = m.parentElement;
  while (box && !(box.scrollHeight > box.clientHeight &&
                  /(auto|scroll)/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
  box.scrollTop += m.getBoundingClientRect().top - y;
  return Math.round(m.getBoundingClientRect().top);
}"""
OVERLAP = """() => {
  const m = document.querySelector('.bp-metrics').getBoundingClientRect();
  return [...document.querySelectorAll("[data-testid='stToast']")].map((t) => {
    const r = t.getBoundingClientRect();
    return {toast: [r.left, r.top, r.right, r.bottom].map(Math.round),
            metrics: [m.left, m.top, m.right, m.bottom].map(Math.round),
            overlap: r.left < m.right && m.left < r.right && r.top < m.bottom && m.top < r.bottom};
  });
}"""


def no_toast_covers_the_metrics(page, viewport_height: int) -> list[dict]:
    """With a toast on screen: scroll the metrics to the top, the middle and the bottom of
    the viewport (and where the toasts sit by default: 60-145 px); none may overlap."""
    page.locator("[data-testid='stToast']").first.wait_for(timeout=15000)
    seen = []
    for y in (70, 100, viewport_height // 2, viewport_height - 150, viewport_height - 70):
        page.evaluate(SCROLL_METRICS_TO, y)
        page.wait_for_timeout(120)  # a frame or two for the view to move them
        boxes = page.evaluate(OVERLAP)
        assert boxes, "the toast went away before it was measured"
        seen.append({"metrics_at": y, "boxes": boxes})
        assert not any(b["overlap"] for b in boxes), seen[-1]
    return seen


@pytest.mark.parametrize("size, presenter", [((1280, 720), False), ((1024, 768), False),
                                            ((1024, 768), True)])
def test_toasts_never_cover_the_metrics(browser, app_server, artifacts_dir, size, presenter):
    """Presenter view under a link's warning (it stays until read) puts the metrics low on
    the screen, where the toasts sit at first: they move to the top then."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    name = f"{size[0]}x{size[1]}" + ("_presenter" if presenter else "")
    try:
        link = f"{app_server}/?present=1&unknown=1"  # "Some link settings were not used"
        open_app(page, link if presenter else app_server, charts=3)
        type_weight(page, "0.5")  # an edit by hand: "Set w… to 0.5 by hand"
        seen = no_toast_covers_the_metrics(page, size[1])
        page.screenshot(path=str(artifacts_dir / f"toast_edit_{name}.png"))
        if presenter:  # the metrics were low: the toast went to the top at least once
            tops = {b["toast"][1] < size[1] // 2 for s in seen for b in s["boxes"]}
            assert tops == {True, False}, seen
            return
        page.locator("[data-testid='stToast']").first.wait_for(state="detached",
                                                                 timeout=15000)
        select(page, "Click the boundary plot to add or remove", "class 1 (blue)")
        page.locator(".bp-boundary").scroll_into_view_if_needed()
        click_plane(page, 0.9, 0.1)  # a drawn point: "Added a point at …"
        wait_for_idle(page)
        no_toast_covers_the_metrics(page, size[1])
        page.screenshot(path=str(artifacts_dir / f"toast_point_{name}.png"))
        assert errors == [], format_errors(errors)
    finally:
        context.close()
