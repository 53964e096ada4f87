"""Colour scales as NumPy lookups, so a 100×100 heatmap is coloured in one vectorised pass.

The diverging scale is by default TF Playground's: orange for negative / class 0, blue for
positive / class 1, a light grey in between; readable on a projector and for red-green
colour blindness. ``PALETTES`` holds the others a user may choose (``Palette``).

Every colour the charts use is defined here once (the live view's JavaScript gets them from
the scene Python sends). Data points are drawn in the full colour of their class (or of
their target, on ``POINT_SCALE``) with a thin dark outline; the decision boundary behind
them is the same scale ``faded`` halfway to white, as TF Playground paints its background
translucent: so a point stays readable on any background, its own class's included.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

POINT_MIDDLE_HEX = "#8a9096"  # regression targets' middle (``Palette.point_scale``)
HEATMAP_MIDDLE_HEX = "#f2f2f2"  # a heatmap's zero (``Palette.diverging_scale``)
NEUTRAL = np.array([232, 234, 235], dtype=np.float32)
WHITE = np.array([255, 255, 255], dtype=np.float32)
NEUTRAL_HEX = "#e8eaeb"
# Categorical colours for classes 2 to 9 (classes 0 and 1 take a palette's two colours).
OTHER_CLASS_HEX = ["#2ca02c", "#9467bd", "#d62728", "#8c564b", "#e377c2", "#7f7f7f",
                   "#bcbd22", "#17becf"]
OTHER_CLASS_NAMES = ["green", "purple", "red", "brown", "pink", "grey", "olive", "cyan"]


def rgb_of(hex_colour: str) -> np.ndarray:
    """"#rrggbb" -> float32 RGB (3,)."""
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.float32)


@dataclass(frozen=True)
class Palette:
    """The two colours of sign and of the binary classes: ``negative`` (negative values,
    class 0, a target of −1) and ``positive``; each with the word the legend says."""

    label: str
    negative: str
    positive: str
    negative_name: str
    positive_name: str

    @property
    def class_hex(self) -> list[str]:
        return [self.negative, self.positive, *OTHER_CLASS_HEX]

    @property
    def class_names(self) -> list[str]:
        """The classes' colours in words (a legend's "class 0 (orange)")."""
        return [self.negative_name, self.positive_name, *OTHER_CLASS_NAMES]

    @property
    def class_rgb(self) -> np.ndarray:
        return np.stack([rgb_of(h) for h in self.class_hex])

    @property
    def diverging_scale(self) -> list:
        """A Plotly colour scale from negative through a near-white to positive (heatmaps
        of weights and gradients, the computation graph's values)."""
        return [[0.0, self.negative], [0.5, HEATMAP_MIDDLE_HEX], [1.0, self.positive]]

    @property
    def point_scale(self) -> list:
        """Regression targets: negative −1, positive +1 and, in between, a mid grey (a
        light grey, the background's middle, would vanish where the output matches)."""
        return [[0.0, self.negative], [0.5, POINT_MIDDLE_HEX], [1.0, self.positive]]


# Name -> palette, for the view's choice and share links (``pal``). Orange-blue is TF
# Playground's (fine for red-green colour blindness); vermillion-blue is Okabe and Ito's
# pair for every kind of colour vision; orange-purple differs in lightness too, so it
# reads in greyscale (and on a washed-out projector).
PALETTES = {
    "playground": Palette("Orange–blue (TF Playground)", "#f59322", "#0877bd",
                          "orange", "blue"),
    "vermillion": Palette("Vermillion–blue (every colour vision)", "#d55e00", "#0072b2",
                          "vermillion", "blue"),
    "purple": Palette("Orange–purple (also in greyscale)", "#e66101", "#5e3c99",
                      "orange", "purple"),
}
DEFAULT_PALETTE = "playground"
DEFAULT = PALETTES[DEFAULT_PALETTE]
POSITIVE_HEX, NEGATIVE_HEX = DEFAULT.positive, DEFAULT.negative
CLASS_HEX = DEFAULT.class_hex
CLASS_RGB = DEFAULT.class_rgb
# A second cue for class, beside colour (the view's "shapes" option): a symbol per class.
CLASS_SYMBOLS = ["circle", "square", "triangle-up", "cross", "star", "hexagon",
                 "triangle-down", "pentagon", "hourglass", "bowtie"]
# The boundary's background: its colour this far from white (TF Playground: 63 % opacity).
# 0.45 keeps every point colour, cyan (class 9) the closest, ≥ 12 ΔE00 from any background
# and the outline ≥ 3:1 (WCAG non-text contrast) on all; tests/test_point_contrast.py.
BACKGROUND_FADE = 0.45
# Points: a thin dark outline separates them from any (light) background.
POINT_OUTLINE = "#444444"
POINT_OUTLINE_WIDTH = 1.0
TEST_SYMBOL = "diamond"  # test points: another shape, not a heavier ring
POINT_SCALE = DEFAULT.point_scale
BATCH_HEX = "#d62728"  # rings around the mini-batch's points (and a selected weight)
LABEL_HEX = "#333"  # the diagram's input names and bias labels (and a frozen label's box)
LABEL_BACKGROUND = "rgba(255, 255, 255, 0.92)"  # behind a bias label: edges run under it
FROZEN_HEX = "#222"  # a frozen weight's dashed line over its coloured one


def faded(rgb: np.ndarray) -> np.ndarray:
    """Colours (..., 3) as the boundary's background: ``BACKGROUND_FADE`` of the way from
    white to them, uint8."""
    out = WHITE + (np.asarray(rgb, dtype=np.float32) - WHITE) * BACKGROUND_FADE
    return np.rint(out).astype(np.uint8)


def point_rgb(values: np.ndarray, palette: Palette = DEFAULT) -> np.ndarray:
    """Regression targets in [-1, 1] (clipped) -> the RGB their points are drawn in: linear
    on ``palette.point_scale``, as Plotly interpolates a colour scale."""
    scale = palette.point_scale
    stops = np.array([s for s, _ in scale]) * 2.0 - 1.0
    colours = np.stack([rgb_of(h) for _, h in scale])
    v = np.clip(np.nan_to_num(np.asarray(values, dtype=np.float64)), -1.0, 1.0)
    return np.stack([np.interp(v, stops, colours[:, c]) for c in range(3)], axis=-1)


def diverging_rgb(values: np.ndarray, palette: Palette = DEFAULT) -> np.ndarray:
    """values in [-1, 1] (clipped) of any shape -> uint8 RGB of shape values.shape + (3,)."""
    v = np.clip(np.nan_to_num(values, nan=0.0), -1.0, 1.0)[..., None].astype(np.float32)
    pos = NEUTRAL + (rgb_of(palette.positive) - NEUTRAL) * np.maximum(v, 0)
    rgb = np.where(v >= 0, pos, NEUTRAL + (rgb_of(palette.negative) - NEUTRAL) * np.maximum(-v, 0))
    return rgb.astype(np.uint8)


def class_rgb(probabilities: np.ndarray, palette: Palette = DEFAULT) -> np.ndarray:
    """Class probabilities (..., k) -> RGB of the likeliest class, paler where unsure."""
    k = probabilities.shape[-1]
    best = probabilities.argmax(axis=-1)
    confidence = probabilities.max(axis=-1)[..., None]
    # Map confidence from [1/k, 1] to a blend weight in [0, 1].
    weight = np.clip((confidence - 1.0 / k) / (1.0 - 1.0 / k), 0, 1) * 0.85 + 0.15
    rgb = NEUTRAL + (palette.class_rgb[best] - NEUTRAL) * weight
    return rgb.astype(np.uint8)


def signed_hex(value: float, palette: Palette = DEFAULT) -> str:
    return palette.positive if value >= 0 else palette.negative


def class_ramp(p: np.ndarray, k: int, palette: Palette = DEFAULT) -> np.ndarray:
    """Probabilities of class k (any shape) -> RGB from neutral to class k's colour."""
    w = np.clip(np.nan_to_num(p), 0, 1)[..., None].astype(np.float32)
    colours = palette.class_rgb
    return (NEUTRAL + (colours[k % len(colours)] - NEUTRAL) * w).astype(np.uint8)
