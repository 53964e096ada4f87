"""The hidden space: the input plane as a layer sees it (ConvNetJS's second canvas, Olah's
pictures of manifolds being untangled).

A layer maps every input point to its activations. The training points and the lines of a
grid over the input plane go through the network's own ``forward`` (float64), so a picture
of them in two of the layer's neurons, or in the first two principal components of its
activations, is exact: a grid line is a polyline through transformed sample points, and
nothing between two samples is made up. Arrays are batch-first, as everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..network.network import Network

N_LINES = 31  # lines each way (odd: one runs through the centre of the box)
# Samples per gap between two lines (241 a line, crossings shared): a tanh layer of a
# trained spiral net then bends a line by < 10° from one sample to the next, < 3 % of the
# picture apart (tests/test_hidden.py); at 4 a tight bend showed 40° corners.
PER_GAP = 8


def grid_lines(extent: tuple[float, float, float, float], n_lines: int = N_LINES,
               per_gap: int = PER_GAP) -> np.ndarray:
    """Raw 2-D points of a grid's lines over ``extent`` = (xmin, xmax, ymin, ymax).

    Shape (2, n_lines, n_samples, 2) with n_samples = (n_lines - 1) · per_gap + 1:
    ``[0, i]`` is the i-th line of constant x₂ (bottom to top), x₁ running from xmin to
    xmax; ``[1, i]`` the i-th line of constant x₁ (left to right), x₂ from ymin to ymax.
    The lines' positions are every ``per_gap``-th sample, so where two lines cross they
    share the very same point (and so the same transformed point).
    """
    if n_lines < 2 or per_gap < 1:
        raise ValueError(f"need n_lines >= 2 and per_gap >= 1, got {n_lines}, {per_gap}")
    xmin, xmax, ymin, ymax = extent
    n_samples = (n_lines - 1) * per_gap + 1
    xs, ys = np.linspace(xmin, xmax, n_samples), np.linspace(ymin, ymax, n_samples)
    lines = np.empty((2, n_lines, n_samples, 2))
    lines[0, :, :, 0] = xs[None, :]
    lines[0, :, :, 1] = ys[::per_gap, None]
    lines[1, :, :, 0] = xs[::per_gap, None]
    lines[1, :, :, 1] = ys[None, :]
    return lines


@dataclass(frozen=True)
class HiddenSpace:
    """Every layer's activations for the points and for the grid lines.

    points[l]: (n, sizes[l]), the network's ``forward(...).a[l]`` (l = 0 the inputs, the
    last the output). grid: the raw 2-D line points (2, n_lines, n_samples, 2), or None
    when there is no input plane; lines[l]: (2, n_lines, n_samples, sizes[l]), or None.
    """

    points: list[np.ndarray]
    grid: np.ndarray | None
    lines: list[np.ndarray] | None


def hidden_space(net: Network, to_inputs: Callable[[np.ndarray], np.ndarray],
                 X: np.ndarray, extent: tuple[float, float, float, float] | None = None,
                 n_lines: int = N_LINES, per_gap: int = PER_GAP) -> HiddenSpace:
    """The points ``X`` (raw data rows) and, given an ``extent``, a grid of lines over the
    raw 2-D plane, through ``to_inputs`` (the feature transform) and the network.

    Points and grid go through ``net.forward`` separately, each as one batch, so every
    value is bit for bit what ``net.forward(to_inputs(X)).a`` gives for the same rows.
    """
    points = net.forward(to_inputs(X)).a
    if extent is None:
        return HiddenSpace(points, None, None)
    grid = grid_lines(extent, n_lines, per_gap)
    shape = grid.shape[:3]
    lines = [a.reshape(*shape, a.shape[-1])
             for a in net.forward(to_inputs(grid.reshape(-1, 2))).a]
    return HiddenSpace(points, grid, lines)


@dataclass(frozen=True)
class Projection:
    """Two axes of a layer's activation space to draw it on.

    Either two neurons (``neurons`` = (i, j); j None: a layer of one neuron, drawn on a
    line at 0), whose coordinates are the activations themselves, or principal components:
    ``coords(A) = (A - mean) @ components.T``. ``variance`` (2,) is the training points'
    variance along each axis, ``ratio`` (2,) its share of the total (PCA only).
    """

    labels: tuple[str, str]
    neurons: tuple[int, int | None] | None = None
    mean: np.ndarray | None = None  # (size,)
    components: np.ndarray | None = None  # (2, size), orthonormal rows (or a zero row)
    variance: np.ndarray | None = None
    ratio: np.ndarray | None = None

    def coords(self, A: np.ndarray) -> np.ndarray:
        """Activations (..., size) -> plane coordinates (..., 2)."""
        if self.neurons is None:
            return (A - self.mean) @ self.components.T
        i, j = self.neurons
        # Indexing, not a product with unit vectors: exact even for inf or -0.0.
        second = np.zeros_like(A[..., i]) if j is None else A[..., j]
        return np.stack([A[..., i], second], axis=-1)


def neuron_axes(size: int, i: int, j: int | None) -> Projection:
    """Neurons i and j of a layer of ``size`` (j None only for a layer of one neuron)."""
    if not 0 <= i < size or (j is None and size > 1) or (j is not None and not 0 <= j < size):
        raise ValueError(f"neurons {i}, {j} of a layer of {size}")
    return Projection((f"neuron {i}", "—" if j is None else f"neuron {j}"), (i, j))


def principal_axes(A: np.ndarray, reference: np.ndarray | None = None) -> Projection:
    """The first two principal components of activations A (n, size), through their mean.

    A component's sign is arbitrary; it is chosen so that the picture does not flip from
    one frame to the next: agreeing with ``reference`` (the components shown last, (2,
    size)) when given, else with its largest loading positive.
    """
    A = np.asarray(A, dtype=np.float64)
    if A.ndim != 2 or len(A) == 0 or not np.all(np.isfinite(A)):
        raise ValueError("activations must be finite, of shape (n >= 1, size)")
    mean = A.mean(axis=0)
    _, s, vt = np.linalg.svd(A - mean, full_matrices=False)
    components = np.zeros((2, A.shape[1]))
    components[: min(2, len(vt))] = vt[:2]
    power = np.zeros(2)
    power[: min(2, len(s))] = s[:2] ** 2
    for k in range(2):
        c = components[k]
        if reference is not None and reference.shape == components.shape:
            flip = np.dot(c, reference[k]) < 0
        else:
            flip = c[np.argmax(np.abs(c))] < 0
        if flip:
            components[k] = -c
    total = float(np.sum(s**2))
    ratio = power / total if total > 0 else np.zeros(2)
    return Projection(("PC 1", "PC 2"), None, mean, components, power / max(len(A) - 1, 1),
                      ratio)
