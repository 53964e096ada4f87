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
from ui import inspect, panel, session, stepping
from ui.distributions_view import distributions_section
from ui.edit_param import edit_panel
from ui.gradcheck_view import gradient_check_section
from ui.lazy import lazy_expander
from ui.optimizer_state import optimizer_state_section
from ui.page_previews import Previews
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


def matrices(ahead: Previews) -> int:
    tr, snap = ahead.now()
    net = snap.at.net  # the weights the gradient was computed at
    layer = st.selectbox("Weight layer", range(net.n_layers), key="w_grad_layer",
                         format_func=lambda i: layer_name(net, i))
    cols, palette = st.columns(3), session.look()["palette"]
    for key, kind, col in (("hm_w", "weights", cols[0]), ("hm_g", "grads", cols[1])):
        def make(t, s, kind=kind):
            before = " before that update" if s.source == "last" else ""
            if kind == "weights":
                M, title = s.at.net.weights[layer], f"W{before} (rows: from, columns: to)"
            else:
                M, title = s.grads.weights[layer], f"∂C/∂W{before}"
            return clickable(matrix_heatmap(M, title, layer=layer, palette=palette))
        cell = ahead.chart(key, make, col, pick=True)
        if cell is not None:  # a click on a cell: that weight, for "Edit a weight" below
            session.set_selected(layer, *cell)
    ahead.chart("hm_u", lambda t, s: None if t.last_update is None else matrix_heatmap(
        t.last_update.weights[layer], update_title(t, s), layer=layer, palette=palette),
        cols[2])
    ahead.panel("hm_u_none", lambda t, s: [] if t.last_update is not None else [
        panel.alert("info", "No update yet in this step: run Update (or Step) to see ΔW.")],
        cols[2])
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
NUMBERS = {c: ".4g" for c in ("value", "gradient", "last update", "velocity", "m", "v")}


def parameters(tr: bc.Trainer, snap: inspect.Snapshot) -> list[dict]:
    parts = []
    if snap.source == "last":
        parts.append(panel.caption(
            "“value” is each parameter before the last update, where its gradient was "
            "taken: value + last update = the value now. Optimizer state is as now."))
    return [*parts, panel.table(parameter_table(tr, snap), NUMBERS, height=260,
                                label="Every parameter")]


def flags(tr: bc.Trainer, snap: inspect.Snapshot) -> list[dict]:
    norms = layer_norms(snap.grads.weights)  # flags speak of ‖∂C/∂W‖: the weights alone
    found = gradient_flags(norms) + unit_flags(snap.at.net, snap.cache)
    if not found:
        return [panel.alert("success", "No vanishing or exploding gradients, dead ReLUs or "
                            "saturated units in this mini-batch.")]
    return [panel.alert("warning", flag.message) for flag in found]


def older_caption(tr: bc.Trainer, of: str) -> list[dict]:
    """Steps whose weights-only norms a session file from before them lacks."""
    steps = tr.history.columns["step"]
    older = [s for s, g, w in zip(steps, tr.history.columns["grad_norms"],
                                  tr.history.columns["grad_w_norms"], strict=True)
             if g is not None and w is None]
    if of != "weights" or not older:
        return []
    return [panel.caption(f"Steps {older[0]:,}–{older[-1]:,} come from a session file saved "
                          "before weights-only norms were recorded: they are not drawn here "
                          "(choose “weights and biases” to see them).")]


def health(ahead: Previews) -> None:
    tr, _ = ahead.now()
    ahead.panel("health_flags", flags)
    ahead.panel("health_none", lambda t, s: [] if t.step else [
        panel.alert("info", "Norms over time appear once a step has finished.")])
    if tr.step == 0:
        return
    of = st.radio("Norms of", list(NORMS_OF), format_func=NORMS_OF.get, horizontal=True,
                  key="w_norms_of", help="Per layer, the norm of the weight matrix alone, or "
                  "of the weights and the biases together (one vector of all of them).")
    labels = NORMS[of]
    cols = st.columns(2)
    ahead.chart("health_g", lambda t, s: per_layer_lines(
        t.history.columns["step"], gradient_norms(t.history, of),
        f"Gradient norm per layer {labels['grad_label']}", "norm"), cols[0])
    ahead.chart("health_r", lambda t, s: per_layer_lines(
        t.history.columns["step"], update_ratios(t.history, of),
        f"Update / weight ratio {labels['ratio_label']}", "ratio"), cols[1])
    ahead.panel("health_older", lambda t, s: older_caption(t, of))


def page(ahead: Previews) -> None:
    tr, snap = ahead.now()
    ahead.panel("g_caption", lambda t, s: [panel.caption(
        f"Showing {s.label}, for the {len(s.batch_idx)} samples of the batch.")])
    st.markdown("#### Per layer")
    layer = matrices(ahead)
    with lazy_expander("Edit a weight by hand (click a cell of W or ∂C/∂W to choose it)",
                       "x_grad_edit") as is_open:
        if is_open:
            edit_panel()
    st.markdown("#### Optimizer state")
    optimizer_state_section(tr, snap, layer)
    st.markdown("#### Every parameter")
    ahead.panel("g_params", parameters)
    st.markdown("#### Gradient health")
    health(ahead)
    st.markdown("#### Distributions over time")
    distributions_section(tr)
    st.markdown("#### Gradient check")
    gradient_check_section(tr, snap)


stepping.inspection_page("Gradients", page)
