"""The loss and accuracy of k parameter vectors over the whole data, at once.

Every step records its network's loss and accuracy on the training and test sets. Run one
step at a time, that is one forward pass over all the data per step, ~30 small array
operations whose call overhead outweighs their arithmetic on playground sizes. Here k
states θ_1..θ_k (rows of ``thetas``, ``Layout`` order) go through the network together:
each layer is one batched matmul (k, N, n_in) @ (k, n_in, n_out), one bias add and one
activation. Batched matmul gives each slice's very numbers (it runs the same product per
slice), and every other operation is elementwise or sums over the last axis, so each
result equals, bit for bit, what one pass over θ_j alone gives; ``Trainer.evaluate`` is
this with k = 1.
"""

from __future__ import annotations

import numpy as np

from ..network.losses import per_sample_cost, reduction_scale
from ..network.network import Network


def evaluate_many(net: Network, thetas: np.ndarray, X: np.ndarray, Y: np.ndarray,
                  n_train: int, loss: str, reduction: str, correct) -> list[tuple]:
    """[(train loss, test loss, train accuracy, test accuracy)] for each row of ``thetas``
    (k, P). X (N, n_in), Y (N, n_out): the training set's n_train rows, then the test
    set's (None values when it has none). ``correct(output, Y)`` -> bool per output or
    sample, or None (regression)."""
    k, last = len(thetas), net.n_layers - 1
    a = X
    z = None
    for i, (((ws, bs), ((n_in, n_out), _)), act) in enumerate(zip(
            zip(net.layout.slices, net.layout.shapes, strict=True), net.acts, strict=True)):
        z = np.matmul(a, thetas[:, ws].reshape(k, n_in, n_out))  # (k, N, n_out)
        z += thetas[:, None, bs]
        a = act.f(z) if i == last else act.f(z, out=z)  # only the logits are kept
    costs = per_sample_cost(a, Y, loss, z)  # (k, N)
    right = correct(a, Y)
    n_test = len(X) - n_train
    parts = [(slice(0, n_train), reduction_scale(reduction, n_train))]
    if n_test:
        parts.append((slice(n_train, None), reduction_scale(reduction, n_test)))
    out = []
    for j in range(k):
        values = [float(costs[j, sl].sum() * scale) for sl, scale in parts]
        accs = ([None] * len(parts) if right is None else
                [float(np.count_nonzero(right[j, sl]) / right[j, sl].size) for sl, _ in parts])
        if not n_test:
            values.append(None)
            accs.append(None)
        out.append((values[0], values[1], accs[0], accs[1]))
    return out
