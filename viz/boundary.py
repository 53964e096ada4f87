"""The decision boundary: the network's output over the input plane with the data on top."""

from __future__ import annotations

import numpy as np

from .colors import (
    BATCH_HEX,
    CLASS_SYMBOLS,
    DEFAULT,
    POINT_OUTLINE,
    POINT_OUTLINE_WIDTH,
    TEST_SYMBOL,
    Palette,
    class_rgb,
    diverging_rgb,
    faded,
)
from .images import png_data_uri
from .user_text import TITLE_CHARS, chart_text


def output_rgb(output: np.ndarray, task: str, discretize: bool = False,
               palette: Palette = DEFAULT) -> np.ndarray:
    """Grid output (R, R, n_out) -> the background's RGB (R, R, 3), row 0 at the bottom
    (min y): the output's colour ``faded``, so the points on it stand out."""
    if task == "multiclass":
        if discretize:  # the likeliest class, as if certain (faded like the rest)
            return faded(palette.class_rgb[output.argmax(axis=-1)])
        return faded(class_rgb(output, palette))
    v = output[..., 0]
    if task == "binary":
        v = 2.0 * v - 1.0  # probability of class 1 -> [-1, 1]
    if discretize:
        v = np.where(v >= 0, 1.0, -1.0)
    return faded(diverging_rgb(v, palette))


def heatmap_image(output: np.ndarray, extent, task: str, discretize: bool = False,
                  palette: Palette = DEFAULT) -> dict:
    """A Plotly layout image spanning ``extent`` = (xmin, xmax, ymin, ymax)."""
    xmin, xmax, ymin, ymax = extent
    rgb = output_rgb(output, task, discretize, palette)[::-1]  # image row 0 is the top
    return {"source": png_data_uri(rgb), "xref": "x", "yref": "y", "x": xmin, "y": ymax,
            "sizex": xmax - xmin, "sizey": ymax - ymin, "sizing": "stretch",
            "layer": "below"}


def class_labels(Y: np.ndarray) -> np.ndarray:
    """Each row's class: the argmax of one-hot targets, or a binary target's 0/1."""
    return Y.argmax(axis=1) if Y.shape[1] > 1 else (Y[:, 0] > 0.5).astype(int)


def point_colors(Y: np.ndarray, task: str, palette: Palette = DEFAULT) -> list:
    if task == "regression":
        return Y[:, 0].round(4).tolist()
    return [palette.class_hex[k % len(palette.class_hex)] for k in class_labels(Y)]




def point_marker(test: bool) -> dict:
    """A data point's shape and outline: training points circles, test points diamonds,
    both with the same thin dark outline (viz.colors says why)."""
    marker = {"size": 8 if test else 7,
              "line": {"width": POINT_OUTLINE_WIDTH, "color": POINT_OUTLINE}}
    if test:
        marker["symbol"] = TEST_SYMBOL
    return marker


def class_symbols(Y: np.ndarray, test: bool) -> list[str]:
    """A shape per class (the second cue beside colour); test points the same shape with
    a dot in it."""
    return [CLASS_SYMBOLS[k % len(CLASS_SYMBOLS)] + ("-dot" if test else "")
            for k in class_labels(Y)]


def _points(X, Y, task, name, test: bool, colorbar: bool = False,
            palette: Palette = DEFAULT, shapes: bool = False) -> dict:
    """Data points in the full colour of their class (or target), and with ``shapes`` in
    their class's shape. The legend uses separate neutral swatches (see ``_legend``)."""
    colors = point_colors(Y, task, palette)
    marker = point_marker(test)
    if shapes and task != "regression":
        marker["symbol"] = class_symbols(Y, test)
    if task == "regression":
        marker.update({"color": colors, "colorscale": palette.point_scale, "cmin": -1,
                       "cmax": 1,
                       "showscale": colorbar,
                       "colorbar": {"thickness": 10, "len": 0.8, "title": {"text": "target"}}})
    else:
        marker["color"] = colors
    return {"type": "scattergl" if len(X) > 1500 else "scatter", "mode": "markers",
            "x": X[:, 0].round(4).tolist(), "y": X[:, 1].round(4).tolist(), "name": name,
            "marker": marker, "showlegend": False,
            "hovertemplate": f"{name}<br>(%{{x}}, %{{y}})<extra></extra>"}


BATCH_MARKER = {"size": 15, "symbol": "circle-open", "color": BATCH_HEX, "line": {"width": 2.5}}


def _legend(name: str, marker: dict) -> dict:
    """A legend-only entry, so the swatch is not whatever colour the first point has."""
    return {"type": "scatter", "mode": "markers", "x": [None], "y": [None], "name": name,
            "marker": marker, "hoverinfo": "skip"}


def boundary_figure(
    grid_output: np.ndarray | None,
    extent,
    task: str,
    X_train: np.ndarray,
    Y_train: np.ndarray,
    X_test: np.ndarray | None = None,
    Y_test: np.ndarray | None = None,
    batch: np.ndarray | None = None,
    discretize: bool = False,
    height: int = 380,
    font_size: int = 12,
    axis_titles: tuple[str, str] = ("x₁", "x₂"),
    palette: Palette = DEFAULT,
    shapes: bool = False,
) -> dict:
    """Output heatmap (as an image; none when ``grid_output`` is None) + train points,
    optional test points (diamonds) and the current mini-batch (ringed). X arrays are the
    raw 2-D points (n, 2)."""
    xmin, xmax, ymin, ymax = extent
    traces = [_points(X_train, Y_train, task, "train", test=False, colorbar=True,
                      palette=palette, shapes=shapes),
              _legend("train", {**point_marker(False), "color": "#999"})]
    if X_test is not None and Y_test is not None and len(X_test):
        traces += [_points(X_test, Y_test, task, "test", test=True, palette=palette,
                           shapes=shapes),
                   _legend("test", {**point_marker(True), "color": "#999",
                                    **({"symbol": "circle-dot"} if shapes else {})})]
    if batch is not None and len(batch):
        traces.append({"type": "scatter", "mode": "markers", "name": "mini-batch",
                       "x": batch[:, 0].round(4).tolist(), "y": batch[:, 1].round(4).tolist(),
                       "hoverinfo": "skip", "marker": BATCH_MARKER})
    layout = {
        "height": height, "meta": "boundary", "margin": {"l": 30, "r": 10, "t": 10, "b": 30},
        "xaxis": {"range": [xmin, xmax], "showgrid": False, "zeroline": False,
                  "constrain": "domain", "automargin": True,
                  "title": {"text": chart_text(axis_titles[0], TITLE_CHARS)}},
        "yaxis": {"range": [ymin, ymax], "showgrid": False, "zeroline": False,
                  "scaleanchor": "x", "scaleratio": 1, "automargin": True,
                  "title": {"text": chart_text(axis_titles[1], TITLE_CHARS)}},
        "images": [] if grid_output is None else [
            heatmap_image(grid_output, extent, task, discretize, palette)],
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        "plot_bgcolor": "white", "font": {"size": font_size},
        "uirevision": "boundary",
    }
    return {"data": traces, "layout": layout}
