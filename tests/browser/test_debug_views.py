"""End to end: the debugging views in the real app. Optimizer state beside ∂C/∂W and
distributions over time on Gradients, one sample's computation graph on Step-through."""

from __future__ import annotations

import pytest

from .helpers import (
    format_errors,
    go_to_page,
    metric_value,
    open_app,
    wait_for_idle,
    wait_for_render,
)
from .test_playground import click

pytestmark = pytest.mark.browser

# A drawn Plotly chart by (part of) its title: its traces' data as the browser holds it.
CHART_JS = """(title) => {
    const gd = [...document.querySelectorAll('.js-plotly-plot')]
        .filter(g => ((g.layout && g.layout.title && g.layout.title.text) || '').includes(title));
    if (gd.length !== 1) return null;
    return {drawn: !!gd[0].querySelector('.main-svg'),
            traces: gd[0].data.map(t => ({name: t.name, z: t.z || null, y: t.y || null,
                                          n: (t.x || []).length}))};
}"""


def select(page, label: str, option: str) -> None:
    """Choose ``option`` in a select box by typing it: a click on the box focuses it but
    does not always open its list in headless Chromium."""
    box = page.get_by_label(label)
    box.click()
    box.press_sequentially(option)
    page.get_by_role("option", name=option, exact=True).wait_for()
    page.keyboard.press("Enter")
    wait_for_idle(page)
    wait_for_render(page)
    assert box.input_value() == option


def chart(page, title: str) -> dict:
    found = page.evaluate(CHART_JS, title)
    assert found is not None and found["drawn"], f"no drawn chart titled {title!r}"
    return found


def shot(page, heading: str, path) -> None:
    """A screenshot of the page scrolled to the section ``heading`` (Streamlit scrolls
    its own container, so a full-page screenshot holds only the first screen)."""
    page.locator("h4", has_text=heading).first.evaluate(
        "e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(400)
    page.screenshot(path=str(path))


def no_errors(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.console_errors == [], format_errors(page.console_errors)
    assert page.external_requests == [], format_errors(page.external_requests)


def test_momentum_state_and_the_next_update_it_predicts(page, app_server, artifacts_dir):
    open_app(page, app_server, charts=3)
    select(page, "Optimizer", "Momentum")
    click(page, "Step")
    click(page, "Step")
    go_to_page(page, "Gradients")
    velocity = chart(page, "velocity v")
    predicted = chart(page, "next update ΔW")["traces"][0]["z"]
    assert velocity["traces"][0]["z"] and predicted
    shot(page, "Optimizer state", artifacts_dir / "debug_gradients_momentum.png")
    click(page, "Step")
    # What the page predicted is, bit for bit, the update the click then applied.
    assert chart(page, "ΔW its update applied")["traces"][0]["z"] == predicted
    no_errors(page)


def test_adam_state_distributions_and_the_computation_graph(page, app_server,
                                                            artifacts_dir):
    open_app(page, app_server, charts=3)
    select(page, "Optimizer", "Adam")
    for _ in range(6):
        click(page, "Step")
    go_to_page(page, "Gradients")
    for title in ("m: first moment", "v: second moment", "bias-corrected step",
                  "next update ΔW"):
        chart(page, title)
    step = chart(page, "bias-corrected step")["traces"][0]["z"]
    upcoming = chart(page, "next update ΔW")["traces"][0]["z"]
    for row_s, row_u in zip(step, upcoming, strict=True):
        for s, u in zip(row_s, row_u, strict=True):
            assert s == -u  # the next update is minus the step, bit for bit

    page.get_by_text("Show distributions over time").click()
    wait_for_idle(page)
    wait_for_render(page)
    page.get_by_text("gradients ∂C/∂W", exact=True).click()
    wait_for_idle(page)
    wait_for_render(page)
    dist = chart(page, "Distribution of the gradients")
    assert len(dist["traces"]) == 9 * 3 and all(t["n"] == 6 for t in dist["traces"])
    assert page.get_by_text("Steps 1–6 (every step, 6 recorded").count() == 1
    shot(page, "Optimizer state", artifacts_dir / "debug_gradients_adam_state.png")
    shot(page, "Distributions over time", artifacts_dir / "debug_gradients_distributions.png")

    go_to_page(page, "Step-through")
    graph = chart(page, "Computation graph of one sample")
    n_nodes = sum(len(t["y"] or []) for t in graph["traces"]
                  if t["name"] in ("not reached yet", "value"))
    assert n_nodes == 2 + (8 + 8 + 4 + 4 + 4) + (16 + 16 + 4 + 4 + 4) + (4 + 4 + 1 + 1 + 1) + 1
    for _ in range(3):
        click(page, "Next node")
    assert page.get_by_label("Node (walk order)").input_value().startswith("forward: ")
    assert page.get_by_text("(node 4 of 172 in this walk)").count() == 1
    assert metric_value(page, "value")
    shot(page, "One sample as a computation graph", artifacts_dir / "debug_graph_forward.png")
    click(page, "The selected weight")
    assert "backward" in page.get_by_label("Node (walk order)").input_value()
    assert "gradient" in chart(page, "Computation graph")["traces"][3]["name"]
    assert page.locator(".katex").count() >= 3
    shot(page, "One sample as a computation graph", artifacts_dir / "debug_graph_backward.png")
    no_errors(page)
