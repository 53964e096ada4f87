"""Seeded weight initialisers.

Each is ``init(rng, fan_in, fan_out) -> (W (fan_in, fan_out), b (fan_out,))``.
"""

from __future__ import annotations

import numpy as np


def xavier(rng: np.random.Generator, fan_in: int, fan_out: int):
    """Glorot uniform: U(±√(6 / (fan_in + fan_out))), keeps the variance of z near 1 for tanh."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out)), np.zeros(fan_out)


def he(rng: np.random.Generator, fan_in: int, fan_out: int):
    """He normal: N(0, 2 / fan_in), compensating for ReLU zeroing half of its inputs."""
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out)), np.zeros(fan_out)


def normal(rng: np.random.Generator, fan_in: int, fan_out: int):
    """Standard normal weights *and* biases, as the seed notebook's ``np.random.randn``."""
    return rng.standard_normal((fan_in, fan_out)), rng.standard_normal(fan_out)


def uniform(rng: np.random.Generator, fan_in: int, fan_out: int):
    """TF Playground's U(-0.5, 0.5) weights with biases 0.1."""
    return rng.uniform(-0.5, 0.5, size=(fan_in, fan_out)), np.full(fan_out, 0.1)


def zeros(rng: np.random.Generator, fan_in: int, fan_out: int):
    """All zeros: every hidden unit stays identical (a symmetry lesson, not a way to train)."""
    return np.zeros((fan_in, fan_out)), np.zeros(fan_out)


INITIALIZERS = {"xavier": xavier, "he": he, "normal": normal, "uniform": uniform, "zeros": zeros}


def get_initializer(name: str):
    try:
        return INITIALIZERS[name]
    except KeyError:
        raise ValueError(
            f"unknown initializer {name!r}; choose one of {sorted(INITIALIZERS)}"
        ) from None
