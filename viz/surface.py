"""The loss surface figure: the cost over a plane of parameter space as contours (or a
3-D surface), with optimizer paths projected onto it."""

from __future__ import annotations

import numpy as np

from backprop_core.analyses.paths import ProjectedPath
from backprop_core.analyses.surface import ParamPlane, Surface

# Low cost light, high cost dark: the paths, drawn in strong colours, stay readable on it.
COST_SCALE = [[0.0, "#fbfcfd"], [0.25, "#dfe9f0"], [0.5, "#a9c4d8"], [0.75, "#6a93b5"],
              [1.0, "#2f4f6f"]]
PATH_COLORS = {"training": "#111111", "sgd": "#d62728", "momentum": "#f59322",
               "adam": "#2ca02c"}
PATH_NAMES = {"training": "the run so far", "sgd": "SGD", "momentum": "Momentum",
              "adam": "Adam"}
POINT_COLOR = "#9467bd"
LOG_FLOOR = 1e-300  # log10 of a cost of exactly 0


def _nulls(values: np.ndarray) -> list:
    """A JSON-safe list: NaN and ±inf (a far corner that overflowed) become gaps."""
    arr = np.asarray(values, dtype=float)
    if np.all(np.isfinite(arr)):
        return arr.tolist()
    out = arr.astype(object)
    out[~np.isfinite(arr)] = None
    return out.tolist()


def shown(cost: np.ndarray, log: bool) -> np.ndarray:
    """What the colour and height show: the cost, or log₁₀ of it."""
    if not log:
        return np.asarray(cost, dtype=float)
    with np.errstate(all="ignore"):
        return np.log10(np.maximum(cost, LOG_FLOOR))


def path_label(path: ProjectedPath) -> str:
    name = PATH_NAMES.get(path.name, path.name)
    return f"{name} ({path.note})" if path.note else name


def _path_hover(path: ProjectedPath) -> tuple[list, str]:
    """customdata (m, 3) rows of step, the path's own cost, its distance from the plane."""
    data = np.column_stack([path.steps, path.cost, path.residual])
    template = ("<b>%{fullData.name}</b><br>step %{customdata[0]}<br>"
                "cost there %{customdata[1]:.6g}<br>distance from the plane "
                "%{customdata[2]:.3g}<extra></extra>")
    return _nulls(data), template


def _path_trace(path: ProjectedPath, plane: ParamPlane) -> tuple[dict, str]:
    """What a path's trace has in 2-D and 3-D alike (name, place, hover), and its colour."""
    custom, template = _path_hover(path)
    sx, sy = plane.shift
    return {"name": path_label(path), "x": (path.coords[:, 0] + sx).tolist(),
            "y": (path.coords[:, 1] + sy).tolist(), "customdata": custom,
            "hovertemplate": template}, PATH_COLORS.get(path.name, "#444444")


def contour_traces(surface: Surface, plane: ParamPlane, paths: list[ProjectedPath],
                   points: list[tuple[str, np.ndarray]], log: bool) -> list[dict]:
    sx, sy = plane.shift
    z = shown(surface.cost, log)
    cost_text = [[f"{v:.6g}" for v in row] for row in surface.cost]
    traces = [{
        "type": "contour", "name": "cost", "x": (surface.alphas + sx).tolist(),
        "y": (surface.betas + sy).tolist(), "z": _nulls(z), "text": cost_text,
        "colorscale": COST_SCALE, "ncontours": 30, "line": {"width": 0.5, "color": "#ffffff"},
        "contours": {"coloring": "heatmap"},
        "colorbar": {"title": {"text": "log₁₀ cost" if log else "cost"}, "thickness": 12},
        "hovertemplate": f"{plane.labels[0]} %{{x:.4g}}<br>{plane.labels[1]} %{{y:.4g}}"
                         "<br>cost %{text}<extra></extra>",
    }]
    for path in paths:
        common, color = _path_trace(path, plane)
        traces.append({"type": "scatter", "mode": "lines+markers", **common,
                       "line": {"color": color, "width": 2},
                       "marker": {"size": 3, "color": color}})
        traces.append({  # where it ended: the step it reached
            "type": "scatter", "mode": "markers", "showlegend": False, "hoverinfo": "skip",
            "name": f"{path_label(path)}: end", "x": [float(path.coords[-1, 0] + sx)],
            "y": [float(path.coords[-1, 1] + sy)],
            "marker": {"size": 10, "color": color, "symbol": "x",
                       "line": {"width": 1, "color": "#ffffff"}},
        })
    traces += _point_traces(plane, points, None)
    return traces


