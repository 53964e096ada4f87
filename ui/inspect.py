"""What the inspection pages look at: one mini-batch, its forward cache and gradients, all
computed at the same weights, so every breakdown adds up to the engine's numbers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import backprop_core as bc


@dataclass
class Snapshot:
    X: np.ndarray  # (n, n_in) network inputs of the batch
    Y: np.ndarray
    batch_idx: np.ndarray  # indices into the training set
    cache: bc.ForwardCache
    grads: bc.Gradients
    label: str  # says where the numbers come from


def next_batch_idx(tr: bc.Trainer) -> np.ndarray:
    start = tr.batch_index * tr.batch_size
    return tr.perm[start:start + tr.batch_size]


def snapshot(tr: bc.Trainer) -> Snapshot:
    """After Backward: the trainer's own cache and gradients. Otherwise a preview: the
    forward and backward pass of the next mini-batch at the current weights, computed on
    the side (the trainer is not advanced)."""
    if tr.next_phase == "update":
        idx = tr.batch_idx
        return Snapshot(tr.X[idx], tr.Y[idx], idx, tr.cache, tr.grads,
                        f"the gradient Backward computed for step {tr.step + 1}'s mini-batch")
    idx = tr.batch_idx if tr.next_phase == "backward" else next_batch_idx(tr)
    X, Y = tr.X[idx], tr.Y[idx]
    with np.errstate(all="ignore"):
        cache = tr.net.forward(X)
        grads = tr.net.backward(cache, Y, tr.loss, tr.reduction, tr.regularization, tr.reg_rate)
    return Snapshot(X, Y, idx, cache, grads,
                    f"a preview: the gradient the next Backward will compute for step "
                    f"{tr.step + 1}'s mini-batch at the current weights")
