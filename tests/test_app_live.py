"""The live view's packets: exact frames while playing, previews equal to what the click
then computes, and the compact encodings (palettes, wire format, loss series)."""

import numpy as np
import pytest

import backprop_core as bc
from tests.app_helpers import bar_error, bar_text, button, live_packet
from viz import live_frames as lf
from viz.boundary import output_rgb
from viz.curves import loss_figure
from viz.wire import pack, unpack


def frame(arrays, k):
    return {name: arrays[name][k] for name in ("grid", "thumbs", "params")}


def same_frame(a, b):
    return all(np.array_equal(a[n], b[n], equal_nan=True) for n in a)


def test_each_preview_is_exactly_what_the_click_then_computes(at):
    for label in ("Forward", "Backward", "Update", "Step", "Forward", "Step"):
        header, arrays = live_packet(at)
        kind = "step" if label == "Step" else "phase"
        expected = frame(arrays, header["previews"][kind])
        expected_meta = header["frames"][header["previews"][kind]]
        button(at, label).click().run()
        header, arrays = live_packet(at)
        assert same_frame(frame(arrays, 0), expected), label
        assert header["frames"][0]["metrics"] == expected_meta["metrics"]
        assert header["frames"][0].get("batch") == expected_meta.get("batch")


def test_playing_sends_several_exact_frames_per_rerun(at):
    at.session_state["live"].play_id = 7
    at.session_state["playing"] = True
    at.run()
    header, arrays = live_packet(at)
    steps = [f["step"] for f in header["frames"]]
    spf = at.session_state["view"].steps_per_frame
    assert header["playing"] and header["play_id"] == 7 and len(steps) >= 2
    assert steps == [spf * (k + 1) for k in range(len(steps))]
    assert at.session_state["trainer"].step == steps[-1]
    assert arrays["params"].dtype == np.float32
    # Each frame is the state a fresh run has after that many steps (never interpolated).
    c = at.session_state["config"]
    data, fresh = bc.build(c)
    for k, step in enumerate(steps):
        fresh.run_steps(step - fresh.step)
        rows = lf.param_rows(fresh.net, fresh.grads, fresh.last_update).astype(np.float32)
        assert np.array_equal(arrays["params"][k], rows)
        grid = bc.evaluate_grid(fresh.net, c.features, bc.dataset_extent(data.X_all), 100)
        assert np.array_equal(arrays["grid"][k], lf.output_index(grid.output, "binary"))
        assert header["frames"][k]["metrics"][0] == str(step)


def test_divergence_while_playing_stops_play_and_says_so(at):
    at.selectbox(key="w_dataset").set_value("plane").run()
    at.number_input(key="w_layers").set_value(6).run()
    at.selectbox(key="w_act_all").set_value("sigmoid").run()
    at.select_slider(key="w_lr").set_value(10.0).run()
    at.session_state["playing"] = True
    for _ in range(40):
        at.run()
        if at.session_state["trainer"].diverged is not None:
            break
    assert at.session_state["trainer"].diverged is not None
    assert not at.session_state["playing"] and not at.exception
    header, _ = live_packet(at)
    assert not header["playing"] and not header["scene"]["can_play"]
    assert "diverged" in bar_error(at)


def test_leaving_the_playground_pauses(at):
    at.session_state["playing"] = True
    at.switch_page("app_pages/step_through.py").run()
    assert not at.session_state["playing"] and not at.exception


def test_the_wire_format_round_trips_arrays_exactly():
    rng = np.random.default_rng(0)
    arrays = {"a": rng.integers(0, 256, (3, 7, 5), dtype=np.uint8),
              "b": rng.normal(size=(2, 9)).astype(np.float32),
              "c": np.array([1.5, np.nan, -np.inf, 1e-300])}
    data = pack({"x": [1.0, float("nan")], "s": "é"}, arrays, compress=("a",))
    header, back = unpack(data)
    assert header["x"] == [1.0, None] and header["s"] == "é"
    for name, array in arrays.items():
        assert back[name].dtype == array.dtype
        assert np.array_equal(back[name], array, equal_nan=True)


