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

import copy
from dataclasses import dataclass

import numpy as np

from .activations import Activation, get_activation
from .initializers import get_initializer
from .losses import get_loss, reduction_scale
from .regularization import penalty_grads


class Layout:
    """Where every parameter sits in one vector θ (P,), layer by layer: W[0] row-major
    (W[0][k, j] at k·n_out + j), then b[0], then W[1], b[1], ... The network's parameters,
    its gradients and its updates each live in one such vector, so what runs over all of
    them (an SGD update, the per-layer norms) is one array operation, not one per array."""

    def __init__(self, layer_sizes):
        sizes = [int(s) for s in layer_sizes]
        self.slices: list[tuple[slice, slice]] = []  # (W[i] raveled, b[i]) per layer
        self.shapes: list[tuple[tuple[int, int], tuple[int]]] = []
        at = 0
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
            w = slice(at, at + n_in * n_out)
            b = slice(w.stop, w.stop + n_out)
            self.slices.append((w, b))
            self.shapes.append(((n_in, n_out), (n_out,)))
            at = b.stop
        self.size = at
        # Where each array starts (W[0], b[0], W[1], ...), for per-array sums (reduceat).
        self.starts = np.array([sl.start for pair in self.slices for sl in pair])

    def views(self, theta: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """(weights [(n_in, n_out)], biases [(n_out,)]) as views of θ: writing to them
        writes θ."""
        weights = [theta[w].reshape(shape) for (w, _), (shape, _) in
                   zip(self.slices, self.shapes, strict=True)]
        return weights, [theta[b] for _, b in self.slices]

    def flatten(self, weights, biases) -> np.ndarray:
        """θ (P,) of separate arrays (a copy)."""
        return np.concatenate([a.ravel() for W, b in zip(weights, biases, strict=True)
                               for a in (W, b)])

    def norms(self, theta: np.ndarray) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """(‖(W_i, b_i)‖ per layer, ‖W_i‖ per layer) of θ: a hot path (every step takes
        three), a few array operations for all layers."""
        return self.norms_of_rows(theta[None])[0]

    def norms_of_rows(self, thetas: np.ndarray) -> list[tuple[tuple[float, ...], ...]]:
        """``norms`` of each row of ``thetas`` (m, P), in the same operations for all (the
        same numbers: each row's sums run along it alone)."""
        squares = np.add.reduceat(thetas * thetas, self.starts, axis=1)
        w = squares[:, 0::2]
        with_b, alone = np.sqrt(w + squares[:, 1::2]).tolist(), np.sqrt(w).tolist()
        return [(tuple(a), tuple(b)) for a, b in zip(with_b, alone, strict=True)]


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
    theta: np.ndarray | None = None  # all of them in one vector (``Layout``), when made so


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
        # Every parameter lives in one vector θ; weights and biases are views of it.
        self.layout = Layout(sizes)
        self.theta = np.empty(self.layout.size)
        self.weights, self.biases = self.layout.views(self.theta)
        for W, b, fan_in, fan_out in zip(self.weights, self.biases, sizes[:-1], sizes[1:],
                                         strict=True):
            W[...], b[...] = init_fn(rng, fan_in, fan_out)

    def __deepcopy__(self, memo) -> Network:
        """A copy with its own θ, its weights and biases views of it (a plain deep copy
        would copy each view apart from θ)."""
        new = copy.copy(self)
        new.layer_sizes, new.activation_names = list(self.layer_sizes), list(self.activation_names)
        new.acts = list(self.acts)
        new.theta = self.theta.copy()
        new.weights, new.biases = self.layout.views(new.theta)
        memo[id(self)] = new
        return new

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
        z, last = a, self.n_layers - 1
        for i, (W, b, act) in enumerate(zip(self.weights, self.biases, self.acts, strict=True)):
            z = a @ W
            z += b  # in place: the same sum as a @ W + b, one array fewer
            a = act.f(z) if keep or i == last else act.f(z, out=z)  # z kept, or not needed
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
        theta = np.empty(self.layout.size)  # the gradients in one vector, like the params
        grad_W, grad_b = self.layout.views(theta)
        for i in range(L - 1, -1, -1):
            deltas[i] = delta
            np.matmul(cache.a[i].T, delta, out=grad_W[i])
            np.add.reduce(delta, axis=0, out=grad_b[i])  # delta.sum(axis=0), without its wrapper
            if i > 0:
                # ∂C/∂a[i] = delta @ W[i].T, then through layer i-1's activation.
                delta = self.acts[i - 1].vjp(cache.z[i - 1], cache.a[i], delta @ self.weights[i].T)
        pen = penalty_grads(self.weights, regularization, reg_rate)
        if pen is not None:
            for g, p in zip(grad_W, pen, strict=True):
                g += p
        return Gradients(grad_W, grad_b, deltas, pen, theta)

    def copy_params(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        return [W.copy() for W in self.weights], [b.copy() for b in self.biases]

    def set_params(self, weights: list[np.ndarray], biases: list[np.ndarray]) -> None:
        """Copy values into the existing arrays, so outside references stay valid."""
        for dst, src in zip(self.weights + self.biases, list(weights) + list(biases), strict=True):
            if dst.shape != np.shape(src):
                raise ValueError(f"parameter shape {np.shape(src)} != expected {dst.shape}")
            dst[...] = src
