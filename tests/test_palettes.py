"""The colours of sign and class a user may choose (viz.colors.PALETTES), and shapes as a
second cue: every palette keeps the live view's points readable on any background it
paints, the legend says its colours' names, shapes put a symbol on each class and dashes on
negative weights, and a share link carries both (issue 21)."""

from __future__ import annotations

import numpy as np
import pytest

import backprop_core as bc
import viz.live_frames as lf
from data_io import share
from tests.test_point_contrast import (
    CASES,
    MIN_DELTA_E,
    MIN_OUTLINE_CONTRAST,
    contrast_ratio,
    data,
    delta_e2000,
    point_fills,
    rgb,
)
from viz.colors import CLASS_SYMBOLS, DEFAULT_PALETTE, PALETTES, faded
from viz.legend import legend


def live_backgrounds(scene: dict, task: str, n_classes: int) -> np.ndarray:
    """Every colour the live view's boundary can paint in this scene's palette."""
    live = np.asarray(scene["palettes"], dtype=float).reshape(2, 256, 3)
    if task == "multiclass":
        return live[lf.PALETTE_CLASSES][: n_classes * lf.class_levels(n_classes)]
    return live[lf.PALETTE_DIVERGING]


def points(scene: dict) -> list[dict]:
    """The train and test points' traces (not their legend swatches)."""
    return [t for t in scene["figure"]["data"]
            if t["name"] in ("train", "test") and len(t["x"]) > 1]


@pytest.mark.parametrize("name", list(PALETTES))
@pytest.mark.parametrize("task, n_classes", CASES)
def test_every_palette_keeps_points_readable_on_every_background(name, task, n_classes):
    X, Y = data(task, n_classes)
    scene = lf.boundary_scene((-6, 6, -6, 6), task, X, Y, X, Y, palette=PALETTES[name],
                              shapes=True)
    bg = live_backgrounds(scene, task, n_classes)
    for trace in points(scene):
        fills = np.unique(point_fills(trace), axis=0)
        worst = delta_e2000(fills[:, None], bg[None]).min(axis=1)
        assert worst.min() >= MIN_DELTA_E, (name, trace["name"], fills[worst.argmin()])
        ratio = contrast_ratio(rgb(trace["marker"]["line"]["color"])[None], bg)
        assert ratio.min() >= MIN_OUTLINE_CONTRAST, (name, ratio.min())


@pytest.mark.parametrize("name", list(PALETTES))
def test_the_scene_paints_in_the_palette_and_the_legend_says_its_names(name):
    palette = PALETTES[name]
    net = bc.build(bc.RunConfig())[1].net
    geometry = lf.network_scene(net, ["x1", "x2"], height=400, palette=palette)["geometry"]
    assert (geometry["colours"]["negative"], geometry["colours"]["positive"]) == \
        (palette.negative, palette.positive)
    divergent = lf.palettes(2, palette)[lf.PALETTE_DIVERGING]
    assert tuple(divergent[0]) == tuple(rgb(palette.negative).astype(int))
    assert tuple(divergent[-1]) == tuple(rgb(palette.positive).astype(int))
    words = " ".join(text for _, text in legend("binary", "weights", ["tanh"], 1,
                                                palette=palette)["items"])
    assert f"{palette.negative_name} class 0, {palette.positive_name} class 1" in words
    others = {p.negative_name for p in PALETTES.values()} - {palette.negative_name}
    assert not any(f"{w} class 0" in words for w in others)


def test_shapes_give_each_class_a_symbol_and_negative_weights_dashes():
    X, Y = data("multiclass", 4)
    scene = lf.boundary_scene((-6, 6, -6, 6), "multiclass", X, Y, X, Y, shapes=True)
    train, test = points(scene)
    labels = Y.argmax(axis=1)
    assert train["marker"]["symbol"] == [CLASS_SYMBOLS[k] for k in labels]
    assert test["marker"]["symbol"] == [CLASS_SYMBOLS[k] + "-dot" for k in labels]
    plain = lf.boundary_scene((-6, 6, -6, 6), "multiclass", X, Y, X, Y)
    assert "symbol" not in points(plain)[0]["marker"]
    net = bc.build(bc.RunConfig())[1].net
    geometry = lf.network_scene(net, ["x1", "x2"], 400, shapes=True)["geometry"]
    assert geometry["sign_cue"]
    dashes = geometry["negative_dashes"]  # one per width: longer on thicker lines
    assert len(dashes) == len(geometry["edge_widths"]) and dashes[0] == [6, 4]
    assert all(b[0] >= a[0] for a, b in zip(dashes, dashes[1:], strict=False))
    assert dashes[-1][0] > 2 * dashes[0][0]
    assert not lf.network_scene(net, ["x1", "x2"], 400)["geometry"]["sign_cue"]


@pytest.mark.parametrize("name", list(PALETTES))
@pytest.mark.parametrize("shapes", [False, True])
def test_a_link_carries_the_palette_and_shapes(name, shapes):
    params = share.encode(bc.RunConfig(), step=3, palette=name, shapes=shapes)
    assert (share.PALETTE_KEY in params) == (name != DEFAULT_PALETTE)
    decoded = share.decode({k: [v] for k, v in params.items()})
    assert (decoded.palette, decoded.shapes, decoded.warnings) == (name, shapes, ())


def test_a_link_with_unknown_colours_says_so_and_keeps_the_default():
    decoded = share.decode({"pal": ["rainbow"], "shape": ["maybe"]})
    assert decoded.palette == DEFAULT_PALETTE and decoded.shapes is False
    assert any(w.startswith("pal: unknown colours 'rainbow'") for w in decoded.warnings)
    assert any(w.startswith("shape: 'maybe' is not 1 or 0") for w in decoded.warnings)


def test_the_step_through_diagram_and_boundary_follow_the_palette_and_shapes():
    from viz.boundary import output_rgb
    from viz.network import DiagramData, network_figure

    palette = PALETTES["purple"]
    net = bc.build(bc.RunConfig())[1].net
    fig = network_figure(net, DiagramData(feature_labels=["x1", "x2"]), palette=palette,
                         shapes=True)
    edges = [t for t in fig["data"] if t.get("mode") == "lines"]
    negative = [t for t in edges if t["line"]["color"] == palette.negative]
    positive = [t for t in edges if t["line"]["color"] == palette.positive]
    assert negative and positive and len(negative) + len(positive) == len(edges)
    assert all("dash" in t["line"] for t in negative)
    assert not any("dash" in t["line"] for t in positive)
    ends = np.array([[[0.0], [1.0]]])  # class 0 certain, class 1 certain
    out = output_rgb(ends, "binary", palette=palette)[0]
    assert tuple(out[0]) == tuple(faded(rgb(palette.negative)))
    assert tuple(out[1]) == tuple(faded(rgb(palette.positive)))


@pytest.mark.parametrize("name", list(PALETTES))
def test_the_inspection_pages_charts_take_the_palette(name):
    """Every chart drawn in sign or class colours takes the palette: the Gradients page's
    matrices, the Hidden space's points (and its plane, a boundary figure)."""
    from viz.gradients import matrix_heatmap
    from viz.hidden import points_trace

    palette = PALETTES[name]
    heat = matrix_heatmap(np.array([[-1.0, 2.0]]), "W", palette=palette)
    assert heat["data"][0]["colorscale"] == palette.diverging_scale
    assert palette.diverging_scale[0][1] == palette.negative
    X, Y = data("multiclass", 3)
    scale = points_trace(X, Y, "multiclass", palette=palette)["marker"]["colorscale"]
    assert [c for _, c in scale] == palette.class_hex[:3]
