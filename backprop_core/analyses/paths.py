"""Paths through parameter space: the parameters a run went through (recovered exactly on a
fork of its trainer), SGD, Momentum and Adam from one start, and a path seen on a plane of
``surface``."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from ..training.trainer import Trainer
from .surface import CostFunction, ParamPlane, param_vector

MAX_PATH_POINTS = 300
MAX_REPLAY = 3000  # steps replayed (about) at most to recover the training path
MAX_COMPARE_STEPS = 300


@dataclass(frozen=True)
class Path:
    """Parameters (m, P) after the steps ``steps`` (m,) of one run; ``note`` says why it
    stops early, if it does."""

    name: str
    steps: np.ndarray
    params: np.ndarray
    note: str = ""


def path_steps(last: int, keyframes, max_points: int = MAX_PATH_POINTS,
               max_replay: int = MAX_REPLAY) -> np.ndarray:
    """The steps 0..last to visit, increasing, always with 0 and ``last``.

    ``Trainer.goto(a + o)`` restores keyframe a (the last one before that step) and replays
    o steps. So each interval between keyframes gets its share of ``max_points`` and of
    ``max_replay``, spread evenly over it; a long run with thinned keyframes gets the step
    after each keyframe (one step to replay). The walk replays about ``max_replay`` steps
    at most, plus one interval for ``last`` itself.
    """
    starts = sorted({0, *(int(k) for k in keyframes if k < last)})
    ends = [*starts[1:], int(last)]
    n = len(starts)
    steps = [0, int(last)]
    for a, b in zip(starts, ends, strict=True):
        span = b - a
        if span <= 0:
            continue
        # m evenly spread offsets replay about m·(span + 1)/2 steps: keep that in budget.
        m = int(min(span, max(1, (max_points - 2) // n),
                    max(1, 2 * max_replay // (n * (span + 1)))))
        offsets = np.round(np.linspace(1, span, m)).astype(int) if m > 1 else [1]
        steps += [a + int(o) for o in offsets]
    return np.unique(steps)


def training_path(tr: Trainer, max_points: int = MAX_PATH_POINTS,
                  max_replay: int = MAX_REPLAY) -> Path:
    """The parameters the run went through from step 0 to ``tr.step``, recovered exactly on
    a fork (``goto`` replays the recorded run, settings changes included)."""
    fork = tr.fork()
    steps = path_steps(tr.step, tr.keyframes, max_points, max_replay)
    params = np.empty((len(steps), tr.net.n_params))
    for row, s in enumerate(steps):
        fork.goto(int(s))
        params[row] = param_vector(fork.net)
    return Path("training", steps, params)


def full_batch_trainer(tr: Trainer) -> Trainer:
    """A trainer for the same cost, from ``tr``'s current weights, whose every step is one
    gradient-descent step on the whole training set (no mini-batch noise)."""
    return Trainer(copy.deepcopy(tr.net), tr.X, tr.Y, loss=tr.loss, reduction=tr.reduction,
                   regularization=tr.regularization, reg_rate=tr.reg_rate,
                   batch_size=len(tr.X), shuffle=False, task=tr.task)


def optimizer_paths(tr: Trainer, n_steps: int, hyperparams: dict[str, dict[str, float]],
                    start: int | None = None, full_batch: bool = False) -> list[Path]:
    """Each optimizer (name -> its settings) trained for ``n_steps`` from step ``start``
    (default: the current step, from its beginning), each with fresh state: the run's
    mini-batches in the run's order, or with ``full_batch`` gradient descent on the whole
    training set (as in Distill's "Why Momentum Really Works"). Steps count on from
    ``start``."""
    n_steps = min(int(n_steps), MAX_COMPARE_STEPS)
    origin = tr.fork()
    origin.goto(tr.step if start is None else int(start))
    base, offset = (full_batch_trainer(origin), origin.step) if full_batch else (origin, 0)
    paths = []
    for name, settings in hyperparams.items():
        run = base.fork()
        run.set_optimizer(name, **settings)
        steps, params, note = [offset + run.step], [param_vector(run.net)], ""
        for _ in range(n_steps):
            run.finish_step()
            if run.diverged is not None:  # its weights are the broken ones: not drawn
                note = f"diverged at step {offset + run.diverged.step}"
                break
            steps.append(offset + run.step)
            params.append(param_vector(run.net))
        paths.append(Path(name, np.array(steps), np.array(params), note))
    return paths


@dataclass(frozen=True)
class ProjectedPath:
    """A path seen on a plane: coords (m, 2), distance from the plane (m,), the cost at the
    projected point (on the surface drawn) and at the path's own parameters (m,)."""

    name: str
    steps: np.ndarray
    coords: np.ndarray
    residual: np.ndarray
    cost_on_plane: np.ndarray
    cost: np.ndarray
    note: str = ""


def project_path(cost: CostFunction, plane: ParamPlane, path: Path) -> ProjectedPath:
    coords, residual = plane.project(path.params)
    on_plane = sum(cost(plane.params(coords)))
    own = sum(cost(path.params))
    return ProjectedPath(path.name, path.steps, coords, residual, on_plane, own, path.note)
