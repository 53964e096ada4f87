"""Figures for the Gradients page: per-layer matrices and gradient health over time."""

from __future__ import annotations

import numpy as np

from backprop_core.analyses.explain import param_name

from .colors import DEFAULT, Palette
from .curves import log_axis, step_axis

LAYER_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]


def matrix_heatmap(M: np.ndarray, title: str, row_label: str = "from", col_label: str = "to",
                   height: int = 260, layer: int | None = None,
                   palette: Palette = DEFAULT) -> dict:
    """A (rows = from-neuron, columns = to-neuron) matrix, colour symmetric around 0, in
    ``palette``. With ``layer`` (a weight layer), each cell's hover names its weight as
    every page does."""
    top = float(np.max(np.abs(M))) or 1.0
    rows, cols = M.shape
    names = [[param_name(layer, i, j) if layer is not None else f"{row_label} {i} → "
              f"{col_label} {j}" for j in range(cols)] for i in range(rows)]
    return {
        "data": [{
            # Exact values: hovers show 4 significant digits of them, so a vanishing
            # gradient of -3.48e-9 reads as that, not as 0 (rounded to 8 decimals).
            "type": "heatmap", "z": np.asarray(M, dtype=float).tolist(), "zmin": -top,
            "zmax": top,
            "colorscale": palette.diverging_scale, "x": list(range(cols)),
            "y": list(range(rows)),
            "text": names,
            "hovertemplate": "%{text}<br>%{z:.4g}<extra></extra>",
            "colorbar": {"thickness": 10, "tickformat": ".2g"},
        }],
        "layout": {
            "title": {"text": title, "font": {"size": 13}}, "height": height,
            "margin": {"l": 40, "r": 10, "t": 35, "b": 35},
            "xaxis": {"title": {"text": col_label}, "dtick": 1},
            "yaxis": {"title": {"text": row_label}, "dtick": 1, "autorange": "reversed"},
        },
    }


def clickable(fig: dict, row_label: str = "from", col_label: str = "to") -> dict:
    """``matrix_heatmap``'s figure with an invisible marker on every cell: a click on a cell
    selects its marker (Plotly reports no clicks on heatmaps to Streamlit), whose customdata
    is [row, column]. The markers carry the cell's hover text, so there is one tooltip."""
    heat = fig["data"][0]
    z, names = heat["z"], heat["text"]
    rows, cols = len(z), len(z[0])
    cells = [(i, j) for i in range(rows) for j in range(cols)]
    heat["hoverinfo"] = "skip"
    heat.pop("hovertemplate", None)
    fig["data"].append({
        "type": "scatter", "mode": "markers", "x": [j for _, j in cells],
        "y": [i for i, _ in cells], "customdata": [[i, j, z[i][j]] for i, j in cells],
        "text": [names[i][j] for i, j in cells],
        "marker": {"size": 18, "opacity": 0, "color": "#000"}, "showlegend": False,
        "hovertemplate": "%{text}<br>%{customdata[2]:.4g}<br>click to edit<extra></extra>",
        "selected": {"marker": {"opacity": 0}}, "unselected": {"marker": {"opacity": 0}},
    })
    fig["layout"]["clickmode"] = "event+select"
    fig["layout"]["dragmode"] = False
    return fig


def per_layer_lines(steps: list[int], values: list[tuple[float, ...] | None], title: str,
                    y_title: str, height: int = 280) -> dict:
    """One line per layer over the steps; None entries (step 0, or a value not recorded)
    are skipped; log y."""
    points = [(s, v) for s, v in zip(steps, values, strict=True) if v is not None]
    stride = max(1, len(points) // 1500)
    xs = [s for s, _ in points[::stride]]
    mode = "lines+markers" if len(xs) <= 20 else "lines"  # a single step is a point, no line
    traces = []
    for layer in range(len(points[0][1]) if points else 0):
        ys = [max(v[layer], 1e-300) for _, v in points[::stride]]
        traces.append({"type": "scatter", "mode": mode, "x": xs, "y": ys,
                       "name": f"layer {layer + 1}", "marker": {"size": 5},
                       "line": {"color": LAYER_COLORS[layer % len(LAYER_COLORS)]}})
    return {"data": traces, "layout": {
        "title": {"text": title, "font": {"size": 13}}, "height": height,
        "margin": {"l": 55, "r": 10, "t": 35, "b": 70},
        "xaxis": step_axis(xs),
        "yaxis": log_axis([y for t in traces for y in t["y"]], y_title),
        "legend": {"orientation": "h", "y": -0.35},
    }}
