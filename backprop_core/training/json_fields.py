"""The fields of a saved state's JSON, read with checks: each problem raises ``StateError``
naming the field by its path (``state.keyframes[2].optimizer.t``).

Shared by ``serialize`` (the whole file) and ``rewind`` (a snapshot inside it).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..policy.quote import quote


class StateError(ValueError):
    """A saved state that cannot be loaded; the message names the field."""


def to_list(a: np.ndarray | None):
    """An array as nested lists of Python floats (whose JSON text reads back to the same
    bits), or None."""
    return None if a is None else np.asarray(a, dtype=np.float64).tolist()


def is_number(value) -> bool:
    return type(value) in (int, float)  # not bool, not str


def field(d: Any, key: str, path: str, kind: type | tuple[type, ...] | None = None):
    """``d[key]``, which must be there (and of ``kind`` if given); ``path`` names ``d``."""
    if not isinstance(d, dict):
        raise StateError(f"{path}: expected an object")
    if key not in d:
        raise StateError(f"{path}.{key}: missing")
    value = d[key]
    if kind is not None:
        # bool is a subclass of int, but True is no step count.
        wrong_bool = isinstance(value, bool) and kind is not bool
        if wrong_bool or not isinstance(value, kind):
            raise StateError(f"{path}.{key}: expected {getattr(kind, '__name__', kind)}, "
                             f"got {type(value).__name__}")
    return value


def choice(d, key, path, table) -> str:
    """``d[key]``: a string naming one of ``table``'s entries."""
    value = field(d, key, path, str)
    if value not in table:
        raise StateError(f"{path}.{key}: unknown value {quote(value)}; expected one of "
                         f"{sorted(table)}")
    return value


def _check_numbers(value, path: str) -> None:
    """Nested lists of numbers only: NumPy would quietly turn "1.5" or True into floats."""
    if isinstance(value, list):
        for k, v in enumerate(value):
            _check_numbers(v, f"{path}[{k}]")
    elif not is_number(value):
        raise StateError(f"{path}: expected a number, got {type(value).__name__}")


def read_array(value, path: str, shape: tuple[int, ...] | None) -> np.ndarray:
    """A float64 array of finite numbers (of ``shape``, if given) from nested lists."""
    if not isinstance(value, list):
        raise StateError(f"{path}: not a numeric array")
    _check_numbers(value, path)
    try:
        a = np.array(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as exc:
        raise StateError(f"{path}: not a numeric array ({exc})") from None
    if shape is not None and a.shape != shape:
        raise StateError(f"{path}: shape {a.shape}, expected {shape}")
    if not np.all(np.isfinite(a)):
        raise StateError(f"{path}: contains NaN or infinite values")
    return a
