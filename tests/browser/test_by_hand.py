"""End to end, changes by hand: a weight typed in, a point drawn and removed on the boundary
plot, a learning-rate schedule, Play until a target, and a share link carrying all of them
that replays every weight bit for bit in a fresh browser."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from .helpers import (
    format_errors,
    metric_value,
    open_app,
    open_link,
    open_panel,
    type_weight,
    wait_for_idle,
)
from .test_playground import click, step_value
from .test_share_draw import PARAMS_JS

pytestmark = pytest.mark.browser

POINTS_JS = ("() => { const g = document.querySelector('.bp-boundary');"
             " return g && g.data ? g.data[0].x.length : -1; }")


def select(page, label: str, option: str) -> None:
    """Pick an option of a selectbox (one near the bottom of the sidebar may need a second
    click: the first scrolls it into view)."""
    box = page.get_by_role("combobox", name=label)
    box.scroll_into_view_if_needed()
    box.click()
    item = page.get_by_role("option", name=option, exact=True)
    try:
        item.wait_for(timeout=2000)
    except Exception:  # noqa: BLE001 - the list did not open: open it again
        box.click()
    item.click()
    wait_for_idle(page)


def click_plane(page, fx: float, fy: float) -> None:
    box = page.locator(".bp-boundary .nsewdrag").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)


def wait_points(page, n: int) -> None:
    page.wait_for_function(f"() => ({POINTS_JS})() === {n}", timeout=15000)
    wait_for_idle(page)


def test_type_a_weight_then_undo(page, app_server, artifacts_dir):
    open_app(page, app_server, charts=3)
    for _ in range(2):
        click(page, "Step")
    before, loss = page.evaluate(PARAMS_JS), metric_value(page, "Train loss")
    type_weight(page, "2.5")
    page.wait_for_function(f"() => ({PARAMS_JS})().includes(2.5)", timeout=15000)
    after = page.evaluate(PARAMS_JS)
    assert step_value(page) == 2 and metric_value(page, "Train loss") != loss
    assert sum(a != b for a, b in zip(after, before, strict=True)) >= 1
    assert [a for a, b in zip(after, before, strict=True) if a != b][0] == 2.5
    page.screenshot(path=str(artifacts_dir / "edited_weight.png"), full_page=True)
    click(page, "Undo")
    page.wait_for_function(f"() => !({PARAMS_JS})().includes(2.5)", timeout=15000)
    assert page.evaluate(PARAMS_JS) == before and step_value(page) == 2
    assert page.console_errors == [], format_errors(page.console_errors)


def test_draw_and_remove_points_while_training_goes_on(page, app_server, artifacts_dir):
    open_app(page, app_server, charts=3)
    for _ in range(3):
        click(page, "Step")
    n = page.evaluate(POINTS_JS)
    select(page, "Click the boundary plot to add or remove", "class 1 (blue)")
    click_plane(page, 0.9, 0.1)  # an empty corner
    wait_points(page, n + 1)
    assert step_value(page) == 3  # training goes on: no restart
    click(page, "Step")
    assert step_value(page) == 4
    click_plane(page, 0.9, 0.1)  # on the point just drawn: removes it
    wait_points(page, n)
    page.screenshot(path=str(artifacts_dir / "drawn_removed.png"), full_page=True)
    click(page, "Undo")  # takes the removal back
    wait_points(page, n + 1)
    assert step_value(page) == 4
    assert page.console_errors == [], format_errors(page.console_errors)


def test_link_with_changes_by_hand_replays_every_weight(page, browser, app_server,
                                                       artifacts_dir):
    open_app(page, app_server, charts=3)
    select(page, "Learning-rate schedule", "step decay")
    click(page, "Step")
    type_weight(page, "-1.25")
    page.get_by_role("button", name="Edit a weight").click()
    page.get_by_text("Freeze (gradient shown, never applied)").click()
    wait_for_idle(page)
    page.keyboard.press("Escape")
    select(page, "Click the boundary plot to add or remove", "class 0 (orange)")
    click_plane(page, 0.1, 0.9)
    page.wait_for_timeout(1000)
    wait_for_idle(page)
    for _ in range(3):
        click(page, "Step")
    click(page, "Forward")
    step, weights = step_value(page), page.evaluate(PARAMS_JS)
    assert -1.25 in weights  # frozen: it kept its value through the steps
    assert page.get_by_text("Dashed black: frozen (never updated).").count() == 1
    page.screenshot(path=str(artifacts_dir / "frozen_weight.png"))
    open_panel(page, "Share · save · export")
    click(page, "Share link")
    link = page.locator("[data-testid='stCode'] code").first.inner_text().strip()
    log = unquote(link)
    assert ":ed:" in log and ":fz:" in log and ":pt:" in log and ":sch:name=step" in log

    fresh = browser.new_context(viewport={"width": 1600, "height": 1000})
    other = fresh.new_page()
    errors = []
    other.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    open_link(other, link, step)
    assert other.evaluate(PARAMS_JS) == weights  # every weight, bit for bit
    assert other.evaluate(POINTS_JS) == page.evaluate(POINTS_JS)
    other.screenshot(path=str(artifacts_dir / "by_hand_link.png"), full_page=True)
    fresh.close()
    assert errors == [], format_errors(errors)


def test_play_until_an_epoch_stops_there(page, app_server, artifacts_dir):
    open_app(page, app_server, charts=3)
    page.get_by_role("button", name="Play until…").click()
    select(page, "Stop Play when", "epochs done ≥")
    box = page.get_by_label("Epochs")
    box.fill("2")
    box.press("Enter")
    wait_for_idle(page)
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Play", exact=True).click()
    page.get_by_text("Play stopped at step 26").wait_for(timeout=30000)
    wait_for_idle(page)
    assert step_value(page) == 26  # 125 training points, batches of 10: 13 a epoch
    page.screenshot(path=str(artifacts_dir / "play_until.png"), full_page=True)
    assert page.console_errors == [], format_errors(page.console_errors)


def test_click_a_heatmap_cell_then_edit_it_on_the_gradients_page(page, app_server,
                                                                  artifacts_dir):
    open_app(page, app_server, charts=3)
    click(page, "Step")
    page.locator("[data-testid='stSidebarNavLink']", has_text="Gradients").click()
    wait_for_idle(page)
    page.get_by_text("Per layer", exact=True).wait_for(timeout=30000)
    chart = page.locator(".bp-figure").first
    chart.locator(".main-svg").first.wait_for(timeout=30000)
    box = chart.locator(".nsewdrag").first.bounding_box()
    # Layer 1's W: 2 rows (x₁, x₂) × 4 columns; the cell of row 1, column 2.
    page.mouse.click(box["x"] + box["width"] * 2.5 / 4, box["y"] + box["height"] * 1.5 / 2)
    wait_for_idle(page)
    page.get_by_text("Edit a weight by hand").click()
    # the edit panel's heading (the parameter table spells it the same way)
    page.locator("[data-testid='stExpanderDetails'] strong",
                 has_text="w₁,₂ of layer 1").wait_for(timeout=15000)
    box_value = page.get_by_label("Type a value")
    box_value.fill("0.125")
    box_value.press("Enter")
    wait_for_idle(page)
    page.get_by_text("w₁,₂ of layer 1 = 0.125").wait_for(timeout=15000)
    page.screenshot(path=str(artifacts_dir / "gradients_edit.png"))
    assert page.console_errors == [], format_errors(page.console_errors)
