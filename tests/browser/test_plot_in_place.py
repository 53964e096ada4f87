"""The pages' charts (ui/plot.js) in Chromium: a Step redraws each chart in place (the same
element and the same Plotly SVG, the new data), and a click on a cell of W or ∂C/∂W still
chooses that weight."""

from __future__ import annotations

import pytest

from .helpers import format_errors, go_to_page, open_app, wait_for_idle, wait_for_render
from .test_playground import step_value

pytestmark = pytest.mark.browser

# Marks each chart's element and its SVG, and keeps what it held.
MARK_JS = """() => [...document.querySelectorAll('.bp-figure')].map((gd, i) => {
    gd.__bpMark = i;
    gd.querySelector('.main-svg').__bpMark = i;
    gd.__bpData = gd.data;
    return i;
})"""
# Each marked chart now: the same element and SVG, and the data of the figure it was sent
# last (as the page received it), not the data it held.
CHECK_JS = """() => {
  const TYPES = {f8: Float64Array, f4: Float32Array, i1: Int8Array, i2: Int16Array,
                 i4: Int32Array, u1: Uint8Array, u2: Uint16Array, u4: Uint32Array};
  const norm = (v) => {  // a typed array spec (as sent) or a typed array (as Plotly keeps it)
    if (v && v.bdata) {
      const bytes = Uint8Array.from(atob(v.bdata), (c) => c.charCodeAt(0));
      return Array.from(new TYPES[v.dtype](bytes.buffer));
    }
    if (ArrayBuffer.isView(v)) return Array.from(v);
    return Array.isArray(v) ? v.map(norm) : v ?? null;
  };
  const arrays = (data) => JSON.stringify(data.map((t) => [norm(t.x), norm(t.y), norm(t.z)]));
  return [...document.querySelectorAll('.bp-figure')]
    .filter((gd) => gd.__bpMark !== undefined).map((gd) => {
      const key = [...gd.parentElement.closest('[class*="st-key-"]').classList]
          .find((c) => c.startsWith('st-key-')).slice(7);
      const sent = JSON.parse(window.__bpFigures.get(key).text).figure;
      return {key, svg: gd.querySelector('.main-svg').__bpMark === gd.__bpMark,
              connected: gd.isConnected, replaced: gd.data !== gd.__bpData,
              same: arrays(gd.data) === arrays(sent.data),
              title: (gd.layout.title && gd.layout.title.text) || ''};
    });
}"""


def step(page) -> None:
    page.locator(".bp-bar-step").first.click()
    wait_for_idle(page)
    wait_for_render(page)


@pytest.mark.parametrize("title", ["Gradients", "Hidden space"])
def test_a_step_redraws_each_chart_in_place(page, app_server, title):
    open_app(page, app_server, charts=3)
    go_to_page(page, title)
    step(page)
    before = step_value(page)
    marked = page.evaluate(MARK_JS)
    assert marked
    step(page)
    assert step_value(page) == before + 1
    if title == "Gradients":  # the ΔW chart names the step it shows
        page.wait_for_function(
            "n => [...document.querySelectorAll('.bp-figure')].some((gd) =>"
            " (gd.layout.title.text || '').includes('(step ' + n + ')'))", arg=before + 1)
    page.wait_for_timeout(300)  # Plotly.react is asynchronous
    charts = page.evaluate(CHECK_JS)
    assert len(charts) == len(marked)
    for c in charts:
        assert c["svg"] and c["connected"] and c["same"], c  # the same nodes, new data
    assert any(c["replaced"] for c in charts)  # a Step changes the weights' charts
    assert page.console_errors == [], format_errors(page.console_errors)


def click_cell(page, key: str, row: float, col: float, rows: int, cols: int) -> None:
    box = page.locator(f".st-key-{key} .nsewdrag").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * (col + 0.5) / cols,
                     box["y"] + box["height"] * (row + 0.5) / rows)
    wait_for_idle(page)


def test_clicking_cells_of_w_and_its_gradient_chooses_each_weight(page, app_server):
    open_app(page, app_server, charts=3)
    go_to_page(page, "Gradients")
    page.locator(".st-key-hm_w .main-svg").first.wait_for(timeout=30000)
    page.get_by_text("Edit a weight by hand").click()
    heading = page.locator("[data-testid='stExpanderDetails'] strong")
    # Layer 1's W and ∂C/∂W: 2 rows (x₁, x₂) × 4 columns.
    for key, row, col in (("hm_w", 1, 2), ("hm_g", 0, 3), ("hm_w", 1, 2)):
        click_cell(page, key, row, col, 2, 4)
        heading.filter(has_text=f"w{'₀₁'[row]},{'₀₁₂₃'[col]} of layer 1").wait_for(
            timeout=15000)
    step(page)  # the chosen weight stays chosen through a Step
    heading.filter(has_text="w₁,₂ of layer 1").wait_for(timeout=15000)
    assert page.console_errors == [], format_errors(page.console_errors)
