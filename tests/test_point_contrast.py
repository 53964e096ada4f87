"""Data points stay readable on any background the decision boundary can paint, in the
Plotly figure and in the live view alike (issue 17, §5).

Two measures, both stated as minimums over every background colour the boundary can show:
- a point's fill against the background: CIEDE2000 colour difference ΔE00 ≥ 12 (≈ 2.3 is
  "just noticeable"; 12 is plainly another colour), so its class or target can be read
  even on the region of its own class, where the network got it right;
- a point's outline against the background: WCAG 2.1 contrast ratio ≥ 3 (success criterion
  1.4.11, non-text contrast), so every point is seen at all.
"""

from __future__ import annotations

import numpy as np
import pytest

import viz.live_frames as lf
from viz.boundary import boundary_figure, output_rgb

MIN_DELTA_E = 12.0
MIN_OUTLINE_CONTRAST = 3.0


def _lab(rgb) -> np.ndarray:
    """sRGB 0-255 (..., 3) -> CIELAB (D65)."""
    c = np.asarray(rgb, dtype=float) / 255.0
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]])
    xyz = c @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]),
                     200 * (f[..., 1] - f[..., 2])], axis=-1)


def delta_e2000(rgb1, rgb2) -> np.ndarray:
    """CIEDE2000 (Sharma, Wu & Dalal 2005), broadcasting over leading axes."""
    L1, a1, b1 = np.moveaxis(_lab(rgb1), -1, 0)
    L2, a2, b2 = np.moveaxis(_lab(rgb2), -1, 0)
    C = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    G = 0.5 * (1 - np.sqrt(C ** 7 / (C ** 7 + 25.0 ** 7)))
    a1p, a2p = (1 + G) * a1, (1 + G) * a2
    C1p, C2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dLp, dCp = L2 - L1, C2p - C1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(C1p * C2p == 0, 0, dh)
    dHp = 2 * np.sqrt(C1p * C2p) * np.sin(np.radians(dh) / 2)
    Lp, Cp = (L1 + L2) / 2, (C1p + C2p) / 2
    hsum = h1p + h2p
    hp = np.where(np.abs(h1p - h2p) > 180, np.where(hsum < 360, hsum + 360, hsum - 360), hsum)
    hp = np.where(C1p * C2p == 0, hsum, hp / 2)
    T = (1 - 0.17 * np.cos(np.radians(hp - 30)) + 0.24 * np.cos(np.radians(2 * hp))
         + 0.32 * np.cos(np.radians(3 * hp + 6)) - 0.20 * np.cos(np.radians(4 * hp - 63)))
    SL = 1 + 0.015 * (Lp - 50) ** 2 / np.sqrt(20 + (Lp - 50) ** 2)
    SC, SH = 1 + 0.045 * Cp, 1 + 0.015 * Cp * T
    RT = (-2 * np.sqrt(Cp ** 7 / (Cp ** 7 + 25.0 ** 7))
          * np.sin(np.radians(60 * np.exp(-(((hp - 275) / 25) ** 2)))))
    return np.sqrt((dLp / SL) ** 2 + (dCp / SC) ** 2 + (dHp / SH) ** 2
                   + RT * (dCp / SC) * (dHp / SH))


def contrast_ratio(rgb1, rgb2) -> np.ndarray:
    """WCAG 2.1 contrast ratio of relative luminances."""
    def luminance(rgb):
        c = np.asarray(rgb, dtype=float) / 255.0
        c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return c @ np.array([0.2126, 0.7152, 0.0722])
    l1, l2 = luminance(rgb1), luminance(rgb2)
    return (np.maximum(l1, l2) + 0.05) / (np.minimum(l1, l2) + 0.05)


def rgb(colour: str) -> np.ndarray:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(ch * 2 for ch in colour)
    return np.array([int(colour[i:i + 2], 16) for i in (0, 2, 4)], dtype=float)


def scale_rgb(scale, values) -> np.ndarray:
    """A Plotly colour scale ([[stop, "#hex"], ...]) at ``values`` in [0, 1], interpolated
    in RGB as Plotly does."""
    stops = np.array([s for s, _ in scale], dtype=float)
    colours = np.stack([rgb(c) for _, c in scale])
    return np.stack([np.interp(values, stops, colours[:, c]) for c in range(3)], axis=-1)