@pytest.mark.parametrize("task, n_out", [("binary", 1), ("regression", 1), ("multiclass", 4)])
@pytest.mark.parametrize("discretize", [False, True])
def test_palette_indices_give_the_boundary_colours(task, n_out, discretize):
    rng = np.random.default_rng(1)
    if task == "multiclass":
        logits = rng.normal(size=(50, 50, n_out)) * 3
        output = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    elif task == "binary":
        output = rng.uniform(0, 1, (50, 50, 1))
    else:
        output = rng.uniform(-1.5, 1.5, (50, 50, 1))
    palette = lf.boundary_palettes(n_out)[lf.PALETTE_CLASSES if task == "multiclass" else 0]
    shown = palette[lf.output_index(output, task, discretize)]
    exact = output_rgb(output, task, discretize)[::-1]
    assert np.abs(shown.astype(int) - exact.astype(int)).max() <= 3


def test_the_live_loss_series_is_the_loss_figures():
    _, tr = bc.build(bc.RunConfig())
    tr.run_steps(900)
    meta, series = lf.loss_scene(tr.history.columns, "binary", False, 230, 12, tr.step)
    fig = loss_figure(tr.history.columns, "binary")
    assert series["loss_x"].tolist() == fig["data"][0]["x"]
    for row, trace in zip(series["loss_y"], fig["data"], strict=True):
        assert [None if np.isnan(v) else v for v in row] == trace["y"]
    assert meta["current"] is None and meta["has_test"] and meta["has_acc"]


def test_the_scene_carries_a_legend_for_what_lines_boxes_and_regions_show(at):
    header, _ = live_packet(at)
    legend = header["scene"]["legend"]
    words = dict(legend["items"])
    assert words["Lines"].startswith("weights w: blue +, orange −")
    assert "tanh −1…+1" in words["Boxes"] and "sigmoid 0…1" in words["Boxes"]
    assert "orange class 0, blue class 1" in words["Boundary"]
    assert legend["bar"] == ["#f59322", "#e8eaeb", "#0877bd"] and legend["classes"] == []
    assert "Each box is a neuron" in legend["note"]

    at.radio(key="w_edge_mode").set_value("gradients").run()
    words = dict(live_packet(at)[0]["scene"]["legend"]["items"])
    assert words["Lines"].startswith("gradients ∂C/∂w") and "∂C/∂b" in words["Boxes"]

    at.selectbox(key="w_dataset").set_value("blobs").run()
    legend = live_packet(at)[0]["scene"]["legend"]
    n = at.session_state["config"].n_classes
    assert "likeliest class" in dict(legend["items"])["Boundary"]
    assert legend["classes"] == ["#f59322", "#0877bd", "#2ca02c", "#9467bd", "#d62728"][:n]


def test_a_long_epoch_plays_in_slices_with_progress_and_pause_stops_it(at, monkeypatch):
    from ui import actions
    from ui import live_packet as packets

    monkeypatch.setattr(actions, "EPOCH_AT_ONCE_S", 0.0)  # every epoch counts as long
    monkeypatch.setattr(packets, "MAX_FRAMES", 1)  # and a slice is one frame...
    monkeypatch.setattr(packets, "CATCH_UP_FRAME_S", 0.0)  # ...of one step
    at.select_slider(key="w_speed").set_value(1).run()
    button(at, "Step").click().run()
    tr = at.session_state["trainer"]
    end = tr.step + tr.n_batches - tr.batch_index
    button(at, "Epoch").click().run()
    assert at.session_state["playing"] and at.session_state["live"].target == end
    assert "Finishing the epoch" in bar_text(at)
    header, _ = live_packet(at)
    assert header["target"] == end and header["target_text"] == "Finishing the epoch"
    assert tr.step < end  # not done in the click: the live view plays it in slices
    for _ in range(60):  # each rerun is one slice, as the browser asks for them
        if not at.session_state["playing"]:
            break
        at.run()
    assert not at.session_state["playing"] and tr.step == end and tr.batch_index == 0


@pytest.mark.parametrize("kind, widget, value", [
    ("epoch", "w_stop_epoch", 3), ("accuracy", "w_stop_acc", 90), ("loss", "w_stop_loss", 0.45)])
