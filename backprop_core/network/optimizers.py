"""Optimizers: the only code that changes a network's parameters.

The update rules follow ``torch.optim.SGD`` (with ``momentum``, ``dampening=0``) and
``torch.optim.Adam`` exactly, including their first step and the order of operations, so the
numbers match PyTorch's to rounding. State (velocity, m, v, t) lines up with the parameters:
``opt.state["m"]["weights"][i]`` has the shape of ``net.weights[i]``.
"""

from __future__ import annotations

import math

import numpy as np

from .network import Gradients, Layout, Network


class Update:
    """The change each parameter received, Δ = p_new - p_old (parameter shapes):
    ``weights`` and ``biases``, and ``theta``, all of them in one vector (``Layout``) when
    made so; then the arrays are views of it, made when first asked for (a step that
    nobody inspects needs none)."""

    def __init__(self, weights: list[np.ndarray] | None, biases: list[np.ndarray] | None,
                 theta: np.ndarray | None = None, layout: Layout | None = None):
        self._weights, self._biases, self.theta, self._layout = weights, biases, theta, layout

    def _views(self) -> None:
        self._weights, self._biases = self._layout.views(self.theta)

    @property
    def weights(self) -> list[np.ndarray]:
        if self._weights is None:
            self._views()
        return self._weights

    @property
    def biases(self) -> list[np.ndarray]:
        if self._biases is None:
            self._views()
        return self._biases

    def __repr__(self) -> str:
        return f"Update(weights={self.weights!r}, biases={self.biases!r})"


def _zeros_like_params(net: Network) -> dict[str, list[np.ndarray]]:
    return {
        "weights": [np.zeros_like(W) for W in net.weights],
        "biases": [np.zeros_like(b) for b in net.biases],
    }


def _check_positive(name: str, value: float, allow_zero: bool = False) -> float:
    value = float(value)
    ok = value >= 0 if allow_zero else value > 0
    if not (math.isfinite(value) and ok):
        raise ValueError(f"{name} must be a finite number {'>=' if allow_zero else '>'} 0")
    return value


class Optimizer:
    """Base class: subclasses define ``_delta(kind, i, g, lr) -> Δ`` and their state slots."""

    name = "base"
    slots: tuple[str, ...] = ()

    def __init__(self, lr: float):
        self.lr = _check_positive("lr", lr)
        self.state: dict[str, dict[str, list[np.ndarray]]] = {}
        self.t = 0

    def hyperparams(self) -> dict[str, float]:
        return {"lr": self.lr}

    def set_hyperparams(self, **values: float) -> None:
        """Change settings (e.g. the learning rate) without touching the state."""
        current = self.hyperparams()
        for key in values:
            if key not in current:
                raise ValueError(f"{self.name} has no setting {key!r}")
        checked = type(self)(**{**current, **values})  # the constructor validates ranges
        for key in values:
            setattr(self, key, getattr(checked, key))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v:g}" for k, v in self.hyperparams().items())
        return f"{type(self).__name__}({args})"

    def _ensure_state(self, net: Network) -> None:
        shapes = [W.shape for W in net.weights]
        for slot in self.slots:
            current = self.state.get(slot)
            if current is None or [W.shape for W in current["weights"]] != shapes:
                self.state[slot] = _zeros_like_params(net)

    def reset(self) -> None:
        self.state = {}
        self.t = 0

    def step(self, net: Network, grads: Gradients, lr: float | None = None,
             frozen: dict[str, list[np.ndarray | None]] | None = None) -> Update:
        """Apply one update in place and return the Δ each parameter received.

        ``lr``: this update's rate (a schedule's), default the ``lr`` setting. ``frozen``:
        per kind ("weights"/"biases") and layer, a boolean mask (or None) of parameters
        that keep their value *and* their optimizer state, as if not trained at all.
        """
        self._ensure_state(net)
        self.t += 1
        rate = self.lr if lr is None else float(lr)
        if frozen is None and grads.theta is not None and self.slots == ():
            # Stateless (SGD) on gradients in one vector: one update of θ, the very sums
            # of the loop below.
            theta = self._delta("theta", 0, grads.theta, rate)
            net.theta += theta
            return Update(None, None, theta, net.layout)
        out = Update([], [])
        for kind, params, gs, deltas in (
            ("weights", net.weights, grads.weights, out.weights),
            ("biases", net.biases, grads.biases, out.biases),
        ):
            if frozen is None:  # the usual case, without a mask to look up per parameter
                for i, (p, g) in enumerate(zip(params, gs, strict=True)):
                    delta = self._delta(kind, i, g, rate)
                    p += delta
                    deltas.append(delta)
                continue
            for i, (p, g) in enumerate(zip(params, gs, strict=True)):
                mask = frozen[kind][i]
                kept = self._slot_values(kind, i, mask)
                delta = self._delta(kind, i, g, rate)
                if mask is not None:
                    delta = np.where(mask, 0.0, delta)
                    self._put_slot_values(kind, i, mask, kept)
                p += delta
                deltas.append(delta)
        return out

    def _slot_values(self, kind: str, i: int, mask) -> list[np.ndarray] | None:
        if mask is None:
            return None
        return [self.state[slot][kind][i][mask] for slot in self.slots]

    def _put_slot_values(self, kind: str, i: int, mask, kept) -> None:
        for slot, values in zip(self.slots, kept, strict=True):
            self.state[slot][kind][i][mask] = values

    def _delta(self, kind: str, i: int, g: np.ndarray, lr: float) -> np.ndarray:
        raise NotImplementedError


