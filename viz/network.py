"""The network diagram: every neuron (with a thumbnail of its activation over the input
plane) and every weight (colour = sign, width = magnitude), as one Plotly figure dict.

Edges are bucketed into a few line traces by sign and width instead of one trace per edge:
a 6×8 network has ~400 edges, and Plotly's cost grows with the number of traces.
Invisible markers at edge midpoints and neuron centres carry the hover text and the
``customdata`` that identifies a clicked weight or neuron.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from backprop_core.analyses.explain import param_name
from backprop_core.network.activations import label

from .colors import (
    DEFAULT,
    FROZEN_HEX,
    LABEL_BACKGROUND,
    LABEL_HEX,
    Palette,
    class_ramp,
    diverging_rgb,
)
from .images import png_data_uri
from .numbers import sig
from .user_text import LABEL_CHARS, chart_text, hover_text

MAX_GAP, MIN_GAP = 2.4, 1.35  # horizontal distance between layer columns, in neuron spacings
ASPECT = 1.35  # width / height of the box the diagram should fill
NODE = 0.72  # neuron square side, in neuron spacings
LABEL_DROP = 0.12  # a bias label's centre below its neuron's square, in neuron spacings
WIDTH_BUCKETS = 5
NEGATIVE_DASH = [6, 4]  # a negative edge's dashes (px on, off) when sign has a shape too


def negative_dash(width: float) -> list[float]:
    """The dashes of a negative edge ``width`` px wide: longer on thicker lines (a fixed
    6/4 read as dots on the thickest)."""
    k = max(1.0, width / 2)
    return [round(d * k, 3) for d in NEGATIVE_DASH]
# An edge of bucket ``level`` (|value| / largest |value| in fifths): its width and opacity.
EDGE_WIDTHS = [round(0.6 + 1.6 * level, 6) for level in range(WIDTH_BUCKETS)]
EDGE_ALPHAS = [round(0.35 + 0.13 * level, 6) for level in range(WIDTH_BUCKETS)]
TIP_DIGITS, LABEL_DIGITS = 4, 2  # significant digits in a hover, in a bias label
# Hover texts ({name} a parameter's name, {value}/{grad}/{update} its numbers): the
# step-through diagram fills them here, the live view in the browser (``TIPS`` travels in
# its scene, with what only the live view adds: which batch a gradient is of, and so on).
TIPS = {
    "weight": ["<b>{name}</b>: w = {value}", "∂C/∂w = {grad}", "Δw = {update}"],
    "neuron": ["<b>layer {layer} neuron {unit}</b> ({activation})", "bias {name} = {value}",
               "δ summed = ∂C/∂b = {grad}", "Δb = {update}"],
    "input": "<b>input {label}</b>",
    "optimizer": "<br>optimizer: {slots}",
    "slot": "{slot} {value}",
}
LIVE_TIPS = {
    "grad_of": {"next": "(step {next}'s batch: a preview at these weights)",
                "pending": "(step {next}'s batch, not applied yet)",
                "last": "(step {step}'s batch)"},
    "update_of": "(step {step}'s update)",
    "frozen": "<br><i>frozen: its gradient is never applied</i>",
    "input_name": '<span class="bp-name">{label}</span>',
}
# A bias label under a neuron, by what the edges show; a frozen one says so.
LABEL_PREFIX = {"weights": "b ", "gradients": "δ ", "updates": "Δb "}
LABEL_FROZEN = " (frozen)"
MODES = {
    "weights": ("w", "weight"),
    "gradients": ("∂C/∂w", "gradient ∂C/∂w"),
    "updates": ("Δw", "last update Δw"),
}


@dataclass
class DiagramData:
    """What the diagram shows besides the network itself (all optional).

    thumbs[l]: (r, r, units) activations of layer l over the plane (l = 0: input features).
    grads / update: the engine's Gradients / Update; opt_state: optimizer.state.
    """

    feature_labels: list[str]
    thumbs: list[np.ndarray] | None = None
    grads: object | None = None
    update: object | None = None
    opt_state: dict | None = None
    highlight_layer: int | None = None
    selected: tuple[int, int, int] | None = None  # (layer, from, to)
    font_size: int = 12


def layer_gap(layer_sizes: list[int], aspect: float = ASPECT) -> float:
    """Column spacing that makes the diagram about ``aspect`` times wider than tall, so a
    deep network fills the box instead of shrinking to fit its width."""
    rows, cols = max(layer_sizes) + 0.9, len(layer_sizes)
    gap = (aspect * rows - 2.1) / max(cols - 1, 1)
    return float(np.clip(gap, MIN_GAP, MAX_GAP))


def node_positions(layer_sizes: list[int], gap: float | None = None) -> list[np.ndarray]:
    """(units, 2) centre coordinates per layer column, each column centred on y = 0."""
    gap = layer_gap(layer_sizes) if gap is None else gap
    return [
        np.column_stack([np.full(n, layer * gap), (n - 1) / 2.0 - np.arange(n)])
        for layer, n in enumerate(layer_sizes)
    ]


def fmt(v: float) -> str:
    return sig(v, TIP_DIGITS)


def axes(pos: list[np.ndarray], layer_sizes: list[int]) -> dict:
    """The diagram's x and y axes (data coordinates: one neuron spacing is 1)."""
    rows = max(layer_sizes)
    return {"xaxis": {"visible": False, "range": [-1.4, float(pos[-1][0, 0]) + 0.7],
                      "fixedrange": True},
            "yaxis": {"visible": False, "range": [-(rows / 2) - 0.3, rows / 2 + 0.9],
                      "scaleanchor": "x", "scaleratio": 1, "fixedrange": True}}


