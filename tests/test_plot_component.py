"""The pages' charts (ui/plot_component): each is sent the very figure its viz function
returns, and a figure the chart already shows is not sent again (its digest alone)."""

import base64
import json
import math

import numpy as np

from backprop_core.training.health import NORMS, gradient_norms
from tests.app_helpers import click, figure, on_page, plots
from ui.inspect import snapshot
from ui.plot_component import SENT, encode, typed
from viz.gradients import clickable, matrix_heatmap, per_layer_lines

DTYPES = {"f8": "float64", "f4": "float32", "i1": "int8", "i2": "int16", "i4": "int32",
          "u1": "uint8", "u2": "uint16", "u4": "uint32"}


def assert_same(sent, made, where="fig") -> None:
    """``sent`` (a figure as the browser gets it) is ``made`` (as the viz function returned
    it), value for value: typed arrays hold the array's own bits, NaN arrives as null."""
    if isinstance(sent, dict) and set(sent) >= {"dtype", "bdata"}:
        assert isinstance(made, np.ndarray), where
        got = np.frombuffer(base64.b64decode(sent["bdata"]), dtype=DTYPES[sent["dtype"]])
        if "shape" in sent:
            got = got.reshape([int(n) for n in sent["shape"].split(",")])
        assert got.shape == made.shape, where
        assert got.dtype == made.dtype or made.dtype.kind in "iu", where  # int64 narrowed
        assert np.array_equal(got, made, equal_nan=got.dtype.kind == "f"), where
    elif isinstance(made, dict):
        assert isinstance(sent, dict) and set(sent) == set(made), where
        for k in made:
            assert_same(sent[k], made[k], f"{where}.{k}")
    elif isinstance(made, (list, tuple, np.ndarray)):
        assert isinstance(sent, list) and len(sent) == len(made), where
        for i, (a, b) in enumerate(zip(sent, made, strict=True)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(made, (float, np.floating)) and math.isnan(made):
        assert sent is None, where
    else:
        assert sent == made and type(sent) is not dict, where


def sent_whole(at) -> dict[str, bool]:
    """{chart key: whether this run sent its figure} (False: its digest alone)."""
    msgs = [json.loads(c.proto.bytes) for c in plots(at)]
    return {m["key"]: "figure" in m for m in msgs}


def digests(at) -> dict[str, str]:
    return {m["key"]: m["digest"] for m in (json.loads(c.proto.bytes) for c in plots(at))}


def test_each_chart_is_the_figure_its_viz_function_returns(at):
    on_page(at, "app_pages/gradients.py")
    click(at, "Step")
    click(at, "Step")
    tr = at.session_state["trainer"]
    snap = snapshot(tr, at.session_state["view"].gradient_of)
    assert snap.source == "last"
    title = "W before that update (rows: from, columns: to)"
    assert_same(figure(at, "hm_w"),
                clickable(matrix_heatmap(snap.at.net.weights[0], title, layer=0)))
    assert_same(figure(at, "hm_u"), matrix_heatmap(
        tr.last_update.weights[0], f"ΔW its update applied (step {tr.step})", layer=0))
    assert_same(figure(at, "health_g"), per_layer_lines(
        tr.history.columns["step"], gradient_norms(tr.history, "weights"),
        f"Gradient norm per layer {NORMS['weights']['grad_label']}", "norm"))


def test_an_unchanged_figure_is_sent_as_its_digest_alone(at):
    on_page(at, "app_pages/gradients.py")
    click(at, "Step")
    before = {key: figure(at, key) for key in digests(at)}
    first = digests(at)
    at.run()  # nothing changed: every chart already shows its figure
    assert not at.exception
    assert digests(at) == first
    assert not any(sent_whole(at).values()), sent_whole(at)
    assert {key: figure(at, key) for key in first} == before  # read from what was sent
    click(at, "Step")  # the weights change: their charts get the new figure
    whole = sent_whole(at)
    assert whole["hm_w"] and whole["hm_u"] and whole["health_g"]
    changed = {k for k, d in digests(at).items() if d != first[k]}
    assert {k for k, w in whole.items() if w} == changed


def test_a_chart_that_lacks_its_figure_is_sent_it_whole(at):
    """The browser's "missing" event (it never received the figure of the digest it was
    sent) drops what the session remembers sending: the next run sends the figure."""
    on_page(at, "app_pages/gradients.py")
    at.run()
    assert not sent_whole(at)["hm_w"]
    at.session_state[SENT].pop("hm_w")  # what ui.plot_component._forget does
    at.run()
    assert sent_whole(at)["hm_w"] and not sent_whole(at)["hm_g"]


def test_typed_arrays_leave_the_figure_as_it_was():
    fig = {"data": [{"x": np.arange(3), "y": np.array([0.5, np.nan], dtype=np.float32),
                     "customdata": [[1, 2]], "marker": {"color": np.zeros((2, 2))}}],
           "layout": {"xaxis": {"range": np.array([0.0, 1.0])}}}
    out = typed(fig)
    assert isinstance(fig["data"][0]["x"], np.ndarray)  # not touched
    assert out["data"][0]["x"]["dtype"] == "i1" and out["data"][0]["y"]["dtype"] == "f4"
    assert out["data"][0]["marker"]["color"]["shape"] == "2, 2"
    assert isinstance(out["layout"]["xaxis"]["range"], np.ndarray)  # as go.Figure: a range


def test_numpy_scalars_arrive_as_their_exact_values():
    """A float32 scalar (a colour scale's cmax) is the double it equals, as go.Figure sent
    it, not its shortest float32 text (0.7), which is another number."""
    top = np.float32(0.7)
    fig = {"data": [{"marker": {"cmin": -top, "cmax": top}, "x": [np.float32(0.1), 2]}]}
    sent = json.loads(encode(fig))["data"][0]
    assert sent["marker"]["cmax"] == float(top) == -sent["marker"]["cmin"] != 0.7
    assert sent["x"] == [float(np.float32(0.1)), 2]
