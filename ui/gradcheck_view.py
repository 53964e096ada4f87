"""The gradient check, as a page section: backprop against finite differences, every
parameter coloured by its relative error and the worst one named."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import streamlit as st

import backprop_core as bc
from backprop_core.analyses.gradcheck import CORRECT_BELOW, WRONG_FROM, verdict, worst
from backprop_core.analyses.mistakes import gradients_with_double_sigmoid
from backprop_core.network.losses import reduction_scale
from viz.numbers import sig

from . import session
from .inspect import Snapshot

MAX_CHECKED = 1000  # larger networks: a seeded sample of this many parameters
VARIANTS = {
    "engine": "the engine's backprop",
    "double_sigmoid": "the article's bug: σ'(·) applied to y = σ(z)",
    "off_by_one_percent": "a deliberate bug: one gradient off by 1 %",
}


def article_bug_applies(net: bc.Network, loss: str) -> bool:
    return loss == "mse" and all(a == "sigmoid" for a in net.activation_names)


def variant_gradients(variant: str, snap: Snapshot) -> bc.Gradients:
    tr = snap.at
    if variant == "double_sigmoid":
        scale = reduction_scale(tr.reduction, len(snap.Y))
        return gradients_with_double_sigmoid(tr.net, snap.cache, snap.Y, scale)
    grads = snap.grads
    if variant == "off_by_one_percent":
        weights = [g.copy() for g in grads.weights]
        layer = len(weights) - 1
        i, j = np.unravel_index(np.argmax(np.abs(weights[layer])), weights[layer].shape)
        weights[layer][i, j] *= 1.01
        grads = bc.Gradients(weights, grads.biases, grads.deltas, grads.penalty_weights)
    return grads


def run_check(snap: Snapshot, variant: str) -> list[bc.ParamCheck]:
    """At the weights and settings the snapshot's gradient was computed at."""
    tr = snap.at
    grads = variant_gradients(variant, snap)
    sample = MAX_CHECKED if tr.net.n_params > MAX_CHECKED else None
    return bc.grad_check(tr.net, snap.X, snap.Y, tr.loss, tr.reduction, tr.regularization,
                         tr.reg_rate, grads=grads, max_params=sample, seed=0)


STATUS_TEXT = {"kink": "kink: not comparable"}


def results_table(checks: list[bc.ParamCheck]) -> pd.DataFrame:
    return pd.DataFrame([{"parameter": c.name, "backprop": c.analytic,
                          "finite difference": c.numeric, "relative error": c.rel_error,
                          "status": STATUS_TEXT.get(c.status, c.status)} for c in checks])


def _e(x: float) -> str:
    return f"{x:.0e}".replace("e-0", "e-")  # 1e-7, not 1e-07


def verdict_box(checks: list[bc.ParamCheck]) -> tuple[str, str]:
    """(Streamlit box: "success", "warning", "error" or "info"; its opening words), both
    from the counts of correct, suspect and wrong gradients, never from the worst alone."""
    v = verdict(checks)
    bands = (f"relative error < {_e(CORRECT_BELOW)} correct, ≥ {_e(WRONG_FROM)} wrong, "
             "suspect between")
    if v.outcome == "wrong":
        more = f"; {v.suspect} more suspect" if v.suspect else ""
        return "error", (f"{v.wrong} gradient(s) disagree with finite differences{more} "
                         f"({bands}).")
    if v.outcome == "suspect":
        return "warning", (f"No gradient is wrong, but {v.suspect} of {v.suspect + v.correct} "
                           f"are suspect ({bands}): more than rounding usually explains, "
                           "less than a bug usually gives.")
    if v.outcome == "ok":
        return "success", (f"All {v.correct} compared gradients agree with finite differences "
                           f"(relative error < {_e(CORRECT_BELOW)}).")
    return "info", "No gradient could be compared with a finite difference here."


def _colour(value: str) -> str:
    return {"correct": "background-color: #c8e6c9", "suspect": "background-color: #ffe0b2",
            "wrong": "background-color: #ffcdd2"}.get(value, "")


def gradient_check_section(tr: bc.Trainer, snap: Snapshot, key: str = "gc") -> None:
    options = [v for v in VARIANTS if v != "double_sigmoid" or
               article_bug_applies(tr.net, tr.loss)]
    cols = st.columns([2, 1], vertical_alignment="bottom")
    variant = cols[0].selectbox("Gradients to check", options, format_func=VARIANTS.get,
                                key=f"{key}_variant")
    clicked = cols[1].button("Run gradient check", key=f"{key}_run", type="primary",
                             width="stretch")
    token = (id(tr), tr.step, tr.phase_index, snap.source, variant)
    stored = session.result(f"{key}_check")
    if clicked:
        stored = (token, run_check(snap, variant))
        session.set_result(f"{key}_check", stored)
    if not stored or stored[0] != token:
        note = ("" if "double_sigmoid" in options else " The article's σ′ bug can be tried on "
                "the article's set-up: all-sigmoid layers with sigmoid+mse output.")
        st.caption("Compares every ∂C/∂w from backprop with a five-point central difference "
                   "of the cost (evaluated in extended precision) on the same mini-batch."
                   + note)
        return
    checks = stored[1]
    bad = worst(checks)
    kinks = sum(c.kink for c in checks)
    summary = (f"Checked {len(checks)} of {tr.net.n_params} parameters; worst: "
               f"**{bad.name}** with relative error {bad.rel_error:.2e} "
               f"(backprop {sig(bad.analytic, 6)}, finite difference {sig(bad.numeric, 6)}).")
    if kinks:
        summary += (f" {kinks} parameter(s) not comparable: the difference stencil crosses "
                    "a ReLU kink (or L1's at w = 0) for some sample, where the cost has no "
                    "derivative to measure.")
    box, opening = verdict_box(checks)
    getattr(st, box)(f"{opening} {summary}")
    table = results_table(checks).sort_values("relative error", ascending=False)
    six = functools.partial(sig, digits=6)
    st.dataframe(table.style.map(_colour, subset=["status"]).format(
        {"backprop": six, "finite difference": six, "relative error": "{:.2e}"}),
        hide_index=True, height=240, width="stretch", placeholder="–")