def style(palette: Palette = DEFAULT, shapes: bool = False) -> dict:
    """How the live view paints edges and labels (the figure here draws them alike):
    ``shapes``, the second cue for sign beside colour, draws negative edges dashed."""
    return {"edge_widths": EDGE_WIDTHS, "edge_alphas": EDGE_ALPHAS, "sign_cue": shapes,
            "negative_dashes": [negative_dash(w) for w in EDGE_WIDTHS],
            "colours": {"positive": palette.positive, "negative": palette.negative,
                        "frozen": FROZEN_HEX, "label": LABEL_HEX,
                        "label_background": LABEL_BACKGROUND},
            "digits": {"tip": TIP_DIGITS, "label": LABEL_DIGITS},
            "tips": {**TIPS, **LIVE_TIPS}, "label_prefix": LABEL_PREFIX,
            "label_frozen": LABEL_FROZEN, "label_drop": LABEL_DROP}


def thumb_values(a: np.ndarray, activation: str | None) -> np.ndarray:
    """One neuron's activation over the plane (r, r), mapped to [-1, 1] for colouring."""
    if activation in ("sigmoid", "softmax"):
        return 2.0 * a - 1.0  # [0, 1] -> [-1, 1]
    if activation == "tanh":
        return a
    top = float(np.max(np.abs(a)))  # unbounded: scale by this neuron's own range
    return a / top if top > 0 else a


def _edge_values(net, mode: str, data: DiagramData) -> list[np.ndarray]:
    if mode == "gradients" and data.grads is not None:
        return data.grads.weights
    if mode == "updates" and data.update is not None:
        return data.update.weights
    return net.weights