def backgrounds(task: str, n_classes: int) -> np.ndarray:
    """Every colour the boundary can paint for this task: the Plotly figure's (output_rgb
    over a sweep of outputs, smooth and discretised) and the live view's (its palette)."""
    rng = np.random.default_rng(0)
    if task == "multiclass":
        logits = rng.normal(size=(40, 40, n_classes)) * rng.uniform(0, 6, (40, 40, 1))
        outputs = [np.exp(logits) / np.exp(logits).sum(-1, keepdims=True),
                   np.eye(n_classes)[None]]
    elif task == "binary":
        outputs = [np.linspace(0, 1, 401).reshape(1, -1, 1)]
    else:
        outputs = [np.linspace(-1.5, 1.5, 401).reshape(1, -1, 1)]
    figure = [output_rgb(o, task, d).reshape(-1, 3) for o in outputs for d in (False, True)]
    scene = boundary_scene(task, n_classes)
    live = np.asarray(scene["palettes"], dtype=float).reshape(2, 256, 3)
    kind = lf.PALETTE_CLASSES if task == "multiclass" else lf.PALETTE_DIVERGING
    used = live[kind][: n_classes * lf.class_levels(n_classes)] if task == "multiclass" \
        else live[kind]
    return np.unique(np.concatenate([*figure, used]).astype(float), axis=0)


def data(task: str, n_classes: int):
    """Points of every class (or targets over [-1, 1]), as train and as test points."""
    X = np.zeros((101, 2))
    if task == "regression":
        Y = np.linspace(-1, 1, 101)[:, None]
    elif task == "binary":
        Y = (np.arange(101) % 2)[:, None].astype(float)
    else:
        Y = np.eye(n_classes)[np.arange(101) % n_classes]
    return X, Y


def boundary_scene(task: str, n_classes: int) -> dict:
    X, Y = data(task, n_classes)
    return lf.boundary_scene((-6, 6, -6, 6), task, X, Y, X, Y)


def point_fills(trace: dict) -> np.ndarray:
    marker = trace["marker"]
    if "colorscale" in marker:  # regression: targets on a scale from cmin to cmax
        v = (np.asarray(marker["color"]) - marker["cmin"]) / (marker["cmax"] - marker["cmin"])
        return scale_rgb(marker["colorscale"], v)
    return np.stack([rgb(c) for c in marker["color"]])


CASES = [("binary", 2), ("regression", 1), *[("multiclass", k) for k in range(3, 11)]]


@pytest.mark.parametrize("task, n_classes", CASES)
def test_points_differ_from_every_background_colour(task, n_classes):
    bg = backgrounds(task, n_classes)
    X, Y = data(task, n_classes)
    figures = {"figure": boundary_figure(None, (-6, 6, -6, 6), task, X, Y, X, Y),
               "live view": boundary_scene(task, n_classes)["figure"]}
    for where, fig in figures.items():
        points = [t for t in fig["data"] if t["name"] in ("train", "test") and len(t["x"]) > 1]
        assert [t["name"] for t in points] == ["train", "test"], where
        for trace in points:
            fills = np.unique(point_fills(trace), axis=0)
            worst = delta_e2000(fills[:, None], bg[None]).min(axis=1)
            assert worst.min() >= MIN_DELTA_E, (where, trace["name"], fills[worst.argmin()],
                                                worst.min())
            outline = rgb(trace["marker"]["line"]["color"])
            assert trace["marker"]["line"]["width"] <= 1.2  # thin: points, not rings
            ratio = contrast_ratio(outline[None], bg)
            assert ratio.min() >= MIN_OUTLINE_CONTRAST, (where, bg[ratio.argmin()], ratio.min())


def test_test_points_differ_by_shape_not_by_a_heavier_ring():
    X, Y = data("binary", 2)
    train, _, test, _ = boundary_figure(None, (-6, 6, -6, 6), "binary", X, Y, X, Y)["data"]
    assert train["marker"].get("symbol", "circle") != test["marker"].get("symbol", "circle")
    assert train["marker"]["line"] == test["marker"]["line"]
