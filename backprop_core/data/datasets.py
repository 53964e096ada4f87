"""Toy datasets in the style of TensorFlow Playground, plus the two fixed presets.

The 2-D generators follow ``tensorflow/playground``'s ``src/dataset.ts``: points live in
roughly [-6, 6]², ``noise`` is a fraction in [0, 0.5] (the Playground's 0-50 % slider),
and, as in the Playground, the classification and regression generators that use
"label noise" keep the *clean* point but compute its label from a *noisy copy* of it.
So noise shows up as mislabelled points near the boundary, not as scattered points.

Arrays are batch-first: ``X`` has shape (n_samples, n_features) and targets have shape
(n_samples, n_outputs). All randomness comes from one ``np.random.default_rng(seed)``,
so the same arguments always give identical arrays.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

TASKS = ("binary", "multiclass", "regression")

MIN_SAMPLES = 2
MAX_SAMPLES = 5000
MAX_NOISE = 0.5
DEFAULT_N_CLASSES = 3

# A generator gets (n_samples, noise, rng, n_classes) and returns the points X (n, 2)
# and raw targets t (n,): int class indices for classification, floats for regression.
Generator = Callable[[int, float, np.random.Generator, int], tuple[np.ndarray, np.ndarray]]


# --------------------------------------------------------------------------- containers


def _frozen_array(a: np.ndarray) -> np.ndarray:
    """Float64 C-contiguous copy marked read-only.

    The dataclass is frozen, but that only stops attribute rebinding; without this an
    in-place ``X_train -= mean`` would silently corrupt a dataset shared via a cache.
    """
    out = np.array(a, dtype=np.float64, order="C", copy=True)
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)  # eq=False: "==" on arrays is elementwise, not a bool
class Dataset:
    """A train/test split of one generated dataset.

    Shapes (d = number of input features, 2 for all generated sets):
        X_train (n_train, d), X_test (n_test, d): float64.
        Y_train (n_train, m), Y_test (n_test, m): float64, where
            binary      -> m = 1, values in {0.0, 1.0};
            multiclass  -> m = n_classes, one-hot rows;
            regression  -> m = 1, values in [-1, 1].
    ``n_classes`` is 2 for binary, k for multiclass and 0 for regression.
    The arrays are read-only; copy them before modifying in place.
    """

    name: str
    task: str
    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    n_classes: int

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}, got {self.task!r}")
        for field in ("X_train", "Y_train", "X_test", "Y_test"):
            object.__setattr__(self, field, _frozen_array(getattr(self, field)))

    @property
    def labels_train(self) -> np.ndarray | None:
        """Class index per training sample, shape (n_train,) int64; None for regression."""
        return _labels(self.task, self.Y_train)

    @property
    def labels_test(self) -> np.ndarray | None:
        """Class index per test sample, shape (n_test,) int64; None for regression."""
        return _labels(self.task, self.Y_test)

    @property
    def X_all(self) -> np.ndarray:
        """Train then test inputs stacked, shape (n_train + n_test, d)."""
        return np.vstack([self.X_train, self.X_test])

    @property
    def Y_all(self) -> np.ndarray:
        """Train then test targets stacked, shape (n_train + n_test, m)."""
        return np.vstack([self.Y_train, self.Y_test])


def _labels(task: str, Y: np.ndarray) -> np.ndarray | None:
    if task == "regression":
        return None
    if task == "binary":
        return (Y[:, 0] >= 0.5).astype(np.int64)
    return np.argmax(Y, axis=1).astype(np.int64)


@dataclass(frozen=True)
class DatasetSpec:
    """One entry of ``DATASETS``: what a dataset name means.

    ``n_classes_range`` is the inclusive (min, max) number of classes for sets that take
    ``n_classes``, and None for sets whose class count is fixed.
    """

    task: str
    label: str
    generator: Generator
    n_classes_range: tuple[int, int] | None = None

    @property
    def takes_n_classes(self) -> bool:
        return self.n_classes_range is not None


# --------------------------------------------------------------------------- generators


def _split_counts(n: int, k: int) -> list[int]:
    """Split n into k counts differing by at most one (the first ones get the extra)."""
    return [n // k + (1 if c < n % k else 0) for c in range(k)]


def _circle(n: int, noise: float, rng: np.random.Generator, n_classes: int):
    """Inner disc (label 1) inside an outer ring (label 0); radius 5."""
    radius = 5.0
    n_in, n_out = _split_counts(n, 2)
    r = np.concatenate(
        [
            rng.uniform(0.0, 0.5 * radius, n_in),
            rng.uniform(0.7 * radius, radius, n_out),
        ]
    )
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    X = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    noisy = X + rng.uniform(-radius, radius, (n, 2)) * noise
    labels = (np.hypot(noisy[:, 0], noisy[:, 1]) < 0.5 * radius).astype(np.int64)
    return X, labels


def _xor(n: int, noise: float, rng: np.random.Generator, n_classes: int):
    """Four quadrants, label 1 where x·y >= 0; points kept 0.3 away from the axes."""
    padding = 0.3
    X = rng.uniform(-5.0, 5.0, (n, 2))
    # The gap along the axes makes the noise-free problem have a visible margin.
    X = np.where(X > 0, X + padding, X - padding)
    noisy = X + rng.uniform(-5.0, 5.0, (n, 2)) * noise
    labels = (noisy[:, 0] * noisy[:, 1] >= 0).astype(np.int64)
    return X, labels


def _gauss(n: int, noise: float, rng: np.random.Generator, n_classes: int):
    """Two Gaussian clusters at (2, 2) (label 1) and (-2, -2) (label 0)."""
    # The Playground maps noise [0, 0.5] linearly onto the *variance* range [0.5, 4].
    variance = 0.5 + (4.0 - 0.5) * (noise / MAX_NOISE)
    std = math.sqrt(variance)
    n_pos, n_neg = _split_counts(n, 2)
    X = np.concatenate(
        [
            rng.normal(2.0, std, (n_pos, 2)),
            rng.normal(-2.0, std, (n_neg, 2)),
        ]
    )
    labels = np.concatenate([np.ones(n_pos, np.int64), np.zeros(n_neg, np.int64)])
    return X, labels


def _spiral_arms(counts: list[int], noise: float, rng: np.random.Generator):
    """Arms of the Playground spiral; arm c starts at angle 2π·c/len(counts).

    Returns X (sum(counts), 2) and the arm index of every point.
    """
    k = len(counts)
    parts, labels = [], []
    for c, m in enumerate(counts):
        i = np.arange(m, dtype=np.float64)
        r = i / m * 5.0
        t = 1.75 * i / m * 2.0 * np.pi + 2.0 * np.pi * c / k
        jitter = rng.uniform(-1.0, 1.0, (m, 2)) * noise
        parts.append(np.column_stack([r * np.sin(t), r * np.cos(t)]) + jitter)
        labels.append(np.full(m, c, dtype=np.int64))
    return np.concatenate(parts), np.concatenate(labels)


def _spiral(n: int, noise: float, rng: np.random.Generator, n_classes: int):
    """Two interleaved spiral arms; the arm starting at angle 0 is label 1."""
    X, arm = _spiral_arms(_split_counts(n, 2), noise, rng)
    return X, (arm == 0).astype(np.int64)


def _spiral_multi(n: int, noise: float, rng: np.random.Generator, n_classes: int):
    """k interleaved spiral arms, arm c is class c."""
    return _spiral_arms(_split_counts(n, n_classes), noise, rng)


def _moons(n: int, noise: float, rng: np.random.Generator, n_classes: int):
    """Two interleaving half-circles (sklearn's make_moons), stretched to about [-5, 5]."""
    n_top, n_bottom = _split_counts(n, 2)
    t_top = rng.uniform(0.0, np.pi, n_top)
    t_bottom = rng.uniform(0.0, np.pi, n_bottom)
    X = np.concatenate(
        [
            np.column_stack([np.cos(t_top), np.sin(t_top)]),
            np.column_stack([1.0 - np.cos(t_bottom), 0.5 - np.sin(t_bottom)]),
        ]
    )
    # make_moons spans x in [-1, 2], y in [-0.5, 1]: centre it, then one common scale so
    # the moons keep their shape while x fills [-5, 5].
    scale = 10.0 / 3.0
    X = (X - np.array([0.5, 0.25])) * scale
    # Std 2·noise here equals make_moons noise 0.6·noise: 0.3 at the slider's maximum.
    X = X + rng.normal(0.0, 2.0 * noise, X.shape)
    labels = np.concatenate([np.ones(n_top, np.int64), np.zeros(n_bottom, np.int64)])
    return X, labels


def _blobs(n: int, noise: float, rng: np.random.Generator, n_classes: int):
    """k Gaussian clusters with centres evenly spaced on a circle of radius 3.5."""
    counts = _split_counts(n, n_classes)
    angles = np.pi / 2 + 2.0 * np.pi * np.arange(n_classes) / n_classes
    centres = 3.5 * np.column_stack([np.cos(angles), np.sin(angles)])
    std = 0.4 + 2.4 * noise  # 0.4 .. 1.6: from clean clusters to heavy overlap
    X = np.concatenate([rng.normal(centres[c], std, (m, 2)) for c, m in enumerate(counts)])
    labels = np.repeat(np.arange(n_classes, dtype=np.int64), counts)
    return X, labels


def _noisy_uniform_square(n: int, noise: float, rng: np.random.Generator):
    """Clean points uniform in [-6, 6]² and the noisy copies the targets are read from."""
    radius = 6.0
    X = rng.uniform(-radius, radius, (n, 2))
    noisy = X + rng.uniform(-radius, radius, (n, 2)) * noise
    return X, noisy


def _plane(n: int, noise: float, rng: np.random.Generator, n_classes: int):
    """Target = x + y mapped linearly from [-10, 10] to [-1, 1], then clipped."""
    X, noisy = _noisy_uniform_square(n, noise, rng)
    # The Playground does not clip, so its corners exceed ±1; we clip to keep the
    # documented target range that tanh/linear outputs are compared against.
    targets = np.clip((noisy[:, 0] + noisy[:, 1]) / 10.0, -1.0, 1.0)
    return X, targets


_MULTI_GAUSS = np.array(
    [
        [-4.0, 2.5, 1.0],
        [0.0, 2.5, -1.0],
        [4.0, 2.5, 1.0],
        [-4.0, -2.5, -1.0],
        [0.0, -2.5, 1.0],
        [4.0, -2.5, -1.0],
    ]
)


def _multi_gauss(n: int, noise: float, rng: np.random.Generator, n_classes: int):
    """Six signed bumps of radius 2; target = the bump with the largest magnitude.

    As in the Playground each bump is a cone, ``sign · max(0, 1 - dist/2)``, not a true
    Gaussian; the centres are at least 4 apart so the cones never overlap.
    """
    X, noisy = _noisy_uniform_square(n, noise, rng)
    dist = np.hypot(
        noisy[:, 0:1] - _MULTI_GAUSS[:, 0], noisy[:, 1:2] - _MULTI_GAUSS[:, 1]
    )  # (n, 6)
    bumps = _MULTI_GAUSS[:, 2] * np.clip(1.0 - dist / 2.0, 0.0, 1.0)
    strongest = np.argmax(np.abs(bumps), axis=1)
    targets = bumps[np.arange(n), strongest]
    return X, targets


MULTI_CLASS_RANGE = (3, 5)

DATASETS: dict[str, DatasetSpec] = {
    "circle": DatasetSpec("binary", "Circle", _circle),
    "xor": DatasetSpec("binary", "Exclusive or", _xor),
    "gauss": DatasetSpec("binary", "Gaussian", _gauss),
    "spiral": DatasetSpec("binary", "Spiral", _spiral),
    "moons": DatasetSpec("binary", "Two moons", _moons),
    "blobs": DatasetSpec("multiclass", "Blobs (k classes)", _blobs, MULTI_CLASS_RANGE),
    "spiral_multi": DatasetSpec("multiclass", "Spiral (k arms)", _spiral_multi, MULTI_CLASS_RANGE),
    "plane": DatasetSpec("regression", "Plane", _plane),
    "multi_gauss": DatasetSpec("regression", "Multi Gaussian", _multi_gauss),
}


# --------------------------------------------------------------------------- make_dataset


def _check_int(name: str, value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None


def _check_float(name: str, value: object) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(out):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return out


def check_dataset_args(name: str, n_samples: object, noise: object, train_fraction: object,
                       n_classes: object) -> None:
    """Raise ValueError if ``make_dataset`` would refuse these arguments."""
    _validate(name, n_samples, noise, train_fraction, n_classes)


def _validate(
    name: str, n_samples: object, noise: object, train_fraction: object, n_classes: object
) -> tuple[DatasetSpec, int, float, int, int]:
    """Check every argument of ``make_dataset``; returns (spec, n, noise, n_train, k)."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; valid names: {', '.join(DATASETS)}")
    spec = DATASETS[name]
    n = _check_int("n_samples", n_samples)
    if not MIN_SAMPLES <= n <= MAX_SAMPLES:
        raise ValueError(f"n_samples must be in [{MIN_SAMPLES}, {MAX_SAMPLES}], got {n}")
    noise = _check_float("noise", noise)
    if not 0.0 <= noise <= MAX_NOISE:
        raise ValueError(f"noise must be a fraction in [0, {MAX_NOISE}], got {noise!r}")
    train_fraction = _check_float("train_fraction", train_fraction)
    if not 0.0 < train_fraction < 1.0:
        raise ValueError(f"train_fraction must be in (0, 1), got {train_fraction!r}")
    n_train = round(train_fraction * n)
    if not 1 <= n_train <= n - 1:
        raise ValueError(
            f"train_fraction={train_fraction} with n_samples={n} gives {n_train} training "
            f"and {n - n_train} test samples; both need at least one"
        )
    k = 2 if spec.task == "binary" else 0
    if spec.n_classes_range is not None:
        k = _check_int("n_classes", n_classes)
        lo, hi = spec.n_classes_range
        if not lo <= k <= hi:
            raise ValueError(f"n_classes for {name!r} must be in [{lo}, {hi}], got {k}")
        if n < k:
            raise ValueError(f"n_samples={n} is too few for {k} classes")
    return spec, n, noise, n_train, k


def _encode_targets(task: str, raw: np.ndarray, n_classes: int) -> np.ndarray:
    """Raw targets (n,) -> Y (n, 1) for binary/regression or one-hot (n, k)."""
    if task == "multiclass":
        return np.eye(n_classes, dtype=np.float64)[raw]
    return raw.astype(np.float64).reshape(-1, 1)


def make_dataset(
    name: str,
    n_samples: int = 250,
    noise: float = 0.0,
    train_fraction: float = 0.5,
    seed: int = 0,
    n_classes: int = DEFAULT_N_CLASSES,
) -> Dataset:
    """Generate dataset ``name`` and split it into train and test parts.

    ``noise`` is a fraction in [0, 0.5]; ``n_classes`` is only used by multi-class sets
    (see ``DATASETS[name].n_classes_range``). The samples are shuffled with the same rng
    that generated them, then the first ``round(train_fraction * n_samples)`` become the
    training set. Returns a ``Dataset`` with X of shape (n, 2); see its docstring for Y.
    Raises ValueError for an unknown name or out-of-range argument.
    """
    spec, n, noise, n_train, k = _validate(name, n_samples, noise, train_fraction, n_classes)
    rng = np.random.default_rng(seed)
    X, raw = spec.generator(n, noise, rng, k)
    # Generators emit points grouped by class; shuffling before the split keeps the
    # class mix of train and test close to the overall mix.
    order = rng.permutation(n)
    X, Y = X[order], _encode_targets(spec.task, raw[order], k)
    return Dataset(
        name=name,
        task=spec.task,
        X_train=X[:n_train],
        Y_train=Y[:n_train],
        X_test=X[n_train:],
        Y_test=Y[n_train:],
        n_classes=k,
    )


def dataset_extent(X: np.ndarray, margin: float = 0.1) -> tuple[float, float, float, float]:
    """Square plotting box (xmin, xmax, ymin, ymax) around the first two columns of X.

    X has shape (n, d) with d >= 2. Both axes get the same half-width h (the larger of
    the two half-spans) so the decision-boundary grid has equal aspect, and the box is
    ``centre ± h · (1 + margin)``. Playground sets come out near [-6, 6]²: the radius-5
    sets give about ±5.5, the uniform [-6, 6] regression sets about ±6.6.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] < 2:
        raise ValueError(f"X must have shape (n >= 1, d >= 2), got {X.shape}")
    if margin < 0:
        raise ValueError(f"margin must be >= 0, got {margin}")
    lo = X[:, :2].min(axis=0)
    hi = X[:, :2].max(axis=0)
    if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
        raise ValueError("X contains non-finite values")
    centre = (lo + hi) / 2.0
    half = float(np.max(hi - lo)) / 2.0
    if half == 0.0:
        half = 0.5  # a single point or identical points: still show a unit box
    half *= 1.0 + margin
    return (
        float(centre[0] - half),
        float(centre[0] + half),
        float(centre[1] - half),
        float(centre[1] + half),
    )