def _edge_traces(net, pos, values: list[np.ndarray], palette: Palette = DEFAULT,
                 shapes: bool = False) -> list[dict]:
    """Line traces bucketed by sign and width; widths are relative to the largest |value|
    (``shapes``: negative ones dashed too)."""
    top = max((float(np.max(np.abs(v))) for v in values), default=0.0) or 1.0
    buckets: dict[tuple[bool, int], tuple[list, list]] = {}
    half = NODE / 2
    for layer, V in enumerate(values):
        src, dst = pos[layer], pos[layer + 1]
        level = np.minimum((np.abs(V) / top * WIDTH_BUCKETS).astype(int), WIDTH_BUCKETS - 1)
        for i, j in np.ndindex(V.shape):
            xs, ys = buckets.setdefault((V[i, j] >= 0, int(level[i, j])), ([], []))
            xs += [src[i, 0] + half, dst[j, 0] - half, None]
            ys += [src[i, 1], dst[j, 1], None]
    traces = []
    for (positive, level), (xs, ys) in sorted(buckets.items()):
        traces.append({
            "type": "scatter", "mode": "lines", "x": xs, "y": ys, "hoverinfo": "skip",
            "showlegend": False,
            "line": {"color": palette.positive if positive else palette.negative,
                     "width": EDGE_WIDTHS[level],
                     **({} if positive or not shapes else
                        {"dash": "{}px,{}px".format(*negative_dash(EDGE_WIDTHS[level]))})},
            "opacity": EDGE_ALPHAS[level],
        })
    return traces


def _state_text(opt_state, kind: str, layer: int, idx) -> str:
    if not opt_state:
        return ""
    parts = [TIPS["slot"].format(slot=slot, value=fmt(float(v[kind][layer][idx])))
             for slot, v in opt_state.items()]
    return TIPS["optimizer"].format(slots=", ".join(parts))


