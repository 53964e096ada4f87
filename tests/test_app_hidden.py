"""AppTest of the Hidden space page: every view shows the network's own numbers (the
charts' data against the engine), stepping and Play here train the session's run, and
uploaded data without a 2-D plane shows its points and says why."""

import base64

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import backprop_core as bc
from backprop_core.analyses.confusion import confusion_matrix
from backprop_core.analyses.hidden import PER_GAP, grid_lines, principal_axes
from backprop_core.policy.config import inputs
from tests.app_helpers import APP, bar_error, button, click, metric, open_panel, panel
from tests.app_helpers import figures as chart_figures
from viz.hidden import polylines

PAGE = "app_pages/hidden_space.py"


def opened(**params) -> AppTest:
    """The app started from a link with these settings, on the Hidden space page."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in {"v": "1", **params}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def figures(at) -> dict[str, dict]:
    """The page's Plotly figures by their ``layout.meta`` (or by order)."""
    specs = chart_figures(at)
    return {s["layout"].get("meta", str(k)): s for k, s in enumerate(specs)}


def values(v) -> np.ndarray:
    """A Plotly array as sent: a typed array (base64) or a list."""
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
    return np.array([np.nan if x is None else x for x in v], dtype=float)


def trace(fig, name):
    return next(t for t in fig["data"] if t.get("name") == name)


def shown_layer(at, layer: int, projection) -> None:
    """The hidden figure's points and grid lines are this layer's activations, projected
    (``projection``: activations (..., size) -> (..., 2)), as float32; the input figure's
    lines are the grid over the data's box."""
    tr, c, data = (at.session_state[k] for k in ("trainer", "config", "dataset"))
    fig, plane = figures(at)["hidden"], figures(at)["boundary"]
    P = projection(tr.net.forward(tr.X).a[layer]).astype(np.float32)
    points = trace(fig, "train")
    assert np.array_equal(values(points["x"]), P[:, 0])
    assert np.array_equal(values(points["y"]), P[:, 1])
    grid = grid_lines(bc.dataset_extent(data.X_all))
    A = tr.net.forward(inputs(c, grid.reshape(-1, 2))).a[layer]
    lines = projection(A.reshape(*grid.shape[:3], -1))
    for k, name in enumerate(("x₂ constant", "x₁ constant")):
        x, y = polylines(lines[k])
        assert np.array_equal(values(trace(fig, name)["x"]), x, equal_nan=True)
        assert np.array_equal(values(trace(fig, name)["y"]), y, equal_nan=True)
        x, y = polylines(grid[k][:, ::PER_GAP])  # straight: drawn through the crossings
        assert np.array_equal(values(trace(plane, name)["x"]), x, equal_nan=True)


def captions(at) -> list[str]:
    """The captions under the hidden layer's picture (ui/panel "hidden_caption")."""
    return [p["text"] for p in panel(at, "hidden_caption") if p["t"] == "caption"]


def test_neurons_view_is_the_layers_activations():
    at = opened(ds="spiral", h="6,6")
    click(at, "Epoch")
    at.selectbox(key="w_hidden_layer").set_value(1).run()
    at.selectbox(key="w_hidden_nx").set_value(3).run()
    at.selectbox(key="w_hidden_ny").set_value(5).run()
    assert not at.exception, at.exception
    shown_layer(at, 1, lambda A: A[..., [3, 5]])
    fig = figures(at)["hidden"]
    assert fig["layout"]["xaxis"]["title"]["text"] == "neuron 3"
    assert fig["layout"]["xaxis"]["range"] == [-1.05, 1.05]  # tanh: fixed, no jumping
    assert any("neurons 3 and 5" in c for c in captions(at))


def test_pca_view_is_the_centred_projection_and_keeps_its_signs():
    at = opened(ds="spiral", h="6,6")
    at.radio(key="w_hidden_axes").set_value("pca").run()
    tr = at.session_state["trainer"]
    components = at.session_state["page_state"]["hidden"]["pca"][2]
    A = tr.net.forward(tr.X).a[2]
    fresh = principal_axes(A)
    np.testing.assert_allclose(np.abs(np.sum(fresh.components * components, axis=1)), 1,
                               atol=1e-12)
    shown_layer(at, 2, lambda B: (B - A.mean(axis=0)) @ components.T)
    assert figures(at)["hidden"]["layout"]["xaxis"]["title"]["text"] == "PC 1"
    assert any("PC 1 holds" in c for c in captions(at))
    for _ in range(3):  # each step's picture keeps the last one's orientation
        click(at, "Step")
        now = at.session_state["page_state"]["hidden"]["pca"][2]
        assert np.all(np.sum(now * components, axis=1) > 0)
        components = now
        tr = at.session_state["trainer"]
        A = tr.net.forward(tr.X).a[2]
        shown_layer(at, 2, lambda B, A=A, C=now: (B - A.mean(axis=0)) @ C.T)


