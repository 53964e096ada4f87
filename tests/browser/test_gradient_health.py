"""End to end: the Gradients page's norms over time, as Chromium draws them. A step axis
shows whole steps only (Plotly put ticks at 1.5, 2.5 over a few steps) and a log axis at
least two labelled ticks (one a decade left one, or none, when the values sit inside a
decade); the titles say which norm is drawn, and the two kinds can be switched."""

from __future__ import annotations

import re

import pytest

from .helpers import format_errors, go_to_page, open_app, wait_for_idle, wait_for_render
from .test_debug_views import shot
from .test_playground import click

pytestmark = pytest.mark.browser

TICKS_JS = """(title) => {
    const gd = [...document.querySelectorAll('.js-plotly-plot')]
        .filter(g => ((g.layout && g.layout.title && g.layout.title.text) || '')
                     .startsWith(title));
    if (gd.length !== 1) return null;
    const texts = (sel) => [...gd[0].querySelectorAll(sel)].map(t => t.textContent);
    return {title: gd[0].layout.title.text, x: texts('.xtick text'), y: texts('.ytick text'),
            last: gd[0].data.map(t => t.y[t.y.length - 1])};
}"""


def ticks(page, title: str) -> dict:
    found = page.evaluate(TICKS_JS, title)
    assert found is not None, f"no chart titled {title!r}"
    return found


def check_axes(found: dict) -> None:
    assert found["x"] and all(re.fullmatch(r"\d+", t.replace(",", "")) for t in found["x"]), \
        found["x"]  # whole steps only
    assert len(found["y"]) >= 2, found["y"]  # a log axis with one tick cannot be read


@pytest.mark.parametrize("steps", [3, 20])
def test_norm_charts_have_whole_steps_enough_ticks_and_say_which_norm(page, app_server,
                                                                       artifacts_dir, steps):
    open_app(page, app_server, charts=3)
    for _ in range(steps):
        click(page, "Step")
    go_to_page(page, "Gradients")
    wait_for_render(page)
    grad = ticks(page, "Gradient norm per layer")
    assert grad["title"] == "Gradient norm per layer ‖∂C/∂W‖"
    check_axes(grad)
    check_axes(ticks(page, "Update / weight ratio"))
    if steps == 20:  # the numbers: layer 3, weights alone, then with the biases
        assert f"{grad['last'][2]:.4g}" == "0.1309"
    shot(page, "Gradient health", artifacts_dir / f"gradient_health_{steps}_steps.png")

    page.get_by_text("weights and biases (W, b)").click()
    wait_for_idle(page)
    wait_for_render(page)
    both = ticks(page, "Gradient norm per layer")
    assert both["title"] == "Gradient norm per layer ‖(∂C/∂W, ∂C/∂b)‖"
    check_axes(both)
    ratio = ticks(page, "Update / weight ratio")
    assert ratio["title"] == "Update / weight ratio ‖(ΔW, Δb)‖ / ‖(W, b)‖"
    if steps == 20:
        assert f"{both['last'][2]:.4g}" == "0.2531"
    shot(page, "Gradient health", artifacts_dir / f"gradient_health_{steps}_steps_wb.png")
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.console_errors == [], format_errors(page.console_errors)
