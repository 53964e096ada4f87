"""The seed article's two coding mistakes, reproduced on purpose so they can be shown.

1. ``sigmoid_derivative(Z)`` computes σ(Z)(1 − σ(Z)) but is called with y = σ(z), an
   activation, so it returns σ(σ(z))(1 − σ(σ(z))) instead of σ'(z) = y(1 − y).
2. The biases start as the scalar 0 and are updated with an (1, n_samples) array, so after
   the first update every sample has its *own* bias: a different model, with n extra
   parameters per neuron that let it fit each training sample separately.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..network.activations import sigmoid
from ..network.network import ForwardCache, Gradients, Network


def double_sigmoid_prime(a: np.ndarray) -> np.ndarray:
    """The article's σ'(y) with y already σ(z): σ(y)(1 − σ(y)). Wrong for backprop."""
    s = sigmoid(a)
    return s * (1.0 - s)


def gradients_with_double_sigmoid(net: Network, cache: ForwardCache, Y: np.ndarray,
                                  reduction_scale: float = 1.0) -> Gradients:
    """The MSE gradients the article's code would use: every sigmoid derivative taken of
    the activation instead of the pre-activation. Same shapes as ``Network.backward``."""
    L = net.n_layers
    y = cache.output
    delta = (y - Y) * reduction_scale * double_sigmoid_prime(y)
    deltas, gW, gb = [None] * L, [None] * L, [None] * L
    for i in range(L - 1, -1, -1):
        deltas[i], gW[i], gb[i] = delta, cache.a[i].T @ delta, delta.sum(axis=0)
        if i > 0:
            delta = (delta @ net.weights[i].T) * double_sigmoid_prime(cache.a[i])
    return Gradients(gW, gb, deltas)


@dataclass
class ArticleNet:
    """The article's 5-10-1 network *as its code behaves*: weight matrices stored
    (n_out, n_in) as in the article, and biases that become (n_out, n_samples)."""

    wih: np.ndarray
    who: np.ndarray
    bih: np.ndarray
    bho: np.ndarray
    derivative_bug: bool = True  # False: only the bias bug, with the correct σ'

    @classmethod
    def like(cls, net: Network, derivative_bug: bool = True) -> ArticleNet:
        """Start from the same weights as an engine network (transposed), biases 0."""
        return cls(net.weights[0].T.copy(), net.weights[1].T.copy(), np.zeros((1, 1)),
                   np.zeros((1, 1)), derivative_bug)

    def _prime(self, a: np.ndarray) -> np.ndarray:
        return double_sigmoid_prime(a) if self.derivative_bug else a * (1.0 - a)

    def forward(self, X: np.ndarray) -> np.ndarray:
        """Outputs (n, 1). The biases broadcast per sample: row s gets bias column s."""
        hidden = sigmoid(self.wih @ X.T + self.bih)
        return sigmoid(self.who @ hidden + self.bho).T

    def train_step(self, X: np.ndarray, Y: np.ndarray, lr: float) -> np.ndarray:
        """One full-batch step exactly as the article's ``backprop``; returns the output
        deltas, one per sample, that it applied to the output bias."""
        inputs, tj = X.T, Y.T
        hidden = sigmoid(self.wih @ inputs + self.bih)
        yj = sigmoid(self.who @ hidden + self.bho)
        output_errors = -(tj - yj)
        hidden_errors = self.who.T @ output_errors
        out_delta = output_errors * self._prime(yj)
        hid_delta = hidden_errors * self._prime(hidden)
        self.who = self.who - lr * out_delta @ hidden.T
        self.wih = self.wih - lr * hid_delta @ inputs.T
        self.bho = self.bho - lr * out_delta  # (1, n): one bias per sample from now on
        self.bih = self.bih - lr * hid_delta  # (10, n)
        return out_delta[0]

    @property
    def n_bias_values(self) -> int:
        return self.bih.size + self.bho.size
