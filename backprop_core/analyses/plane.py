"""A 2-D plane through input space, for drawing networks with more than two inputs.

Every point p = (p₁, p₂) of the plane is the input ``origin + p @ axes``. Two kinds:
``two_features``: the plane of features i and j, every other feature held at its mean
(p is then just (x_i, x_j)); ``pca``: the plane of the data's two principal directions
through its mean (p is then the data's first two principal-component scores).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Plane:
    origin: np.ndarray  # (d,)
    axes: np.ndarray  # (2, d), orthonormal rows
    labels: tuple[str, str]
    description: str

    def to_inputs(self, points: np.ndarray) -> np.ndarray:
        """Plane points (m, 2) -> network inputs (m, d)."""
        return self.origin + points @ self.axes

    def coords(self, X: np.ndarray) -> np.ndarray:
        """Inputs (n, d) -> their plane coordinates (n, 2) (orthogonal projection)."""
        return (X - self.origin) @ self.axes.T


def two_features(X: np.ndarray, i: int, j: int, names: list[str]) -> Plane:
    """The plane of features i and j through the data's mean."""
    d = X.shape[1]
    if i == j or not (0 <= i < d and 0 <= j < d):
        raise ValueError(f"need two different features among {d}, got {i} and {j}")
    origin = X.mean(axis=0)
    origin[[i, j]] = 0.0
    axes = np.zeros((2, d))
    axes[0, i] = axes[1, j] = 1.0
    others = "the other features at their mean" if d > 2 else "no other features"
    return Plane(origin, axes, (names[i], names[j]),
                 f"Plane of {names[i]} and {names[j]}, {others}.")


def pca(X: np.ndarray) -> Plane:
    """The plane of the two directions of largest variance, through the data's mean."""
    mean = X.mean(axis=0)
    _, s, vt = np.linalg.svd(X - mean, full_matrices=False)
    axes = np.zeros((2, X.shape[1]))
    axes[: min(2, len(vt))] = vt[:2]
    if len(vt) < 2:  # a single feature: the second axis carries nothing
        axes[1] = 0.0
    share = (s[:2] ** 2).sum() / max((s**2).sum(), 1e-300)
    return Plane(mean, axes, ("PC 1", "PC 2"),
                 f"PCA projection: the two principal components, {share:.0%} of the "
                 "variance; every point of the plane is mapped back to a full input.")


def plane_extent(coords: np.ndarray, margin: float = 0.1) -> tuple[float, float, float, float]:
    """A padded box around plane coordinates (n, 2)."""
    lo, hi = coords.min(axis=0), coords.max(axis=0)
    pad = np.maximum((hi - lo) * margin, 1e-3)
    return (float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]),
            float(hi[1] + pad[1]))
