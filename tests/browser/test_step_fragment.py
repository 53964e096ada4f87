"""Issue 19: on every page with a stepping bar but the Playground's, a Step reruns only the
page's fragment (the bar and what a Step changes): the websocket then carries no navigation
and no sidebar, which a whole-page run sends, yet the page shows the new step."""

from __future__ import annotations

import re

import pytest

from .helpers import (
    format_errors,
    go_to_page,
    metric_value,
    open_app,
    wait_for_idle,
    wait_for_render,
)

pytestmark = pytest.mark.browser

# page title -> its address (the navigation a whole run sends names every page by it)
PAGES = {"Gradients": "gradients", "Step-through": "step_through",
         "Hidden space": "hidden_space", "Loss surface": "loss_surface", "Lesson": "lesson"}
# Addresses no page's own text or widget keys hold ("gradients" is a word, "lesson" a key)
NAVIGATION = [b"step_through", b"hidden_space", b"loss_surface"]


def shown_step(page, title: str) -> int:
    """The step (the Lesson: the epoch of its own network) the page shows."""
    if title == "Loss surface":  # no metrics row: the chart's title says it
        text = page.locator(".js-plotly-plot .gtitle").first.text_content()
        return int(re.search(r"step (\d+)", text).group(1))
    if title == "Lesson":
        text = page.get_by_text(re.compile(r"^Epoch \d+")).first.text_content()
        return int(re.match(r"Epoch (\d+)", text).group(1))
    return int(metric_value(page, "Step").replace(",", ""))


def test_a_step_reruns_only_the_pages_fragment(page, app_server):
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(
        f if isinstance(f, bytes) else f.encode())))
    open_app(page, app_server, charts=3)
    for title in PAGES:
        start = len(frames)
        go_to_page(page, title)
        # The control: a whole-page run sends the navigation, every page by its address.
        assert all(any(p in f for f in frames[start:]) for p in NAVIGATION), title
        before = shown_step(page, title)
        for k in range(2):
            start = len(frames)
            page.locator(".bp-bar-step").first.click()
            wait_for_idle(page)
            wait_for_render(page)
            page.wait_for_function(
                "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n",
                arg=1)
            assert shown_step(page, title) == before + k + 1, title
            sent = frames[start:]
            assert sent, title  # the fragment's new elements came
            assert not any(p in f for f in sent for p in NAVIGATION), title
    assert not page.console_errors, format_errors(page.console_errors)
