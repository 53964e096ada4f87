"""The computation graph of one sample as a Plotly figure dict, laid out by layer.

Columns, left to right: the inputs; then per weight layer its weights and biases (the
leaves), the products w·a, the sums z and the activations a; last the cost. Each neuron
owns a block of rows (one per incoming weight, one for its bias) and its z and a sit at
the block's centre, so a neuron's terms read as one group. Nodes the walk has reached are
coloured by their value (forward) or gradient (backward); the others stay grey.

With a focus (``keep``, from ``backprop_core.analyses.compgraph.focus``) only the kept nodes are
drawn, closed up: empty columns dropped, each column's nodes spread over the height in
the order they have in the whole graph.
"""

from __future__ import annotations

import numpy as np

from backprop_core.analyses.compgraph import Graph, Node
from backprop_core.analyses.explain import param_name, param_symbol

from .colors import DEFAULT, Palette
from .numbers import sig

TEXT_LIMIT = 120  # up to this many nodes every node is labelled; beyond, only around the selected
PENDING = "#c9cdd2"
EDGE, EDGE_ON = "#d5d9de", "#333333"
SYMBOLS = {"input": "square", "weight": "square", "bias": "square", "product": "circle",
           "z": "circle", "a": "diamond", "cost": "star"}


def short_label(node: Node) -> str:
    """What is written beside a node in the figure."""
    if node.kind == "input":
        return f"x{node.index[0]}"
    if node.kind == "weight":
        return param_symbol(*node.index)
    if node.kind == "product":
        return "w·a"
    if node.kind == "cost":
        return "C"
    return f"{node.kind[0]}{node.index[0]}"


def node_name(node: Node, n_layers: int) -> str:
    """A node in words, as the walk's list names it (layers 1-based, neurons 0-based)."""
    if node.kind == "input":
        return f"input x{node.index[0]}"
    if node.kind == "cost":
        return "the sample's share of the cost"
    where = "output" if node.layer == n_layers - 1 else f"layer {node.layer + 1}"
    if node.kind == "weight":
        return param_name(node.layer, *node.index)
    if node.kind == "product":
        return f"{where} {param_symbol(*node.index)}·a"
    return f"{where} {node.kind} {node.index[0]}"


