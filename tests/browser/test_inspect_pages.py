"""End to end: step on the Playground, inspect the same step on the Step-through page."""

from __future__ import annotations

import pytest

from backprop_core.analyses.explain import param_name

from .helpers import format_errors, go_to_page, open_app, open_link, wait_for_idle
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
    assert f"{param_name(layer, i, j)}: w = " in tooltip
    # Each number says which step it belongs to: after Backward the gradient is the step in
    # progress's, the update the last finished step's.
    assert "∂C/∂w" in tooltip and "(step 3's batch, not applied yet)" in tooltip
    assert "Δw" in tooltip and "(step 2's update)" in tooltip
    page.mouse.click(point["x"], point["y"])
    wait_for_idle(page)
    page.get_by_text(f"Selected for Step-through: {param_name(layer, i, j)}").wait_for(
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


# Every formula on the page wider than the box it is shown in (KaTeX's display box scrolls:
# what is past its right edge is cut off). A pixel or two is KaTeX's own rounding.
CUT_FORMULAS = """() => [...document.querySelectorAll('.katex-display')].map((d) => {
  const k = d.querySelector('.katex');
  return {text: k.textContent.slice(0, 50), width: k.scrollWidth, box: d.clientWidth};
}).filter((m) => m.width > m.box + 3)"""
# Bounding boxes of the walk diagram's bias labels and layer titles that overlap.
OVERLAPPING_LABELS = """() => {
  const gd = document.querySelector('.st-key-walk_net .js-plotly-plot');
  const boxes = [...gd.querySelectorAll('.textpoint text, .annotation-text')]
    .map((t) => t.getBoundingClientRect()).filter((r) => r.width > 0);
  const hits = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
    if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 &&
        b.top < a.bottom - 1) hits.push([i, Math.round(a.left), Math.round(a.top)]);
  }));
  return {labels: boxes.length, hits: hits.length,
          width: Math.round(gd.getBoundingClientRect().width)};
}"""
SIX_BY_EIGHT = "ds=spiral&h=8,8,8,8,8,8&act=" + ",".join(["tanh"] * 6)


@pytest.mark.parametrize("net", ["default", "6x8"])
@pytest.mark.parametrize("size", [(1024, 768), (1280, 720)])
def test_step_through_formulas_fit_and_the_walk_diagram_is_readable(
        browser, app_server, artifacts_dir, size, net):
    """At 1280x720 ∂C/∂y was 969 px wide in an 820 px box, its result cut off; with a 6×8
    network the walk's diagram was ~330 px wide, its labels on top of each other."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        query = "?step=3" if net == "default" else f"?{SIX_BY_EIGHT}&reg=l2&rate=0.001&step=3"
        open_link(page, f"{app_server}/{query}", 3)
        go_to_page(page, "Step-through")
        page.get_by_text("Where ∂C/∂y_j comes from").wait_for()
        assert page.locator(".katex-display").count() >= 3
        name = f"step_through_{net}_{size[0]}x{size[1]}"
        page.locator(".katex-display").first.screenshot(path=str(
            artifacts_dir / f"{name}_chain_rule.png"))
        page.locator(".katex-display").nth(1).screenshot(path=str(
            artifacts_dir / f"{name}_dC_dy.png"))
        assert page.evaluate(CUT_FORMULAS) == []
        diagram = page.locator(".st-key-walk_net")
        diagram.screenshot(path=str(artifacts_dir / f"{name}_walk.png"))
        seen = page.evaluate(OVERLAPPING_LABELS)
        assert seen["hits"] == 0, seen
        if net == "6x8":
            assert seen["labels"] >= 49 and seen["width"] >= 0.9 * page.locator(
                "[data-testid='stMainBlockContainer']").evaluate("e => e.clientWidth") - 120
        assert page.locator("[data-testid='stException']").count() == 0
        assert errors == []
    finally:
        context.close()
