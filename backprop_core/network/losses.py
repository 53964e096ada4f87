"""Loss functions: per-sample cost, its gradient, and the fused output deltas.

Shapes: outputs ``y``, logits ``z`` and targets ``t`` are (n_samples, n_outputs) (or
stacks (k, n_samples, n_outputs) of k networks' outputs: every sum runs over the last axis).
The cost of a batch is the per-sample cost C_s reduced over samples:
``reduction="sum"`` adds them (what both seed programs do), ``"mean"`` averages them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import Activation

# Probabilities are clipped this far from 0 and 1 before a log when only outputs are known.
PROB_EPS = 1e-15
REDUCTIONS = ("mean", "sum")


def mse_cost(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Per-sample C_s = ½ Σ_j (t_j - y_j)², as in the article. Returns (n_samples,)."""
    return 0.5 * np.sum((t - y) ** 2, axis=-1)


def mse_grad(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """∂C_s/∂y_j = -(t_j - y_j), the article's equation (3)."""
    return y - t


def bce_cost(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Per-sample -Σ_j [t log y + (1-t) log(1-y)] from probabilities, logs clipped."""
    y = np.clip(y, PROB_EPS, 1.0 - PROB_EPS)
    return -np.sum(t * np.log(y) + (1.0 - t) * np.log1p(-y), axis=-1)


def bce_cost_from_logits(z: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The same cost from logits z, exact for any |z|: softplus(z) - t·z.

    softplus(z) = max(z, 0) + log1p(e^-|z|) never exponentiates a positive number.
    """
    return (np.maximum(z, 0.0) - t * z + np.log1p(np.exp(-np.abs(z)))).sum(axis=-1)


def bce_grad(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """∂C_s/∂y_j = (y - t) / (y(1 - y)), clipped; only used to display ∂C/∂y."""
    y = np.clip(y, PROB_EPS, 1.0 - PROB_EPS)
    return (y - t) / (y * (1.0 - y))


def cross_entropy_cost(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Per-sample -Σ_j t_j log y_j from probabilities, logs clipped."""
    return -np.sum(t * np.log(np.clip(y, PROB_EPS, 1.0)), axis=-1)


def cross_entropy_cost_from_logits(z: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The same cost from logits: -Σ_j t_j (z_j - logsumexp(z)), max-subtracted."""
    m = z.max(axis=-1, keepdims=True)
    log_sum = m + np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))
    return -np.sum(t * (z - log_sum), axis=-1)


def cross_entropy_grad(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """∂C_s/∂y_j = -t_j / y_j, clipped; only used to display ∂C/∂y."""
    return -t / np.clip(y, PROB_EPS, 1.0)


def sigmoid_bce_delta(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """∂C_s/∂z for sigmoid + BCE: σ'(z) cancels the 1/(y(1-y)) of ∂C/∂y, leaving y - t."""
    return y - t


def softmax_ce_delta(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """∂C_s/∂z for softmax + cross-entropy: y·Σt - t (= y - t for one-hot targets)."""
    return y * np.sum(t, axis=-1, keepdims=True) - t


@dataclass(frozen=True)
class Loss:
    """A loss with its per-sample cost and gradient.

    ``output_activation`` names the only output activation the loss accepts (``None``: any).
    ``fused_delta(y, t)`` is ∂C_s/∂z for that activation, simpler and more accurate than
    chaining ∂C/∂y through f'(z); ``cost_from_logits`` computes the cost without a log of a
    rounded probability.
    """

    name: str
    cost: Callable[[np.ndarray, np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray, np.ndarray], np.ndarray]
    output_activation: str | None = None
    fused_delta: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    cost_from_logits: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None

    def check_output(self, activation: Activation) -> None:
        if self.output_activation not in (None, activation.name):
            raise ValueError(
                f"loss {self.name!r} needs a {self.output_activation} output layer, "
                f"not {activation.name}"
            )

    def __repr__(self) -> str:
        return f"Loss({self.name!r})"


LOSSES: dict[str, Loss] = {
    "mse": Loss("mse", mse_cost, mse_grad),
    "bce": Loss(
        "bce", bce_cost, bce_grad, "sigmoid", sigmoid_bce_delta, bce_cost_from_logits
    ),
    "cross_entropy": Loss(
        "cross_entropy",
        cross_entropy_cost,
        cross_entropy_grad,
        "softmax",
        softmax_ce_delta,
        cross_entropy_cost_from_logits,
    ),
}


def get_loss(name: str) -> Loss:
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}; choose one of {sorted(LOSSES)}") from None


def reduction_scale(reduction: str, n_samples: int) -> float:
    """The factor turning a sum over samples into the batch cost."""
    if reduction == "mean":
        return 1.0 / n_samples
    if reduction == "sum":
        return 1.0
    raise ValueError(f"unknown reduction {reduction!r}; choose one of {list(REDUCTIONS)}")


def per_sample_cost(
    output: np.ndarray, Y: np.ndarray, loss: str, logits: np.ndarray | None = None
) -> np.ndarray:
    """C_s for every sample, shape (n_samples,). With ``logits`` BCE and CE are exact."""
    spec = get_loss(loss)
    if logits is not None and spec.cost_from_logits is not None:
        return spec.cost_from_logits(logits, Y)
    return spec.cost(output, Y)


def loss_value(
    output: np.ndarray,
    Y: np.ndarray,
    loss: str = "mse",
    reduction: str = "mean",
    logits: np.ndarray | None = None,
) -> float:
    """The batch cost: per-sample costs summed or averaged.

    output, Y: (n_samples, n_outputs). ``logits`` (the output layer's z), when given, is
    used by BCE and cross-entropy instead of clipped logs of ``output``.
    """
    output = np.asarray(output, dtype=float)
    Y = np.asarray(Y, dtype=float)
    if output.shape != Y.shape:
        raise ValueError(f"output shape {output.shape} does not match targets {Y.shape}")
    costs = per_sample_cost(output, Y, loss, logits)
    return float(np.sum(costs) * reduction_scale(reduction, len(costs)))
