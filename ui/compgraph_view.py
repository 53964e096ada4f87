"""Step-through's computation graph: one sample of the inspected batch, every scalar a
node with its value and gradient, walked node by node (forward, then backward)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from backprop_core.analyses.compgraph import FOCI, Graph, build_graph, focus
from viz.compgraph import TEXT_LIMIT, compgraph_figure, node_name
from viz.numbers import sig

from . import panel, session
from .choices import choose
from .compgraph_latex import backward_latex, forward_latex, share
from .inspect import Snapshot
from .page_previews import Previews

# Widget keys (Streamlit owns these; the buttons' callbacks move the walk through them).
# The focus has one key per size: a big network opens on a readable part of its graph
# even when a small one was shown whole before.
SAMPLE, POSITION, FOCUS = "w_cg_sample", "w_cg_pos", "w_cg_focus"
BIG = TEXT_LIMIT  # more nodes than this: open on the selected weight's neuron
SHOW = {"neuron": "the selected weight's neuron", "layer": "its layer",
        "all": "the whole graph"}


def walk_order(graph: Graph, keep: np.ndarray | None = None) -> list[tuple[int, str]]:
    """(node id, phase) per walk position: every (kept) node in topological order
    computing its value, then in the reverse order receiving its gradient."""
    ids = [n.id for n in graph.nodes if keep is None or keep[n.id]]
    return [(i, "forward") for i in ids] + [(i, "backward") for i in reversed(ids)]


def walk_label(graph: Graph, step: tuple[int, str], n_layers: int) -> str:
    """A walk position as the node list shows it, and as its widget's value: the node
    and the phase, so the same node keeps its place whatever sample, focus or step."""
    node_id, phase = step
    return f"{phase}: {node_name(graph.nodes[node_id], n_layers)}"


def reached(order: list[tuple[int, str]], position: int, n_nodes: int) -> np.ndarray:
    """Which nodes have their value (forward half) or gradient (backward half) by
    ``position``, the node at ``position`` included."""
    mask = np.zeros(n_nodes, dtype=bool)
    phase = order[position][1]
    for node_id, p in order[:position + 1]:
        if p == phase:
            mask[node_id] = True
    return mask


def _go_to(label: str) -> None:
    st.session_state[POSITION] = label


def _selected_label(graph: Graph, labels: list[str], n_layers: int) -> str | None:
    """The walk label of the weight (or bias) selected on the Playground, where it
    receives its gradient; None if the walk does not hold it."""
    layer, k, j = session.selected()
    kind, index = ("bias", (j,)) if k is None else ("weight", (k, j))
    try:
        node = graph.find(kind, layer, index)
    except StopIteration:
        return None
    label = walk_label(graph, (node.id, "backward"), n_layers)
    return label if label in labels else None


def _focus(graph: Graph) -> np.ndarray:
    """The part of the graph shown: around the selected weight's neuron j of its layer."""
    layer, _, j = session.selected()
    big = len(graph.nodes) > BIG
    kind = choose(st.radio, "Show", list(SHOW), key=FOCUS + ("_big" if big else ""),
                  format_func=SHOW.get, default="neuron" if big else "all",
                  horizontal=True, help=f"The selected weight's neuron: {FOCI['neuron']}. "
                  f"Its layer: {FOCI['layer']}.")
    return focus(graph, kind, layer, j)


