"""The three shipped lessons, played through in Chromium from the Lessons page: every stop
opens on its page, every question takes an answer and shows the engine's beside it; quick
Next clicks each count; a link opens a lesson at a stop. No console error anywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .helpers import (
    PLAYER,
    format_errors,
    go_to_page,
    open_app,
    wait_for_idle,
    wait_for_render,
    where,
)

pytestmark = pytest.mark.browser

LESSONS = Path(__file__).resolve().parents[2] / "lessons"


def answer(page, spec: dict) -> None:
    """Give an answer the way a student does: a choice, a neuron, a number, a point."""
    kind = spec["kind"]
    player = page.locator(PLAYER)
    if kind in ("direction", "diverges"):
        player.locator("[data-testid='stRadio'] [role='radiogroup'] label").first.click()
    elif kind == "largest_gradient":
        player.locator("[data-testid='stSelectbox']", has_text="Your answer").click()
        page.get_by_role("option").first.click()
    elif kind == "gradient":
        box = player.get_by_label("Your answer")
        box.fill("-0.0123")
        box.press("Enter")
    else:
        for label, value in (("x₁ of your point", "1.5"), ("x₂ of your point", "-2")):
            box = player.get_by_label(label)
            box.fill(value)
            box.press("Enter")
            wait_for_idle(page)
    wait_for_idle(page)
    player.get_by_role("button", name="Answer, then run it").click()
    wait_for_idle(page)
    verdict = player.locator("[data-testid='stAlert']")
    verdict.wait_for(timeout=30000)
    assert "You said" in verdict.inner_text() and "The engine" in verdict.inner_text() \
        or "went" in verdict.inner_text(), verdict.inner_text()


@pytest.mark.parametrize("card", [0, 1, 2])
def test_a_shipped_lesson_plays_through(page, app_server, card):
    open_app(page, app_server, timeout=90000)  # a page's own address logs 404s (Streamlit)
    go_to_page(page, "Lessons")
    title = page.locator("h4").nth(card).inner_text()
    (data,) = [json.loads(p.read_text()) for p in LESSONS.glob("*.json")
               if json.loads(p.read_text())["title"] == title]
    page.get_by_role("button", name="Start").nth(card).click()
    wait_for_idle(page)
    wait_for_render(page)
    for k, stop in enumerate(data["stops"]):
        assert where(page) == (k + 1, len(data["stops"]))
        assert stop["title"] in page.locator(PLAYER).inner_text()
        page_title = stop.get("page") or ("Lesson" if stop.get("preset") else "Playground")
        current = page.locator("[data-testid='stSidebarNavLink'][aria-current='page']")
        assert current.inner_text().strip() == page_title
        if "question" in stop:
            answer(page, stop["question"])
        if k + 1 < len(data["stops"]):
            page.locator(PLAYER).get_by_role("button", name="Next").click()
            wait_for_idle(page)
            wait_for_render(page)
    assert page.locator(PLAYER).get_by_role("button", name="Next").is_disabled()
    assert not page.console_errors, format_errors(page.console_errors)
    assert not page.external_requests, page.external_requests


def test_quick_next_clicks_each_count_and_a_link_opens_a_stop(page, app_server):
    open_app(page, app_server + "/?lesson=why_depth&stop=2", timeout=90000)
    assert where(page)[0] == 2
    assert "XOR with no hidden layer" in page.locator(PLAYER).inner_text()
    step = page.locator(".bp-metric-value[data-label='Step']")
    assert step.inner_text() == "300"
    nxt = page.locator(PLAYER).get_by_role("button", name="Next")
    box = nxt.bounding_box()
    for _ in range(3):  # a student clicking on, 50 ms apart
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(50)
    page.wait_for_function("() => /stop 5 of/.test(document.querySelector("
                           f"'{PLAYER}').innerText)", timeout=30000)
    wait_for_idle(page)
    wait_for_render(page)
    assert where(page)[0] == 5
    assert "stop=5" in page.url and "lesson=why_depth" in page.url
    go_to_page(page, "Gradients")  # the player stays above every page
    assert where(page)[0] == 5
    assert not page.console_errors, format_errors(page.console_errors)


def test_a_click_on_the_boundary_chart_is_the_point_asked_for(page, app_server):
    """"Click where the boundary will turn orange": the click on the Playground's boundary
    chart fills in the point, the engine judges it."""
    open_app(page, app_server + "/?lesson=why_depth&stop=1", timeout=90000, charts=3)
    canvas = page.locator(".bp-cell-boundary canvas.bp-under")
    canvas.scroll_into_view_if_needed()
    plot = canvas.bounding_box()
    page.mouse.click(plot["x"] + plot["width"] * 0.3, plot["y"] + plot["height"] * 0.7)
    x1 = page.locator(PLAYER).get_by_label("x₁ of your point")
    page.wait_for_function("(el) => el.value !== ''", arg=x1.element_handle(), timeout=30000)
    x, y = float(x1.input_value()), float(page.locator(PLAYER).get_by_label(
        "x₂ of your point").input_value())
    assert x < 0 < -y  # left of the middle, below it: where the click was
    page.locator(PLAYER).get_by_role("button", name="Answer, then run it").click()
    wait_for_idle(page)
    verdict = page.locator(PLAYER).locator("[data-testid='stAlert']")
    verdict.wait_for(timeout=30000)
    assert f"At your point ({x:.2f}, {y:.2f})" in verdict.inner_text()
    assert page.locator(".bp-metric-value[data-label='Step']").inner_text() == "20"
    assert not page.console_errors, format_errors(page.console_errors)