@functools.lru_cache(maxsize=32)
def hover_points(layer_sizes: tuple[int, ...]) -> np.ndarray:
    """One hover point per edge, (n_edges, 2), in the edges' order (layer, from, to).

    Points at a fixed fraction of every edge coincide wherever edges cross, and Plotly then
    shows the wrong edge. So each edge gets, of 13 positions along it, the one farthest from
    the points already placed (greedy; cached per architecture).
    """
    pos = node_positions(list(layer_sizes))
    half = NODE / 2
    ts = np.linspace(0.2, 0.8, 13)
    placed = np.empty((0, 2))
    out = []
    for layer in range(len(layer_sizes) - 1):
        for i, j in np.ndindex(layer_sizes[layer], layer_sizes[layer + 1]):
            a, b = pos[layer][i], pos[layer + 1][j]
            cand = np.column_stack([a[0] + half + ts * (b[0] - a[0] - 2 * half),
                                    a[1] + ts * (b[1] - a[1])])
            if len(placed):
                dist = np.min(np.hypot(*(cand[:, None, :] - placed[None]).transpose(2, 0, 1)),
                              axis=1)
                best = cand[int(np.argmax(dist))]
            else:
                best = cand[len(ts) // 2]
            out.append(best)
            placed = np.vstack([placed, best])
    return np.array(out)


def _edge_hover_trace(net, pos, data: DiagramData) -> dict:
    xs, ys, text, custom = [], [], [], []
    points = hover_points(tuple(net.layer_sizes))
    edge = 0
    for layer, W in enumerate(net.weights):
        for i, j in np.ndindex(W.shape):
            xs.append(float(points[edge, 0]))
            ys.append(float(points[edge, 1]))
            edge += 1
            value, grad, update = TIPS["weight"]
            lines = [value.format(name=param_name(layer, i, j), value=fmt(W[i, j]))]
            if data.grads is not None:
                lines.append(grad.format(grad=fmt(data.grads.weights[layer][i, j])))
            if data.update is not None:
                lines.append(update.format(update=fmt(data.update.weights[layer][i, j])))
            label = "<br>".join(lines) + _state_text(data.opt_state, "weights", layer, (i, j))
            text.append(label)
            custom.append([layer, i, j])
    return {"type": "scatter", "mode": "markers", "x": xs, "y": ys, "text": text,
            "customdata": custom, "hoverinfo": "text", "showlegend": False, "name": "weights",
            "marker": {"size": 9, "color": "rgba(0,0,0,0)"}}


def _node_hover_trace(net, pos, data: DiagramData) -> dict:
    xs, ys, text, custom = [], [], [], []
    for layer, p in enumerate(pos):
        for j, (x, y) in enumerate(p):
            xs.append(x)
            ys.append(y)
            custom.append([layer, j, -1])
            if layer == 0:
                text.append(TIPS["input"].format(label=hover_text(data.feature_labels[j])))
                continue
            k = layer - 1
            title, value, grad, update = TIPS["neuron"]
            lines = [title.format(layer=layer, unit=j, activation=label(net.activation_names[k])),
                     value.format(name=param_name(k, None, j), value=fmt(net.biases[k][j]))]
            if data.grads is not None:
                lines.append(grad.format(grad=fmt(data.grads.biases[k][j])))
            if data.update is not None:
                lines.append(update.format(update=fmt(data.update.biases[k][j])))
            text.append("<br>".join(lines) + _state_text(data.opt_state, "biases", k, j))
    return {"type": "scatter", "mode": "markers", "x": xs, "y": ys, "text": text,
            "customdata": custom, "hoverinfo": "text", "showlegend": False, "name": "neurons",
            "marker": {"size": 26, "symbol": "square", "color": "rgba(0,0,0,0)"}}


def _labels_trace(net, pos, mode: str, data: DiagramData) -> dict:
    """Bias (or ∂C/∂b) under every neuron, feature names left of the inputs."""
    xs, ys, text = input_names(pos, data.feature_labels)
    show_delta = mode == "gradients" and data.grads is not None
    show_update = mode == "updates" and data.update is not None
    for layer, p in enumerate(pos[1:], start=1):
        for j, (x, y) in enumerate(p):
            if show_delta:
                shown, value = "gradients", data.grads.biases[layer - 1][j]
            elif show_update:
                shown, value = "updates", data.update.biases[layer - 1][j]
            else:
                shown, value = "weights", net.biases[layer - 1][j]
            xs.append(x)
            ys.append(y - NODE / 2 - LABEL_DROP)
            text.append(LABEL_PREFIX[shown] + sig(value, LABEL_DIGITS))
    positions = ["middle left" if x < NODE else "middle center" for x in xs]
    return {"type": "scatter", "mode": "text", "x": xs, "y": ys, "text": text,
            "textposition": positions, "hoverinfo": "skip", "showlegend": False,
            "textfont": label_font(data.font_size)}


def _layer_titles(net, pos, font_size: int) -> list[dict]:
    top = max(float(p[:, 1].max()) for p in pos) + NODE / 2 + 0.5
    names = ["Input"] + [f"Hidden {layer}<br>{a}" for layer, a in
                         enumerate(map(label, net.activation_names[:-1]), start=1)]
    names.append(f"Output<br>{label(net.activation_names[-1])}")
    return [{"x": p[0, 0], "y": top, "text": name, "showarrow": False, "xref": "x",
             "yref": "y", "font": {"size": font_size}} for p, name in zip(pos, names, strict=True)]


def label_font(font_size: int) -> dict:
    """The font of the input names and bias labels (a little smaller than the titles)."""
    return {"size": font_size - 2, "color": LABEL_HEX}


def input_names(pos: list[np.ndarray], feature_labels: list[str]) -> tuple[list, list, list]:
    """Where each input's name stands, left of its box (x, y, text)."""
    return ([float(x - NODE / 2 - 0.1) for x, _ in pos[0]], [float(y) for _, y in pos[0]],
            [chart_text(t, LABEL_CHARS) for t in feature_labels])


THUMB_PX = 40  # pixels per neuron spacing in the composite thumbnail image


def _node_image(net, pos, thumbs, palette: Palette = DEFAULT) -> dict:
    """Every neuron's thumbnail composed into ONE transparent image over the diagram.

    One layout image instead of one per neuron: the browser decodes and places a single
    PNG per frame, which is what keeps a 6×8 network responsive.
    """
    xs = np.concatenate([p[:, 0] for p in pos])
    ys = np.concatenate([p[:, 1] for p in pos])
    x0, y1 = xs.min() - NODE / 2, ys.max() + NODE / 2
    side = int(round(NODE * THUMB_PX))
    boxes = [[(int(round((x - NODE / 2 - x0) * THUMB_PX)),
               int(round((y1 - (y + NODE / 2)) * THUMB_PX))) for x, y in p] for p in pos]
    width = max(left for column in boxes for left, _ in column) + side
    height = max(top for column in boxes for _, top in column) + side
    canvas = np.zeros((height, width, 4), dtype=np.uint8)
    for layer, column in enumerate(boxes):
        activation = None if layer == 0 else net.activation_names[layer - 1]
        r = thumbs[layer].shape[0]
        pick = np.arange(side) * r // side  # nearest-neighbour upscaling
        for j, (left, top) in enumerate(column):
            a = thumbs[layer][:, :, j][::-1][np.ix_(pick, pick)]  # image top row = max y
            canvas[top:top + side, left:left + side, :3] = (
                class_ramp(a, j, palette) if activation == "softmax" else
                diverging_rgb(thumb_values(a, activation), palette))
            canvas[top:top + side, left:left + side, 3] = 255
    return {"source": png_data_uri(canvas), "xref": "x", "yref": "y", "x": x0, "y": y1,
            "sizex": width / THUMB_PX, "sizey": height / THUMB_PX, "sizing": "stretch",
            "layer": "above"}


def _node_shapes(pos, highlight_layer, selected) -> list[dict]:
    shapes = []
    for p in pos:
        for x, y in p:
            shapes.append({"type": "rect", "xref": "x", "yref": "y",
                           "x0": x - NODE / 2, "x1": x + NODE / 2,
                           "y0": y - NODE / 2, "y1": y + NODE / 2,
                           "line": {"color": "#555", "width": 1}, "layer": "above"})
    if highlight_layer is not None and 0 <= highlight_layer < len(pos):
        p = pos[highlight_layer]
        shapes.append({"type": "rect", "xref": "x", "yref": "y",
                       "x0": p[0, 0] - NODE, "x1": p[0, 0] + NODE,
                       "y0": p[:, 1].min() - NODE, "y1": p[:, 1].max() + NODE,
                       "line": {"color": "#d62728", "width": 3}, "fillcolor": "rgba(0,0,0,0)"})
    if selected is not None:
        layer, i, j = selected
        if layer + 1 < len(pos) and i < len(pos[layer]) and j < len(pos[layer + 1]):
            a, b = pos[layer][i], pos[layer + 1][j]
            shapes.append({"type": "line", "xref": "x", "yref": "y",
                           "x0": a[0] + NODE / 2, "y0": a[1], "x1": b[0] - NODE / 2,
                           "y1": b[1], "line": {"color": "#d62728", "width": 4}})
    return shapes


def network_figure(net, data: DiagramData, mode: str = "weights", height: int = 520,
                   palette: Palette = DEFAULT, shapes: bool = False) -> dict:
    """The whole diagram as a Plotly figure dict. ``mode``: weights, gradients or updates;
    in ``palette``'s colours, negative edges dashed with ``shapes``."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {list(MODES)}")
    pos = node_positions(net.layer_sizes)
    traces = _edge_traces(net, pos, _edge_values(net, mode, data), palette, shapes)
    traces += [_labels_trace(net, pos, mode, data), _edge_hover_trace(net, pos, data),
               _node_hover_trace(net, pos, data)]
    layout = {
        "height": height, "meta": "network",
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10}, **axes(pos, net.layer_sizes),
        "plot_bgcolor": "white", "paper_bgcolor": "white",
        "hovermode": "closest", "dragmode": False,
        "shapes": _node_shapes(pos, data.highlight_layer, data.selected),
        "annotations": _layer_titles(net, pos, data.font_size),
        "images": [_node_image(net, pos, data.thumbs, palette)] if data.thumbs is not None
        else [],
        "hoverlabel": {"font": {"size": data.font_size}},
    }
    return {"data": traces, "layout": layout}
