"""Where the boundary view draws: the input plane of 2-D data, or a plane through the
inputs of uploaded data (two chosen inputs, or PCA)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import backprop_core as bc
from backprop_core.datasets import dataset_extent
from backprop_core.plane import Plane, pca, plane_extent, two_features


@dataclass
class BoundaryView:
    grid: bc.Grid
    extent: tuple[float, float, float, float]
    to_2d: Callable[[np.ndarray], np.ndarray]  # dataset rows -> plane points (n, 2)
    titles: tuple[str, str]
    plane: Plane | None  # None: the data's own 2-D plane


def plane_for(tr: bc.Trainer, plane_kind: str, features: tuple[int, int],
              names: list[str]) -> Plane:
    """How uploaded data with any number of inputs is drawn on a plane."""
    if plane_kind == "pca" or len(names) < 2:
        return pca(tr.X)
    i, j = features
    if max(i, j) >= len(names) or i == j:
        i, j = 0, 1
    return two_features(tr.X, i, j, names)


def boundary_view(tr: bc.Trainer, data: bc.Dataset, c: bc.RunConfig, plane_kind: str,
                  features: tuple[int, int], names: list[str],
                  resolution: int = 100) -> BoundaryView:
    if not c.is_custom:
        extent = dataset_extent(data.X_all)
        grid = bc.evaluate_grid(tr.net, c.features, extent, resolution)
        return BoundaryView(grid, extent, lambda X: X, ("x₁", "x₂"), None)
    plane = plane_for(tr, plane_kind, features, names)
    extent = plane_extent(plane.coords(data.X_all))
    grid = bc.evaluate_grid(tr.net, (), extent, resolution, plane=plane)
    return BoundaryView(grid, extent, plane.coords, plane.labels, plane)
