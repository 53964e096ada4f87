"""Questions a lesson asks and the engine answers, never a number written into the lesson.

Each kind (``QUESTIONS``, name-keyed like the other tables) checks its spec against the
network, works out the truth on a fork of the run (``Trainer.fork``: the very numbers the
run itself will give), grades an answer against it, and says how far the run goes to show
the truth (``advance``). A spec is a small dict from a lesson file, e.g.
``{"kind": "direction", "param": "w2:1,0"}``.

Parameters are spelled ``w<layer>:<from>,<to>`` and ``b<layer>:<neuron>``, with layers
counted from 1 as people see them (``explain.param_name``): ``w2:1,0`` is w₁,₀ of layer 2,
the weight from neuron 1 of the first hidden layer to neuron 0 of the next layer.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from ..data.features import apply_features
from ..network.network import Gradients, Network
from ..training.trainer import HEALTHY_RISE, Trainer
from .explain import param_name

MAX_STEPS = 200  # a question may look this many steps ahead
_PARAM = re.compile(r"^(?:w(\d{1,2}):(\d{1,3}),(\d{1,3})|b(\d{1,2}):(\d{1,3}))$")


class QuestionError(ValueError):
    """A spec that does not fit the network (or is not a spec): the message says why."""


@dataclass(frozen=True)
class Param:
    """One parameter: weight layer ``layer`` (0-based, as the engine's arrays), from
    neuron ``k`` (None for a bias) to neuron ``j``."""

    layer: int
    k: int | None
    j: int

    @classmethod
    def parse(cls, text: object) -> Param:
        m = _PARAM.match(text) if isinstance(text, str) else None
        if m is None:
            raise QuestionError(f"{str(text)[:40]!r} is not a parameter (write w2:1,0 for "
                                "the weight of layer 2 from neuron 1 to neuron 0, b1:3 for "
                                "a bias)")
        if m.group(1):
            return cls(int(m.group(1)) - 1, int(m.group(2)), int(m.group(3)))
        return cls(int(m.group(4)) - 1, None, int(m.group(5)))

    def spelling(self) -> str:
        if self.k is None:
            return f"b{self.layer + 1}:{self.j}"
        return f"w{self.layer + 1}:{self.k},{self.j}"

    def name(self) -> str:
        return param_name(self.layer, self.k, self.j)

    def check(self, layer_sizes: tuple[int, ...]) -> None:
        """QuestionError unless the network (sizes n_in, ..., n_out) has this parameter."""
        n_layers = len(layer_sizes) - 1
        if not 0 <= self.layer < n_layers:
            raise QuestionError(f"{self.spelling()}: the network has layers 1 to {n_layers}")
        n_in, n_out = layer_sizes[self.layer], layer_sizes[self.layer + 1]
        if self.j >= n_out or (self.k is not None and self.k >= n_in):
            raise QuestionError(f"{self.spelling()}: layer {self.layer + 1} goes from "
                                f"{n_in} to {n_out} neurons")

    def of(self, net: Network) -> float:
        """Its value in ``net``."""
        if self.k is None:
            return float(net.biases[self.layer][self.j])
        return float(net.weights[self.layer][self.k, self.j])

    def grad(self, grads: Gradients) -> float:
        """∂C/∂(this parameter) in ``grads``."""
        if self.k is None:
            return float(grads.biases[self.layer][self.j])
        return float(grads.weights[self.layer][self.k, self.j])


def batch_gradients(tr: Trainer) -> Gradients:
    """∂C/∂θ for the mini-batch of the step in progress (or of the next step, at a step
    boundary): the gradients its backward phase computes, worked out on a fork when that
    phase has not run yet."""
    if tr.phase_index == 2:
        return tr.grads
    ahead = tr.fork()
    while ahead.phase_index != 2 and ahead.diverged is None:
        ahead.run_phase()
    if ahead.diverged is not None:
        raise QuestionError("the run's numbers overflow before its gradients: "
                            + ahead.diverged.message)
    return ahead.grads


def _to_phase(tr: Trainer, phase_index: int) -> None:
    """Run phases until ``phase_index`` (0: the end of the step) or divergence; at least one."""
    tr.run_phase()
    while tr.phase_index != phase_index and tr.diverged is None:
        tr.run_phase()


def significant(x: float, digits: int = 3) -> float:
    """``x`` rounded to ``digits`` significant digits."""
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - math.floor(math.log10(abs(x))))


def _choice(value: object, options: dict) -> object:
    if value not in options["choices"]:
        raise QuestionError(f"an answer is one of {', '.join(options['choices'])}")
    return value


def _numbers(value: object, n: int, what: str) -> list[float]:
    """``n`` finite numbers (not bools, below 10¹² in size), as floats."""
    values = value if n > 1 else [value]
    if not (isinstance(values, list | tuple) and len(values) == n
            and all(isinstance(v, int | float) and not isinstance(v, bool)
                    and math.isfinite(v) and abs(v) < 1e12 for v in values)):
        raise QuestionError(f"an answer is {what}")
    return [float(v) for v in values]


@dataclass(frozen=True)
class Truth:
    """The engine's answer: ``answer`` in the form a student gives one (None where it
    depends on the point they chose), ``text`` saying it with its numbers, and ``facts``
    for grading."""

    answer: object
    text: str
    facts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Graded:
    correct: bool
    text: str  # the engine's answer beside the student's, in a sentence or two


# --------------------------------------------------------------------------- the kinds


class Direction:
    """"Which way will this parameter move after this Update?" up, down or stays."""

    choices = ("up", "down", "stays")
    fields = ("param",)

    def prompt(self, spec: dict) -> str:
        return f"Which way will {Param.parse(spec['param']).name()} move in this step's Update?"

    def check(self, spec: dict, tr: Trainer) -> None:
        Param.parse(spec.get("param")).check(tuple(tr.net.layer_sizes))

    def truth(self, spec: dict, tr: Trainer) -> Truth:
        p = Param.parse(spec["param"])
        ahead = tr.fork()
        before = p.of(ahead.net)
        _to_phase(ahead, 0)
        after = p.of(ahead.net)
        way = "up" if after > before else "down" if after < before else "stays"
        return Truth(way, f"{p.name()} went {way}: {before:.6g} → {after:.6g} "
                          f"(change {after - before:+.3g})", {"before": before, "after": after})

    def options(self, spec: dict, tr: Trainer) -> dict:
        """What an answer may be (sent to whoever answers, and checked by ``answer``)."""
        return {"choices": list(self.choices)}

    def answer(self, value: object, options: dict) -> object:
        """An answer from outside (JSON) as this kind takes it; QuestionError if none."""
        return _choice(value, options)

    def grade(self, answer: object, truth: Truth) -> Graded:
        return Graded(answer == truth.answer, f"You said {answer}. {truth.text}.")

    def advance(self, spec: dict, tr: Trainer) -> None:
        _to_phase(tr, 0)


class Gradient:
    """"What is ∂C/∂p for this mini-batch?" to 3 significant digits."""

    digits = 3
    fields = ("param",)

    def prompt(self, spec: dict) -> str:
        name = Param.parse(spec["param"]).name()
        return (f"What is ∂C/∂{name} for this step's mini-batch? "
                f"(to {self.digits} significant digits)")

    def check(self, spec: dict, tr: Trainer) -> None:
        Param.parse(spec.get("param")).check(tuple(tr.net.layer_sizes))

    def truth(self, spec: dict, tr: Trainer) -> Truth:
        p = Param.parse(spec["param"])
        g = p.grad(batch_gradients(tr))
        return Truth(g, f"∂C/∂{p.name()} = {g:.6g}", {"value": g})

    def options(self, spec: dict, tr: Trainer) -> dict:
        return {}

    def answer(self, value: object, options: dict) -> float:
        return _numbers(value, 1, "a finite number")[0]

    def grade(self, answer: object, truth: Truth) -> Graded:
        g = truth.facts["value"]
        ok = isinstance(answer, (int, float)) and math.isfinite(answer) \
            and significant(float(answer), self.digits) == significant(g, self.digits)
        return Graded(ok, f"You said {answer:.{self.digits}g}. The engine: {truth.text} "
                          f"({significant(g, self.digits):.{self.digits}g} to "
                          f"{self.digits} significant digits)."
                      if isinstance(answer, (int, float)) else f"{truth.text}.")

    def advance(self, spec: dict, tr: Trainer) -> None:
        if tr.phase_index != 2:
            _to_phase(tr, 2)


class LargestGradient:
    """"Which neuron of layer l has the largest |∂C/∂b|?" (its bias gradient: δ summed over
    the mini-batch, how strongly the cost pulls on that neuron)."""

    fields = ("layer",)

    def prompt(self, spec: dict) -> str:
        return (f"Which neuron of layer {spec['layer']} has the largest |∂C/∂b| for this "
                "step's mini-batch?")

    def check(self, spec: dict, tr: Trainer) -> None:
        layer = spec.get("layer")
        n_layers = tr.net.n_layers
        if not isinstance(layer, int) or isinstance(layer, bool) or not 1 <= layer <= n_layers:
            raise QuestionError(f"layer: {str(layer)[:20]!r} is not a layer from 1 to {n_layers}")

    def options(self, spec: dict, tr: Trainer) -> dict:
        return {"neurons": tr.net.layer_sizes[spec["layer"]]}

    def answer(self, value: object, options: dict) -> int:
        n = options["neurons"]
        if not (isinstance(value, int) and not isinstance(value, bool) and 0 <= value < n):
            raise QuestionError(f"an answer is a neuron from 0 to {n - 1}")
        return value

    def truth(self, spec: dict, tr: Trainer) -> Truth:
        g = np.abs(batch_gradients(tr).biases[spec["layer"] - 1])
        best = np.flatnonzero(g == g.max())
        values = ", ".join(f"{j}: {v:.3g}" for j, v in enumerate(g))
        return Truth(int(best[0]), f"neuron {int(best[0])} has the largest |∂C/∂b| "
                                   f"({values})", {"best": best.tolist()})

    def grade(self, answer: object, truth: Truth) -> Graded:
        return Graded(answer in truth.facts["best"], f"You said neuron {answer}. "
                                                     f"The engine: {truth.text}.")

    def advance(self, spec: dict, tr: Trainer) -> None:
        if tr.phase_index != 2:
            _to_phase(tr, 2)


def _steps(spec: dict) -> int:
    steps = spec.get("steps")
    if not isinstance(steps, int) or isinstance(steps, bool) or not 1 <= steps <= MAX_STEPS:
        raise QuestionError(f"steps: {str(steps)[:20]!r} is not a whole number from 1 to "
                            f"{MAX_STEPS}")
    return steps


class TurnsOrange:
    """"Click where the boundary will turn orange": a point of the plane that the network
    calls blue now (output > 0.5, class 1: ``trainer.correct``'s line) and orange after
    ``steps`` steps. Binary classification on two raw inputs only."""

    fields = ("steps",)

    def prompt(self, spec: dict) -> str:
        return (f"Pick a point that is blue now and will be orange after {spec['steps']} "
                "step(s).")

    def check(self, spec: dict, tr: Trainer) -> None:
        _steps(spec)
        if tr.task != "binary":
            raise QuestionError("turns_orange needs a two-class data set")

    def options(self, spec: dict, tr: Trainer) -> dict:
        return {}

    def answer(self, value: object, options: dict) -> list[float]:
        return _numbers(value, 2, "a point (x₁, x₂)")

    def truth(self, spec: dict, tr: Trainer, features: tuple[str, ...],
              extent: tuple[float, float, float, float], resolution: int = 60) -> Truth:
        ahead = tr.fork()
        before = copy.deepcopy(ahead.net)
        ahead.run_steps(spec["steps"])
        xs = np.linspace(extent[0], extent[1], resolution)
        ys = np.linspace(extent[2], extent[3], resolution)
        P = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
        X = apply_features(P, features)
        turned = (before.predict(X)[:, 0] > 0.5) & (ahead.net.predict(X)[:, 0] <= 0.5)
        share = float(turned.mean())
        where = P[turned].mean(axis=0) if turned.any() else None
        text = (f"{share:.1%} of the plane turned orange"
                + (f", around ({where[0]:.2f}, {where[1]:.2f})" if where is not None else ""))
        return Truth(None, text, {"before": before, "after": ahead.net,
                                  "features": tuple(features), "share": share})

    def grade(self, answer: object, truth: Truth) -> Graded:
        x = apply_features(np.asarray([answer], dtype=float), truth.facts["features"])
        y0 = float(truth.facts["before"].predict(x)[0, 0])
        y1 = float(truth.facts["after"].predict(x)[0, 0])
        colour = {True: "blue", False: "orange"}
        ok = y0 > 0.5 >= y1
        return Graded(ok, f"At your point ({answer[0]:.2f}, {answer[1]:.2f}) the output went "
                          f"{y0:.3f} ({colour[y0 > 0.5]}) → {y1:.3f} ({colour[y1 > 0.5]}). "
                          f"The engine: {truth.text}.")

    def advance(self, spec: dict, tr: Trainer) -> None:
        tr.run_steps(spec["steps"])


class Diverges:
    """"Will this run diverge within n steps?": yes when its numbers overflow, or its
    training loss ends above HEALTHY_RISE times what it is now (the engine's own line
    for a loss that has left its normal range)."""

    choices = ("yes", "no")
    fields = ("steps",)

    def prompt(self, spec: dict) -> str:
        return (f"Will this run diverge within {spec['steps']} steps (its loss growing past "
                f"{HEALTHY_RISE:g}× what it is now, or overflowing)?")

    def check(self, spec: dict, tr: Trainer) -> None:
        _steps(spec)

    def truth(self, spec: dict, tr: Trainer) -> Truth:
        ahead = tr.fork()
        start = ahead.evaluate()["train_loss"]
        ahead.run_steps(spec["steps"])
        if ahead.diverged is not None:
            return Truth("yes", f"yes: {ahead.diverged.message}", {"start": start})
        end = ahead.evaluate()["train_loss"]
        grew = not math.isfinite(end) or end > HEALTHY_RISE * start
        return Truth("yes" if grew else "no",
                     f"{'yes' if grew else 'no'}: the training loss went {start:.4g} → {end:.4g} "
                     f"in {spec['steps']} steps", {"start": start, "end": end})

    def options(self, spec: dict, tr: Trainer) -> dict:
        return {"choices": list(self.choices)}

    def answer(self, value: object, options: dict) -> object:
        return _choice(value, options)

    def grade(self, answer: object, truth: Truth) -> Graded:
        return Graded(answer == truth.answer, f"You said {answer}. The engine: {truth.text}.")

    def advance(self, spec: dict, tr: Trainer) -> None:
        tr.run_steps(spec["steps"])


QUESTIONS = MappingProxyType({
    "direction": Direction(),
    "gradient": Gradient(),
    "largest_gradient": LargestGradient(),
    "turns_orange": TurnsOrange(),
    "diverges": Diverges(),
})


def prompt(spec: dict) -> str:
    """The question put to the student: the lesson's own words, or its kind's."""
    return spec.get("prompt") or question(spec).prompt(spec)


def question(spec: object) -> object:
    """The kind of ``spec``; QuestionError if it names none."""
    kind = spec.get("kind") if isinstance(spec, dict) else None
    if not isinstance(kind, str) or kind not in QUESTIONS:
        raise QuestionError(f"kind: {str(kind)[:30]!r} is not one of {', '.join(QUESTIONS)}")
    return QUESTIONS[kind]
