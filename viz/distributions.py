"""Distributions over time, TensorBoard style: per layer, nested percentile bands over the
steps (outermost min–max, innermost 30.85–69.15) and the median as a line."""

from __future__ import annotations

import numpy as np

from .curves import step_axis
from .gradients import LAYER_COLORS

PANEL = 150  # height of one layer's panel, px
GAP = 0.04  # between panels, as a fraction of the plot


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _band_traces(steps: list[int], bands: np.ndarray, percentiles, colour: str, axis: str,
                 layer_name: str) -> list[dict]:
    """Bands between percentile i and its mirror n−1−i, outermost first, then the median."""
    n = len(percentiles)
    traces = []
    for i in range(n // 2):
        alpha = 0.12 + 0.16 * i
        lo, hi = bands[:, i].tolist(), bands[:, n - 1 - i].tolist()
        common = {"type": "scatter", "mode": "lines", "x": steps, "xaxis": axis[0],
                  "yaxis": axis[1], "line": {"width": 0, "color": colour},
                  "legendgroup": f"p{i}", "showlegend": False}
        span = f"p{percentiles[i]:g}–p{percentiles[n - 1 - i]:g}"
        traces.append({**common, "y": lo, "name": f"{layer_name} p{percentiles[i]:g}",
                       "hovertemplate": f"step %{{x}}<br>p{percentiles[i]:g}: %{{y:.4g}}"
                                        "<extra></extra>"})
        traces.append({**common, "y": hi, "name": f"{layer_name} {span}", "fill": "tonexty",
                       "fillcolor": _rgba(colour, alpha),
                       "hovertemplate": f"step %{{x}}<br>p{percentiles[n - 1 - i]:g}: "
                                        "%{y:.4g}<extra></extra>"})
    traces.append({"type": "scatter", "mode": "lines", "x": steps, "y": bands[:, n // 2].tolist(),
                   "xaxis": axis[0], "yaxis": axis[1], "name": f"{layer_name} median",
                   "line": {"width": 1.5, "color": colour}, "showlegend": False,
                   "hovertemplate": "step %{x}<br>median: %{y:.4g}<extra></extra>"})
    return traces


def distribution_figure(steps: np.ndarray, values: np.ndarray, percentiles,
                        layer_names: list[str], title: str) -> dict:
    """``values`` (n_steps, n_layers, n_percentiles): one panel per layer, top to bottom,
    sharing the step axis; each panel has its own value axis (layers differ in scale)."""
    n_layers = values.shape[1]
    steps = [int(s) for s in steps]
    data, layout = [], {}
    height = 1.0 / n_layers
    for layer in range(n_layers):
        suffix = "" if layer == 0 else str(layer + 1)
        colour = LAYER_COLORS[layer % len(LAYER_COLORS)]
        data += _band_traces(steps, values[:, layer, :], percentiles, colour,
                             ("x", f"y{suffix}"), layer_names[layer])
        top = 1.0 - layer * height
        layout[f"yaxis{suffix}"] = {
            "domain": [max(top - height + GAP, 0.0), top], "exponentformat": "e",
            "title": {"text": layer_names[layer], "font": {"size": 11}}, "zeroline": True,
            "anchor": "x"}
    layout["xaxis"] = {**step_axis(steps), "anchor": f"y{'' if n_layers == 1 else n_layers}"}
    layout.update({
        "title": {"text": title, "font": {"size": 13}},
        "height": PANEL * n_layers + 90, "hovermode": "closest",
        "margin": {"l": 80, "r": 10, "t": 35, "b": 45},
    })
    return {"data": data, "layout": layout}