def test_stepping_bar_and_play_here_train_the_sessions_run():
    at = opened(ds="spiral", h="6,6")
    click(at, "Forward")
    click(at, "Step")
    assert at.session_state["trainer"].step == 1
    at.select_slider(key="w_hidden_speed").set_value(5).run()
    click(at, "Play here")  # one redraw's steps in this run (AppTest has no timers)
    step = at.session_state["trainer"].step
    assert 1 < step <= 6  # five, unless they take more than the redraw's 40 ms
    assert [b.label for b in at.button if b.label in ("Play here", "Pause")] == ["Pause"]
    assert all(button(at, label).disabled for label in ("Step", "Epoch", "Undo"))
    assert metric(at, "Step") == str(step)
    shown_layer(at, 2, lambda A: A[..., [0, 1]])
    click(at, "Pause")
    assert at.session_state["trainer"].step == step
    assert [b.label for b in at.button if b.label in ("Play here", "Pause")] == ["Play here"]
    assert not button(at, "Step").disabled


def test_arriving_from_another_page_while_playing_pauses():
    at = opened(ds="spiral", h="6,6")
    click(at, "Play here")
    at.switch_page("app_pages/gradients.py").run()
    at.switch_page(PAGE).run()
    assert [b.label for b in at.button if b.label in ("Play here", "Pause")] == ["Play here"]


def test_play_here_stops_at_divergence():
    at = opened(ds="plane", h="8,8,8,8,8,8", act=",".join(["sigmoid"] * 6), lr="10")
    at.select_slider(key="w_hidden_speed").set_value(50).run()
    for _ in range(40):
        click(at, "Play here")
        if at.session_state["trainer"].diverged is not None:
            break
    assert at.session_state["trainer"].diverged is not None
    assert "diverged" in bar_error(at)
    assert at.session_state["page_state"]["hidden"]["playing"] is None
    assert not button(at, "Undo").disabled
    click(at, "Undo")
    assert figures(at)["hidden"]


def test_regression_points_are_coloured_by_target_and_no_confusion():
    at = opened(ds="plane", h="4")
    tr = at.session_state["trainer"]
    points = trace(figures(at)["hidden"], "train")
    assert np.array_equal(values(points["marker"]["color"]), tr.Y[:, 0].astype(np.float32))
    assert any("no classes" in i.value for i in at.info)
    assert "confusion" not in figures(at)


@pytest.mark.parametrize("params, k", [({"ds": "spiral"}, 2), ({"ds": "spiral_multi"}, 3)])
def test_confusion_matrices_and_accuracy_curves(params, k):
    at = opened(h="6,6", **params)
    for _ in range(3):
        click(at, "Epoch")
    tr = at.session_state["trainer"]
    fig = figures(at)["confusion"]
    X = np.vstack([tr.X, tr.X_test])
    out = tr.net.forward(X).output
    n = len(tr.X)
    train, test = fig["data"]
    assert train["text"] == confusion_matrix(tr.Y, out[:n], tr.task).tolist()
    assert test["text"] == confusion_matrix(tr.Y_test, out[n:], tr.task).tolist()
    assert len(train["x"]) == k
    record = tr.history[tr.step]
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    assert titles == [f"<b>train</b><br>accuracy {record.train_accuracy:.1%}",
                      f"<b>test</b><br>accuracy {record.test_accuracy:.1%}"]
    curves = figures(at)["accuracy"]["data"]
    assert values(curves[0]["x"]).tolist() == tr.history.columns["step"]
    assert values(curves[1]["y"]).tolist() == tr.history.columns["test_accuracy"]


def upload(at, raw: bytes) -> None:
    at.switch_page("app_pages/playground.py").run()
    open_panel(at, "x_upload")  # "Your own data (CSV)"
    at.file_uploader(key="w_csv").set_value(("d.csv", raw, "text/csv")).run()
    click(at, "Train on this data")
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception


def test_uploaded_data_with_three_inputs_shows_points_only_and_says_why(at):
    raw = b"a,b,c,t\n" + b"".join(f"{i % 7},{i % 3},{i % 5},{i % 2}\n".encode()
                                  for i in range(60))
    upload(at, raw)
    fig = figures(at)["hidden"]
    assert [t["name"] for t in fig["data"]] == ["train"]
    assert any("3 inputs" in c and "only the points" in c for c in captions(at))
    tr = at.session_state["trainer"]
    A = tr.net.forward(tr.X).a[2]
    assert np.array_equal(values(trace(fig, "train")["x"]), A[:, 0].astype(np.float32))


def test_uploaded_data_with_two_inputs_has_its_grid(at):
    raw = b"a,b,t\n" + b"".join(f"{i % 7},{i % 3},{i % 2}\n".encode() for i in range(60))
    upload(at, raw)
    names = [t["name"] for t in figures(at)["hidden"]["data"]]
    assert names == ["x₂ constant", "x₁ constant", "border", "train"]


def test_a_network_without_hidden_layers_says_so(at):
    at.number_input(key="w_layers").set_value(0).run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert any("no hidden layer" in i.value for i in at.info)
    assert "confusion" in figures(at)
