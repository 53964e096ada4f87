"""Gradient health in plain language: vanishing or exploding gradients, dead ReLUs,
saturated sigmoid/tanh units. Thresholds are rules of thumb, stated in each message."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..network.network import ForwardCache, Layout, Network
from .history import History

VANISHING_RATIO = 1e-3  # a layer's gradient norm this far below the largest layer's
EXPLODING_NORM = 1e3
SATURATION = {"sigmoid": (0.01, 0.99), "tanh": (-0.99, 0.99)}
SATURATED_SHARE = 0.9  # of the batch


@dataclass(frozen=True)
class Flag:
    """One finding: kind ("vanishing", "exploding", "dead_relu", "saturated"), where, text."""

    kind: str
    layer: int  # weight layer index (0-based); shown to people as layer + 1
    unit: int | None
    message: str


# The per-layer norms a chart or a flag can show: the history columns behind them and how
# each is written. "weights": of W alone; "params": of W and b together.
NORMS = {
    "weights": {"grad": "grad_w_norms", "update": "update_w_norms", "size": "weight_w_norms",
                "grad_label": "‖∂C/∂W‖", "ratio_label": "‖ΔW‖ / ‖W‖"},
    "params": {"grad": "grad_norms", "update": "update_norms", "size": "weight_norms",
               "grad_label": "‖(∂C/∂W, ∂C/∂b)‖", "ratio_label": "‖(ΔW, Δb)‖ / ‖(W, b)‖"},
}


def gradient_norms(history: History, of: str = "params") -> list[tuple[float, ...] | None]:
    """‖(∂C/∂W, ∂C/∂b)‖ (``of="params"``) or ‖∂C/∂W‖ (``"weights"``) per layer for every
    recorded step: None for step 0, and for weights-only norms of steps read from a file
    saved before they were recorded."""
    return list(history.columns[NORMS[of]["grad"]])


def update_ratios(history: History, of: str = "params") -> list[tuple[float, ...] | None]:
    """‖(ΔW, Δb)‖ / ‖(W, b)‖ (``of="params"``) or ‖ΔW‖ / ‖W‖ (``"weights"``) per layer for
    every recorded step (None where ``gradient_norms`` is): the fraction of its size each
    layer moves per step (around 1e-3 is the usual healthy range)."""
    names = NORMS[of]
    out = []
    for upd, w in zip(history.columns[names["update"]], history.columns[names["size"]],
                      strict=True):
        out.append(None if upd is None or w is None else
                   tuple(u / max(n, 1e-300) for u, n in zip(upd, w, strict=True)))
    return out


def first_bad(norms) -> int | None:
    """The first layer whose norm is not finite (None: every one is)."""
    return next((i for i, v in enumerate(norms) if not math.isfinite(v)), None)


def layer_norms(weights: list[np.ndarray], biases: list[np.ndarray] | None = None
                ) -> tuple[float, ...]:
    """‖W_i‖ per layer (arrays (n_in, n_out)), or ‖(W_i, b_i)‖ with ``biases`` (n_out,):
    the trainer's own sums of squares (``Layout.norms``), so the very numbers it records."""
    layout = Layout([weights[0].shape[0], *(W.shape[1] for W in weights)])
    zeros = [np.zeros(W.shape[1]) for W in weights]  # no part of ‖W_i‖
    with_b, alone = layout.norms(layout.flatten(weights, zeros if biases is None else biases))
    return alone if biases is None else with_b


def gradient_flags(grad_norms: tuple[float, ...] | None, label: str = "‖∂C/∂W‖"
                   ) -> list[Flag]:
    """Vanishing and exploding layers, from one norm per layer named ``label`` in the text
    (the gradient of the weights alone by default)."""
    if not grad_norms:
        return []
    flags, top = [], max(grad_norms)
    for layer, g in enumerate(grad_norms):
        if g > EXPLODING_NORM:
            flags.append(Flag("exploding", layer, None,
                              f"Layer {layer + 1}: exploding gradient, {label} = {g:.3g} "
                              f"(> {EXPLODING_NORM:g}). Lower the learning rate."))
        elif 0 < top <= EXPLODING_NORM and g < VANISHING_RATIO * top:
            # (Next to an exploding layer, a normal one is not "vanishing": only compared
            # with healthy layers does a small gradient mean the layer barely learns.)
            flags.append(Flag("vanishing", layer, None,
                              f"Layer {layer + 1}: vanishing gradient, {label} = {g:.3g} is "
                              f"under {VANISHING_RATIO:g} of the largest layer's ({top:.3g}); "
                              "it barely learns."))
    return flags


def unit_flags(net: Network, cache: ForwardCache) -> list[Flag]:
    """Dead ReLUs (zero on the whole batch) and saturated sigmoid/tanh hidden units (a
    saturated *output* is just a confident prediction)."""
    flags = []
    hidden = zip(net.activation_names[:-1], cache.a[1:-1], strict=True)
    for layer, (name, a) in enumerate(hidden):
        if name == "relu":
            for unit in np.flatnonzero(np.all(a == 0, axis=0)):
                flags.append(Flag("dead_relu", layer, int(unit),
                                  f"Layer {layer + 1}, neuron {unit}: dead ReLU: zero for every "
                                  "sample in the batch, so no gradient flows through it."))
        elif name in SATURATION:
            lo, hi = SATURATION[name]
            share = np.mean((a <= lo) | (a >= hi), axis=0)
            for unit in np.flatnonzero(share >= SATURATED_SHARE):
                flags.append(Flag("saturated", layer, int(unit),
                                  f"Layer {layer + 1}, neuron {unit}: saturated {name}: outside "
                                  f"[{lo:g}, {hi:g}] for {share[unit]:.0%} of the batch, where "
                                  "its derivative is nearly 0."))
    return flags
