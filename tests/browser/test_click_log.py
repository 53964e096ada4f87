"""End to end: quick real clicks on the stepping bar each take effect once, in order, and
show at once; Undo and Redo walk back and forth over steps and over a replaced run."""

from __future__ import annotations

import numpy as np
import pytest

from .helpers import format_errors, metric_value, open_app, wait_for_idle, wait_for_render

pytestmark = pytest.mark.browser

FAST_MS = 50


def step_value(page) -> int:
    return int(metric_value(page, "Step").replace(",", ""))


def quick(page, *kinds: str) -> None:
    """Real mouse clicks on the bar's buttons, 50 ms apart, then wait for the page."""
    for kind in kinds:
        box = page.locator(f".bp-bar-{kind}").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(FAST_MS)
    page.wait_for_timeout(300)
    wait_for_idle(page, timeout=60000)
    wait_for_render(page)


def weights(page) -> np.ndarray:
    """Every weight and bias on screen (the live view's frame, float64 when paused)."""
    return np.array(page.evaluate(
        "() => Array.from(document.querySelector('.bp-live').parentElement.__bp.shown.values)"))


def test_quick_clicks_each_count_and_undo_redo_walk_the_log(page, app_server, artifacts_dir):
    open_app(page, app_server, charts=3)
    quick(page, "forward", "backward", "update")  # a step phase by phase, as fast
    assert step_value(page) == 1
    quick(page, *["step"] * 10)
    assert step_value(page) == 11
    at11 = weights(page)
    quick(page, *["undo"] * 10)
    assert step_value(page) == 1
    quick(page, *["redo"] * 10)
    assert step_value(page) == 11
    assert np.array_equal(weights(page), at11)  # the very weights, not a re-run's
    assert page.locator(".bp-bar-redo").is_disabled()
    page.screenshot(path=str(artifacts_dir / "click_log_after_redo.png"))

    # A new network replaces the run: Undo brings it back, Redo the new one again.
    layers = page.locator("[data-testid='stNumberInput']", has_text="Hidden layers")
    layers.locator("button[data-testid='stNumberInputStepUp']").click()
    wait_for_idle(page)
    wait_for_render(page)
    assert step_value(page) == 0
    quick(page, "undo")
    assert step_value(page) == 11 and np.array_equal(weights(page), at11)
    quick(page, "redo")
    assert step_value(page) == 0 and len(weights(page)) != len(at11)
    assert page.console_errors == [], format_errors(page.console_errors)


# Everything the Playground shows of the run: the live view's canvases, text and the bar.
SHOWN_JS = """() => ({
    canvases: [...document.querySelectorAll('.bp-live canvas')].map(c => c.toDataURL()),
    view: document.querySelector('.bp-live').innerText,
    bar: document.querySelector('.bp-bar').innerText,
    slider: [document.querySelector('.bp-history-slider').value,
             document.querySelector('.bp-history-slider').max],
    buttons: [...document.querySelectorAll('.bp-bar button')].map(b => b.disabled),
})"""


def test_a_click_shows_at_once_what_its_rerun_then_brings(page, app_server):
    """The page the moment a Step or phase is clicked (the engine's preview) is the page
    once the server has run it: every canvas pixel, text, button and the slider."""
    open_app(page, app_server, charts=3)
    quick(page, "step", "step")
    for kind in ("step", "forward", "backward", "update", "step"):
        at_once = page.evaluate(
            f"() => {{ document.querySelector('.bp-bar-{kind}').click(); return ({SHOWN_JS})(); }}")
        page.wait_for_timeout(300)
        wait_for_idle(page)
        wait_for_render(page)
        page.wait_for_timeout(300)
        settled = page.evaluate(SHOWN_JS)
        for what in at_once:
            assert at_once[what] == settled[what], (kind, what)
    assert step_value(page) == 5
