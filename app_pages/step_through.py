"""Step-through: the chain rule for one weight, with the current mini-batch's numbers, a
single sample walked forward and backward one layer at a time, and one sample's computation
graph walked node by node."""

import numpy as np
import pandas as pd
import streamlit as st

import backprop_core as bc
from backprop_core.analyses.explain import backprop_terms, breakdown, single_sample_walk
from ui import inspect, panel, session, stepping
from ui.compgraph_view import graph_walk
from ui.edit_param import edit_panel
from ui.latex import breakdown_latex, hidden_latex
from ui.lazy import lazy_expander
from ui.page_previews import Previews
from ui.planes import boundary_view
from ui.texts import walk_phase
from viz.boundary import boundary_figure
from viz.network import DiagramData, network_figure


def pick_parameter(net: bc.Network) -> tuple[int, int | None, int]:
    layer0, k0, j0 = session.selected()
    cols = st.columns(3)
    layer = cols[0].selectbox("Weight layer", range(net.n_layers), index=layer0,
                              format_func=lambda i: f"layer {i + 1}", key="w_st_layer")
    senders = ["bias", *range(net.layer_sizes[layer])]
    k = cols[1].selectbox("From neuron k (y_k)", senders,
                          index=0 if k0 is None else min(k0, net.layer_sizes[layer] - 1) + 1,
                          key="w_st_from", format_func=lambda v: "bias b_j" if v == "bias"
                          else f"k = {v}")
    j = cols[2].selectbox("To neuron j", range(net.layer_sizes[layer + 1]),
                          index=min(j0, net.layer_sizes[layer + 1] - 1), key="w_st_to",
                          format_func=lambda v: f"j = {v}")
    k = None if k == "bias" else int(k)
    session.set_selected(layer, k, j)
    return layer, k, j


NUMBER_COLUMNS = ("y_k", "f'(z_j)", "∂C/∂y_j", "δ_j = ∂C/∂z_j", "contribution")


def contributions_table(b, batch_idx: np.ndarray) -> pd.DataFrame:
    order = b.ranked()
    data = {"sample": batch_idx[order]}
    if b.y_k is not None:
        data["y_k"] = b.y_k[order]
    if b.f_prime is not None:
        data["f'(z_j)"] = b.f_prime[order]
        data["∂C/∂y_j"] = b.dC_dy[order]
    data["δ_j = ∂C/∂z_j"] = b.delta[order]
    data["contribution"] = b.contribution[order]
    return pd.DataFrame(data)


def highlight_plot(tr: bc.Trainer, snap: inspect.Snapshot, b) -> dict:
    data, c, view = session.dataset(), session.config(), session.view()
    top = snap.batch_idx[b.ranked()[:5]]
    bv = boundary_view(tr, data, c, view.plane, view.plane_features, session.feature_names(),
                       60)
    fig = boundary_figure(bv.grid.output, bv.extent, data.task, bv.to_2d(data.X_train),
                          data.Y_train, batch=bv.to_2d(data.X_train[top]), height=300,
                          axis_titles=bv.titles, **session.look())
    fig["data"][-1]["name"] = "largest contributions"
    return fig


CONTRIBUTIONS = "**Per-sample contributions** (largest first)"


def chain_rule(snap: inspect.Snapshot, layer: int, k: int | None, j: int):
    """The breakdown of the chosen parameter's gradient and the engine's own number."""
    at = snap.at  # the weights and settings the gradient was computed at
    b = breakdown(at.net, snap.cache, snap.grads, snap.Y, at.loss, at.reduction, layer, j, k,
                  at.regularization, at.reg_rate)
    engine = (snap.grads.weights[layer][k, j] if k is not None else snap.grads.biases[layer][j])
    return b, engine


def chain_rule_parts(snap: inspect.Snapshot, b, engine) -> list[dict]:
    parts = [panel.latex(breakdown_latex(b, engine)),
             panel.caption(f"Sum of the breakdown minus the engine's gradient: "
                           f"{b.total - engine:.1e}")]
    if b.fused:
        parts.append(panel.caption(f"Output layer with {b.fused}."))
    return parts


def where_from(snap: inspect.Snapshot, b, layer: int, j: int) -> list[dict]:
    """A hidden neuron's ∂C/∂y_j, written out for the largest contribution's sample."""
    if layer >= snap.at.net.n_layers - 1:
        return []
    sample = int(b.ranked()[0])
    w, delta, terms = backprop_terms(snap.at.net, snap.grads, layer, j, sample)
    return [panel.markdown(f"**Where ∂C/∂y_j comes from** (hidden neuron j = {j}, for "
                           f"sample {snap.batch_idx[sample]}, the largest contribution):"),
            panel.latex(hidden_latex(j, w, delta, terms))]


