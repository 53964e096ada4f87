"""Checking backprop's gradients against finite differences of the cost.

The numeric derivative of each parameter p uses the five-point central stencil

    ∂C/∂p ≈ [8(C(p+h) - C(p-h)) - (C(p+2h) - C(p-2h))] / 12h

whose truncation error is O(h⁴) instead of the plain central difference's O(h²), with the
costs evaluated in extended precision (``np.longdouble``). In float64 a correct gradient
still differs from its finite difference by ~1e-13 (truncation and rounding of C), which
is too close to a 1e-7 relative threshold for small gradients to tell bugs from noise;
together the two measures push that noise down to ~1e-16.
``method="central"`` gives the textbook three-point formula.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..network.losses import per_sample_cost, reduction_scale
from ..network.network import Gradients, Network
from ..network.regularization import penalty
from .explain import param_name

# Backprop itself runs in float64: where terms cancel, its gradient carries an absolute
# rounding error of a few 1e-16·|C| (seen: 4e-15 on a gradient of 5e-15 with C = 3.3).
# Gradients below REL_ERROR_FLOOR·max(1, |C|) are therefore measured against that floor
# rather than against themselves, so a relative error < 1e-7 still means an absolute
# agreement within 1e-14·|C| there; the relative error of two numbers that are both rounding
# noise says nothing about backprop.
REL_ERROR_FLOOR = 1e-7
# What a relative error says about a gradient: below CORRECT_BELOW backprop agrees with the
# finite difference; from WRONG_FROM on it is wrong; in between it is suspect (more than
# rounding explains, less than a bug usually gives).
CORRECT_BELOW, WRONG_FROM = 1e-7, 1e-4
# Activations whose derivative jumps at z = 0: a stencil whose points fall on both sides of
# such a kink for some sample measures no derivative at all (nor does L1's |w| at w = 0).
KINKED = ("relu", "leaky_relu")


@dataclass(frozen=True)
class ParamCheck:
    """One parameter's check: which parameter, backprop's value, the numeric value."""

    layer: int
    kind: str  # "W" or "b"
    index: tuple[int, ...]  # (from, to) for W, (to,) for b
    analytic: float
    numeric: float
    floor: float = REL_ERROR_FLOOR
    kink: bool = False  # the stencil crossed a kink: the two numbers are not comparable

    @property
    def rel_error(self) -> float:
        """|analytic - numeric| / max(|analytic|, |numeric|, floor)."""
        a, n = self.analytic, self.numeric
        return abs(a - n) / max(abs(a), abs(n), self.floor)

    @property
    def comparable(self) -> bool:
        return not self.kink

    @property
    def status(self) -> str:
        """"correct", "suspect" or "wrong" by its relative error; "kink" if not comparable."""
        if self.kink:
            return "kink"
        rel = self.rel_error
        return "correct" if rel < CORRECT_BELOW else "suspect" if rel < WRONG_FROM else "wrong"

    @property
    def name(self) -> str:
        if self.kind == "W":
            return param_name(self.layer, *self.index)
        return param_name(self.layer, None, self.index[0])


def batch_cost(net: Network, weights, biases, X, Y, loss, reduction, regularization, reg_rate,
               sides: list | None = None):
    """Data loss (from logits where that is exact) plus penalty, in the arrays' precision.

    Runs the same activation and loss functions as the network, on the given parameter
    arrays, so the numeric side can be evaluated in extended precision. ``sides`` (a list)
    receives, per kinked layer, which side of its kink every pre-activation is on.
    """
    a = X
    for W, b, act, name in zip(weights, biases, net.acts, net.activation_names, strict=True):
        z = a @ W + b
        if sides is not None and name in KINKED:
            sides.append(z > 0)
        a = act.f(z)
    costs = per_sample_cost(a, Y, loss, logits=z)
    return np.sum(costs) * reduction_scale(reduction, len(X)) + penalty(
        weights, regularization, reg_rate
    )


def _all_params(net: Network):
    for i, W in enumerate(net.weights):
        for idx in np.ndindex(W.shape):
            yield i, "W", idx
    for i, b in enumerate(net.biases):
        for idx in np.ndindex(b.shape):
            yield i, "b", idx


def grad_check(
    net: Network,
    X: np.ndarray,
    Y: np.ndarray,
    loss: str = "mse",
    reduction: str = "mean",
    regularization: str | None = None,
    reg_rate: float = 0.0,
    grads: Gradients | None = None,
    h: float = 1e-4,
    method: str = "five_point",
    max_params: int | None = None,
    seed: int = 0,
    dtype=np.longdouble,
) -> list[ParamCheck]:
    """Compare ``grads`` (default: the network's own backward pass) with finite differences.

    Checks every parameter, or a seeded random sample of ``max_params`` of them. The costs
    are evaluated on copies of the parameters in ``dtype``: extended precision by default,
    which cuts the rounding noise of the differences by three orders of magnitude, so
    float64 backprop is compared against something more accurate than itself.
    """
    if method not in ("five_point", "central"):
        raise ValueError(f"unknown method {method!r}; use 'five_point' or 'central'")
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    if grads is None:
        grads = net.backward(net.forward(X), Y, loss, reduction, regularization, reg_rate)
    params = list(_all_params(net))
    if max_params is not None and max_params < len(params):
        chosen = np.random.default_rng(seed).choice(len(params), size=max_params, replace=False)
        params = [params[k] for k in sorted(chosen)]

    weights = [W.astype(dtype) for W in net.weights]
    biases = [b.astype(dtype) for b in net.biases]
    Xd, Yd = X.astype(dtype), Y.astype(dtype)

    def cost(sides=None):
        return batch_cost(net, weights, biases, Xd, Yd, loss, reduction, regularization, reg_rate,
                          sides)

    centre: list = []
    floor = REL_ERROR_FLOOR * max(1.0, abs(float(cost(centre))))
    steps = (-2, -1, 1, 2) if method == "five_point" else (-1, 1)
    results = []
    for layer, kind, idx in params:
        array = weights[layer] if kind == "W" else biases[layer]
        original = array[idx]
        values, kink = {}, False
        for k in steps:
            array[idx] = original + k * dtype(h)
            sides: list = []
            values[k] = cost(sides)
            kink = kink or any(np.any(s != c) for s, c in zip(sides, centre, strict=True))
        array[idx] = original
        if regularization == "l1" and kind == "W" and abs(original) <= 2 * h:
            kink = True  # |w| has its kink at 0
        if method == "five_point":
            numeric = (8 * (values[1] - values[-1]) - (values[2] - values[-2])) / (12 * dtype(h))
        else:
            numeric = (values[1] - values[-1]) / (2 * dtype(h))
        analytic = (grads.weights if kind == "W" else grads.biases)[layer][idx]
        results.append(ParamCheck(layer, kind, idx, float(analytic), float(numeric), floor,
                                  kink))
    return results


def worst(checks: list[ParamCheck]) -> ParamCheck:
    """The comparable check with the largest error (any check if none is comparable)."""
    comparable = [c for c in checks if c.comparable] or checks
    return max(comparable, key=lambda c: c.rel_error)


@dataclass(frozen=True)
class Verdict:
    """How many checks are correct, suspect, wrong or not comparable (a kink), and what
    that says of the whole: "wrong" if any is, else "suspect" if any is, else "ok" if any
    was compared, else "not comparable"."""

    correct: int
    suspect: int
    wrong: int
    kinks: int

    @property
    def outcome(self) -> str:
        if self.wrong:
            return "wrong"
        if self.suspect:
            return "suspect"
        return "ok" if self.correct else "not comparable"


def verdict(checks: list[ParamCheck]) -> Verdict:
    counts = {"correct": 0, "suspect": 0, "wrong": 0, "kink": 0}
    for check in checks:
        counts[check.status] += 1
    return Verdict(counts["correct"], counts["suspect"], counts["wrong"], counts["kink"])
