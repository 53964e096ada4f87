"""Step-through's computation graph: one sample of the inspected batch, every scalar a
node with its value and gradient, walked node by node (forward, then backward)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from backprop_core.compgraph import Graph, build_graph
from viz.compgraph import compgraph_figure, node_name
from viz.numbers import sig

from . import session
from .charts import chart
from .compgraph_latex import backward_latex, forward_latex, share
from .inspect import Snapshot

# Widget keys (Streamlit owns these; the buttons' callbacks move the walk through them).
SAMPLE, POSITION = "w_cg_sample", "w_cg_pos"


def walk_order(graph: Graph) -> list[tuple[int, str]]:
    """(node id, phase) per walk position: every node in topological order computing its
    value, then in the reverse order receiving its gradient."""
    ids = [n.id for n in graph.nodes]
    return [(i, "forward") for i in ids] + [(i, "backward") for i in reversed(ids)]


def reached(order: list[tuple[int, str]], position: int, n_nodes: int) -> np.ndarray:
    """Which nodes have their value (forward half) or gradient (backward half) by
    ``position``, the node at ``position`` included."""
    mask = np.zeros(n_nodes, dtype=bool)
    phase = order[position][1]
    for node_id, p in order[:position + 1]:
        if p == phase:
            mask[node_id] = True
    return mask


def _clamp(key: str, n: int) -> None:
    """A remembered choice that the new options no longer hold goes back to the first."""
    if not 0 <= st.session_state.get(key, 0) < n:
        st.session_state[key] = 0


def _move(by: int, n: int) -> None:
    st.session_state[POSITION] = int(np.clip(st.session_state.get(POSITION, 0) + by, 0, n - 1))


def _go_to(position: int) -> None:
    st.session_state[POSITION] = position


def _selected_weight_position(graph: Graph, order) -> int | None:
    """The backward position of the weight (or bias) selected on the Playground."""
    layer, k, j = session.selected()
    kind, index = ("bias", (j,)) if k is None else ("weight", (k, j))
    try:
        node = graph.find(kind, layer, index)
    except StopIteration:
        return None
    return order.index((node.id, "backward"))


def _controls(snap: Snapshot, graph_of) -> tuple[Graph, list, int]:
    n = len(snap.batch_idx)
    _clamp(SAMPLE, n)
    with st.container(horizontal=True, vertical_alignment="bottom", wrap=True):
        sample = st.selectbox("Sample of the batch", range(n), key=SAMPLE, width=260,
                              format_func=lambda s: f"#{snap.batch_idx[s]} (row {s + 1} of "
                                                    f"{n})")
        graph = graph_of(sample)
        order = walk_order(graph)
        _clamp(POSITION, len(order))
        names = [node_name(node, graph.root.layer) for node in graph.nodes]
        position = st.selectbox("Node (walk order)", range(len(order)), key=POSITION,
                                width=380, format_func=lambda p: f"{p + 1}/{len(order)} "
                                f"{order[p][1]}: {names[order[p][0]]}")
        st.button("Previous node", key="b_cg_prev", on_click=_move, args=(-1, len(order)),
                  disabled=position == 0)
        st.button("Next node", key="b_cg_next", on_click=_move, args=(1, len(order)),
                  disabled=position == len(order) - 1)
        jump = _selected_weight_position(graph, order)
        if jump is not None:
            st.button("The selected weight", key="b_cg_selected", on_click=_go_to,
                      args=(jump,), help="The weight (or bias) selected on the Playground "
                      "or above, where it receives its gradient.")
    return graph, order, position


def graph_walk(snap: Snapshot) -> None:
    at = snap.at  # the weights, loss and reduction the cache and gradients belong to
    graph, order, position = _controls(snap, lambda s: build_graph(
        at.net, snap.cache, snap.grads, snap.Y, at.loss, at.reduction, s))
    node_id, phase = order[position]
    node = graph.nodes[node_id]
    mask = reached(order, position, len(graph.nodes))
    chart(compgraph_figure(graph, node_id, phase, mask, at.net.n_layers), "cg_graph")
    with st.container(horizontal=True, gap="medium", wrap=True, vertical_alignment="bottom"):
        st.markdown(f"**{node_name(node, at.net.n_layers)}**, {phase} pass")
        st.metric("value", sig(node.value), width="content")
        st.metric("gradient", sig(node.grad), width="content",
                  help="∂(this sample's share of the cost)/∂(this node); see below.")
    if phase == "forward":
        st.latex(forward_latex(node, graph))
        st.caption("Its gradient arrives in the backward half of the walk, from the nodes "
                   "it feeds.")
    else:
        st.latex(backward_latex(node, graph))
        st.caption("The local chain-rule step: each node it feeds passes back its own "
                   "gradient times ∂(that node)/∂(this node).")
    n = len(snap.batch_idx)
    how = (f"the mean over the batch's {n} samples" if graph.scale != 1 else
           "the sum over the batch's samples")
    st.caption(
        f"Gradients here are this sample's share of the batch cost C, {how}: the root is "
        f"${share(graph)}$ with $C_s$ = {graph.cost:.6g} its own cost, so every z node's "
        "gradient is exactly the engine's δ for this sample, and a weight's gradients "
        "summed over the batch give the engine's ∂C/∂W (without any L1/L2 penalty, which "
        "belongs to the batch, not to a sample). Values and δ come from the same forward "
        "and backward pass as the rest of this page.")