def chain_rule_section(ahead: Previews) -> None:
    _, snap = ahead.now()
    layer, k, j = pick_parameter(snap.at.net)
    memo: dict = {}

    def of(s):  # one breakdown per state, for the blocks below
        if id(s) not in memo:
            memo[id(s)] = (s, *chain_rule(s, layer, k, j))
        return memo[id(s)][1:]
    ahead.panel("st_chain", lambda t, s: chain_rule_parts(s, *of(s)))
    left, right = st.columns([1.4, 1])
    left.markdown(CONTRIBUTIONS)
    ahead.panel("st_contributions", lambda t, s: [panel.table(
        contributions_table(of(s)[0], s.batch_idx), {c: ".4g" for c in NUMBER_COLUMNS},
        height=250, label="Per-sample contributions")], left)
    ahead.chart("st_boundary", lambda t, s: highlight_plot(t, s, of(s)[0]), right)
    ahead.panel("st_where", lambda t, s: where_from(s, of(s)[0], layer, j))


@session.exclusive
def _walk_next() -> None:
    session.walk()["position"] += 1


@session.exclusive
def _walk_restart() -> None:
    session.walk()["position"] = 0


def walk_diagram_size(layer_sizes: list[int]) -> tuple[bool, int]:
    """(whole width?, height px) of the walk's diagram: beside its table while it is small;
    a bigger network gets the page's width and ~70 px a neuron row, so its bias labels and
    layer titles keep apart (a 6×8 network squeezed beside the table was ~330 px wide)."""
    if max(layer_sizes) <= 4 and len(layer_sizes) <= 4:
        return False, 320
    return True, int(np.clip(70 * max(layer_sizes) + 60, 320, 680))


def walk_section(ahead: Previews) -> None:
    tr, _ = ahead.now()
    data = session.dataset()
    state = session.walk()
    n, L = len(tr.X), tr.net.n_layers
    cols = st.columns([2.2, 2.5], vertical_alignment="bottom")
    with cols[0], st.container(horizontal=True, vertical_alignment="bottom", wrap=True):
        sample = st.number_input("Sample (training set index)", 0, n - 1, width=200,
                                 value=min(state["sample"], n - 1), key="w_walk_sample")
        if sample != state["sample"]:
            state.update(sample=int(sample), position=0)
        state["position"] = min(state["position"], 2 * L)
        st.button("Next layer", key="b_walk_next", disabled=state["position"] >= 2 * L,
                  on_click=_walk_next)
        st.button("Restart", key="b_walk_restart", on_click=_walk_restart)
    pos = state["position"]
    forward_done, backward_done = min(pos, L), max(pos - L, 0)
    phase, highlight = walk_phase(pos, L)
    memo: dict = {}

    def walk(t):  # one walk per state, for the blocks below
        if id(t) not in memo:
            memo[id(t)] = (t, single_sample_walk(t.net, t.X[sample], t.Y[sample], t.loss))
        return memo[id(t)][1]
    ahead.panel("walk_text", lambda t, s: [panel.markdown(
        f"x = {np.round(data.X_train[sample], 3).tolist()}, target "
        f"{np.round(walk(t).target, 3).tolist()}. {phase}")], cols[1])

    def rows(t) -> list[dict]:
        w, out = walk(t), []
        for i in range(forward_done):
            for unit in range(t.net.layer_sizes[i + 1]):
                d = w.delta[i][unit] if i >= L - backward_done else np.nan
                out.append({"layer": i + 1, "neuron": unit, "z": w.z[i][unit],
                            "a": w.a[i + 1][unit], "δ = ∂C_s/∂z": d})
        return out

    def table(t, s) -> list[dict]:
        parts = []
        if forward_done:
            parts.append(panel.table(pd.DataFrame(rows(t)), {c: ".4g" for c in
                                     ("z", "a", "δ = ∂C_s/∂z")}, height=320,
                                     label="The walk, layer by layer"))
        if backward_done == L:
            parts.append(panel.alert("success", f"Walk complete: δ reached layer 1, next to "
                                     f"the inputs; this sample's cost C_s = "
                                     f"{walk(t).cost:.6g}."))
        return parts
    diagram = DiagramData(feature_labels=session.feature_names(), highlight_layer=highlight)
    wide, height = walk_diagram_size(tr.net.layer_sizes)
    left, right = (st.container(), st.container()) if wide else st.columns([1, 1.2])
    look = session.look()
    ahead.chart("walk_net", lambda t, s: network_figure(t.net, diagram, height=height, **look),
                left)
    ahead.panel("walk_table", table, right)


def page(ahead: Previews) -> None:
    ahead.panel("st_caption", lambda t, s: [panel.caption(
        f"Showing {s.label}. Click a weight in the Playground's diagram to select it here.")])
    chain_rule_section(ahead)
    with lazy_expander("Edit this parameter by hand (its value now, for the next steps)",
                       "x_st_edit") as is_open:
        if is_open:
            edit_panel()
    st.markdown("#### One sample, layer by layer")
    walk_section(ahead)
    st.markdown("#### One sample as a computation graph, node by node")
    graph_walk(ahead)


stepping.inspection_page("Step-through: the chain rule with numbers", page)
