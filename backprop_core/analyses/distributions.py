"""Distributions over time, TensorBoard style: per step and per layer, percentiles of the
weights, their gradients and the batch's activations.

The history stores only norms, so past steps are replayed on a fork of the trainer (the
trainer itself is never touched). For a sampled step s everything is taken where step s
computed it: its mini-batch's forward pass (activations, pre-activations), its gradient
∂C/∂W, and the weights W that pass ran at (before step s's update), so the three kinds
describe one and the same moment.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ..network.network import ForwardCache, Gradients, Network
from ..training.trainer import Trainer

# TensorBoard's compressed-histogram basis points: the normal CDF at -∞, ±1.5σ, ±1σ, ±0.5σ
# and 0, so on a Gaussian the bands would be exactly ±σ wide.
PERCENTILES = (0.0, 6.68, 15.87, 30.85, 50.0, 69.15, 84.13, 93.32, 100.0)
KINDS = {
    "weights": "weights W",
    "gradients": "gradients ∂C/∂W",
    "activations": "activations a = f(z)",
    "preactivations": "pre-activations z",
}
WINDOW = 2_000  # at most this many of the latest steps are replayed
MAX_SAMPLES = 100  # and at most this many of them are recorded


@dataclass(frozen=True)
class Distributions:
    """``values[kind]`` has shape (n_steps, n_layers, len(PERCENTILES)); row t belongs to
    ``steps[t]``. Layer i is weight layer i (W[i], ∂C/∂W[i]) and the neurons it feeds
    (z[i] and a[i+1] over the whole mini-batch)."""

    steps: np.ndarray
    values: dict[str, np.ndarray]
    stride: int  # every stride-th step was recorded
    window: tuple[int, int]  # (first, last) step of the replayed range
    percentiles: tuple[float, ...] = PERCENTILES

    @property
    def n_layers(self) -> int:
        return next(iter(self.values.values())).shape[1]


def percentile_bands(arrays: list[np.ndarray]) -> np.ndarray:
    """(n_layers, len(PERCENTILES)): the percentiles of every entry of each array."""
    return np.stack([np.percentile(np.ravel(a), PERCENTILES) for a in arrays])


def measure(net: Network, cache: ForwardCache, grads: Gradients) -> dict[str, np.ndarray]:
    """Percentile bands of one step: the weights the forward pass ``cache`` ran at, its
    gradient, and the batch's activations and pre-activations."""
    return {"weights": percentile_bands(net.weights),
            "gradients": percentile_bands(grads.weights),
            "activations": percentile_bands(cache.a[1:]),
            "preactivations": percentile_bands(cache.z)}


def sampled_steps(last: int, window: int = WINDOW, max_samples: int = MAX_SAMPLES
                  ) -> tuple[np.ndarray, int, int]:
    """The steps to record among the last ``window`` finished steps up to ``last``, evenly
    spaced and always including ``last``: (steps ascending, stride, first step)."""
    first = max(1, last - window + 1)
    count = last - first + 1
    if count <= 0:
        return np.zeros(0, dtype=int), 1, first
    stride = math.ceil(count / max_samples)
    return np.arange(last, first - 1, -stride)[::-1], stride, first


def replay_steps(tr: Trainer, steps: np.ndarray) -> Iterator[Trainer]:
    """For each step s of ``steps`` (ascending, within 1..tr.step), a fork of ``tr`` that
    has just run step s's forward and backward passes: its ``cache`` and ``grads`` are
    step s's, its weights those they were computed at. ``tr`` is never touched.

    Between two recorded steps the fork simply trains on, which is exact unless a setting
    or the data changed in between (an event of the log): running a phase on a fork behind
    its history forgets its later events, so there a new fork goes to the step with
    ``goto`` instead, which replays the events (at most one keyframe interval of work).
    """
    fork: Trainer | None = None
    event_steps = sorted({at for at, _, _ in tr.events})
    for s in (int(v) for v in steps):  # phases and goto silence float warnings themselves
        crossed = fork is not None and any(fork.step <= e <= s - 1 for e in event_steps)
        if fork is None or crossed or fork.step > s - 1:
            fork = tr.fork()
            fork.goto(s - 1)
        while fork.step < s - 1:
            fork.finish_step()
        fork.run_phase()  # forward and backward: what step s computed ...
        fork.run_phase()
        yield fork
        fork.run_phase()  # ... then its update, exactly as finish_step would


def replay_distributions(tr: Trainer, window: int = WINDOW,
                         max_samples: int = MAX_SAMPLES) -> Distributions:
    """Percentile bands at up to ``max_samples`` of the last ``window`` finished steps (up
    to ``tr.step``), replayed on forks; ``tr`` is left exactly as it was."""
    steps, stride, first = sampled_steps(tr.step, window, max_samples)
    rows: dict[str, list[np.ndarray]] = {kind: [] for kind in KINDS}
    for fork in replay_steps(tr, steps):
        for kind, bands in measure(fork.net, fork.cache, fork.grads).items():
            rows[kind].append(bands)
    n_layers = tr.net.n_layers
    values = {kind: (np.stack(r) if r else np.zeros((0, n_layers, len(PERCENTILES))))
              for kind, r in rows.items()}
    return Distributions(steps, values, stride, (first, int(tr.step)))
