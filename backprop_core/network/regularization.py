"""L1 / L2 weight penalties (biases are never penalised, as in TF Playground).

The batch cost is ``data loss + rate · Σ_layers penalty(W)``; the penalty is not divided by
the batch size, whatever the reduction.
"""

from __future__ import annotations

import numpy as np


def l1_penalty(W: np.ndarray):
    """Σ|w|, in W's precision (a NumPy scalar)."""
    return np.sum(np.abs(W))


def l1_grad(W: np.ndarray) -> np.ndarray:
    """sign(w); 0 at exactly w = 0 (the subgradient that leaves zeros alone)."""
    return np.sign(W)


def l2_penalty(W: np.ndarray):
    """½ Σ w², so that its gradient is simply w; in W's precision (a NumPy scalar)."""
    return 0.5 * np.sum(W * W)


def l2_grad(W: np.ndarray) -> np.ndarray:
    return W.copy()


REGULARIZERS = {
    "none": None,
    "l1": (l1_penalty, l1_grad),
    "l2": (l2_penalty, l2_grad),
}


def check_regularization(name: str | None, rate: float) -> str:
    name = "none" if name is None else name
    if name not in REGULARIZERS:
        raise ValueError(f"unknown regularization {name!r}; choose one of {list(REGULARIZERS)}")
    if not (np.isfinite(rate) and rate >= 0):
        raise ValueError(f"regularization rate must be finite and >= 0, got {rate!r}")
    return name


def penalty(weights: list[np.ndarray], name: str | None, rate: float):
    """rate · Σ penalty(W) over all layers, in the weights' precision; 0.0 without one."""
    name = check_regularization(name, rate)
    if name == "none" or rate == 0:
        return 0.0
    fn = REGULARIZERS[name][0]
    return rate * sum(fn(W) for W in weights)


def penalty_grads(weights: list[np.ndarray], name: str | None, rate: float):
    """rate · ∂penalty/∂W per layer, or None when there is no penalty."""
    name = check_regularization(name, rate)
    if name == "none" or rate == 0:
        return None
    fn = REGULARIZERS[name][1]
    return [rate * fn(W) for W in weights]