def test_play_until_stops_on_the_step_that_reaches_it(at, kind, widget, value):
    at.selectbox(key="w_stop_kind").set_value(kind).run()
    (at.slider if kind == "accuracy" else at.number_input)(key=widget).set_value(value).run()
    at.session_state["playing"] = True
    for _ in range(200):
        at.run()
        if not at.session_state["playing"]:
            break
    tr = at.session_state["trainer"]
    assert not at.session_state["playing"] and not at.exception
    # The first step that reaches it, found by a fresh run step by step.
    _, fresh = bc.build(at.session_state["config"])
    stop = at.session_state["view"].stop
    while not stop.reached(fresh):
        fresh.finish_step()
    assert tr.step == fresh.step > 0
    assert any(f"Play stopped at step {tr.step:,}" in t.value for t in at.toast)


def test_the_loss_chart_carries_the_schedule_the_browser_draws(at):
    at.selectbox(key="w_schedule").set_value("cosine").run()
    header, arrays = live_packet(at)
    assert header["loss"]["schedule"] is True
    names = [t["name"] for t in header["loss"]["figure"]["data"]]
    assert "learning rate ÷ rate set" in names
    # The rates themselves, computed by the engine's schedule (the browser only draws
    # them): every update at first, then sparser, far past the steps so far.
    tr = at.session_state["trainer"]
    steps, factors = arrays["schedule_x"], arrays["schedule_y"]
    assert tr.schedule.name == "cosine" and steps[0] == 0 and steps[-1] >= 100 * 1000
    assert list(steps[:200]) == list(range(200)) and np.all(np.diff(steps) > 0)
    expected = [tr.schedule.lr(tr.optimizer.lr, int(t)) / tr.optimizer.lr for t in steps]
    np.testing.assert_allclose(factors, expected, rtol=1e-6, atol=1e-7)


def test_one_epoch_per_frame_plays_whole_epochs_like_tf_playground(at):
    """Speed "1 epoch": each frame ends where an epoch does (from a Step in, the first
    frame finishes that epoch), each the state a fresh run has there."""
    at.select_slider(key="w_speed").set_value("epoch").run()
    button(at, "Step").click().run()
    at.session_state["live"].play_id = 9
    at.session_state["playing"] = True
    at.run()
    header, arrays = live_packet(at)
    tr = at.session_state["trainer"]
    steps = [f["step"] for f in header["frames"]]
    assert len(steps) >= 2 and "1 epoch per frame" in bar_text(at)
    assert steps == [tr.n_batches * (k + 1) for k in range(len(steps))]
    data, fresh = bc.build(at.session_state["config"])
    fresh.run_steps(steps[-1])
    rows = lf.param_rows(fresh.net, fresh.grads, fresh.last_update).astype(np.float32)
    assert np.array_equal(arrays["params"][-1], rows)


@pytest.mark.parametrize("speed", [30, "epoch"])
def test_plays_first_frame_is_in_the_paused_packet_and_play_brings_the_same(at, speed,
                                                                            monkeypatch):
    """Play shows its first frame at the click: the paused packet carries it (made on a
    fork), and it is the very frame the server's Play then sends first."""
    from ui import live_packet as packets

    monkeypatch.setattr(packets, "PLAY_PREVIEW_S", 10.0)  # however busy the machine
    at.select_slider(key="w_speed").set_value(speed).run()
    header, arrays = live_packet(at)
    k = header["previews"]["play"]
    preview, preview_meta = frame(arrays, k), header["frames"][k]
    tr = at.session_state["trainer"]
    assert tr.step == 0 and header["frames"][k]["step"] == (
        30 if speed == 30 else tr.n_batches)
    at.session_state["live"].play_id = 5
    at.session_state["playing"] = True
    at.run()
    header, arrays = live_packet(at)
    assert header["frames"][0] == preview_meta
    assert same_frame(frame(arrays, 0), preview)


def test_plays_first_frame_is_not_made_ahead_when_it_would_take_too_long(at, monkeypatch):
    """Past its time limit the first Play frame is dropped (the click then waits for the
    server's): a paused rerun never pays for it beyond that."""
    from ui import live_packet as packets

    monkeypatch.setattr(packets, "PLAY_PREVIEW_S", 0.0)
    at.select_slider(key="w_speed").set_value(200).run()
    header, _ = live_packet(at)
    assert set(header["previews"]) == {"phase", "step"}
