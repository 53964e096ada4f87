"""Colour scales as NumPy lookups, so a 100×100 heatmap is coloured in one vectorised pass.

The diverging scale is TF Playground's: orange for negative / class 0, blue for positive /
class 1, a light grey in between; readable on a projector and for red-green colour blindness.
"""

from __future__ import annotations

import numpy as np

ORANGE = np.array([245, 147, 34], dtype=np.float32)
NEUTRAL = np.array([232, 234, 235], dtype=np.float32)
BLUE = np.array([8, 119, 189], dtype=np.float32)
POSITIVE_HEX, NEGATIVE_HEX = "#0877bd", "#f59322"
# Categorical colours for up to 10 classes (class 0 orange, 1 blue as in the binary case).
CLASS_HEX = ["#f59322", "#0877bd", "#2ca02c", "#9467bd", "#d62728",
             "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
# A discretised boundary paints each region this far from grey towards its class colour:
# at full colour, points of that class (the same colour) would vanish into it.
DISCRETE_TINT = 0.6
CLASS_RGB = np.array([[int(h[i:i + 2], 16) for i in (1, 3, 5)] for h in CLASS_HEX],
                     dtype=np.float32)


def diverging_rgb(values: np.ndarray) -> np.ndarray:
    """values in [-1, 1] (clipped) of any shape -> uint8 RGB of shape values.shape + (3,)."""
    v = np.clip(np.nan_to_num(values, nan=0.0), -1.0, 1.0)[..., None].astype(np.float32)
    pos = NEUTRAL + (BLUE - NEUTRAL) * np.maximum(v, 0)
    rgb = np.where(v >= 0, pos, NEUTRAL + (ORANGE - NEUTRAL) * np.maximum(-v, 0))
    return rgb.astype(np.uint8)


def class_rgb(probabilities: np.ndarray) -> np.ndarray:
    """Class probabilities (..., k) -> RGB of the likeliest class, paler where unsure."""
    k = probabilities.shape[-1]
    best = probabilities.argmax(axis=-1)
    confidence = probabilities.max(axis=-1)[..., None]
    # Map confidence from [1/k, 1] to a blend weight in [0, 1].
    weight = np.clip((confidence - 1.0 / k) / (1.0 - 1.0 / k), 0, 1) * 0.85 + 0.15
    rgb = NEUTRAL + (CLASS_RGB[best] - NEUTRAL) * weight
    return rgb.astype(np.uint8)


def signed_hex(value: float) -> str:
    return POSITIVE_HEX if value >= 0 else NEGATIVE_HEX


def class_ramp(p: np.ndarray, k: int) -> np.ndarray:
    """Probabilities of class k (any shape) -> RGB from neutral to class k's colour."""
    w = np.clip(np.nan_to_num(p), 0, 1)[..., None].astype(np.float32)
    return (NEUTRAL + (CLASS_RGB[k % len(CLASS_RGB)] - NEUTRAL) * w).astype(np.uint8)
