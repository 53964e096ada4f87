"""End to end: the debugging views in the real app. Optimizer state beside ∂C/∂W and
distributions over time on Gradients, one sample's computation graph on Step-through."""

from __future__ import annotations

import pytest

from .helpers import format_errors, go_to_page, metric_value, open_app, wait_for_idle
from .test_playground import click
from .test_share_draw import select

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


def chart(page, title: str) -> dict:
    found = page.evaluate(CHART_JS, title)
    assert found is not None and found["drawn"], f"no drawn chart titled {title!r}"
    return found


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
    page.screenshot(path=str(artifacts_dir / "debug_gradients_momentum.png"), full_page=True)
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
    applied = chart(page, "ΔW its update applied")["traces"][0]["z"]
    for row_s, row_u in zip(step, applied, strict=True):
        for s, u in zip(row_s, row_u, strict=True):
            assert abs(s + u) <= 1e-12 * abs(u)  # the last update was minus the step

    page.get_by_text("Show distributions over time").click()
    wait_for_idle(page)
    page.get_by_text("gradients ∂C/∂W", exact=True).click()
    wait_for_idle(page)
    dist = chart(page, "Distribution of the gradients")
    assert len(dist["traces"]) == 9 * 3 and all(t["n"] == 6 for t in dist["traces"])
    assert page.get_by_text("Steps 1–6 (every step, 6 recorded").count() == 1
    page.get_by_text("Distributions over time", exact=True).scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "debug_gradients_adam.png"), full_page=True)

    go_to_page(page, "Step-through")
    graph = chart(page, "Computation graph of one sample")
    n_nodes = sum(len(t["y"] or []) for t in graph["traces"]
                  if t["name"] in ("not reached yet", "value"))
    assert n_nodes == 2 + (8 + 8 + 4 + 4 + 4) + (16 + 16 + 4 + 4 + 4) + (4 + 4 + 1 + 1 + 1) + 1
    for _ in range(3):
        click(page, "Next node")
    assert page.get_by_label("Node (walk order)").input_value().startswith("4/")
    assert metric_value(page, "value")
    click(page, "The selected weight")
    assert "backward" in page.get_by_label("Node (walk order)").input_value()
    assert "gradient" in chart(page, "Computation graph")["traces"][3]["name"]
    assert page.locator(".katex").count() >= 3
    page.get_by_text("One sample as a computation graph").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "debug_step_through_graph.png"), full_page=True)
    no_errors(page)
