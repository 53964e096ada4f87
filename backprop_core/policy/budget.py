"""What training costs, estimated before it runs, so no input can ask for unbounded work.

A trainer step runs the mini-batch forward and backward and then evaluates the whole
training and test sets (for the loss curve), so its time is about a fixed overhead plus a
term in parameters × (batch + evaluated samples). The constants were measured on the
2-core reference machine (0.16 ms a step for the default 2-4-4-1 network on 250 points,
4.5 ms for 6×8 with seven inputs on 5,000 points and a batch of 2,500) and rounded up
(by a sixth more: the frames shown while a link plays cost time too).
"""

from __future__ import annotations

STEP_OVERHEAD_S = 2.5e-4
PER_UNIT_S = 1.8e-9  # one parameter times one sample


def step_seconds(layer_sizes: list[int], n_evaluated: int, batch_size: int) -> float:
    """Estimated seconds of server CPU for one trainer step."""
    params = sum(a * b + b for a, b in zip(layer_sizes[:-1], layer_sizes[1:], strict=True))
    batch = min(batch_size, n_evaluated)
    return STEP_OVERHEAD_S + PER_UNIT_S * params * (batch + n_evaluated)


def trainer_step_seconds(trainer) -> float:
    n = len(trainer.X) + (0 if trainer.X_test is None else len(trainer.X_test))
    return step_seconds(trainer.net.layer_sizes, n, trainer.batch_size)


def affordable_steps(seconds: float, per_step: float) -> int:
    """How many steps fit in ``seconds``."""
    return max(0, int(seconds / per_step))


EVENT_S = 2e-5  # making one logged change (a setting, an edit, a freeze)
DATA_EVENT_PER_ROW_S = 2e-8  # a drawn or removed point: a new order of the training set


def log_seconds(events, n_train: int) -> float:
    """Estimated seconds to make a log's changes again on a replay (data events copy and
    reshuffle the training set, so they cost per sample)."""
    n_data = sum(1 for e in events if e[1] == "data")
    return len(events) * EVENT_S + n_data * (n_train + n_data) * DATA_EVENT_PER_ROW_S
