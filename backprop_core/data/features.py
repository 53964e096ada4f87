"""Hand-made input features for 2-D data, as in TensorFlow Playground's input column.

Each feature maps the raw points X2 of shape (n, 2) to one column of shape (n,).
``apply_features`` stacks the chosen columns into the network input (n, n_features).
It runs on the whole decision-boundary grid every frame, so everything is vectorised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import MappingProxyType
from typing import NamedTuple

import numpy as np


class Feature(NamedTuple):
    """A feature's plain-text label ("x₁²"), LaTeX label ("x_1^2") and its function.

    ``fn`` maps X2 (n, 2) float64 to a column (n,) float64.
    """

    label: str
    latex: str
    fn: Callable[[np.ndarray], np.ndarray]


def _x1(X2: np.ndarray) -> np.ndarray:
    return X2[:, 0]


def _x2(X2: np.ndarray) -> np.ndarray:
    return X2[:, 1]


def _x1_sq(X2: np.ndarray) -> np.ndarray:
    return np.square(X2[:, 0])


def _x2_sq(X2: np.ndarray) -> np.ndarray:
    return np.square(X2[:, 1])


def _x1_x2(X2: np.ndarray) -> np.ndarray:
    return X2[:, 0] * X2[:, 1]


def _sin_x1(X2: np.ndarray) -> np.ndarray:
    return np.sin(X2[:, 0])


def _sin_x2(X2: np.ndarray) -> np.ndarray:
    return np.sin(X2[:, 1])


# Read-only view: the UI builds its checkboxes from this order, so nobody should edit it.
FEATURES: MappingProxyType[str, Feature] = MappingProxyType(
    {
        "x1": Feature("x₁", "x_1", _x1),
        "x2": Feature("x₂", "x_2", _x2),
        "x1_sq": Feature("x₁²", "x_1^2", _x1_sq),
        "x2_sq": Feature("x₂²", "x_2^2", _x2_sq),
        "x1_x2": Feature("x₁x₂", "x_1 x_2", _x1_x2),
        "sin_x1": Feature("sin(x₁)", r"\sin(x_1)", _sin_x1),
        "sin_x2": Feature("sin(x₂)", r"\sin(x_2)", _sin_x2),
    }
)

DEFAULT_FEATURES: tuple[str, ...] = ("x1", "x2")


def _check_names(names: Iterable[str]) -> list[str]:
    # A bare string is iterable too; "x1" would silently become ["x", "1"].
    if isinstance(names, str):
        raise ValueError(f"names must be a sequence of feature ids, not the string {names!r}")
    names = list(names)
    if not names:
        raise ValueError("names is empty; choose at least one feature")
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(f"unknown feature(s) {unknown}; valid ids: {', '.join(FEATURES)}")
    return names


def apply_features(X2: np.ndarray, names: Iterable[str]) -> np.ndarray:
    """Feature matrix (n, len(names)) float64 for points X2 (n, 2), columns in ``names`` order.

    Repeated names give repeated columns. Raises ValueError for an empty or unknown name
    list or for X2 that is not 2-D with exactly two columns.
    """
    names = _check_names(names)
    X2 = np.asarray(X2, dtype=np.float64)
    if X2.ndim != 2 or X2.shape[1] != 2:
        raise ValueError(f"X2 must have shape (n, 2), got {X2.shape}")
    out = np.empty((X2.shape[0], len(names)), dtype=np.float64)
    for j, name in enumerate(names):
        out[:, j] = FEATURES[name].fn(X2)
    return out
