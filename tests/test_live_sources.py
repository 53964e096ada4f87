"""The live view's JavaScript (ui/live/) only paints: every size, colour, word and rate it
draws comes from Python, which keeps each in one place; and the modules reach a browser
as one versioned folder, whole."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import numpy as np
import pytest

from backprop_core.network.schedules import SCHEDULES, Schedule
from ui import live_bundle, live_packet
from ui import live_component as lc
from viz import live_frames as lf
from viz import network
from viz.boundary import BATCH_MARKER
from viz.colors import FROZEN_HEX, LABEL_BACKGROUND, LABEL_HEX, NEGATIVE_HEX, POSITIVE_HEX
from viz.curves import HOVER_LINE, NAMES
from viz.projector import PRESENTER_SCALE

LIVE = Path(lc.LIVE)
ROOT = LIVE.parents[1]
MODULES = {p.name: p.read_text() for p in LIVE.glob("*.js")}
IMPORT = re.compile(r'^(?:import|export)\s[^;]*?from\s+"\./([\w.-]+)";', re.M)


def test_every_module_is_reached_from_main_and_every_import_is_there():
    seen, todo = set(), ["main.js"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        assert name in MODULES, f"{name} is imported but not in ui/live"
        seen.add(name)
        todo += IMPORT.findall(MODULES[name])
    assert seen == set(MODULES), f"not imported by anything: {set(MODULES) - seen}"
    assert "export default function" in MODULES["main.js"]


@pytest.mark.parametrize("fact", [
    r"#[0-9a-fA-F]{3,8}\b",  # colours: viz/colors.py, viz/curves.py
    r"rgba?\(",
    r"PRESENTER_SCALE|MIN_FIT|0\.85",  # viz/projector.py, ui/live_packet.py
    r"WIDTH_BUCKETS|\b0\.35\b|\b1\.6\b",  # edge buckets: viz/network.py
    r"gamma|step_size|t_max|eta_min|warmup|Math\.cos",  # backprop_core/network/schedules.py
    r"∂C/∂|optimizer:|frozen:|\bbias\b|neuron \$",  # hover words: viz/network.py TIPS
    r"train loss|test loss|train accuracy",  # the curves' names: viz/curves.py
    r"Open Sans",  # the figure's own font
])
def test_the_javascript_holds_no_fact_python_sends(fact):
    for name, text in MODULES.items():
        code = re.sub(r"//[^\n]*", "", text)  # comments may name where a fact comes from
        assert not re.search(fact, code), f"ui/live/{name} holds {fact!r}: send it instead"


def test_python_keeps_each_colour_in_one_place():
    sources = [p for d in ("viz", "ui", "app_pages") for p in (ROOT / d).rglob("*.py")]
    for colour in (LABEL_HEX, FROZEN_HEX, LABEL_BACKGROUND):
        where = [p.name for p in sources if f'"{colour}"' in p.read_text()]
        assert where == ["colors.py"], (colour, where)


def _scene(net_sizes=(2, 3, 1)):
    from backprop_core.network.network import Network
    net = Network(list(net_sizes), ["tanh"] * (len(net_sizes) - 2) + ["sigmoid"], seed=0)
    return net, lf.network_scene(net, ["x₁", "x₂"], height=400)


def test_the_scene_carries_the_diagrams_style_as_the_figure_draws_it():
    net, scene = _scene()
    g = scene["geometry"]
    assert g["edge_widths"] == network.EDGE_WIDTHS and g["edge_alphas"] == network.EDGE_ALPHAS
    assert len(g["edge_widths"]) == network.WIDTH_BUCKETS
    assert g["colours"] == {"positive": POSITIVE_HEX, "negative": NEGATIVE_HEX,
                            "frozen": FROZEN_HEX, "label": LABEL_HEX,
                            "label_background": LABEL_BACKGROUND}
    assert g["label_font"] == scene["figure"]["data"][0]["textfont"]
    # The step-through figure draws its edges with the very widths and opacities.
    fig = network.network_figure(net, network.DiagramData(["x₁", "x₂"]))
    for trace in (t for t in fig["data"] if t.get("mode") == "lines"):
        level = g["edge_widths"].index(trace["line"]["width"])
        assert trace["opacity"] == g["edge_alphas"][level]
    # ...and its hovers say what the scene's templates say.
    hovers = [t for t in fig["data"] if t.get("name") == "weights"][0]["text"]
    value = g["tips"]["weight"][0].format(name=g["names"][0], value=network.fmt(
        net.weights[0][0, 0]))
    assert hovers[0] == value


def test_the_boundary_rings_are_the_legends_marker():
    X, Y = np.zeros((4, 2)), np.array([[0.0], [1], [0], [1]])
    scene = lf.boundary_scene([-1, 1, -1, 1], "binary", X, Y)
    ring = scene["batch"]
    assert ring == {"color": BATCH_MARKER["color"], "width": BATCH_MARKER["line"]["width"],
                    "radius": BATCH_MARKER["size"] / 2, "legend": ring["legend"]}
    legend = scene["figure"]["data"][ring["legend"]]  # hidden until a frame rings a batch
    assert legend["marker"] == BATCH_MARKER and legend["visible"] is False


def test_presenter_sizes_come_from_one_scale():
    font, heights = live_packet.sizes(True)
    assert font == round(live_packet.FONT * PRESENTER_SCALE)
    assert heights == {k: round(h * PRESENTER_SCALE) for k, h in live_packet.HEIGHTS.items()}
    from ui.classroom import PRESENTER_CSS
    assert f"font-size: {round(16 * PRESENTER_SCALE)}px" in PRESENTER_CSS


def test_the_loss_chart_names_and_marks_come_from_curves():
    columns = {"step": [0, 1], "train_loss": [1.0, 0.5], "test_loss": [None, None],
               "train_accuracy": [0.5, 0.6]}
    meta, arrays = lf.loss_scene(columns, "binary", False, 200, 12, 1,
                                 schedule=Schedule("step").samples(0.1, 1000))
    assert meta["names"] == NAMES and meta["lines"]["hover"] == HOVER_LINE
    assert meta["schedule"] and arrays["schedule_x"].dtype == np.int32


@pytest.mark.parametrize("name", [n for n in SCHEDULES if n != "constant"])
def test_schedule_samples_are_the_schedules_rates(name):
    s = Schedule(name, step_size=7, t_max=300, warmup_steps=50)
    steps, factors = s.samples(0.2, 10**5)
    assert steps[0] == 0 and steps[-1] == 10**5 and steps == sorted(set(steps))
    assert steps[:200] == list(range(200))
    # Sparser far on, but never more than a 200th of the way between two samples.
    assert all(b - a <= max(1, a // 200) for a, b in zip(steps, steps[1:], strict=False))
    assert factors == [s.lr(0.2, t) / 0.2 for t in steps]
    if name == "step":  # both sides of a jump, where the jumps fit
        assert {6, 7, 13, 14} <= set(steps)


def test_the_static_copy_is_versioned_and_whole(tmp_path, monkeypatch):
    live = tmp_path / "live"
    live.mkdir()
    for path in lc.live_files():
        (live / path.name).write_bytes(path.read_bytes())
    static = tmp_path / "static"
    static.mkdir()
    monkeypatch.setattr(lc, "LIVE", live)
    monkeypatch.setattr(lc, "STATIC", static)
    first = lc.ensure_live_copy()
    assert first.name == lc.live_version() and first.parent == static
    # ui/live's files, and beside them the bundle of its modules (ui/live_bundle.py).
    copied = {p.name: p.read_bytes() for p in first.iterdir()}
    assert copied.pop(lc.BUNDLE).decode() == live_bundle.bundle(
        {p.name: p.read_text() for p in LIVE.glob("*.js")})
    assert copied == {p.name: p.read_bytes() for p in LIVE.iterdir() if p.is_file()}
    assert not [p for p in static.iterdir() if p.name.startswith(".")]  # no parts left
    # Any change to any module makes another folder; old ones stay, the oldest go.
    made = [first]
    for k in range(lc.KEEP_LIVE + 2):
        (live / "trace.js").write_text(MODULES["trace.js"] + f"// {k}\n")
        time.sleep(0.01)
        made.append(lc.ensure_live_copy())
        assert made[-1].name == lc.live_version() != made[-2].name
    kept = sorted(p.name for p in static.glob("live-*"))
    assert kept == sorted(p.name for p in made[-lc.KEEP_LIVE:])
    # A copy in use is marked so: another deploy's pruning keeps it.
    (live / "trace.js").write_text(MODULES["trace.js"])
    old = lc.ensure_live_copy()
    assert old.name == first.name and old.stat().st_mtime >= made[-1].stat().st_mtime


def test_the_loader_imports_the_bundle_from_the_versioned_folder():
    assert f"app/static/{lc.live_version()}/{lc.BUNDLE}" in lc._live_loader()
    assert os.path.exists(ROOT / ".gitignore")
    assert "static/" in (ROOT / ".gitignore").read_text().splitlines()


def test_the_basic_plotly_bundle_is_chosen_only_for_traces_it_draws():
    from ui.live_component import plotly_bundle

    scatter = {"data": [{"type": "scatter"}, {"x": [1]}], "layout": {}}
    webgl = {"data": [{"type": "scattergl"}], "layout": {}}
    assert plotly_bundle([scatter]) == "basic"
    assert plotly_bundle([scatter, webgl]) == "full"
