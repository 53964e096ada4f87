"""Activation functions, each next to its derivative.

Every activation is a pair: ``f(z) -> a`` and ``prime(z, a) -> f'(z)``; ``f(z, out=z)``
writes a over z, for passes that keep no z (large temporaries cost page faults). The derivative
receives *both* the pre-activation ``z`` and the activation ``a = f(z)`` and its docstring
says which one it uses. Passing both makes the seed article's bug (applying σ' to a value
that is already σ(z)) impossible to write by accident: there is no single-argument
``sigmoid_derivative(x)`` whose meaning depends on what the caller thinks ``x`` is.

All arrays are batch-first: ``z`` and ``a`` have shape (n_samples, n_units).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LEAKY_SLOPE = 0.01


def _into(result: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    """``result``, written into ``out`` when one is given."""
    if out is None or out is result:
        return result
    out[...] = result
    return out


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """σ(z) = 1 / (1 + e^-z), without overflow for any |z|.

    e^-z overflows for z ≈ -710, so the negative half uses the equivalent
    e^z / (1 + e^z), whose exponent is then never positive.
    """
    e = np.exp(-np.abs(z))
    return np.divide(np.where(z >= 0, 1.0, e), 1.0 + e, out=out)


def sigmoid_prime(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """σ'(z) = σ(z)(1 - σ(z)); uses the activation a = σ(z), not z."""
    return a * (1.0 - a)


def tanh(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.tanh(z, out=out)


def tanh_prime(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """tanh'(z) = 1 - tanh(z)²; uses the activation a = tanh(z), not z."""
    return 1.0 - a * a


def relu(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.maximum(z, 0.0, out=out)


def relu_prime(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """1 where z > 0, else 0 (the derivative at exactly 0 is taken as 0); uses z."""
    return (z > 0).astype(z.dtype)


def leaky_relu(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return _into(np.where(z > 0, z, LEAKY_SLOPE * z), out)


def leaky_relu_prime(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """1 where z > 0, else the leak slope 0.01 (also at exactly 0); uses z."""
    return np.where(z > 0, 1.0, LEAKY_SLOPE)


def linear(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return _into(z, out)


def linear_prime(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Identity: the derivative is 1 everywhere; uses only z's shape."""
    return np.ones_like(z)


def softmax(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Row-wise softmax (n_samples, n_classes).

    Subtracting each row's maximum leaves the result unchanged and keeps every exponent
    ≤ 0, so nothing overflows even at |z| = 1e4.
    """
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return np.divide(e, e.sum(axis=-1, keepdims=True), out=out)


def softmax_vjp(z: np.ndarray, a: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
    """∂C/∂z from ∂C/∂a for softmax; uses the activation a.

    The Jacobian ∂a_i/∂z_j = a_i(δ_ij - a_j) is not diagonal, so the chain rule needs a
    vector-Jacobian product: grad_z = a ⊙ (grad_a - Σ_i grad_a_i a_i).
    """
    return a * (grad_a - np.sum(grad_a * a, axis=-1, keepdims=True))


@dataclass(frozen=True)
class Activation:
    """An activation function with its derivative.

    ``prime`` is the elementwise f'(z) taking ``(z, a)``; it is ``None`` for softmax, whose
    Jacobian is not diagonal. ``vjp(z, a, grad_a)`` turns ∂C/∂a into ∂C/∂z for every
    activation, softmax included.
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    prime: Callable[[np.ndarray, np.ndarray], np.ndarray] | None
    output_only: bool = False
    custom_vjp: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None = None

    def vjp(self, z: np.ndarray, a: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
        if self.custom_vjp is not None:
            return self.custom_vjp(z, a, grad_a)
        return grad_a * self.prime(z, a)

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_prime),
    "tanh": Activation("tanh", tanh, tanh_prime),
    "relu": Activation("relu", relu, relu_prime),
    "leaky_relu": Activation("leaky_relu", leaky_relu, leaky_relu_prime),
    "linear": Activation("linear", linear, linear_prime),
    "softmax": Activation("softmax", softmax, None, output_only=True, custom_vjp=softmax_vjp),
}


# How people write them (sidebar, diagram, hovers): one spelling everywhere.
LABELS = {"tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky ReLU", "sigmoid": "sigmoid",
          "linear": "linear", "softmax": "softmax"}


def label(name: str) -> str:
    return LABELS.get(name, name)


def get_activation(name: str) -> Activation:
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}"
        ) from None
