"""What a share link opens: its log checked against the run it builds, and its step within
the server-time budget. Every cut is said in ``warnings``; the run is exact up to it."""

from __future__ import annotations

import backprop_core as bc
from backprop_core.policy.budget import affordable_steps, trainer_step_seconds

from . import share

LINK_BUDGET_S = 120.0  # a link's steps may cost at most this much server CPU (estimated)


def without_upload(c: bc.RunConfig) -> bc.RunConfig:
    """The link's settings on the default data set (its own data cannot come with it)."""
    try:
        return c.with_(dataset=bc.RunConfig().dataset)
    except ValueError:  # e.g. a softmax output that does not fit the default data
        return c.with_(dataset=bc.RunConfig().dataset, output="auto")


def checked_log(decoded: share.Decoded, c: bc.RunConfig, tr: bc.Trainer,
                warnings: list[str]) -> tuple[list, int, int]:
    """The link's log as the trainer's changes, each checked against ``tr`` (the run just
    built) and the offered values (``backprop_core.training.changes``, as a session file's):
    (changes, step, phases of the next step) up to the first entry that does not fit;
    that one is named in ``warnings`` and the run opens just before it."""
    events, stop = share.trainer_events(decoded.events, c, tr.shape())
    if stop is None:
        return events, decoded.step, decoded.phase
    warnings.append(stop.warning(decoded.n_events, share.format_event(
        decoded.events[stop.index])))
    return events, stop.step, 0


def affordable(step: int, events: list, tr: bc.Trainer, warnings: list[str]
               ) -> tuple[int, list]:
    """The link's step and changes, or as many steps after ``tr``'s as fit the budget and
    the changes up to there (both said in ``warnings``)."""
    per_step = trainer_step_seconds(tr)
    todo = step - tr.step
    if todo * per_step <= LINK_BUDGET_S:
        return step, events
    fits = tr.step + affordable_steps(LINK_BUDGET_S, per_step)
    warnings.append(f"step: {todo:,} steps of this network would take about "
                    f"{_duration(todo * per_step)} of server time; opening at step {fits:,} "
                    f"(about {_duration((fits - tr.step) * per_step)}) instead, press Play "
                    "to go on")
    later = [e for e in events if e[0] > fits]
    if later:
        warnings.append(f"ev: {len(later)} change(s) after step {fits:,} (the first at step "
                        f"{later[0][0]:,}) are not made: the run stops before them")
    return fits, [e for e in events if e[0] <= fits]


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def replay(tr: bc.Trainer, step: int, events: list, phase: int = 0) -> None:
    """Train ``tr`` up to ``step``, making each change of ``events`` (checked, as
    ``checked_log`` gives them) at its step, then run ``phase`` phases of the next step:
    the run a link (or a lesson's stop) holds, at once, the numbers Play's catch-up gives.
    ValueError (from the trainer) if a change does not fit after all."""
    events = list(events)
    while tr.diverged is None:
        if events and events[0][0] <= tr.step:
            _, kind, payload = events.pop(0)
            tr.apply_change(kind, payload)
            continue
        until = min(step, events[0][0]) if events else step
        if until <= tr.step:
            break
        tr.run_steps(until - tr.step)
    for _ in range(phase if tr.step == step and tr.diverged is None else 0):
        tr.run_phase()
