"""Bringing a trainer to another trainer's later state of the same run, without training
the steps between (a class's students follow their teacher's Play this way).

The one ahead hands over ``state_at`` its step before last (a ``Snapshot``, as a keyframe
holds it) and some of its records; the one behind ``take_over``s them and trains the last
step itself, so its cache, gradients, update and last record are its own, bit for bit the
other's. The steps in between are not trained: they are replayed from a keyframe if ever
gone to (``rewind.goto``), as the steps a long run's history thinned out are.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .history import StepRecord
from .snapshot import Snapshot

if TYPE_CHECKING:
    from .trainer import Trainer


def state_at(tr: Trainer, step: int) -> Snapshot:
    """The state after ``step`` finished steps as a keyframe holds it (before the changes
    logged at that step), computed on a copy from the nearest keyframe: ``tr`` is not
    touched. Costs up to ``tr.keyframe_interval`` steps."""
    if not 0 <= step <= tr.history.last_step:
        raise ValueError(f"step must be between 0 and {tr.history.last_step}, got {step}")
    if step in tr.keyframes:
        return tr.keyframes[step]
    other = copy.copy(tr)  # what the replay below changes is copied; the rest is only read
    other.net, other.rng = copy.deepcopy(tr.net), copy.deepcopy(tr.rng)
    start = tr.keyframes.nearest_at_or_before(step)
    start.restore_into(other)
    other._apply_events_at(start.step)
    with np.errstate(all="ignore"):
        while other.step < step:
            other._forward(record=False)
            other._backward(record=False)
            other._apply_update()
            if other.step < step:
                other._apply_events_at(other.step)
    return Snapshot.of(other)


def take_over(tr: Trainer, snap: Snapshot, events: Sequence[tuple],
              records: Sequence[StepRecord]) -> None:
    """Put ``tr`` at ``snap`` (a later state of the same run, from ``state_at``) with the
    changes logged at its step made: the log becomes ``events`` (the other's: ``tr``'s log
    up to its step must begin it, and nothing else may come before ``tr``'s step), the
    snapshot a keyframe, and ``records`` (the other's, for some of the steps after ``tr``'s
    step, the last for ``snap.step``) its history. ValueError, ``tr`` untouched, when they
    do not fit."""
    events = [tuple(e) for e in events]
    own = [e for e in tr.events if e[0] <= tr.step]
    if tr.phase_index != 0 or tr.diverged is not None:
        raise ValueError("a trainer takes over another's state only between steps, running")
    if not snap.step > tr.step:
        raise ValueError(f"the state is for step {snap.step}, not after step {tr.step}")
    if events[:len(own)] != own or any(e[0] < tr.step for e in events[len(own):]):
        raise ValueError("the other run's log does not go on from this one's")
    n_data = sum(1 for s, kind, _ in events if kind == "data" and s < snap.step)
    if snap.n_data != n_data:
        raise ValueError(f"the state has {snap.n_data} data changes, the log {n_data}")
    steps = [r.step for r in records]
    if not steps or steps[-1] != snap.step or steps[0] <= tr.step \
            or any(b <= a for a, b in itertools.pairwise(steps)):
        raise ValueError(f"the records must be of steps after {tr.step}, increasing, "
                         f"up to {snap.step}")
    tr.history.truncate(tr.step)
    tr.keyframes.truncate(tr.step)
    tr.events = events
    snap.restore_into(tr)
    tr.keyframes.add(snap)
    tr.history.extend(records)
    tr._apply_events_at(snap.step)
    tr.cache = tr.grads = tr.last_update = tr.batch_idx = None
    tr.batch_loss = None
    tr.undone.clear()
