"""Step-through: the chain rule for one weight, with the current mini-batch's numbers, a
single sample walked forward and backward one layer at a time, and one sample's computation
graph walked node by node."""

import numpy as np
import pandas as pd
import streamlit as st

import backprop_core as bc
from backprop_core.analyses.explain import backprop_terms, breakdown, single_sample_walk
from ui import inspect, session, stepping
from ui.charts import chart
from ui.compgraph_view import graph_walk
from ui.edit_param import edit_panel
from ui.latex import breakdown_latex, hidden_latex
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


def highlight_plot(tr: bc.Trainer, snap: inspect.Snapshot, b) -> None:
    data, c, view = session.dataset(), session.config(), session.view()
    top = snap.batch_idx[b.ranked()[:5]]
    bv = boundary_view(tr, data, c, view.plane, view.plane_features, session.feature_names(),
                       60)
    fig = boundary_figure(bv.grid.output, bv.extent, data.task, bv.to_2d(data.X_train),
                          data.Y_train, batch=bv.to_2d(data.X_train[top]), height=300,
                          axis_titles=bv.titles)
    fig["data"][-1]["name"] = "largest contributions"
    chart(fig, "st_boundary")


def chain_rule_section(tr: bc.Trainer, snap: inspect.Snapshot) -> None:
    at = snap.at  # the weights and settings the gradient was computed at
    layer, k, j = pick_parameter(at.net)
    b = breakdown(at.net, snap.cache, snap.grads, snap.Y, at.loss, at.reduction, layer, j, k,
                  at.regularization, at.reg_rate)
    engine = (snap.grads.weights[layer][k, j] if k is not None else snap.grads.biases[layer][j])
    st.latex(breakdown_latex(b, engine))
    st.caption(f"Sum of the breakdown minus the engine's gradient: {b.total - engine:.1e}")
    if b.fused:
        st.caption(f"Output layer with {b.fused}.")
    left, right = st.columns([1.4, 1])
    with left:
        st.markdown("**Per-sample contributions** (largest first)")
        table = contributions_table(b, snap.batch_idx)
        st.dataframe(table, hide_index=True, height=250, width="stretch", placeholder="–",
                     column_config={c: st.column_config.NumberColumn(format="%.4g")
                                    for c in table.columns[1:]})
    with right:
        highlight_plot(tr, snap, b)
    if layer < at.net.n_layers - 1:
        sample = int(b.ranked()[0])
        w, delta, terms = backprop_terms(at.net, snap.grads, layer, j, sample)
        st.markdown(f"**Where ∂C/∂y_j comes from** (hidden neuron j = {j}, for sample "
                    f"{snap.batch_idx[sample]}, the largest contribution):")
        st.latex(hidden_latex(j, w, delta, terms))


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


def walk_section(tr: bc.Trainer) -> None:
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
    walk = single_sample_walk(tr.net, tr.X[sample], tr.Y[sample], tr.loss)
    forward_done, backward_done = min(pos, L), max(pos - L, 0)
    phase, highlight = walk_phase(pos, L)
    cols[1].markdown(f"x = {np.round(data.X_train[sample], 3).tolist()}, target "
                     f"{np.round(walk.target, 3).tolist()}. {phase}")
    rows = []
    for i in range(forward_done):
        for unit in range(tr.net.layer_sizes[i + 1]):
            d = walk.delta[i][unit] if i >= L - backward_done else np.nan
            rows.append({"layer": i + 1, "neuron": unit, "z": walk.z[i][unit],
                         "a": walk.a[i + 1][unit], "δ = ∂C_s/∂z": d})
    diagram = DiagramData(feature_labels=session.feature_names(), highlight_layer=highlight)
    wide, height = walk_diagram_size(tr.net.layer_sizes)
    left, right = (st.container(), st.container()) if wide else st.columns([1, 1.2])
    with left:
        chart(network_figure(tr.net, diagram, height=height), "walk_net")
    with right:
        if rows:
            st.dataframe(pd.DataFrame(rows), hide_index=True, height=320, placeholder="–",
                         column_config={c: st.column_config.NumberColumn(format="%.4g")
                                        for c in ("z", "a", "δ = ∂C_s/∂z")})
        if backward_done == L:
            st.success(f"Walk complete: δ reached layer 1, next to the inputs; this sample's "
                       f"cost C_s = {walk.cost:.6g}.")


def page(tr: bc.Trainer, snap: inspect.Snapshot) -> None:
    st.caption(f"Showing {snap.label}. Click a weight in the Playground's diagram to select "
               "it here.")
    chain_rule_section(tr, snap)
    with st.expander("Edit this parameter by hand (its value now, for the next steps)"):
        edit_panel()
    st.markdown("#### One sample, layer by layer")
    walk_section(tr)
    st.markdown("#### One sample as a computation graph, node by node")
    graph_walk(snap)


stepping.inspection_page("Step-through: the chain rule with numbers", page)
