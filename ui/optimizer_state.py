"""The Gradients page's optimizer state: velocity (Momentum) or m, v and the bias-corrected
step (Adam) as heatmaps beside ∂C/∂W, and the update the next Update would apply."""

from __future__ import annotations

import numpy as np
import streamlit as st

import backprop_core as bc
from viz.gradients import matrix_heatmap

from . import session
from .charts import chart
from .inspect import Snapshot

SLOT_TITLES = {"velocity": "velocity v (momentum buffer)", "m": "m: first moment (mean of g)",
               "v": "v: second moment (mean of g²)"}


def bias_corrected_step(opt: bc.Adam, kind: str, layer: int, lr: float) -> np.ndarray:
    """η·m̂/(√v̂ + ε) of Adam's state as it is (m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)) at rate
    ``lr``, in Adam's own order of operations: for the state an update leaves and the rate
    it used, bit for bit minus that update (where nothing is frozen)."""
    m, v = opt.state["m"][kind][layer], opt.state["v"][kind][layer]
    step_size = lr / (1.0 - opt.beta1**opt.t)
    denom = np.sqrt(v) / (1.0 - opt.beta2**opt.t) ** 0.5 + opt.eps
    return step_size * (m / denom)


def next_step(tr: bc.Trainer) -> bc.Trainer | None:
    """The trainer after the next Update: the remaining phases of this step (or the next
    step's) run on a fork, so schedules, frozen parameters and the order of operations are
    the trainer's own and the numbers are bit for bit those the real Update will give.
    None if the step would diverge."""
    fork = tr.fork()
    fork.finish_step()
    return None if fork.diverged is not None else fork


def next_update(tr: bc.Trainer) -> bc.Update | None:
    """What the next Update will apply (None if the step would diverge)."""
    fork = next_step(tr)
    return None if fork is None else fork.last_update


def _rate(opt: bc.Optimizer, lr: float) -> str:
    """η of the next update: the schedule's when it differs from the setting."""
    return f"η = {opt.lr:g}" if lr == opt.lr else f"η = {lr:.4g} (scheduled; set {opt.lr:g})"


def _rule(opt: bc.Optimizer, lr: float) -> str:
    if opt.name == "adam":
        return (f"m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², ΔW = −η·m̂/(√v̂+ε) with "
                f"{_rate(opt, lr)}, β₁ = {opt.beta1:g}, β₂ = {opt.beta2:g}, ε = {opt.eps:g}")
    nesterov = " (Nesterov: ΔW = −η(g + μv))" if getattr(opt, "nesterov", False) else ""
    return f"v ← μv + g, ΔW = −η·v with {_rate(opt, lr)}, μ = {opt.momentum:g}{nesterov}"


def optimizer_state_section(tr: bc.Trainer, snap: Snapshot, layer: int) -> None:
    """Heatmaps of weight layer ``layer``'s state as it is now (after step ``tr.step``)."""
    opt = tr.optimizer
    if not opt.slots:
        st.info("Plain SGD keeps no optimizer state: every update is ΔW = −η·∂C/∂W of its "
                "own batch, nothing carries over from one step to the next.")
        return
    which = ("the gradient shown" if snap.source != "last" else
             f"step {tr.step + 1}'s batch gradient (the next batch's, not the one shown)")
    ahead = next_step(tr)
    upcoming = None if ahead is None else ahead.last_update
    lr = tr.current_lr()  # the next update's rate: the schedule's, not the lr setting
    st.caption(f"{opt.name.capitalize()}: {_rule(opt, lr)}. State of weight layer {layer + 1} as "
               f"it is now, after "
               f"{opt.t} update{'s' if opt.t != 1 else ''} with this optimizer (t = {opt.t}); "
               f"the next update uses {which}.")
    if snap.source == "last":
        st.caption("The state already holds the gradient shown above: the last update "
                   "folded it in.")
    figures, palette = [], session.look()["palette"]
    if opt.state:
        figures += [(matrix_heatmap(opt.state[slot]["weights"][layer],
                                    f"{SLOT_TITLES[slot]}<br>t = {opt.t}", layer=layer,
                                    palette=palette),
                     f"hm_opt_{slot}")
                    for slot in opt.slots]
    else:
        st.caption("No state yet: the first Update creates it (Momentum's velocity starts "
                   "as the first gradient, Adam's m and v at 0).")
    if opt.name == "adam" and ahead is not None:
        # Of the next update: the state it leaves (m̂, v̂ with the next gradient folded in,
        # at t + 1) at the rate it uses, so this is bit for bit minus the ΔW beside it.
        figures.append((matrix_heatmap(
            bias_corrected_step(ahead.optimizer, "weights", layer, lr),
            f"bias-corrected step<br>η·m̂/(√v̂+ε), t = {ahead.optimizer.t}, η = {lr:.4g}",
            layer=layer, palette=palette),
            "hm_opt_step"))
    if upcoming is not None:
        figures.append((matrix_heatmap(upcoming.weights[layer],
                                       f"next update ΔW<br>t = {opt.t + 1}", layer=layer,
                                       palette=palette),
                        "hm_opt_next"))
    if figures:
        for col, (fig, key) in zip(st.columns(len(figures)), figures, strict=True):
            fig["layout"]["margin"]["t"] = 55  # two-line titles: narrow columns clip one
            chart(fig, key, col)
    if opt.name == "adam" and ahead is not None:
        scheduled = "" if lr == opt.lr else " (the schedule's, not the setting)"
        st.caption(f"The bias-corrected step is the next update's: m̂ = m′/(1 − β₁ᵗ⁺¹) and "
                   f"v̂ = v′/(1 − β₂ᵗ⁺¹), with m′ and v′ the state once the next gradient is "
                   f"folded in, at the rate that update uses, η = {lr:.4g}{scheduled}. The "
                   "next update ΔW is minus it (0 where a weight is frozen). m̂ and v̂ divide "
                   "out the bias towards 0 of averages that started at 0.")
