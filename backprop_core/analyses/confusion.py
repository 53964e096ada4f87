"""Confusion matrices: how many samples of each true class the network puts in each class.

Classes are decided as ``trainer.accuracy`` decides them (output > 0.5 for one binary
output, the arg-max for several), so the matrix's diagonal over its total is exactly the
accuracy the history records.
"""

from __future__ import annotations

import numpy as np


def classes(values: np.ndarray, task: str) -> np.ndarray:
    """Class index (n,) int64 of targets or outputs (n, m): binary m = 1, > 0.5 is class
    1; multi-class, the largest column."""
    values = np.asarray(values)
    if task == "binary":
        return (values[:, 0] > 0.5).astype(np.int64)
    if task == "multiclass":
        return values.argmax(axis=1).astype(np.int64)
    raise ValueError(f"a confusion matrix needs classes, not {task!r} data")


def confusion_matrix(Y: np.ndarray, output: np.ndarray, task: str) -> np.ndarray:
    """Counts (k, k) int64: row = true class, column = predicted class, for targets Y and
    network outputs of the same shape (n, m); k = 2 for binary, m for multi-class."""
    if np.shape(Y) != np.shape(output) or np.ndim(Y) != 2:
        raise ValueError(f"Y {np.shape(Y)} and output {np.shape(output)} must match, (n, m)")
    k = 2 if task == "binary" else np.shape(Y)[1]
    true, predicted = classes(Y, task), classes(output, task)
    return np.bincount(true * k + predicted, minlength=k * k).reshape(k, k)


def row_shares(counts: np.ndarray) -> np.ndarray:
    """Each row divided by its total (the share of a true class predicted as each class);
    a class without samples gets a row of zeros."""
    totals = counts.sum(axis=1, keepdims=True)
    return np.divide(counts, totals, out=np.zeros(counts.shape), where=totals > 0)


def accuracy(counts: np.ndarray) -> float | None:
    """Share on the diagonal (None without samples)."""
    total = int(counts.sum())
    return int(np.trace(counts)) / total if total else None
