"""The Gradients page's optimizer state: velocity (Momentum) or m, v and the bias-corrected
step (Adam) as heatmaps beside ∂C/∂W, and the update the next Update would apply."""

from __future__ import annotations

import numpy as np
import streamlit as st

import backprop_core as bc
from viz.gradients import matrix_heatmap

from .charts import chart
from .inspect import Snapshot

SLOT_TITLES = {"velocity": "velocity v (momentum buffer)", "m": "m: first moment (mean of g)",
               "v": "v: second moment (mean of g²)"}


def bias_corrected_step(opt: bc.Adam, kind: str, layer: int) -> np.ndarray:
    """η·m̂/(√v̂ + ε) with m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ): the step size Adam's state
    gives now (its last update was minus this, for the same η, β and ε)."""
    m = opt.state["m"][kind][layer] / (1.0 - opt.beta1**opt.t)
    v = opt.state["v"][kind][layer] / (1.0 - opt.beta2**opt.t)
    return opt.lr * m / (np.sqrt(v) + opt.eps)


def next_update(tr: bc.Trainer) -> bc.Update | None:
    """What the next Update will apply: the remaining phases of this step (or the next
    step's) run on a fork, so schedules, frozen parameters and the order of operations are
    the trainer's own and the numbers are bit for bit those the real Update will give.
    None if the step would diverge."""
    fork = tr.fork()
    fork.finish_step()
    return None if fork.diverged is not None else fork.last_update


def _rule(opt: bc.Optimizer) -> str:
    if opt.name == "adam":
        return (f"m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², ΔW = −η·m̂/(√v̂+ε) with "
                f"η = {opt.lr:g}, β₁ = {opt.beta1:g}, β₂ = {opt.beta2:g}, ε = {opt.eps:g}")
    nesterov = " (Nesterov: ΔW = −η(g + μv))" if getattr(opt, "nesterov", False) else ""
    return f"v ← μv + g, ΔW = −η·v with η = {opt.lr:g}, μ = {opt.momentum:g}{nesterov}"


def optimizer_state_section(tr: bc.Trainer, snap: Snapshot, layer: int) -> None:
    """Heatmaps of weight layer ``layer``'s state as it is now (after step ``tr.step``)."""
    opt = tr.optimizer
    if not opt.slots:
        st.info("Plain SGD keeps no optimizer state: every update is ΔW = −η·∂C/∂W of its "
                "own batch, nothing carries over from one step to the next.")
        return
    which = ("the gradient shown" if snap.source != "last" else
             f"step {tr.step + 1}'s batch gradient (the next batch's, not the one shown)")
    upcoming = next_update(tr)
    st.caption(f"{opt.name.capitalize()}: {_rule(opt)}. State of weight layer {layer + 1} as "
               f"it is now, after "
               f"{opt.t} update{'s' if opt.t != 1 else ''} with this optimizer (t = {opt.t}); "
               f"the next update uses {which}.")
    if snap.source == "last":
        st.caption("The state already holds the gradient shown above: the last update "
                   "folded it in.")
    figures = []
    if opt.state:
        figures += [(matrix_heatmap(opt.state[slot]["weights"][layer],
                                    f"{SLOT_TITLES[slot]}<br>t = {opt.t}"), f"hm_opt_{slot}")
                    for slot in opt.slots]
    else:
        st.caption("No state yet: the first Update creates it (Momentum's velocity starts "
                   "as the first gradient, Adam's m and v at 0).")
    if opt.name == "adam" and opt.t > 0:
        figures.append((matrix_heatmap(bias_corrected_step(opt, "weights", layer),
                                       f"bias-corrected step<br>η·m̂/(√v̂+ε), t = {opt.t}"),
                        "hm_opt_step"))
    if upcoming is not None:
        figures.append((matrix_heatmap(upcoming.weights[layer],
                                       f"next update ΔW<br>t = {opt.t + 1}"), "hm_opt_next"))
    if figures:
        for col, (fig, key) in zip(st.columns(len(figures)), figures, strict=True):
            fig["layout"]["margin"]["t"] = 55  # two-line titles: narrow columns clip one
            chart(fig, key, col)
    if opt.name == "adam" and opt.t > 0:
        st.caption("The bias-corrected step is what the state gives at t with the η "
                   "setting: the last update was minus it (for a constant η, β and ε). "
                   "m̂ and v̂ divide out the bias towards 0 of averages that started at 0.")
