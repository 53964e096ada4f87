"""Learning-rate schedules: the rate each update uses, from the base rate and the step.

Each schedule is the closed form of a ``torch.optim.lr_scheduler`` class stepped once per
optimizer update (``scheduler.step()`` after ``optimizer.step()``), so update t (0-based:
the (t+1)-th update of the run) uses ``lr(base, t)``:

    constant     base                                                    (no scheduler)
    step         base · γ^⌊t / step_size⌋                                 StepLR
    exponential  base · γ^t                                               ExponentialLR
    cosine       η_min + (base − η_min)(1 + cos(π t / T_max)) / 2         CosineAnnealingLR
    warmup       base · (f + (1 − f) · min(t, T) / T)                     LinearLR(f, 1, T)

Torch computes these recursively; the closed forms agree with it to rounding (tests hold
numbers torch printed). Like torch, cosine goes on past T_max (it rises again).

The base rate is the optimizer's ``lr`` (a setting that can change mid-run); the schedule
only scales it per update, so changing either is a logged setting change.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

SCHEDULES = ("constant", "step", "exponential", "cosine", "warmup")
LABELS = {"constant": "constant", "step": "step decay", "exponential": "exponential",
          "cosine": "cosine", "warmup": "linear warm-up"}


@dataclass(frozen=True)
class Schedule:
    """A schedule by name with all its parameters (unused ones are ignored).

    step_size, gamma: step decay (γ every step_size updates) and exponential (γ each update);
    t_max, eta_min: cosine; warmup_steps, start_factor: linear warm-up.
    """

    name: str = "constant"
    step_size: int = 100
    gamma: float = 0.5
    t_max: int = 1000
    eta_min: float = 0.0
    warmup_steps: int = 100
    start_factor: float = 0.1

    def __post_init__(self):
        if self.name not in SCHEDULES:
            raise ValueError(f"schedule: one of {SCHEDULES}, got {self.name!r}")
        if self.step_size < 1 or self.t_max < 1 or self.warmup_steps < 1:
            raise ValueError("schedule: step_size, t_max and warmup_steps must be >= 1")
        if not (0 < self.gamma <= 1 and 0 < self.start_factor <= 1 and self.eta_min >= 0):
            raise ValueError("schedule: gamma and start_factor in (0, 1], eta_min >= 0")

    def factor_free(self) -> bool:
        return self.name == "constant"

    def lr(self, base: float, t: int) -> float:
        """The rate of update ``t`` (0-based) for base rate ``base``."""
        if self.name == "step":
            return base * self.gamma ** (t // self.step_size)
        if self.name == "exponential":
            return base * self.gamma ** t
        if self.name == "cosine":
            return self.eta_min + (base - self.eta_min) * (
                1 + math.cos(math.pi * t / self.t_max)) / 2
        if self.name == "warmup":
            f = self.start_factor
            return base * (f + (1 - f) * min(t, self.warmup_steps) / self.warmup_steps)
        return base

    def samples(self, base: float, horizon: int, per_step: int = 200) -> tuple[list, list]:
        """Updates 0 … ``horizon`` and their rates ÷ ``base``, for a chart over steps:
        every update up to ``per_step``, then one every t / ``per_step`` updates (a chart
        of any width up to t shows no corner between them), and both sides of every
        jump of a step decay (its stairs stay square)."""
        steps, t = set(), 0
        while t <= horizon:
            steps.add(t)
            t += max(1, t // per_step)
        steps.add(horizon)
        if self.name == "step" and horizon // self.step_size <= 4 * per_step:
            for jump in range(self.step_size, horizon + 1, self.step_size):
                steps.update((jump - 1, jump))
        xs = sorted(steps)
        return xs, [self.lr(base, t) / base for t in xs]

    def params(self) -> dict:
        """The parameters this schedule uses (for labels, links and logs)."""
        used = {"constant": (), "step": ("step_size", "gamma"), "exponential": ("gamma",),
                "cosine": ("t_max", "eta_min"),
                "warmup": ("warmup_steps", "start_factor")}[self.name]
        return {k: getattr(self, k) for k in used}

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Schedule:
        d = dict(d)
        for key in ("step_size", "t_max", "warmup_steps"):
            if key in d:
                if float(d[key]) != int(d[key]):
                    raise ValueError(f"schedule: {key} must be a whole number")
                d[key] = int(d[key])
        for key in ("gamma", "eta_min", "start_factor"):
            if key in d:
                d[key] = float(d[key])
        unknown = set(d) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"schedule: unknown parameters {sorted(unknown)}")
        return cls(**d)

    def describe(self) -> str:
        p = self.params()
        return LABELS[self.name] + (
            " (" + ", ".join(f"{k.replace('_', ' ')} {v:g}" for k, v in p.items()) + ")"
            if p else "")


CONSTANT = Schedule()
