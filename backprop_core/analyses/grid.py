"""The network evaluated on an R×R grid over the input plane, in one vectorised pass.

This feeds the decision-boundary plot and every neuron's thumbnail: one forward pass over
R² points returns every layer's activation at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data.features import apply_features
from ..network.network import Network
from .plane import Plane


@dataclass(frozen=True)
class Grid:
    """Activations over the plane.

    xs (R,), ys (R,): the coordinates (x₁ along columns, x₂ along rows, ys ascending).
    layers[0] (R, R, n_features): the input features; layers[i+1] (R, R, sizes[i+1]): layer
    i's activations, so layers[-1] is the network's output.
    """

    xs: np.ndarray
    ys: np.ndarray
    layers: list[np.ndarray]

    @property
    def output(self) -> np.ndarray:
        return self.layers[-1]


def grid_points(extent: tuple[float, float, float, float], resolution: int) -> tuple:
    """xs (R,), ys (R,) and the points (R·R, 2), row-major with x varying fastest."""
    xmin, xmax, ymin, ymax = extent
    xs = np.linspace(xmin, xmax, resolution)
    ys = np.linspace(ymin, ymax, resolution)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def evaluate_grid(
    net: Network,
    features: tuple[str, ...] | list[str],
    extent: tuple[float, float, float, float],
    resolution: int = 100,
    dtype=np.float32,
    plane: Plane | None = None,
) -> Grid:
    """Every layer's activations on a resolution×resolution grid over ``extent``.

    ``features`` turns the 2-D points into the network's inputs; with a ``plane`` (data
    with other than two raw inputs) the plane maps them instead. Computed in ``dtype``
    (float32 by default: pictures need no more, and it halves the memory traffic).
    """
    xs, ys, points = grid_points(extent, resolution)
    inputs = plane.to_inputs(points) if plane is not None else apply_features(points, features)
    a = inputs.astype(dtype)
    R = resolution
    layers = [a.reshape(R, R, -1)]
    for W, b, act in zip(net.weights, net.biases, net.acts, strict=True):
        z = a @ W.astype(dtype)
        z += b.astype(dtype)
        a = act.f(z, out=z)  # over z, which no one keeps: fewer large temporaries
        layers.append(a.reshape(R, R, -1))
    return Grid(xs, ys, layers)