class SGD(Optimizer):
    """p ← p - lr·g."""

    name = "sgd"

    def _delta(self, kind, i, g, lr):
        return (-lr) * g


class Momentum(Optimizer):
    """PyTorch SGD with momentum: v ← μ·v + g (v = g on the first step); p ← p - lr·v.

    With ``nesterov=True``: p ← p - lr·(g + μ·v).
    """

    name = "momentum"
    slots = ("velocity",)

    def __init__(self, lr: float, momentum: float = 0.9, nesterov: bool = False):
        super().__init__(lr)
        self.momentum = _check_positive("momentum", momentum, allow_zero=True)
        self.nesterov = bool(nesterov)

    def hyperparams(self):
        return {"lr": self.lr, "momentum": self.momentum, "nesterov": float(self.nesterov)}

    def _delta(self, kind, i, g, lr):
        v = self.state["velocity"][kind][i]
        if self.t == 1:
            v[...] = g  # PyTorch starts the buffer as a copy of the first gradient
        else:
            v *= self.momentum
            v += g
        direction = g + self.momentum * v if self.nesterov else v
        return (-lr) * direction


class Adam(Optimizer):
    """PyTorch Adam (no weight decay, no amsgrad):

    m ← m + (1-β1)(g - m);  v ← β2·v + (1-β2)·g²;
    p ← p - (lr / (1-β1^t)) · m / (√v / √(1-β2^t) + eps)
    """

    name = "adam"
    slots = ("m", "v")

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8):
        super().__init__(lr)
        for label, beta in (("beta1", beta1), ("beta2", beta2)):
            if not (0.0 <= float(beta) < 1.0):
                raise ValueError(f"{label} must be in [0, 1), got {beta!r}")
        self.beta1, self.beta2 = float(beta1), float(beta2)
        self.eps = _check_positive("eps", eps)

    def hyperparams(self):
        return {"lr": self.lr, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}

    def _delta(self, kind, i, g, lr):
        m = self.state["m"][kind][i]
        v = self.state["v"][kind][i]
        weight = 1.0 - self.beta1
        if weight < 0.5:  # torch's lerp_(g, 1 - β1), in the form it uses for this weight
            m += weight * (g - m)
        else:
            m[...] = g - (g - m) * (1.0 - weight)
        v *= self.beta2
        v += (1.0 - self.beta2) * (g * g)
        step_size = lr / (1.0 - self.beta1**self.t)
        bias_correction2_sqrt = (1.0 - self.beta2**self.t) ** 0.5
        denom = np.sqrt(v) / bias_correction2_sqrt + self.eps
        return (-step_size) * (m / denom)


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def make_optimizer(name: str, **hyperparams: float) -> Optimizer:
    try:
        cls = OPTIMIZERS[name]
    except KeyError:
        raise ValueError(
            f"unknown optimizer {name!r}; choose one of {sorted(OPTIMIZERS)}"
        ) from None
    if "nesterov" in hyperparams:
        hyperparams["nesterov"] = bool(hyperparams["nesterov"])
    return cls(**hyperparams)
