"""The values the app offers for each setting: one table for the widgets, share links and
session files, so anything a link or a file may set is something a widget can show.

A setting is either a list of choices (the learning rates of the slider) or a grid
``lo, lo + step, …, hi``. ``snap`` gives the offered value nearest to any number (for a
link: used with a warning that says so); ``offered`` says whether a value is one exactly
(for a session file: anything else is refused, since the file must replay exactly).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..data.datasets import MAX_SAMPLES
from .quote import quote

LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
MAX_HIDDEN_LAYERS, MAX_NEURONS = 6, 8


@dataclass(frozen=True)
class Choices:
    values: tuple
    log: bool = False  # nearest on a log scale (rates spanning powers of ten)

    def snap(self, value: float):
        def distance(v):
            if self.log and value > 0:  # 0 (no regularisation) is no neighbour of 0.05
                return abs(math.log(v) - math.log(value)) if v > 0 else math.inf
            return abs(v - value)

        return min(self.values, key=distance)

    def describe(self) -> str:
        return "one of " + ", ".join(f"{v:g}" for v in self.values)


@dataclass(frozen=True)
class Grid:
    lo: float
    hi: float
    step: float
    integer: bool = False

    def snap(self, value: float):
        k = round((min(max(value, self.lo), self.hi) - self.lo) / self.step)
        v = self.lo + k * self.step
        return int(round(v)) if self.integer else round(v, 10)

    def describe(self) -> str:
        if self.integer and self.step == 1:
            return f"a whole number from {self.lo:g} to {self.hi:g}"
        return f"{self.lo:g} to {self.hi:g} in steps of {self.step:g}"


REG_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
SAMPLE_SIZES = (50, 100, 150, 200, 250, 300, 400, 500, 750, 1000)
BETA2S = (0.9, 0.99, 0.999, 0.9999)
MAX_WIDGET_SEED = 2**31 - 1  # the seed box's limit
MAX_BATCH = 30
# Learning-rate schedules: decay factors, floors, and lengths in updates.
GAMMAS = (0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999)
MIN_RATES = (0.0, 0.00001, 0.0001, 0.001, 0.01)
MAX_SCHEDULE_STEPS = 100_000
# Changes by hand: the edit box's range (larger weights only saturate or overflow), the
# data's plane (every data set's plotting box lies inside it, even at the most noise), and
# the most samples a run has (drawn points included; a CSV's and a session file's limit).
MAX_EDIT = 1000.0
MAX_POINT_COORD = 12.0
MAX_DATA_ROWS = MAX_SAMPLES
MAX_DATA_COLUMNS = 50

# RunConfig's schedule settings -> the Schedule parameter each one is.
SCHEDULE_FIELDS = {"schedule": "name", "sched_step": "step_size", "sched_gamma": "gamma",
                   "sched_tmax": "t_max", "sched_min": "eta_min",
                   "sched_warmup": "warmup_steps", "sched_start": "start_factor"}

OFFERED = {
    "noise": Grid(0.0, 0.5, 0.05),
    "n_samples": Choices(SAMPLE_SIZES),
    "train_fraction": Grid(0.1, 0.9, 0.1),
    "seed": Grid(0, MAX_WIDGET_SEED, 1, integer=True),
    "lr": Choices(LEARNING_RATES, log=True),
    "momentum": Grid(0.0, 0.99, 0.01),
    "beta1": Grid(0.0, 0.99, 0.01),
    "beta2": Choices(BETA2S),
    "batch_size": Grid(1, MAX_BATCH, 1, integer=True),
    "reg_rate": Choices(REG_RATES, log=True),
    "sched_step": Grid(1, MAX_SCHEDULE_STEPS, 1, integer=True),
    "sched_gamma": Choices(GAMMAS),
    "sched_tmax": Grid(1, MAX_SCHEDULE_STEPS, 1, integer=True),
    "sched_min": Choices(MIN_RATES, log=True),
    "sched_warmup": Grid(1, MAX_SCHEDULE_STEPS, 1, integer=True),
    "sched_start": Grid(0.01, 1.0, 0.01),
}
HIDDEN_LAYERS = Grid(0, MAX_HIDDEN_LAYERS, 1, integer=True)
NEURONS = Grid(1, MAX_NEURONS, 1, integer=True)


def offered(name: str, value) -> bool:
    """Whether the widget of setting ``name`` shows ``value`` (to float rounding: a slider
    may give 0.57 as 0.5700000000000001, and that is what the run then uses)."""
    spec = OFFERED.get(name)
    if spec is None:
        return True
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return False
    if isinstance(spec, Grid) and spec.integer:
        return spec.snap(value) == value
    return abs(spec.snap(value) - value) <= 1e-9 * max(1.0, abs(value))


def snap(name: str, value):
    """The offered value of setting ``name`` nearest to ``value``."""
    spec = OFFERED.get(name)
    return value if spec is None else spec.snap(value)


def problems(config) -> list[tuple[str, str]]:
    """(setting, problem) for every value of a RunConfig that no widget offers."""
    out = []
    for name, spec in OFFERED.items():
        value = getattr(config, name)
        if not offered(name, value):
            out.append((name, f"{quote(value)} is not offered ({spec.describe()})"))
    return out
