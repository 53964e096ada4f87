"""Steps in chunks: the steps' full-data evaluations run together, the same numbers.

Every step records its loss and accuracy on all the data (the loss curve is exact at every
step). One step at a time, that is one small forward pass per step, whose call overhead
outweighs its arithmetic at playground sizes. ``Trainer.run_steps`` runs up to
``CHUNK_STEPS`` steps whose records wait for one evaluation of all their states together
(``evaluation.evaluate_many``, bit for bit each state's own numbers). A step that
diverges, or a record that does not pass ``Trainer._commit``, sends the chunk back to
where it began, and the trainer runs those steps one at a time, which stops at the same
place with the same message. These act on a ``Trainer``'s phases (as ``rewind`` does).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .health import first_bad
from .snapshot import Snapshot

if TYPE_CHECKING:
    from .trainer import Trainer

CHUNK_STEPS = 32  # steps whose states are evaluated together, at most...
CHUNK_FLOATS = 1 << 15  # ...while a stacked layer (steps × samples × units) fits this


def chunk_size(tr: Trainer, n: int) -> int:
    """Steps the next chunk of ``tr`` may hold: at a step boundary at the end of the
    recorded run, up to CHUNK_STEPS while their stacked layers stay under CHUNK_FLOATS
    numbers (past that a chunk saves nothing: the arithmetic outweighs the calls)."""
    if tr.phase_index != 0 or tr.step != tr.history.last_step:
        return 1
    widest = len(tr._X_eval) * max(tr.net.layer_sizes)
    return min(n, CHUNK_STEPS, CHUNK_FLOATS // widest)


def run_chunk(tr: Trainer, k: int) -> bool:
    """k steps whose records wait for one evaluation of all k states together
    (``evaluation.evaluate_many``: the very numbers ``evaluate`` gives each). A step
    that diverges, or a record that does not pass ``tr._commit``, sends the chunk back
    to where it began: False, and the caller runs those steps one at a time, which
    stops at the same place with the same message."""
    start, keyframes, layout = Snapshot.of(tr), {}, tr.net.layout
    thetas = np.empty((k, layout.size))
    records, three = [], np.empty((3, layout.size))  # gradients, update, weights
    with np.errstate(all="ignore"):
        for j in range(k):
            tr._forward(record=True)
            if tr.diverged is None:
                tr._backward(record=False)  # its norms come with the others below
            if tr.diverged is not None:
                break
            tr._apply_update()
            thetas[j] = three[2] = tr.net.theta
            three[0] = tr.grads.theta
            update = tr.last_update
            three[1] = (update.theta if update.theta is not None
                        else layout.flatten(update.weights, update.biases))
            grads, updates, weights = layout.norms_of_rows(three)
            if first_bad(grads[0]) is not None:  # _backward(record=True) stops here
                tr.diverged = True
                break
            tr._grad_norms, tr._grad_w_norms = grads
            records.append(tr._record(tr.grads, update, evaluated=False,
                                        norms=(updates, weights)))
            if tr.keyframes.due(tr.step):
                keyframes[tr.step] = Snapshot.of(tr)
        if tr.diverged is None:
            for rec, values in zip(records, tr._evaluate_many(thetas), strict=True):
                rec.train_loss, rec.test_loss, rec.train_accuracy, rec.test_accuracy = \
                    values
                if not tr._commit(rec, keyframes.get(rec.step)):
                    break
    if tr.diverged is None:
        return True
    # Back to the start: the history kept this chunk's good records, the keyframes
    # none of its keyframes; both forget them (the caller runs the steps again).
    tr.diverged = None
    tr.history.truncate(start.step)
    tr.keyframes.truncate(start.step)
    start.restore_into(tr)
    tr.cache = tr.grads = tr.last_update = tr.batch_idx = tr.batch_loss = None
    tr.phase_index = 0
    return False
