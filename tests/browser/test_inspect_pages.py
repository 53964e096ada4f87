"""End to end: step on the Playground, inspect the same step on the Step-through page."""

from __future__ import annotations

import pytest

from .helpers import format_errors, go_to_page, open_app, wait_for_idle
from .test_playground import click, step_value

pytestmark = pytest.mark.browser


def test_step_then_step_through_shows_the_same_step(page, app_server, artifacts_dir):
    open_app(page, app_server, charts=3)
    click(page, "Step")
    click(page, "Step")
    click(page, "Forward")
    click(page, "Backward")
    # Select a weight by clicking it in the diagram: the hover points sit a third of the
    # way along each edge; use Plotly's own data to find one on screen.
    point = page.evaluate("""() => {
        const gd = document.querySelector('.bp-network');
        const trace = gd.data.findIndex(t => t.name === 'weights');
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        const box = gd.getBoundingClientRect();
        const i = 5;  // any edge
        return {x: box.left + xa._offset + xa.l2p(gd.data[trace].x[i]),
                y: box.top + ya._offset + ya.l2p(gd.data[trace].y[i]),
                custom: gd.data[trace].customdata[i]};
    }""")
    page.mouse.move(point["x"], point["y"])
    page.wait_for_timeout(300)
    tip = page.locator(".bp-cell-network .bp-tip")
    tip.wait_for(state="visible", timeout=5000)
    tooltip = tip.text_content()
    layer, i, j = point["custom"]
    assert f"layer {layer + 1} weight {i}→{j}" in tooltip
    # Each number says which step it belongs to: after Backward the gradient is the step in
    # progress's, the update the last finished step's.
    assert "∂C/∂w" in tooltip and "(step 3's batch, not applied yet)" in tooltip
    assert "Δw" in tooltip and "(step 2's update)" in tooltip
    page.mouse.click(point["x"], point["y"])
    wait_for_idle(page)
    page.get_by_text(f"Selected for Step-through: layer {layer + 1} weight {i}→{j}").wait_for(
        timeout=10000)

    go_to_page(page, "Step-through")
    page.get_by_text("The chain rule with numbers", exact=False).first.wait_for()
    assert step_value(page) == 2
    assert page.locator(".katex").count() >= 2
    caption = page.get_by_text("minus the engine's gradient").inner_text()
    assert abs(float(caption.rsplit(":", 1)[1])) < 1e-12
    assert page.get_by_label("From neuron k (y_k)").input_value() == f"k = {i}"
    assert page.get_by_label("To neuron j").input_value() == f"j = {j}"
    page.screenshot(path=str(artifacts_dir / "step_through.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.console_errors == [], format_errors(page.console_errors)
    assert page.external_requests == [], format_errors(page.external_requests)
