"""The Playground's live view as data: a static *scene* and compact *frames*.

While training plays, what changes from one displayed frame to the next is small: the
output over the plane (100×100), every neuron's thumbnail (20×20), the edge values, a few
numbers. The scene (Plotly figures of the diagram frame, the data points, the loss curve)
stays. So the browser gets the scene once, and per frame only these arrays, which it
paints onto canvases inside the Plotly figures.

Pictures travel as palette indices (one byte a pixel): ``palettes`` gives the colours,
TF Playground's diverging orange-grey-blue, and a ramp per class for softmax outputs;
``boundary_palettes`` the same ones faded, for the boundary's background (viz.colors).
"""

from __future__ import annotations

import numpy as np

from backprop_core.analyses.explain import param_name
from backprop_core.network.activations import label

from .boundary import BATCH_MARKER, boundary_figure
from .colors import DEFAULT, NEUTRAL, Palette, diverging_rgb, faded
from .curves import (
    ACCURACY_LINE,
    CURRENT_LINE,
    HOVER_LINE,
    NAMES,
    SCHEDULE_LINE,
    TEST_LINE,
    TRAIN_LINE,
    loss_layout,
    loss_series,
)
from .network import (
    NODE,
    _layer_titles,
    _node_shapes,
    axes,
    hover_points,
    input_names,
    label_font,
    node_positions,
    style,
)
from .network import thumb_values as _thumb_values

THUMB_STRIDE = 5  # thumbnails use every 5th grid point: 20×20 of the 100×100 grid
# 64 shades for 29-pixel thumbnails look the same as 256 and cost a third fewer bytes.
THUMB_SHADES = 64
PALETTE_DIVERGING, PALETTE_CLASSES = 0, 1


def class_levels(n_classes: int) -> int:
    """Shades per class in the class palette (all classes share its 256 entries)."""
    return 256 // max(int(n_classes), 2)