def _controls(snap: Snapshot, graph_of) -> tuple[Graph, list, int, np.ndarray]:
    n = len(snap.batch_idx)
    n_layers = snap.at.net.n_layers
    with st.container(horizontal=True, vertical_alignment="bottom", wrap=True):
        # Rows of the batch, not its samples: a label may not change with the batch.
        sample = choose(st.selectbox, "Sample of the batch", range(n), key=SAMPLE,
                        width=160, format_func=lambda s: f"row {s + 1}", default=0)
        graph = graph_of(sample)
        keep = _focus(graph)
    order = walk_order(graph, keep)
    labels = [walk_label(graph, step, n_layers) for step in order]
    with st.container(horizontal=True, vertical_alignment="bottom", wrap=True):
        label = choose(st.selectbox, "Node (walk order)", labels, key=POSITION, width=380,
                       default=labels[0])
        position = labels.index(label)
        st.button("Previous node", key="b_cg_prev", on_click=_go_to,
                  args=(labels[max(position - 1, 0)],), disabled=position == 0)
        st.button("Next node", key="b_cg_next", on_click=_go_to,
                  args=(labels[min(position + 1, len(labels) - 1)],),
                  disabled=position == len(order) - 1)
        jump = _selected_label(graph, labels, n_layers)
        if jump is not None:
            st.button("The selected weight", key="b_cg_selected", on_click=_go_to,
                      args=(jump,), help="The weight (or bias) selected on the Playground "
                      "or above, where it receives its gradient.")
    return graph, order, position, keep


def graph_walk(ahead: Previews) -> None:
    """The walk's controls, then its blocks (``ui.page_previews``: a Step shows them at
    once), each of the snapshot they are drawn for."""
    _, snap = ahead.now()
    sample_of: dict = {}

    def graph_of(s: Snapshot, sample: int) -> Graph:  # one graph per snapshot
        if id(s) not in sample_of:
            at = s.at  # the weights, loss and reduction the cache and gradients belong to
            sample_of[id(s)] = (s, build_graph(at.net, s.cache, s.grads, s.Y, at.loss,
                                               at.reduction, sample))
        return sample_of[id(s)][1]
    chosen: list = []
    graph, order, position, keep = _controls(
        snap, lambda sample: chosen.append(sample) or graph_of(snap, sample))
    sample = chosen[0]
    node_id, phase = order[position]
    mask = reached(order, position, len(graph.nodes))
    n_layers = snap.at.net.n_layers
    ahead.chart("cg_graph", lambda t, s: compgraph_figure(
        graph_of(s, sample), node_id, phase, mask, n_layers, keep=keep,
        palette=session.look()["palette"]))
    ahead.panel("cg_node", lambda t, s: node_parts(s, graph_of(s, sample), node_id, phase,
                                                   position, len(order)))


def node_parts(snap: Snapshot, graph: Graph, node_id: int, phase: str, position: int,
               steps: int) -> list[dict]:
    """The walk's node: its name, value and gradient, and its chain-rule step in LaTeX."""
    node, n_layers = graph.nodes[node_id], snap.at.net.n_layers
    parts = [panel.markdown(
        f"**{node_name(node, n_layers)}**, {phase} pass (node {position + 1} of {steps} in "
        f"this walk); sample #{snap.batch_idx[graph.sample]}, row {graph.sample + 1} of the "
        f"batch's {len(snap.batch_idx)}"),
        panel.metrics([{"label": "value", "value": sig(node.value)},
                       {"label": "gradient", "value": sig(node.grad),
                        "help": "∂(this sample's share of the cost)/∂(this node); see below."}])]
    if phase == "forward":
        parts += [panel.latex(forward_latex(node, graph)),
                  panel.caption("Its gradient arrives in the backward half of the walk, from "
                                "the nodes it feeds.")]
    else:
        parts += [panel.latex(backward_latex(node, graph)),
                  panel.caption("The local chain-rule step: each node it feeds passes back "
                                "its own gradient times ∂(that node)/∂(this node).")]
    n = len(snap.batch_idx)
    how = (f"the mean over the batch's {n} samples" if graph.scale != 1 else
           "the sum over the batch's samples")
    parts.append(panel.caption(
        f"Gradients here are this sample's share of the batch cost C, {how}: the root is "
        f"${share(graph)}$ with $C_s$ = {graph.cost:.6g} its own cost, so every z node's "
        "gradient is exactly the engine's δ for this sample, and a weight's gradients "
        "summed over the batch give the engine's ∂C/∂W (without any L1/L2 penalty, which "
        "belongs to the batch, not to a sample). Values and δ come from the same forward "
        "and backward pass as the rest of this page."))
    return parts
