"""End to end: after Undo, the sidebar shows the settings the engine uses again."""

from __future__ import annotations

import pytest

from .helpers import format_errors, open_app, wait_for_idle, wait_for_render
from .test_playground import click

pytestmark = pytest.mark.browser


def lr_slider(page):
    return (page.locator("[data-testid='stSlider']", has_text="Learning rate")
            .locator("input[type='range']"))


def move_lr(page, key: str, times: int) -> None:
    slider = lr_slider(page)
    for _ in range(times):
        slider.focus()
        slider.press(key)
        wait_for_idle(page)


def shown_lr(page) -> str:
    return (page.locator("[data-testid='stSlider']", has_text="Learning rate")
            .locator("[data-testid='stSliderThumbValue']").inner_text())


def test_undo_brings_back_the_settings_in_the_widgets(page, app_server):
    open_app(page, app_server, charts=3)
    for _ in range(3):
        click(page, "Step")
    move_lr(page, "ArrowRight", 3)  # 0.03 -> 0.1 -> 0.3 -> 1.0
    assert shown_lr(page) == "1.0"
    for _ in range(2):
        click(page, "Step")
    move_lr(page, "ArrowLeft", 2)  # 1.0 -> 0.1
    assert shown_lr(page) == "0.1"
    click(page, "Undo")
    click(page, "Undo")  # back to step 3, where lr 1.0 was in effect
    wait_for_render(page)
    assert shown_lr(page) == "1.0"
    click(page, "Forward")
    click(page, "Backward")
    assert page.get_by_text("η = 1 applies").count() == 1
    assert shown_lr(page) == "1.0"
    assert page.console_errors == [], format_errors(page.console_errors)
