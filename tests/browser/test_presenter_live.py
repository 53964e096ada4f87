"""End to end: presenter view switched on and off in a live session scales everything at
once (text, the stepping bar's buttons, phase text and history slider, the live view's
metrics and legend), loses nothing, needs no reload.
It used to apply half until a reload (legend 12.5 px, metrics 30 px, buttons 16 px; after a
reload 18.7 / 45.6 / 24 px)."""

from __future__ import annotations

import pytest

from .helpers import format_errors, metric_value, open_app, wait_for_idle, wait_for_render
from .test_playground import click

pytestmark = pytest.mark.browser

SIZES_JS = """() => {
    const px = el => el ? parseFloat(getComputedStyle(el).fontSize) : null;
    return {
        metric: px(document.querySelector(".bp-metric-value[data-label='Step']")),
        button: px(document.querySelector(".bp-bar-step")),
        phase_text: px(document.querySelector(".bp-bar-message")),
        history: px(document.querySelector(".bp-history")),
        legend: px(document.querySelector('.bp-chart .legendtext')),
        text: px(document.querySelector("[data-testid='stMarkdownContainer'] p")),
    };
}"""


def sizes(page) -> dict:
    return page.evaluate(SIZES_JS)


def switch_presenter(page) -> None:
    page.locator("[data-testid='stSidebar'] [data-testid='stCheckbox'], "
                 "[data-testid='stSidebar'] label", has_text="Presenter view").first.click()
    wait_for_idle(page)
    page.wait_for_timeout(500)  # the live view redraws at its new size
    wait_for_render(page)


def test_presenter_view_scales_everything_at_once_and_keeps_the_run(page, app_server,
                                                                    artifacts_dir):
    open_app(page, app_server, charts=3)
    for _ in range(3):
        click(page, "Step")
    normal = sizes(page)
    assert all(normal.values()), normal
    switch_presenter(page)
    presenting = sizes(page)
    page.screenshot(path=str(artifacts_dir / "presenter-live-on.png"))
    for what, size in normal.items():
        assert presenting[what] >= 1.4 * size, (what, normal, presenting)
    assert metric_value(page, "Step") == "3"  # nothing lost, no reload
    assert "present=1" in page.url and "step=3" in page.url
    page.locator("[data-testid='stExpandSidebarButton']").click()  # presenting: collapsed
    page.wait_for_timeout(500)
    switch_presenter(page)
    back = sizes(page)
    assert back == normal, (normal, back)
    assert metric_value(page, "Step") == "3"
    assert page.console_errors == [], format_errors(page.console_errors)
