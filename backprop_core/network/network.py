"""A fully connected network with an explicit forward and backward pass.

Notation (batch-first, layer i = 0 .. L-1 counts weight layers):
    a[0] = X                       (n, layer_sizes[0])
    z[i] = a[i] @ W[i] + b[i]      (n, sizes[i+1]); W[i] (sizes[i], sizes[i+1]), b[i] (sizes[i+1],)
    a[i+1] = f_i(z[i])
    delta[i] = ∂C/∂z[i]            (n, layer_sizes[i+1]), C the *batch* cost after reduction
    ∂C/∂W[i] = a[i].T @ delta[i],  ∂C/∂b[i] = Σ_samples delta[i]
    delta[i-1] = f'_{i-1}(z[i-1]) ⊙ (delta[i] @ W[i].T)

``backward`` only computes gradients; only an optimizer changes parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import Activation, get_activation
from .initializers import get_initializer
from .losses import get_loss, reduction_scale
from .regularization import penalty_grads


@dataclass
class ForwardCache:
    """What the forward pass stores for the backward pass.

    z[i]: (n, sizes[i+1]) pre-activations; a[i]: (n, sizes[i]) activations with a[0] = X,
    so ``len(a) == len(z) + 1``.
    """

    z: list[np.ndarray]
    a: list[np.ndarray]

    @property
    def output(self) -> np.ndarray:
        return self.a[-1]

    @property
    def n_samples(self) -> int:
        return self.a[0].shape[0]


@dataclass
class Gradients:
    """∂C/∂W[i], ∂C/∂b[i] (parameter shapes) and delta[i] = ∂C/∂z[i] (n, sizes[i+1]).

    ``weights`` include the regularisation term; ``penalty_weights`` is that term alone
    (``None`` without regularisation), so data gradient = weights - penalty_weights.
    """

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    deltas: list[np.ndarray]
    penalty_weights: list[np.ndarray] | None = None


class Network:
    """Network(layer_sizes, activations, seed=0, init="xavier").

    ``activations`` names one activation per layer after the input (``len(layer_sizes) - 1``
    names); ``softmax`` is allowed on the output layer only.
    """

    def __init__(
        self,
        layer_sizes: list[int],
        activations: list[str],
        seed: int | None = 0,
        init: str = "xavier",
        rng: np.random.Generator | None = None,
    ):
        sizes = [int(s) for s in layer_sizes]
        if len(sizes) < 2 or any(s < 1 for s in sizes):
            raise ValueError(f"layer_sizes needs >= 2 positive sizes, got {layer_sizes!r}")
        if len(activations) != len(sizes) - 1:
            raise ValueError(
                f"need {len(sizes) - 1} activations (one per layer after the input), "
                f"got {len(activations)}"
            )
        acts = [get_activation(name) for name in activations]
        for act in acts[:-1]:
            if act.output_only:
                raise ValueError(f"{act.name} is allowed on the output layer only")
        self.layer_sizes = sizes
        self.activation_names = list(activations)
        self.acts: list[Activation] = acts
        self.init = init
        init_fn = get_initializer(init)
        rng = rng if rng is not None else np.random.default_rng(seed)
        self.weights: list[np.ndarray] = []
        self.biases: list[np.ndarray] = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
            W, b = init_fn(rng, fan_in, fan_out)
            self.weights.append(np.ascontiguousarray(W, dtype=np.float64))
            self.biases.append(np.ascontiguousarray(b, dtype=np.float64))

    @property
    def n_layers(self) -> int:
        """Number of weight layers (hidden layers + output)."""
        return len(self.weights)

    @property
    def n_params(self) -> int:
        return sum(W.size + b.size for W, b in zip(self.weights, self.biases, strict=True))

    def __repr__(self) -> str:
        arch = "-".join(str(s) for s in self.layer_sizes)
        return f"Network({arch}, {'/'.join(self.activation_names)})"

    def forward(self, X: np.ndarray, keep: bool = True) -> ForwardCache:
        """Run X (n, layer_sizes[0]) through the network, keeping every z and a; with
        ``keep=False`` only the output layer's (what a loss needs: ``z[-1]``, ``a[-1]``),
        the same numbers without holding every layer's."""
        a = np.asarray(X, dtype=np.float64)
        if a.ndim != 2 or a.shape[1] != self.layer_sizes[0]:
            raise ValueError(f"X must have shape (n, {self.layer_sizes[0]}), got {a.shape}")
        zs, activations = [], [a]
        z = a
        for W, b, act in zip(self.weights, self.biases, self.acts, strict=True):
            z = a @ W
            z += b  # in place: the same sum as a @ W + b, one array fewer
            a = act.f(z)
            if keep:
                zs.append(z)
                activations.append(a)
        return ForwardCache(zs, activations) if keep else ForwardCache([z], [X, a])

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.forward(X).output

    def output_delta(
        self, cache: ForwardCache, Y: np.ndarray, loss: str, reduction: str
    ) -> np.ndarray:
        """∂C/∂z of the output layer, (n, n_outputs), C the reduced batch cost."""
        spec = get_loss(loss)
        act = self.acts[-1]
        spec.check_output(act)
        y = cache.output
        if y.shape != Y.shape:
            raise ValueError(f"targets shape {Y.shape} does not match outputs {y.shape}")
        scale = reduction_scale(reduction, y.shape[0])
        if spec.fused_delta is not None:
            return spec.fused_delta(y, Y) * scale
        return act.vjp(cache.z[-1], y, spec.grad(y, Y) * scale)

    def backward(
        self,
        cache: ForwardCache,
        Y: np.ndarray,
        loss: str = "mse",
        reduction: str = "mean",
        regularization: str | None = None,
        reg_rate: float = 0.0,
    ) -> Gradients:
        """Gradients of the batch cost (data loss + penalty) for the forward pass ``cache``."""
        Y = np.asarray(Y, dtype=np.float64)
        delta = self.output_delta(cache, Y, loss, reduction)
        L = self.n_layers
        deltas: list[np.ndarray] = [None] * L  # type: ignore[list-item]
        grad_W: list[np.ndarray] = [None] * L  # type: ignore[list-item]
        grad_b: list[np.ndarray] = [None] * L  # type: ignore[list-item]
        for i in range(L - 1, -1, -1):
            deltas[i] = delta
            grad_W[i] = cache.a[i].T @ delta
            grad_b[i] = delta.sum(axis=0)
            if i > 0:
                # ∂C/∂a[i] = delta @ W[i].T, then through layer i-1's activation.
                delta = self.acts[i - 1].vjp(cache.z[i - 1], cache.a[i], delta @ self.weights[i].T)
        pen = penalty_grads(self.weights, regularization, reg_rate)
        if pen is not None:
            grad_W = [g + p for g, p in zip(grad_W, pen, strict=True)]
        return Gradients(grad_W, grad_b, deltas, pen)

    def copy_params(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        return [W.copy() for W in self.weights], [b.copy() for b in self.biases]

    def set_params(self, weights: list[np.ndarray], biases: list[np.ndarray]) -> None:
        """Copy values into the existing arrays, so outside references stay valid."""
        for dst, src in zip(self.weights + self.biases, list(weights) + list(biases), strict=True):
            if dst.shape != np.shape(src):
                raise ValueError(f"parameter shape {np.shape(src)} != expected {dst.shape}")
            dst[...] = src
