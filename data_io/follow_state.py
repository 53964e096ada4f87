"""A run's state handed from the one ahead to those following it (a class's teacher while
Play runs, to every student), as JSON: the state at the step before last and the records
of the steps before it, so a follower takes over instead of training every step the
teacher trained (``backprop_core.training.catch_up``). Read back checked like a session
file's parts: anything that does not fit is refused (StateError), never half-taken."""

from __future__ import annotations

import backprop_core as bc
from backprop_core.training import catch_up
from backprop_core.training.history import StepRecord, records_from_dict, records_to_dict
from backprop_core.training.serialize import StateError, read_history_columns

MAX_RECORDS = 64  # records handed over at most: the gap a follower fills in its curve


def pack(tr: bc.Trainer, since: int) -> dict:
    """What a follower needs to be at ``tr``'s step after training one step: the state at
    the step before (``catch_up.state_at``) and the records after ``since`` up to it, on
    the coarsest doubling grid that keeps at most MAX_RECORDS (the last one always)."""
    last = tr.step - 1
    if last < 0 or tr.phase_index != 0 or tr.diverged is not None:
        raise ValueError("a state is handed over between steps, after step 0, running")
    steps = [s for s in tr.history.columns["step"] if since < s <= last]
    grid = 1
    while sum(1 for s in steps if s % grid == 0) >= MAX_RECORDS:
        grid *= 2
    kept = [s for s in steps if s % grid == 0 and s != last] + [last]
    return {"step": last, "state": catch_up.state_at(tr, last).to_dict(),
            "records": records_to_dict(tr.history[s] for s in kept)}


def unpack(raw, tr: bc.Trainer, events: list) -> tuple[bc.Snapshot, list[StepRecord]]:
    """``pack``'s dict, checked against ``tr`` (the run it is for) and ``events`` (the one
    ahead's log): the snapshot and the records; StateError naming what does not fit."""
    if not isinstance(raw, dict) or not isinstance(raw.get("records"), dict):
        raise StateError("handed state: expected an object with its records")
    state = bc.Snapshot.from_dict(raw.get("state"), "handed state", tr.net.layer_sizes,
                                  _n_train(tr, events))
    columns = read_history_columns(raw["records"], tr.net.n_layers, "handed records")
    if len(columns["step"]) > MAX_RECORDS:
        raise StateError(f"handed records: more than {MAX_RECORDS}")
    try:
        return state, records_from_dict(columns)
    except (TypeError, ValueError) as exc:
        raise StateError(f"handed records: {exc}") from None


def _n_train(tr: bc.Trainer, events: list) -> list[int]:
    """How many training samples the run has after each of the log's data changes."""
    sizes = [len(tr.base_data[0])]
    for _, kind, payload in events:
        if kind == "data":
            sizes.append(sizes[-1] + (1 if payload["op"] == "add" else -1))
    return sizes
