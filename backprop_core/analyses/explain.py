"""The chain rule with numbers: why one weight gets the gradient it gets.

In the seed article's notation, for the weight w_kj from neuron k (activation y_k) to
neuron j (pre-activation z_j, activation y_j):

    ∂C/∂w_kj = Σ_samples  y_k · f'(z_j) · ∂C/∂y_j          (equations (1)-(4))
    ∂C/∂b_j  = Σ_samples  f'(z_j) · ∂C/∂y_j                 (equation (5))
    ∂C/∂y_j  = Σ_m w_jm · δ_m     for a hidden neuron, δ_m = ∂C/∂z_m of the next layer

Every number here is read from, or recomputed exactly as, the engine's forward and backward
pass, so the breakdown adds up to the engine's gradient. Layer indices are the engine's:
weight layer ``layer`` maps a[layer] (neurons k) to z[layer] (neurons j).

How a parameter is written, on every page, hover, table and caption (``param_name``): the
weight from neuron k to neuron j that feeds layer L (layers counted from 1, neurons from 0)
is "w₃,₀ of layer 2" (k = 3, j = 0, L = 2; in LaTeX w_{3,0}), its bias "b₀ of layer 2".
The article's w_kj with the numbers filled in, and the layer said in words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..network.losses import get_loss, reduction_scale
from ..network.network import ForwardCache, Gradients, Network
from ..network.regularization import penalty_grads

_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def param_symbol(k: int | None, j: int, latex: bool = False) -> str:
    """A parameter's symbol without its layer: "w₃,₀" (from neuron k to j) or "b₀" (k None);
    ``latex``: w_{3,0}, b_{0}."""
    index = f"{j}" if k is None else f"{k},{j}"
    letter = "b" if k is None else "w"
    return f"{letter}_{{{index}}}" if latex else letter + index.translate(_SUBSCRIPT)


def param_name(layer: int, k: int | None, j: int, latex: bool = False) -> str:
    """The one spelling of a parameter (module docstring): weight layer ``layer``
    (0-based, as the engine's arrays) from neuron k to neuron j is "w₃,₀ of layer 2",
    a bias (``k`` None) "b₀ of layer 2"; ``latex``: w_{3,0}\\text{ of layer 2}."""
    where = f" of layer {layer + 1}"
    symbol = param_symbol(k, j, latex)
    return symbol + (rf"\text{{{where}}}" if latex else where)


@dataclass(frozen=True)
class Breakdown:
    """Per-sample factors of one parameter's gradient. Arrays have shape (n_samples,).

    ``f_prime`` and ``dC_dy`` are None where the chain does not split that way: a fused
    output (sigmoid+BCE, softmax+cross-entropy, where δ = y − t directly) or softmax with
    MSE (whose Jacobian is not diagonal). ``delta`` = ∂C/∂z_j always exists, and
    ``contribution`` = y_k · δ_j (or δ_j for a bias). ``penalty`` is the regularisation
    term added once to the sum.
    """

    layer: int
    kind: str  # "W" or "b"
    k: int | None  # from-neuron (None for a bias)
    j: int  # to-neuron
    y_k: np.ndarray | None
    f_prime: np.ndarray | None
    dC_dy: np.ndarray | None
    delta: np.ndarray
    contribution: np.ndarray
    penalty: float
    fused: str | None  # why f' and ∂C/∂y are not shown separately, if they are not

    @property
    def total(self) -> float:
        return float(np.sum(self.contribution) + self.penalty)

    def ranked(self) -> np.ndarray:
        """Sample indices, largest |contribution| first."""
        return np.argsort(-np.abs(self.contribution), kind="stable")


def output_dC_dy(y: np.ndarray, Y: np.ndarray, loss: str, reduction: str) -> np.ndarray:
    """∂C/∂y of the batch cost at the output, (n, n_out), reduction included."""
    return get_loss(loss).grad(y, Y) * reduction_scale(reduction, len(y))


def dC_dy(net: Network, cache: ForwardCache, grads: Gradients, Y, loss, reduction,
          layer: int) -> np.ndarray:
    """∂C/∂y for the neurons that weight layer ``layer`` feeds, (n, sizes[layer+1])."""
    if layer == net.n_layers - 1:
        return output_dC_dy(cache.output, Y, loss, reduction)
    return grads.deltas[layer + 1] @ net.weights[layer + 1].T


def _fusion(net: Network, loss: str, layer: int) -> str | None:
    if layer != net.n_layers - 1:
        return None
    act = net.activation_names[-1]
    if get_loss(loss).fused_delta is not None:
        return f"{act} + {loss}: f'(z) cancels against ∂C/∂y, leaving δ = y − t (scaled)"
    if act == "softmax":
        return "softmax: each output depends on every z, so δ_j = Σ_i ∂C/∂y_i · ∂y_i/∂z_j"
    return None


def breakdown(net: Network, cache: ForwardCache, grads: Gradients, Y: np.ndarray,
              loss: str, reduction: str, layer: int, j: int, k: int | None = None,
              regularization: str | None = None, reg_rate: float = 0.0) -> Breakdown:
    """The factors of ∂C/∂w_kj (``k`` given) or ∂C/∂b_j (``k`` None) for weight layer
    ``layer``, sample by sample, for the batch the cache and gradients came from."""
    Y = np.asarray(Y, dtype=float)
    delta = grads.deltas[layer][:, j]
    fused = _fusion(net, loss, layer)
    f_prime = dcdy = None
    if fused is None:
        act = net.acts[layer]
        f_prime = act.prime(cache.z[layer], cache.a[layer + 1])[:, j]
        dcdy = dC_dy(net, cache, grads, Y, loss, reduction, layer)[:, j]
    y_k = None if k is None else cache.a[layer][:, k]
    contribution = delta if k is None else y_k * delta
    pen = 0.0
    if k is not None:
        pens = penalty_grads(net.weights, regularization, reg_rate)
        pen = 0.0 if pens is None else float(pens[layer][k, j])
    return Breakdown(layer, "W" if k is not None else "b", k, j, y_k, f_prime, dcdy, delta,
                     contribution, pen, fused)


def backprop_terms(net: Network, grads: Gradients, layer: int, j: int, sample: int):
    """For hidden neuron j (fed by weight layer ``layer``) and one sample: the terms
    w_jm · δ_m over the next layer's neurons m, whose sum is that sample's ∂C/∂y_j.
    Returns (w (m,), delta (m,), terms (m,))."""
    if layer >= net.n_layers - 1:
        raise ValueError("the output layer has no next layer; its ∂C/∂y comes from the loss")
    w = net.weights[layer + 1][j, :]
    delta = grads.deltas[layer + 1][sample, :]
    return w, delta, w * delta


@dataclass(frozen=True)
class Walk:
    """One sample through the network: z[i], a[i] per layer and δ[i] = ∂C_s/∂z[i] for the
    sample's own cost C_s (its cost alone, as with batch size 1)."""

    x: np.ndarray
    target: np.ndarray
    z: list[np.ndarray]
    a: list[np.ndarray]
    delta: list[np.ndarray]
    cost: float


def single_sample_walk(net: Network, x: np.ndarray, target: np.ndarray, loss: str) -> Walk:
    """Forward and backward for one sample x (n_in,), target (n_out,)."""
    X = np.asarray(x, dtype=float).reshape(1, -1)
    Y = np.asarray(target, dtype=float).reshape(1, -1)
    cache = net.forward(X)
    grads = net.backward(cache, Y, loss, "sum")
    cost = float(get_loss(loss).cost_from_logits(cache.z[-1], Y)[0]
                 if get_loss(loss).cost_from_logits else get_loss(loss).cost(cache.output, Y)[0])
    return Walk(X[0], Y[0], [z[0] for z in cache.z], [a[0] for a in cache.a],
                [d[0] for d in grads.deltas], cost)
