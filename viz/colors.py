"""Colour scales as NumPy lookups, so a 100×100 heatmap is coloured in one vectorised pass.

The diverging scale is TF Playground's: orange for negative / class 0, blue for positive /
class 1, a light grey in between; readable on a projector and for red-green colour blindness.

Every colour the charts use is defined here once (the live view's JavaScript gets them from
the scene Python sends). Data points are drawn in the full colour of their class (or of
their target, on ``POINT_SCALE``) with a thin dark outline; the decision boundary behind
them is the same scale ``faded`` halfway to white, as TF Playground paints its background
translucent: so a point stays readable on any background, its own class's included.
"""

from __future__ import annotations

import numpy as np

ORANGE = np.array([245, 147, 34], dtype=np.float32)
NEUTRAL = np.array([232, 234, 235], dtype=np.float32)
BLUE = np.array([8, 119, 189], dtype=np.float32)
WHITE = np.array([255, 255, 255], dtype=np.float32)
POSITIVE_HEX, NEGATIVE_HEX, NEUTRAL_HEX = "#0877bd", "#f59322", "#e8eaeb"
# Categorical colours for up to 10 classes (class 0 orange, 1 blue as in the binary case).
CLASS_HEX = ["#f59322", "#0877bd", "#2ca02c", "#9467bd", "#d62728",
             "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
CLASS_RGB = np.array([[int(h[i:i + 2], 16) for i in (1, 3, 5)] for h in CLASS_HEX],
                     dtype=np.float32)
# The boundary's background: its colour this far from white (TF Playground: 63 % opacity).
# 0.45 keeps every point colour, cyan (class 9) the closest, ≥ 12 ΔE00 from any background
# and the outline ≥ 3:1 (WCAG non-text contrast) on all; tests/test_point_contrast.py.
BACKGROUND_FADE = 0.45
# Points: a thin dark outline separates them from any (light) background.
POINT_OUTLINE = "#444444"
POINT_OUTLINE_WIDTH = 1.0
TEST_SYMBOL = "diamond"  # test points: another shape, not a heavier ring
# Regression targets: orange −1, blue +1 and, in between, a mid grey: a light grey (the
# background's middle) would vanish into the background where the output matches.
POINT_MIDDLE_HEX = "#8a9096"
POINT_SCALE = [[0.0, NEGATIVE_HEX], [0.5, POINT_MIDDLE_HEX], [1.0, POSITIVE_HEX]]
BATCH_HEX = "#d62728"  # rings around the mini-batch's points (and a selected weight)
LABEL_HEX = "#333"  # the diagram's input names and bias labels (and a frozen label's box)
LABEL_BACKGROUND = "rgba(255, 255, 255, 0.92)"  # behind a bias label: edges run under it
FROZEN_HEX = "#222"  # a frozen weight's dashed line over its coloured one


def rgb_of(hex_colour: str) -> np.ndarray:
    """"#rrggbb" -> float32 RGB (3,)."""
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.float32)


def faded(rgb: np.ndarray) -> np.ndarray:
    """Colours (..., 3) as the boundary's background: ``BACKGROUND_FADE`` of the way from
    white to them, uint8."""
    out = WHITE + (np.asarray(rgb, dtype=np.float32) - WHITE) * BACKGROUND_FADE
    return np.rint(out).astype(np.uint8)


def point_rgb(values: np.ndarray) -> np.ndarray:
    """Regression targets in [-1, 1] (clipped) -> the RGB their points are drawn in: linear
    on ``POINT_SCALE``, as Plotly interpolates a colour scale."""
    stops = np.array([s for s, _ in POINT_SCALE]) * 2.0 - 1.0
    colours = np.stack([rgb_of(h) for _, h in POINT_SCALE])
    v = np.clip(np.nan_to_num(np.asarray(values, dtype=np.float64)), -1.0, 1.0)
    return np.stack([np.interp(v, stops, colours[:, c]) for c in range(3)], axis=-1)


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
