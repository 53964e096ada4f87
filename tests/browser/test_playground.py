"""End to end in headless Chromium: phases, Step, Play/Pause on the real page."""

from __future__ import annotations

import pytest

from .helpers import format_errors, metric_value, open_app, wait_for_idle, wait_for_render

pytestmark = pytest.mark.browser


def step_value(page) -> int:
    """The value of the metric labelled Step."""
    return int(metric_value(page, "Step").replace(",", ""))


def click(page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).click()
    wait_for_idle(page)
    wait_for_render(page)


def test_phases_step_play_pause(page, app_server, artifacts_dir):
    open_app(page, app_server, charts=3)
    assert step_value(page) == 0
    assert page.get_by_role("button", name="Backward", exact=True).is_disabled()

    click(page, "Forward")
    assert page.get_by_text("Next: Backward").count() or page.get_by_text(
        "Forward computed").count()
    assert page.get_by_role("button", name="Forward", exact=True).is_disabled()
    click(page, "Backward")
    assert page.get_by_text("Backward computed").count() == 1
    click(page, "Update")
    assert step_value(page) == 1
    heatmap = "() => document.querySelector('.bp-cell-boundary canvas.bp-under').toDataURL()"
    before = page.evaluate(heatmap)
    click(page, "Step")
    assert step_value(page) == 2
    page.wait_for_function(f"b => ({heatmap})() !== b", arg=before, timeout=10000)

    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_timeout(2000)
    during = step_value(page)
    assert during > 2, "the Step count did not rise while playing"
    page.get_by_role("button", name="Pause", exact=True).click()
    # The rerun that Pause starts has finished once the button says Play again.
    page.get_by_role("button", name="Play", exact=True).wait_for(timeout=15000)
    wait_for_idle(page)
    wait_for_render(page)
    paused = step_value(page)
    page.wait_for_timeout(700)
    assert step_value(page) == paused >= during, "training went on after Pause"
    assert page.locator(".bp-chart.js-plotly-plot").count() == 3  # mounted once, drawn
    page.screenshot(path=str(artifacts_dir / "playground.png"), full_page=True)

    assert page.locator("[data-testid='stException']").count() == 0
    assert page.console_errors == [], format_errors(page.console_errors)
    assert page.external_requests == [], format_errors(page.external_requests)