def positions(graph: Graph, keep: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) of every node: x a column as above, y in [0, 1] from the top. With ``keep``,
    the kept nodes' places in the closed-up figure (the others' are left as they are)."""
    x, y = _full_positions(graph)
    if keep is None or keep.all():
        return x, y
    ids = np.flatnonzero(keep)
    columns = np.unique(x[ids])
    for new_column, column in enumerate(columns):
        in_column = ids[x[ids] == column]
        ranked = in_column[np.argsort(y[in_column], kind="stable")]
        x[ranked] = new_column
        y[ranked] = (np.arange(len(ranked)) + 0.5) / len(ranked)
    return x, y


def _full_positions(graph: Graph) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.zeros(len(graph.nodes)), np.zeros(len(graph.nodes))
    kinds = [(n.kind, n.layer) for n in graph.nodes]
    sizes = [kinds.count(("input", -1))]  # units per layer, read off the graph
    sizes += [kinds.count(("a", i)) for i in range(graph.root.layer)]
    n_in = sizes[0]
    for n in graph.nodes:
        if n.kind == "input":
            x[n.id], y[n.id] = 0, (n.index[0] + 0.5) / n_in
        elif n.kind == "cost":
            x[n.id], y[n.id] = 4 * (len(sizes) - 1) + 1, 0.5
        else:
            fan_in, units = sizes[n.layer], sizes[n.layer + 1]
            rows = units * (fan_in + 1)
            j = n.index[-1]
            slot = (j * (fan_in + 1) + (n.index[0] if n.kind in ("weight", "product")
                                        else fan_in if n.kind == "bias" else fan_in / 2))
            column = {"weight": 1, "bias": 1, "product": 2, "z": 3, "a": 4}[n.kind]
            x[n.id], y[n.id] = 4 * n.layer + column, (slot + 0.5) / rows
    return x, y


def _edges(graph: Graph, x, y, keep) -> tuple[list, list]:
    """Line segments parent → node for the pairs ``keep(parent, node)`` accepts,
    None-separated."""
    xs, ys = [], []
    for node in graph.nodes:
        for parent in node.parents:
            if keep(parent, node.id):
                xs += [float(x[parent]), float(x[node.id]), None]
                ys += [float(y[parent]), float(y[node.id]), None]
    return xs, ys


def _hover(graph: Graph, n_layers: int) -> list[str]:
    return [f"{node_name(n, n_layers)}<br>value {sig(n.value)}<br>gradient {sig(n.grad)}"
            for n in graph.nodes]


def compgraph_figure(graph: Graph, selected: int, phase: str, reached: np.ndarray,
                     n_layers: int, height: int | None = None,
                     keep: np.ndarray | None = None, palette: Palette = DEFAULT) -> dict:
    """The graph with node ``selected`` ringed and its edges drawn dark: its parents'
    going forward (what it is computed from), its children's going backward (where its
    gradient comes from). ``reached[i]``: node i's value (forward) or gradient (backward)
    is known at this point of the walk. ``keep``: the nodes drawn (all by default)."""
    keep = np.ones(len(graph.nodes), dtype=bool) if keep is None else keep
    x, y = positions(graph, keep)
    n_shown = int(keep.sum())
    if height is None:  # room for the tallest column's labels, one row each
        rows = max(int(np.sum(x[keep] == column)) for column in np.unique(x[keep]))
        height = int(np.clip(24 * rows + 80, 420, 900))
    shown = np.array([n.grad if phase == "backward" else n.value for n in graph.nodes])
    # The scale ends at the 90th percentile of |shown|, not at the largest: the root's
    # gradient is 1 by definition and a few large ones would wash every other colour out.
    scaled = reached & keep
    scaled[graph.root.id] = False
    top = float(np.percentile(np.abs(shown[scaled]), 90)) if scaled.any() else 1.0
    top = top or 1.0
    near = {selected, *graph.nodes[selected].parents,
            *(c.id for c, _ in graph.children(selected))}
    labels = [short_label(n) if n_shown <= TEXT_LIMIT or n.id in near else ""
              for n in graph.nodes]
    hover = _hover(graph, n_layers)
    size = 13 if n_shown <= TEXT_LIMIT else 7
    symbols = [SYMBOLS[n.kind] for n in graph.nodes]
    ex, ey = _edges(graph, x, y, lambda p, c: keep[p] and keep[c])
    # Backward: the edges to its children; forward: the edges from its parents.
    end = 0 if phase == "backward" else 1
    hx, hy = _edges(graph, x, y, lambda p, c: keep[p] and keep[c] and (p, c)[end] == selected)
    idx = np.flatnonzero(reached & keep)
    rest = np.flatnonzero(~reached & keep)
    what = "gradient ∂C/∂node" if phase == "backward" else "value"

    def nodes_trace(ids, name, marker):
        return {"type": "scatter", "mode": "markers+text", "name": name,
                "x": x[ids].tolist(), "y": y[ids].tolist(), "customdata": ids.tolist(),
                "text": [labels[i] for i in ids], "hovertext": [hover[i] for i in ids],
                "hoverinfo": "text", "textposition": "top center", "textfont": {"size": 10},
                "marker": {"symbol": [symbols[i] for i in ids], "size": size, **marker}}

    data = [
        {"type": "scatter", "mode": "lines", "x": ex, "y": ey, "hoverinfo": "skip",
         "line": {"color": EDGE, "width": 1}, "showlegend": False, "name": "edges"},
        {"type": "scatter", "mode": "lines", "x": hx, "y": hy, "hoverinfo": "skip",
         "line": {"color": EDGE_ON, "width": 2}, "showlegend": False, "name": "its edges"},
        nodes_trace(rest, "not reached yet", {"color": PENDING}),
        nodes_trace(idx, what, {"color": shown[idx].tolist(), "colorscale": palette.diverging_scale,
                                "cmin": -top, "cmax": top, "line": {"width": 0.5,
                                                                    "color": "#666"},
                                "colorbar": {"thickness": 10, "tickformat": ".2g",
                                             # symmetric ticks, 0 exactly (plotly.js's own
                                             # can land on ±1e-17 and print it)
                                             "tickvals": [-top, -top / 2, 0.0, top / 2, top],
                                             "title": {"text": what, "side": "right"}}}),
        {"type": "scatter", "mode": "markers", "name": "selected", "hoverinfo": "skip",
         "x": [float(x[selected])], "y": [float(y[selected])], "customdata": [selected],
         "marker": {"symbol": "circle-open", "size": size + 14,
                    "line": {"width": 3, "color": "#d62728"}, "color": "#d62728"}},
    ]
    for trace in data:
        trace["showlegend"] = False
    return {"data": data, "layout": {
        "height": height, "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "title": {"text": f"Computation graph of one sample, coloured by {what}" + (
            "" if n_shown == len(graph.nodes) else
            f" ({n_shown} of its {len(graph.nodes)} nodes)"), "font": {"size": 13}},
        "xaxis": {"visible": False, "range": [-0.6, float(np.max(x[keep])) + 0.6]},
        "yaxis": {"visible": False, "autorange": "reversed"},
        "plot_bgcolor": "white", "hovermode": "closest",
    }}