def _point_traces(plane: ParamPlane, points: list[tuple[str, np.ndarray]],
                  heights: list[float] | None) -> list[dict]:
    """The plane's own origin ('current weights' unless the plane is through saved points)
    and any saved points, as labelled markers."""
    if not points:
        return []
    sx, sy = plane.shift
    trace = {"type": "scatter3d" if heights is not None else "scatter",
             "mode": "markers+text", "name": "points", "showlegend": False,
             "x": [float(c[0] + sx) for _, c in points], "y": [float(c[1] + sy) for _, c in points],
             "text": [label for label, _ in points], "textposition": "top center",
             "marker": {"size": 6 if heights is not None else 9, "color": POINT_COLOR,
                        "symbol": "circle", "line": {"width": 1, "color": "#ffffff"}},
             "hovertemplate": "%{text}<extra></extra>"}
    if heights is not None:
        trace["z"] = _nulls(np.array(heights))
    return [trace]


def surface_traces(surface: Surface, plane: ParamPlane, paths: list[ProjectedPath],
                   points: list[tuple[str, np.ndarray]], point_heights: list[float],
                   log: bool) -> list[dict]:
    """The same as a 3-D surface; each path rides on it at the cost of its projected point."""
    sx, sy = plane.shift
    traces = [{
        "type": "surface", "name": "cost", "x": (surface.alphas + sx).tolist(),
        "y": (surface.betas + sy).tolist(), "z": _nulls(shown(surface.cost, log)),
        "colorscale": COST_SCALE, "opacity": 0.92,
        "colorbar": {"title": {"text": "log₁₀ cost" if log else "cost"}, "thickness": 12},
        "hovertemplate": f"{plane.labels[0]} %{{x:.4g}}<br>{plane.labels[1]} %{{y:.4g}}"
                         "<br>%{z:.6g}<extra></extra>",
    }]
    for path in paths:
        common, color = _path_trace(path, plane)
        traces.append({"type": "scatter3d", "mode": "lines", **common,
                       "z": _nulls(shown(path.cost_on_plane, log)),
                       "line": {"color": color, "width": 5}})
    traces += _point_traces(plane, points, list(shown(np.array(point_heights), log))
                            if points else None)
    return traces


def surface_figure(surface: Surface, plane: ParamPlane, paths: list[ProjectedPath],
                   points: list[tuple[str, np.ndarray]] = (), point_costs: list[float] = (),
                   kind: str = "contour", log: bool = False, title: str = "",
                   height: int = 600) -> dict:
    """The figure dict. ``points``: (label, plane coords (2,)) markers; ``point_costs``
    their cost (heights in 3-D). ``kind``: "contour" or "surface"."""
    if kind not in ("contour", "surface"):
        raise ValueError(f"kind must be 'contour' or 'surface', got {kind!r}")
    points = list(points)
    x_title, y_title = plane.labels
    layout = {
        "title": {"text": title, "font": {"size": 14}}, "height": height,
        "margin": {"l": 60, "r": 20, "t": 50 if title else 20, "b": 100},
        # Below the x-axis title, in one row: the paths' names and where each stopped.
        "legend": {"orientation": "h", "x": 0, "y": -0.14, "yanchor": "top"},
        "hoverlabel": {"namelength": -1},
    }
    if kind == "contour":
        data = contour_traces(surface, plane, paths, points, log)
        layout["xaxis"] = {"title": {"text": x_title}, "range": _range(surface.alphas,
                                                                        plane.shift[0])}
        layout["yaxis"] = {"title": {"text": y_title}, "range": _range(surface.betas,
                                                                        plane.shift[1])}
    else:
        data = surface_traces(surface, plane, paths, points, list(point_costs), log)
        layout["scene"] = {"xaxis": {"title": {"text": x_title}},
                           "yaxis": {"title": {"text": y_title}},
                           "zaxis": {"title": {"text": "log₁₀ cost" if log else "cost"}},
                           "aspectmode": "manual", "aspectratio": {"x": 1, "y": 1, "z": 0.6}}
        layout["margin"] = {"l": 0, "r": 0, "t": 50 if title else 10, "b": 10}
        layout["legend"] = {"x": 0, "y": 1, "yanchor": "top", "bgcolor": "rgba(255,255,255,0.7)"}
    return {"data": data, "layout": layout}


def _range(values: np.ndarray, shift: float) -> list[float]:
    """The axis over the grid exactly, so a path leaving the grid leaves the picture."""
    return [float(values[0] + shift), float(values[-1] + shift)]
