"""The hidden space as Plotly figures: points and grid lines in a plane, already projected.

Coordinates go out as float32 NumPy arrays, which Plotly sends as binary (base64) typed
arrays: a warped grid has ~7,500 points a frame, four times fewer bytes than decimal text,
and no rounding that would show as steps when a layer's values span only 0.001.
"""

from __future__ import annotations

import numpy as np

from .colors import DEFAULT, Palette
from .user_text import chart_text

LINE = {"color": "rgba(70, 70, 70, 0.4)", "width": 1}  # the grid's lines
BORDER = {"color": "rgba(20, 20, 20, 0.85)", "width": 1.6}  # the input box's edge
NAMES = ("x₂ constant", "x₁ constant")


def polylines(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lines (n_lines, n_samples, 2) -> x and y of one trace, a NaN gap between lines."""
    n_lines, n_samples, _ = lines.shape
    xy = np.full((n_lines, n_samples + 1, 2), np.nan, dtype=np.float32)
    xy[:, :n_samples] = lines
    return xy[..., 0].ravel(), xy[..., 1].ravel()


def line_traces(lines: np.ndarray) -> list[dict]:
    """Projected grid lines (2, n_lines, n_samples, 2): the lines of constant x₂, those of
    constant x₁, and the box's border (the outermost lines) drawn darker."""
    traces = []
    for k in range(2):
        x, y = polylines(lines[k])
        traces.append({"type": "scatter", "mode": "lines", "x": x, "y": y, "name": NAMES[k],
                       "line": LINE, "hoverinfo": "skip", "showlegend": False})
    border = np.stack([lines[0, 0], lines[1, -1], lines[0, -1, ::-1], lines[1, 0, ::-1]])
    x, y = polylines(border.reshape(1, -1, 2))
    traces.append({"type": "scatter", "mode": "lines", "x": x, "y": y, "name": "border",
                   "line": BORDER, "hoverinfo": "skip", "showlegend": False})
    return traces


def points_trace(P: np.ndarray, Y: np.ndarray, task: str, name: str = "train",
                 palette: Palette = DEFAULT) -> dict:
    """Points (n, 2) coloured by class as on the Playground (regression: by target).
    Colours go as numbers on a colour scale: Plotly checks a list of colour names one by
    one (~10 ms for 500 points, each redraw)."""
    marker = {"size": 7, "line": {"width": 1.0, "color": "white"}}
    if task == "regression":
        marker.update({"color": np.asarray(Y[:, 0], dtype=np.float32),
                       "colorscale": palette.point_scale, "cmin": -1, "cmax": 1, "showscale": True,
                       "line": {"width": 1.0, "color": "#444"},
                       "colorbar": {"thickness": 10, "len": 0.8, "title": {"text": "target"}}})
    else:  # class indices on a stepless scale of the class colours: a typed array, cheap
        labels = Y.argmax(axis=1) if Y.shape[1] > 1 else (Y[:, 0] > 0.5).astype(int)
        k = max(Y.shape[1], 2)
        colours = palette.class_hex
        marker.update({"color": labels.astype(np.float32), "cmin": 0, "cmax": k - 1,
                       "colorscale": [[m / (k - 1), colours[m % len(colours)]]
                                      for m in range(k)], "showscale": False})
    return {"type": "scattergl" if len(P) > 1500 else "scatter", "mode": "markers",
            "x": P[:, 0].astype(np.float32), "y": P[:, 1].astype(np.float32),
            "customdata": np.arange(len(P), dtype=np.int32), "name": name, "marker": marker,
            "showlegend": False,
            "hovertemplate": f"{name} sample %{{customdata}}<br>(%{{x:.4g}}, %{{y:.4g}})"
                             "<extra></extra>"}


def hidden_figure(points: np.ndarray, Y: np.ndarray, task: str, lines: np.ndarray | None,
                  titles: tuple[str, str], axis_range: tuple[float, float] | None = None,
                  height: int = 420, revision: str = "hidden",
                  palette: Palette = DEFAULT) -> dict:
    """The layer's plane: ``points`` (n, 2) and ``lines`` (2, n_lines, n_samples, 2) already
    projected. ``axis_range``: the same fixed range on both axes (a bounded activation),
    else Plotly fits the data. Equal aspect: distances are the layer's own."""
    traces = (line_traces(lines) if lines is not None else []) + [
        points_trace(points, Y, task, palette=palette)]
    axis = {"showgrid": False, "zeroline": True, "zerolinecolor": "#ddd", "automargin": True}
    fixed = {"range": list(axis_range), "autorange": False} if axis_range else {}
    layout = {
        "height": height, "meta": "hidden", "margin": {"l": 40, "r": 10, "t": 10, "b": 35},
        "xaxis": {**axis, **fixed, "title": {"text": chart_text(titles[0])}, "constrain": "domain"},
        "yaxis": {**axis, **fixed, "title": {"text": chart_text(titles[1])}, "scaleanchor": "x",
                  "scaleratio": 1},
        "plot_bgcolor": "white", "uirevision": revision,
    }
    return {"data": traces, "layout": layout}


def input_figure(plane: dict, grid: np.ndarray | None, X: np.ndarray, Y: np.ndarray,
                 task: str, palette: Palette = DEFAULT) -> dict:
    """The input plane: the layout of a boundary figure (``viz.boundary.boundary_figure``:
    the network's output as an image, axes, box), the grid's lines over it and the points
    (n, 2) on top, drawn as in the hidden figure, with the same hover ("train sample k")
    to find a point in both."""
    lines = line_traces(grid) if grid is not None else []
    return {"data": [*lines, points_trace(X, Y, task, palette=palette)],
            "layout": plane["layout"]}
