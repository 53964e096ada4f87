"""Gradients: every weight's gradient beside the optimizer's state, the health and the
distributions of the gradients over time, and a finite-difference check of backprop."""

import numpy as np
import pandas as pd
import streamlit as st

import backprop_core as bc
from backprop_core.analyses.explain import param_name
from backprop_core.training.health import (
    NORMS,
    gradient_flags,
    gradient_norms,
    layer_norms,
    unit_flags,
    update_ratios,
)
from ui import inspect, session, stepping
from ui.charts import chart, picked_cell
from ui.distributions_view import distributions_section
from ui.edit_param import edit_panel
from ui.gradcheck_view import gradient_check_section
from ui.optimizer_state import optimizer_state_section
from viz.gradients import clickable, matrix_heatmap, per_layer_lines


def layer_name(net: bc.Network, layer: int) -> str:
    src = "inputs" if layer == 0 else f"hidden {layer}"
    dst = "output" if layer == net.n_layers - 1 else f"hidden {layer + 1}"
    return f"Layer {layer + 1}: {src} → {dst}"


def update_title(tr: bc.Trainer, snap: inspect.Snapshot) -> str:
    """Which step's update the ΔW column is (the gradient's own only for "last")."""
    if snap.source == "last":
        return f"ΔW its update applied (step {tr.step})"
    return f"last update ΔW (step {tr.step})"


def matrices(tr: bc.Trainer, snap: inspect.Snapshot) -> int:
    net = snap.at.net  # the weights the gradient was computed at
    layer = st.selectbox("Weight layer", range(net.n_layers), key="w_grad_layer",
                         format_func=lambda i: layer_name(net, i))
    before = " before that update" if snap.source == "last" else ""
    cols = st.columns(3)
    for key, M, title, col in (
            ("hm_w", net.weights[layer], f"W{before} (rows: from, columns: to)", cols[0]),
            ("hm_g", snap.grads.weights[layer], f"∂C/∂W{before}", cols[1])):
        cell = picked_cell(clickable(matrix_heatmap(M, title, layer=layer)), key, col)
        if cell is not None:  # a click on a cell: that weight, for "Edit a weight" below
            session.set_selected(layer, *cell)
    if tr.last_update is not None:
        chart(matrix_heatmap(tr.last_update.weights[layer], update_title(tr, snap),
                             layer=layer), "hm_u", cols[2])
    else:
        cols[2].info("No update yet in this step: run Update (or Step) to see ΔW.")
    return layer


def parameter_table(tr: bc.Trainer, snap: inspect.Snapshot) -> pd.DataFrame:
    """Every parameter: layer, from, to, value (where the gradient was taken), gradient,
    last update, optimizer state (now)."""
    rows = []
    state = tr.optimizer.state or {}
    net = snap.at.net
    for layer in range(net.n_layers):
        for kind, values, grads in (("W", net.weights[layer], snap.grads.weights[layer]),
                                    ("b", net.biases[layer], snap.grads.biases[layer])):
            key = "weights" if kind == "W" else "biases"
            update = None if tr.last_update is None else getattr(tr.last_update, key)[layer]
            for idx in np.ndindex(values.shape):
                row = {"layer": layer + 1, "param": param_name(layer, *[None, *idx][-2:]),
                       "from": str(idx[0]) if kind == "W" else "bias", "to": idx[-1],
                       "value": values[idx], "gradient": grads[idx],
                       "last update": np.nan if update is None else update[idx]}
                for slot, arrays in state.items():
                    row[slot] = arrays[key][layer][idx]
                rows.append(row)
    return pd.DataFrame(rows)


NORMS_OF = {"weights": "weights W only", "params": "weights and biases (W, b)"}


def health(tr: bc.Trainer, snap: inspect.Snapshot) -> None:
    norms = layer_norms(snap.grads.weights)  # flags speak of ‖∂C/∂W‖: the weights alone
    flags = gradient_flags(norms) + unit_flags(snap.at.net, snap.cache)
    if flags:
        for flag in flags:
            st.warning(flag.message)
    else:
        st.success("No vanishing or exploding gradients, dead ReLUs or saturated units in "
                   "this mini-batch.")
    if tr.step == 0:
        st.info("Norms over time appear once a step has finished.")
        return
    of = st.radio("Norms of", list(NORMS_OF), format_func=NORMS_OF.get, horizontal=True,
                  key="w_norms_of", help="Per layer, the norm of the weight matrix alone, or "
                  "of the weights and the biases together (one vector of all of them).")
    labels = NORMS[of]
    cols = st.columns(2)
    steps = tr.history.columns["step"]
    chart(per_layer_lines(steps, gradient_norms(tr.history, of),
                          f"Gradient norm per layer {labels['grad_label']}", "norm"),
          "health_g", cols[0])
    chart(per_layer_lines(steps, update_ratios(tr.history, of),
                          f"Update / weight ratio {labels['ratio_label']}", "ratio"),
          "health_r", cols[1])
    older = [s for s, g, w in zip(steps, tr.history.columns["grad_norms"],
                                  tr.history.columns["grad_w_norms"], strict=True)
             if g is not None and w is None]
    if of == "weights" and older:
        st.caption(f"Steps {older[0]:,}–{older[-1]:,} come from a session file saved before "
                   "weights-only norms were recorded: they are not drawn here (choose "
                   "“weights and biases” to see them).")


def page(tr: bc.Trainer, snap: inspect.Snapshot) -> None:
    st.caption(f"Showing {snap.label}, for the {len(snap.batch_idx)} samples of the batch.")
    st.markdown("#### Per layer")
    layer = matrices(tr, snap)
    with st.expander("Edit a weight by hand (click a cell of W or ∂C/∂W to choose it)"):
        edit_panel()
    st.markdown("#### Optimizer state")
    optimizer_state_section(tr, snap, layer)
    st.markdown("#### Every parameter")
    if snap.source == "last":
        st.caption("“value” is each parameter before the last update, where its gradient was "
                   "taken: value + last update = the value now. Optimizer state is as now.")
    st.dataframe(parameter_table(tr, snap), hide_index=True, height=260,
                 width="stretch", placeholder="–",  # no update yet: a dash, not "None"
                 column_config={c: st.column_config.NumberColumn(format="%.4g")
                                for c in ("value", "gradient", "last update", "velocity",
                                          "m", "v")})
    st.markdown("#### Gradient health")
    health(tr, snap)
    st.markdown("#### Distributions over time")
    distributions_section(tr)
    st.markdown("#### Gradient check")
    gradient_check_section(tr, snap)


stepping.inspection_page("Gradients", page)