def palettes(n_classes: int, palette: Palette = DEFAULT) -> np.ndarray:
    """(2, 256, 3) uint8: the diverging scale over [-1, 1], then per class c a ramp from
    neutral grey to the class colour at indices c·L … c·L + L - 1 (L = class_levels)."""
    div = diverging_rgb(np.linspace(-1.0, 1.0, 256), palette)
    class_rgb = palette.class_rgb
    L = class_levels(n_classes)
    cls = np.zeros((256, 3), dtype=np.uint8)
    w = np.linspace(0.0, 1.0, L)[:, None]
    for c in range(min(n_classes, 256 // L)):
        colour = class_rgb[c % len(class_rgb)]
        cls[c * L:(c + 1) * L] = (NEUTRAL + (colour - NEUTRAL) * w).astype(np.uint8)
    return np.stack([div, cls])


def boundary_palettes(n_classes: int, palette: Palette = DEFAULT) -> np.ndarray:
    """``palettes`` as the boundary's background paints them (``viz.colors.faded``)."""
    return faded(palettes(n_classes, palette))


def diverging_index(values: np.ndarray, shades: int = 256) -> np.ndarray:
    """Values in [-1, 1] (clipped; NaN as 0) -> uint8 indices into the diverging palette,
    using ``shades`` evenly spaced entries of it (fewer shades compress better)."""
    v = np.clip(np.nan_to_num(values, nan=0.0), -1.0, 1.0)
    level = np.rint((v + 1.0) * 0.5 * (shades - 1))
    return np.rint(level * (255.0 / (shades - 1))).astype(np.uint8)


def class_index(cls: np.ndarray, weight: np.ndarray, n_classes: int) -> np.ndarray:
    """Class ``cls`` at shade ``weight`` in [0, 1] -> uint8 indices into the class palette."""
    L = class_levels(n_classes)
    level = np.rint(np.clip(np.nan_to_num(weight), 0.0, 1.0) * (L - 1))
    return (cls * L + level).astype(np.uint8)


def output_index(output: np.ndarray, task: str, discretize: bool = False) -> np.ndarray:
    """Grid output (R, R, n_out), row 0 at min y -> (R, R) palette indices, row 0 at the
    top (image order). Through ``boundary_palettes`` the colours are
    ``viz.boundary.output_rgb``'s."""
    if task == "multiclass":
        k = output.shape[-1]
        best = output.argmax(axis=-1)
        if discretize:  # the likeliest class, as if certain
            weight = np.ones(best.shape)
        else:
            weight = np.clip((output.max(axis=-1) - 1.0 / k) / (1.0 - 1.0 / k), 0, 1) * 0.85 + 0.15
        return class_index(best, weight, k)[::-1]
    v = output[..., 0]
    if task == "binary":
        v = 2.0 * v - 1.0
    if discretize:
        v = np.where(v >= 0, 1.0, -1.0)
    return diverging_index(v)[::-1]


def thumb_palettes(activations: list[str], layer_sizes: list[int]) -> list[int]:
    """Which palette each neuron's thumbnail uses (inputs first, output last)."""
    out = [PALETTE_DIVERGING] * sum(layer_sizes[:-1])
    last = PALETTE_CLASSES if activations[-1] == "softmax" else PALETTE_DIVERGING
    return out + [last] * layer_sizes[-1]


def thumb_index(layers: list[np.ndarray], activations: list[str]) -> np.ndarray:
    """Every neuron's thumbnail, (n_neurons, r, r) uint8, row 0 at the top; ``layers`` are a
    Grid's (input features first), ``activations`` the network's per layer."""
    out = []
    for depth, layer in enumerate(layers):
        a = layer[::THUMB_STRIDE, ::THUMB_STRIDE][::-1]
        act = None if depth == 0 else activations[depth - 1]
        for j in range(a.shape[-1]):
            if act == "softmax":
                out.append(class_index(np.full(a.shape[:2], j), a[..., j], a.shape[-1]))
            else:
                out.append(diverging_index(_thumb_values(a[..., j], act), THUMB_SHADES))
    return np.stack(out)


def param_rows(net, grads, update) -> np.ndarray:
    """(3, n_params) float64: values, gradients and last updates of every weight (layer by
    layer, W row-major) then every bias; NaN where there is no gradient or update yet."""
    def flat(arrays):
        return np.concatenate([a.ravel() for a in arrays])

    values = np.concatenate([flat(net.weights), flat(net.biases)])
    rows = [values]
    for source in (grads, update):
        rows.append(np.full_like(values, np.nan) if source is None else
                    np.concatenate([flat(source.weights), flat(source.biases)]))
    return np.stack(rows)


def frozen_indices(net, frozen) -> list[int]:
    """Positions in ``param_rows``' order of the frozen parameters ((kind, layer, *index))."""
    w_sizes = [W.size for W in net.weights]
    w_start = np.cumsum([0, *w_sizes])
    b_start = w_start[-1] + np.cumsum([0, *[b.size for b in net.biases]])
    out = []
    for kind, layer, *index in sorted(frozen):
        if kind == "weights":
            out.append(int(w_start[layer] + np.ravel_multi_index(index, net.weights[layer].shape)))
        else:
            out.append(int(b_start[layer] + index[0]))
    return out


def param_names(net) -> list[str]:
    """Every parameter's name (``backprop_core.analyses.explain.param_name``) in ``param_rows``'
    order, for the browser's tooltips."""
    weights = [param_name(layer, k, j) for layer, W in enumerate(net.weights)
               for k, j in np.ndindex(W.shape)]
    return weights + [param_name(layer, None, j) for layer, b in enumerate(net.biases)
                      for j in range(b.size)]


def optimizer_rows(opt_state: dict | None) -> tuple[list[str], np.ndarray]:
    """Optimizer state slots (velocity, m, v) laid out like ``param_rows``."""
    if not opt_state:
        return [], np.zeros((0, 0))
    names = sorted(opt_state)
    rows = [np.concatenate([a.ravel() for a in opt_state[s]["weights"]] +
                           [b.ravel() for b in opt_state[s]["biases"]]) for s in names]
    return names, np.stack(rows)


# --- the static scene -------------------------------------------------------------------
TRANSPARENT = "rgba(0,0,0,0)"


def _hover_markers(net, pos) -> list[dict]:
    """Invisible markers at edge midpoints and neuron centres; their ``customdata`` names
    the weight or neuron. ``hoverinfo: none`` still fires Plotly's hover and click events,
    and the browser writes the tooltip from the frame on screen."""
    points = hover_points(tuple(net.layer_sizes))
    edges = [[layer, i, j] for layer, W in enumerate(net.weights)
             for i, j in np.ndindex(W.shape)]
    nodes = [[layer, j, -1] for layer, p in enumerate(pos) for j in range(len(p))]
    node_xy = np.concatenate(pos)
    return [
        {"type": "scatter", "mode": "markers", "name": "weights",
         "x": points[:, 0].round(4).tolist(), "y": points[:, 1].round(4).tolist(),
         "customdata": edges, "hoverinfo": "none", "showlegend": False,
         "marker": {"size": 9, "color": TRANSPARENT}},
        {"type": "scatter", "mode": "markers", "name": "neurons",
         "x": node_xy[:, 0].round(4).tolist(), "y": node_xy[:, 1].round(4).tolist(),
         "customdata": nodes, "hoverinfo": "none", "showlegend": False,
         "marker": {"size": 26, "symbol": "square", "color": TRANSPARENT}},
    ]


def network_scene(net, feature_labels: list[str], height: int, font_size: int = 12,
                  selected: tuple[int, int, int] | None = None, palette: Palette = DEFAULT,
                  shapes: bool = False) -> dict:
    """The diagram's fixed part as a Plotly figure (neuron outlines, layer titles, input
    names, hover markers) and the geometry the browser draws edges, thumbnails and bias
    labels with (data coordinates)."""
    pos = node_positions(net.layer_sizes)
    x, y, text = input_names(pos, feature_labels)
    names = {"type": "scatter", "mode": "text", "name": "inputs", "x": x, "y": y,
             "text": text, "textposition": "middle left", "hoverinfo": "skip",
             "showlegend": False, "textfont": label_font(font_size)}
    layout = {
        "height": height, "meta": "network", "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        **axes(pos, net.layer_sizes),
        "plot_bgcolor": TRANSPARENT, "paper_bgcolor": TRANSPARENT,
        "hovermode": "closest", "dragmode": False,
        "shapes": _node_shapes(pos, None, selected),
        "annotations": _layer_titles(net, pos, font_size),
    }
    geometry = {
        "sizes": list(net.layer_sizes), "node": NODE,
        "nodes": np.concatenate(pos).round(6).tolist(),
        "activations": [label(a) for a in net.activation_names],
        "labels": list(feature_labels), "font": font_size, "label_font": label_font(font_size),
        "names": param_names(net), **style(palette, shapes),
    }
    return {"figure": {"data": [names, *_hover_markers(net, pos)], "layout": layout},
            "geometry": geometry}


def boundary_scene(extent, task: str, X_train, Y_train, X_test=None, Y_test=None,
                   height: int = 340, font_size: int = 12,
                   axis_titles: tuple[str, str] = ("x₁", "x₂"), palette: Palette = DEFAULT,
                   shapes: bool = False) -> dict:
    """The boundary plot without its picture: axes, data points and legend. The browser
    paints the output (a frame's ``grid``) on a canvas under the plot area, and the
    mini-batch's rings on one above it, in ``palettes`` (``boundary_palettes``, one per
    kind of picture) and ``batch`` colours; the rings' legend entry (trace ``legend``) is
    hidden here and shown by the frames that ring a batch, so that no phase needs a scene
    of its own."""
    fig = boundary_figure(None, extent, task, X_train, Y_train, X_test, Y_test,
                          height=height, font_size=font_size, axis_titles=axis_titles,
                          palette=palette, shapes=shapes)
    fig["data"].append({"type": "scatter", "mode": "markers", "name": "mini-batch",
                        "x": [None], "y": [None], "hoverinfo": "skip", "visible": False,
                        "marker": BATCH_MARKER})
    fig["layout"]["plot_bgcolor"] = TRANSPARENT
    fig["layout"]["paper_bgcolor"] = TRANSPARENT
    n_classes = Y_train.shape[1] if task == "multiclass" else 1
    return {"figure": fig, "extent": [float(v) for v in extent],
            "palettes": boundary_palettes(n_classes, palette).reshape(2, -1).tolist(),
            "batch": {"color": BATCH_MARKER["color"], "width": BATCH_MARKER["line"]["width"],
                      "radius": BATCH_MARKER["size"] / 2, "legend": len(fig["data"]) - 1}}


def loss_scene(history_columns: dict, task: str, log_scale: bool, height: int,
               font_size: int, current_step: int,
               schedule: tuple[list, list] | None = None) -> tuple[dict, dict[str, np.ndarray]]:
    """The loss chart's frame (axes, legend; the browser sets the ranges and draws the
    curves on a canvas) and its data: ``loss_x`` (n,) steps, ``loss_y`` (3, n) train loss,
    test loss and train accuracy at them (NaN where there is none), as ``loss_series``.

    ``schedule``: updates and their learning rates ÷ the rate set
    (``backprop_core.network.schedules.Schedule.samples``), sent as ``schedule_x`` and
    ``schedule_y``; the browser draws them on the right axis, as far as the step axis
    goes (the future included)."""
    series = loss_series(history_columns)
    has_test = any(v is not None for v in history_columns["test_loss"])
    legend = [("train", TRAIN_LINE, "y", True), ("test", TEST_LINE, "y", has_test),
              ("acc", ACCURACY_LINE, "y2", task != "regression"),
              ("schedule", SCHEDULE_LINE, "y2", schedule is not None)]
    traces = [{"type": "scatter", "mode": "lines", "x": [None], "y": [None], "name": NAMES[name],
               "line": line, "yaxis": axis, "hoverinfo": "skip"}
              for name, line, axis, shown in legend if shown]
    layout = loss_layout(task, log_scale, height, font_size)
    if schedule is not None:
        axis = layout.setdefault("yaxis2", {
            "overlaying": "y", "side": "right", "range": [0, 1.02], "showgrid": False,
            "automargin": True, "tickvals": [0, 0.25, 0.5, 0.75, 1]})
        axis["title"] = {"text": "lr ÷ rate set" if task == "regression"
                         else "accuracy · lr ÷ rate set"}
    layout.update(plot_bgcolor=TRANSPARENT, paper_bgcolor=TRANSPARENT, dragmode=False,
                  hovermode=False)
    layout["xaxis"].update(fixedrange=True, autorange=False, range=[0, 1])
    layout["yaxis"].update(fixedrange=True, autorange=False, range=[0, 1])
    if "yaxis2" in layout:
        layout["yaxis2"]["fixedrange"] = True
    last = history_columns["step"][-1]
    meta = {"figure": {"data": traces, "layout": layout}, "log": bool(log_scale),
            "current": None if current_step == last else int(current_step),
            "lines": {"train": TRAIN_LINE, "test": TEST_LINE, "acc": ACCURACY_LINE,
                      "current": CURRENT_LINE, "hover": HOVER_LINE, "schedule": SCHEDULE_LINE},
            "names": NAMES, "has_test": has_test, "has_acc": task != "regression",
            "schedule": schedule is not None}
    rows = [[np.nan if v is None else v for v in series[name]]
            for name in ("train_loss", "test_loss", "train_accuracy")]
    arrays = {"loss_x": np.asarray(series["step"], dtype=np.float64),
              "loss_y": np.asarray(rows, dtype=np.float64)}
    if schedule is not None:
        arrays["schedule_x"] = np.asarray(schedule[0], dtype=np.int32)
        arrays["schedule_y"] = np.asarray(schedule[1], dtype=np.float32)
    return meta, arrays
