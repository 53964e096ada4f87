"""What the inspection pages look at: one mini-batch, its forward cache and gradients, all
computed at the same weights, so every breakdown adds up to the engine's numbers.

Between two steps there are two gradients worth showing, and every page offers the same
choice (``GRADIENT_OF``): the last step's (the one its update applied, computed at the
weights before that update) or the next batch's (a preview at the current weights). In the
middle of a step there is only one: the current step's own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import backprop_core as bc

GRADIENT_OF = {"last": "last step (applied)", "next": "next batch (preview)"}


@dataclass
class Snapshot:
    X: np.ndarray  # (n, n_in) network inputs of the batch
    Y: np.ndarray
    batch_idx: np.ndarray  # indices into the training set
    cache: bc.ForwardCache
    grads: bc.Gradients
    label: str  # says where the numbers come from
    source: str  # "last" | "next" | "current" (mid-step)
    at: bc.Trainer  # the state they were computed at: its weights, loss and regularisation


def next_batch_idx(tr: bc.Trainer) -> np.ndarray:
    start = tr.batch_index * tr.batch_size
    return tr.perm[start:start + tr.batch_size]


def _preview(tr: bc.Trainer, idx: np.ndarray) -> tuple[bc.ForwardCache, bc.Gradients]:
    """Forward and backward of the samples ``idx`` at the current weights, on the side
    (the trainer is not advanced)."""
    with np.errstate(all="ignore"):
        cache = tr.net.forward(tr.X[idx])
        grads = tr.net.backward(cache, tr.Y[idx], tr.loss, tr.reduction, tr.regularization,
                                tr.reg_rate)
    return cache, grads


def has_last(tr: bc.Trainer) -> bool:
    """Between steps, once a step has finished."""
    return tr.phase_index == 0 and tr.step > 0


def snapshot(tr: bc.Trainer, gradient_of: str = "last") -> Snapshot:
    """The batch and gradient to inspect. Mid-step: the current step's (after Backward the
    trainer's own; after Forward a preview of what Backward will compute). At a step
    boundary: ``gradient_of`` "last" (when there is one) or "next"."""
    idx = tr.batch_idx
    if tr.next_phase == "update":
        return Snapshot(tr.X[idx], tr.Y[idx], idx, tr.cache, tr.grads,
                        f"the gradient Backward computed for step {tr.step + 1}'s mini-batch "
                        "(not applied yet)", "current", tr)
    if tr.next_phase == "backward":
        cache, grads = _preview(tr, idx)
        return Snapshot(tr.X[idx], tr.Y[idx], idx, cache, grads,
                        f"a preview: the gradient Backward will compute for step "
                        f"{tr.step + 1}'s mini-batch at the current weights", "current", tr)
    if gradient_of == "last" and has_last(tr):
        # The weights have moved since: its breakdowns and checks need the state before.
        before = tr.before_last_update()
        idx = before.batch_idx
        return Snapshot(tr.X[idx], tr.Y[idx], idx, before.cache, before.grads,
                        f"the last step's gradient: step {tr.step}'s mini-batch, at the "
                        f"weights before its update (which applied it)", "last", before)
    idx = next_batch_idx(tr)
    cache, grads = _preview(tr, idx)
    why = (" (no step has finished yet, so there is no last step's gradient)"
           if gradient_of == "last" else "")
    return Snapshot(tr.X[idx], tr.Y[idx], idx, cache, grads,
                    f"a preview: the gradient the next Backward will compute for step "
                    f"{tr.step + 1}'s mini-batch at the current weights{why}", "next", tr)
