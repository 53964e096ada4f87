"""Where the boundary view draws: the input plane of 2-D data, or a plane through the
inputs of uploaded data (two chosen inputs, or PCA)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import backprop_core as bc
from backprop_core.analyses.plane import Plane, pca, plane_extent, two_features
from backprop_core.data.datasets import dataset_extent


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


@dataclass
class BoundaryGeometry:
    """Where the boundary view draws, without the network's values: fixed while the weights
    change, so it is worked out once and the grid evaluated per frame."""

    extent: tuple[float, float, float, float]
    to_2d: Callable[[np.ndarray], np.ndarray]
    titles: tuple[str, str]
    plane: Plane | None


def boundary_geometry(tr: bc.Trainer, data: bc.Dataset, c: bc.RunConfig, plane_kind: str,
                      features: tuple[int, int], names: list[str]) -> BoundaryGeometry:
    if not c.is_custom:
        return BoundaryGeometry(dataset_extent(data.X_all), lambda X: X, ("x₁", "x₂"), None)
    plane = plane_for(tr, plane_kind, features, names)
    return BoundaryGeometry(plane_extent(plane.coords(data.X_all)), plane.coords,
                            plane.labels, plane)


def boundary_view(tr: bc.Trainer, data: bc.Dataset, c: bc.RunConfig, plane_kind: str,
                  features: tuple[int, int], names: list[str],
                  resolution: int = 100) -> BoundaryView:
    g = boundary_geometry(tr, data, c, plane_kind, features, names)
    grid = bc.evaluate_grid(tr.net, () if c.is_custom else c.features, g.extent, resolution,
                            plane=g.plane)
    return BoundaryView(grid, g.extent, g.to_2d, g.titles, g.plane)
