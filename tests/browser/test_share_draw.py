"""End to end: a share link opened in a fresh browser reproduces the run; session files.
(Drawing and removing points: test_by_hand.py.)"""

from __future__ import annotations

import pytest

from .helpers import (
    format_errors,
    metric_value,
    open_app,
    open_link,
    open_panel,
    wait_for_idle,
    wait_for_render,
)
from .test_playground import click, step_value

pytestmark = pytest.mark.browser


def metric_text(page, label: str) -> str:
    return metric_value(page, label)


# Every weight and bias the live view holds (float64 while paused, straight from the
# engine): what the screen shows, compared bit for bit.
PARAMS_JS = "() => Array.from(document.querySelector('.bp-live').parentElement.__bp.shown.values)"


def select(page, label: str, option: str) -> None:
    page.get_by_label(label).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_idle(page)


def nudge(page, label: str, key: str, times: int = 1) -> None:
    slider = page.locator(f"input[type='range'][aria-label='{label}']")
    for _ in range(times):
        slider.focus()
        slider.press(key)
        wait_for_idle(page)


def test_share_link_in_a_fresh_browser_replays_every_weight(page, browser, app_server,
                                                           artifacts_dir):
    open_app(page, app_server, charts=3)
    for _ in range(3):
        click(page, "Step")
    nudge(page, "Learning rate", "ArrowRight", 2)  # 0.03 -> 0.3, mid-run
    click(page, "Step")
    select(page, "Optimizer", "Momentum")  # another optimizer, mid-run
    click(page, "Epoch")
    select(page, "Regularisation", "L2")
    nudge(page, "Rate", "ArrowRight", 3)  # L2 at rate 0.003, mid-run
    click(page, "Step")
    click(page, "Forward")  # and a link taken mid-step
    step, loss = step_value(page), metric_text(page, "Train loss + L2 penalty")
    weights = page.evaluate(PARAMS_JS)
    open_panel(page, "Share · save · export")
    click(page, "Share link")
    link = page.locator("[data-testid='stCode'] code").first.inner_text().strip()
    assert f"step={step}" in link and "ev=" in link and "ph=1" in link

    fresh = browser.new_context(viewport={"width": 1600, "height": 1000})
    other = fresh.new_page()
    errors = []
    other.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    open_link(other, link, step)
    assert step_value(other) == step
    assert metric_text(other, "Train loss + L2 penalty") == loss
    assert other.evaluate(PARAMS_JS) == weights  # all of them, bit for bit
    assert other.get_by_text("Backward computes").count() == 1  # mid-step, as shared
    other.screenshot(path=str(artifacts_dir / "shared_link.png"), full_page=True)
    fresh.close()
    assert errors == [], format_errors(errors)


def test_save_a_session_file_and_load_it_back(page, app_server, tmp_path):
    open_app(page, app_server, charts=3)
    for _ in range(4):
        click(page, "Step")
    step, loss = step_value(page), metric_text(page, "Train loss")
    open_panel(page, "Share · save · export")
    with page.expect_download(timeout=30000) as download:
        page.get_by_role("button", name="Save session file").click()
    # The name is fixed: the sidebar (where the button is) is not redrawn by a Step in the
    # live area, so a name with a step number would go stale; the content is the run now.
    assert download.value.suggested_filename == "backprop-playground-session.json"
    saved = tmp_path / "session.json"
    download.value.save_as(saved)
    assert saved.stat().st_size > 1000
    click(page, "Reset")
    assert step_value(page) == 0
    uploader = page.locator("[data-testid='stFileUploader']", has_text="Load a session file")
    uploader.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(saved))
    page.get_by_text("Session file loaded").wait_for(timeout=15000)
    wait_for_idle(page)
    wait_for_render(page)
    assert step_value(page) == step and metric_text(page, "Train loss") == loss
    assert page.console_errors == [], format_errors(page.console_errors)
