"""Going back to any step exactly, and forward again: the rewinds of a trainer.

A trainer keeps a ``Snapshot`` as a keyframe every so many steps (``Keyframes``). Going to
step s restores the last keyframe before s and replays the steps in between, which
reproduces them exactly because each step is deterministic given that state; settings
changed along the way are kept in the trainer's log and replayed at the step they were
made. Undo goes back over a change by hand, a phase or a step; Redo takes an Undo back.
These act on a ``Trainer``, running its phases and its log; ``Trainer`` has methods of the
same names that call them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .trainer import Trainer

BY_HAND = ("edit", "freeze", "data")  # changes Undo takes back one by one


def goto(tr: Trainer, step: int) -> None:
    """Restore the exact state after ``step`` finished steps (0 = the initial network).

    Any recorded step can be reached, backwards or forwards; the recorded future is kept
    until a phase runs from an earlier step. The last step's cache, gradients and update
    are recomputed, so they can be displayed.
    """
    step = int(step)
    if not 0 <= step <= tr.history.last_step:
        raise ValueError(f"step must be between 0 and {tr.history.last_step}, got {step}")
    start = tr.keyframes.nearest_at_or_before(max(step - 1, 0))
    start.restore_into(tr)
    tr._apply_events_at(start.step)
    tr.diverged = None
    tr.cache = tr.grads = tr.last_update = tr.batch_idx = None
    tr.batch_loss = None
    tr.phase_index = 0
    with np.errstate(all="ignore"):  # a replay of a run that blew up later is not warned about
        while tr.step < step:
            tr._forward(record=True)
            tr._backward(record=False)
            tr._update(record=False)
            tr._apply_events_at(tr.step)
        if step not in tr.history:  # thinned out of a long run: record it again
            tr._record_replayed()


def undoable_change(tr: Trainer) -> int | None:
    """The log index of a change by hand Undo takes back first: the last change made at
    this step, at a step boundary, if it was by hand (None otherwise)."""
    start, end = tr._events_span(tr.step)
    if tr.phase_index == 0 and end > start and tr.events[end - 1][1] in BY_HAND:
        return end - 1
    return None


def can_undo(tr: Trainer) -> bool:
    """Whether ``undo`` goes anywhere: a step or phase to go back over, a change by hand
    made at this step (at step 0 too)."""
    return tr.step > 0 or tr.phase_index > 0 or undoable_change(tr) is not None


def undo(tr: Trainer) -> None:
    """Back to the start of the current step, or one step back at a step boundary; there,
    a change by hand made after the step (an edit, a freeze, a point) is undone first,
    one at a time (and kept for ``redo``)."""
    change = undoable_change(tr)
    if change is not None:
        future = _cut_future(tr)  # trained with the change: gone with it, back with Redo
        event = tr.events.pop(change)
        goto(tr, tr.step)
        tr._record_again()
        tr.undone.append((event, future, _where(tr)))
        del tr.undone[:-MAX_UNDONE]
        while len(tr.undone) > 1 and sum(len(f[0]["step"]) for _, f, _ in tr.undone) > \
                MAX_UNDONE_RECORDS:  # the oldest go first: memory stays bounded
            del tr.undone[0]
        return
    goto(tr, tr.step if tr.phase_index else max(tr.step - 1, 0))


MAX_UNDONE = 20  # changes by hand taken back that Redo can make again...
MAX_UNDONE_RECORDS = 40_000  # ...and the recorded steps kept with them (one history's worth)


def _where(tr: Trainer) -> tuple[int, int, int, int]:
    """What tells that a run is still as an Undo left it (a phase run, a change made or a
    step gone to since, and what Undo took back is no longer what comes next)."""
    return tr.step, tr.phase_index, len(tr.events), tr.history.last_step


def _cut_future(tr: Trainer) -> tuple:
    """``forget_future``, keeping what it drops: the records, keyframes and changes after
    the current step."""
    events = [e for e in tr.events if e[0] > tr.step]
    tr.events = [e for e in tr.events if e[0] <= tr.step]
    return tr.history.cut(tr.step), tr.keyframes.cut(tr.step), events


def _redoable(tr: Trainer) -> bool:
    return bool(tr.undone) and tr.undone[-1][2] == _where(tr)


def can_redo(tr: Trainer) -> bool:
    """Whether ``redo`` goes anywhere: a change by hand Undo just took back, or a
    recorded step ahead (kept until a phase runs from an earlier one)."""
    return _redoable(tr) or tr.step < tr.history.last_step


def redo(tr: Trainer) -> None:
    """Take the last Undo back: the change by hand it took back, made again at the same
    place of the log, with the steps recorded after it (bit for bit the run before the
    Undo); else one recorded step forward."""
    if _redoable(tr):
        (_, kind, payload), (records, keyframes, events), _ = tr.undone.pop()
        tr.apply_change(kind, copy.deepcopy(payload))
        tr.history.paste(records)
        tr.keyframes.paste(keyframes)
        tr.events.extend(events)
    elif tr.step < tr.history.last_step:
        goto(tr, tr.step + 1)


def reset(tr: Trainer) -> None:
    """The initial network again (same seed, same weights), with the history cleared."""
    goto(tr, 0)
    forget_future(tr)
    tr.undone.clear()


def rewind_to(tr: Trainer, step: int) -> None:
    """Go to ``step`` and forget every recorded step after it (e.g. Pause: the steps
    trained ahead of what the screen showed were never seen, so they are dropped)."""
    goto(tr, step)
    forget_future(tr)


def restore_last_good(tr: Trainer) -> None:
    """After divergence: back to the last healthy step (``Divergence.restore``)."""
    goto(tr, tr.diverged.restore if tr.diverged is not None else tr.step)


def forget_future(tr: Trainer) -> None:
    """Drop the history, keyframes and logged changes after the current step (a phase
    run or a change made from an earlier step starts a new future)."""
    tr.history.truncate(tr.step)
    tr.keyframes.truncate(tr.step)
    tr.events = [e for e in tr.events if e[0] <= tr.step]


def fork(tr: Trainer) -> Trainer:
    """An independent copy to try something on (e.g. what the next step will show): it
    shares the data, and copies everything training changes, so running phases on it
    leaves ``tr`` as it was, and gives the very numbers ``tr`` would."""
    other = copy.copy(tr)
    other.net = copy.deepcopy(tr.net)
    other.optimizer = copy.deepcopy(tr.optimizer)
    other.rng = copy.deepcopy(tr.rng)
    other.perm = tr.perm.copy()
    other.history = tr.history.copy()
    other.keyframes = tr.keyframes.copy()
    other.events = list(tr.events)
    other.undone = list(tr.undone)
    other.frozen = set(tr.frozen)
    return other


def ahead(tr: Trainer, see: Callable[[str, Trainer], None]) -> None:
    """What the next phase and the next Step lead to, on one fork of ``tr``: ``see`` is
    called with ("phase", fork) after the next phase and ("step", fork) once that step is
    finished (the same state when the phase was its Update); nothing past a divergence."""
    if tr.diverged is not None:
        return
    with np.errstate(all="ignore"):
        other = fork(tr)
        other.run_phase()
        if other.diverged is not None:
            return
        see("phase", other)
        if other.phase_index != 0:  # the step goes on: finish it on the same fork
            other.finish_step()
            if other.diverged is not None:
                return
        see("step", other)


def before_last_update(tr: Trainer) -> Trainer:
    """A fork holding the state just before the last finished step's update: the weights
    and settings its gradient was computed at, with that step's batch, cache and gradients
    (bit for bit the ones the update applied). Only between steps."""
    if tr.step == 0 or tr.phase_index != 0:
        raise ValueError("there is a last finished step only between steps, after step 0")
    other = fork(tr)
    rewind_to(other, tr.step - 1)  # its Update then takes it to this very state
    with np.errstate(all="ignore"):
        other._forward(record=False)
        other._backward(record=False)
    return other
