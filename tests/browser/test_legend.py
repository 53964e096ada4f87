"""End to end: the live view says what its colours and widths mean, greets a first visit
with a note on the diagram, and keeps bias labels readable on a crowded network."""

from __future__ import annotations

import pytest

from .helpers import format_errors, open_app, open_link, wait_for_idle

pytestmark = pytest.mark.browser

NOTE = ".bp-note"
LEGEND = ".bp-legend"

# Pixels of the diagram's canvas under each bias label that are strongly coloured (an edge
# or a thumbnail showing through); the label's own text is dark grey on white.
COLOURED_UNDER_LABELS = """() => {
  const root = document.querySelector('.bp-live');
  const canvas = document.querySelector('.bp-cell-network canvas.bp-under');
  const ctx = canvas.getContext('2d'), dpr = canvas.width / canvas.clientWidth;
  let coloured = 0, total = 0;
  for (const [x, y, w, h] of root.bpLabelBoxes) {
    // Inside the label by a pixel: its anti-aliased rim blends with what is around it.
    const d = ctx.getImageData(Math.ceil(x * dpr) + 1, Math.ceil(y * dpr) + 1,
                               Math.max(1, Math.floor(w * dpr) - 2),
                               Math.max(1, Math.floor(h * dpr) - 2)).data;
    for (let i = 0; i < d.length; i += 4) {
      total++;
      if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) {
        coloured++;
      }
    }
  }
  return {coloured, total, labels: root.bpLabelBoxes.length};
}"""


def test_first_visit_note_and_colour_legend(page, app_server):
    open_app(page, app_server, charts=3)
    note = page.locator(NOTE)
    assert note.is_visible() and "Each box is a neuron" in note.inner_text()
    legend = page.locator(LEGEND).inner_text()
    assert "Lines: weights w: blue +, orange −, thicker = larger." in legend
    assert "Boxes: a neuron's output over the plane (tanh −1…+1, sigmoid 0…1)" in legend
    assert "−1" in legend and "+1" in legend
    bar = page.locator(".bp-scale-bar").evaluate("e => getComputedStyle(e).backgroundImage")
    assert "245, 147, 34" in bar and "8, 119, 189" in bar  # orange to blue, as the charts

    page.get_by_text("gradients ∂C/∂w").click()  # the legend follows what the lines show
    wait_for_idle(page)
    page.locator(LEGEND, has_text="Lines: gradients ∂C/∂w").wait_for(timeout=10000)

    page.locator(".bp-note-close").click()
    assert not note.is_visible()
    page.reload()
    open_app(page, app_server, charts=3)
    assert not page.locator(NOTE).is_visible()  # once per browser, not on every visit
    assert page.console_errors == [], format_errors(page.console_errors)


OVERLAPS = """() => {
  const root = document.querySelector('.bp-live'), hits = [];
  const cross = (a, b) => a[0] < b[0] + b[2] && b[0] < a[0] + a[2] &&
                          a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
  root.bpLabelBoxes.forEach((l, i) => root.bpNodeBoxes.forEach((n, k) => {
    if (cross(l, n)) hits.push([i, k]);
  }));
  return hits;
}"""


def test_bias_labels_stay_readable_on_a_six_by_eight_network(page, app_server):
    tanh = ",".join(["tanh"] * 6)
    # After some steps the biases are numbers like -0.0123: labels wider than the boxes.
    url = f"{app_server}/?ds=spiral&n=500&h=8,8,8,8,8,8&act={tanh}&lr=0.3&step=40"
    open_link(page, url, 40)
    page.wait_for_function("() => document.querySelector('.bp-live').bpLabelBoxes?.length")
    seen = page.evaluate(COLOURED_UNDER_LABELS)
    assert seen["labels"] == 6 * 8 + 1
    assert seen["coloured"] == 0, seen  # edges pass under the labels, never through them
    assert page.evaluate(OVERLAPS) == []  # and no label covers a neuron's picture
    assert page.console_errors == [], format_errors(page.console_errors)


# The boundary's background as the live view paints it: every pixel of its canvas inside
# the plot area, and the points' fill colours as Plotly drew them.
BOUNDARY_COLOURS = """() => {
  const cell = document.querySelector('.bp-cell-boundary');
  const canvas = cell.querySelector('canvas.bp-under'), gd = cell.querySelector('.bp-plot');
  const L = gd._fullLayout, dpr = canvas.width / canvas.clientWidth;
  const x0 = Math.ceil((L.xaxis._offset + 2) * dpr), y0 = Math.ceil((L.yaxis._offset + 2) * dpr);
  const w = Math.floor((L.xaxis._length - 4) * dpr), h = Math.floor((L.yaxis._length - 4) * dpr);
  const d = canvas.getContext('2d').getImageData(x0, y0, w, h).data;
  const seen = new Set();
  for (let i = 0; i < d.length; i += 4 * 7) seen.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
  const fills = new Set([...cell.querySelectorAll('.scatterlayer .point')]
    .map((p) => getComputedStyle(p).fill));
  return {background: [...seen].map((s) => s.split(',').map(Number)),
          fills: [...fills].map((f) => f.match(/\\d+/g).slice(0, 3).map(Number))};
}"""


def test_points_stand_out_on_a_trained_boundary(page, app_server, artifacts_dir):
    """After training, the region under each class is that class's colour: the points
    (full colour, thin outline) must not be painted in the background's own colours."""
    open_link(page, f"{app_server}/?ds=xor&step=1500", 1500)
    seen = page.evaluate(BOUNDARY_COLOURS)
    page.locator(".bp-cell-boundary").screenshot(path=str(artifacts_dir / "boundary_xor.png"))
    fills = {tuple(f) for f in seen["fills"]}
    assert fills == {(245, 147, 34), (8, 119, 189)}, fills  # orange and blue, full colour
    closest = min(sum((a - b) ** 2 for a, b in zip(bg, f, strict=True)) ** 0.5
                  for bg in seen["background"] for f in fills)
    assert closest >= 60, closest  # before: 0 (trained regions were the points' colour)
    legend = page.locator(LEGEND).inner_text()
    assert "Points: in their class's colour, over the paler boundary: ● training, ◆ test." \
        in legend
    assert page.console_errors == [], format_errors(page.console_errors)
