"""AppTest: uploads, share links, session files and exports."""

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import backprop_core as bc
from data_io import share
from tests.app_helpers import click, expander_open, open_panel, opened

APP = "../app.py"

GOOD_CSV = "\n".join(["a,b,c,label"] + [
    f"{np.sin(i):.4f},{np.cos(i * 0.7):.4f},{(i % 7) / 7:.4f},{'yes' if np.sin(i) > 0 else 'no'}"
    for i in range(80)]).encode()

BAD_CSVS = {
    "empty.csv": (b"", "empty"),
    "binary.csv": (b"\x00\x01\x02PNG\x00\xff\xfe", "not a text CSV"),
    "text.csv": (b"name,colour\nann,red\nbob,blue\n", "numeric"),
    "dupes.csv": (b"a,a,t\n1,2,0\n3,4,1\n", "duplicate"),
    "inf.csv": (b"a,b,t\n1,inf,0\n2,3,1\n4,5,0\n6,7,1\n8,9,0\n", "inf"),
}


def trainer(at):
    return at.session_state["trainer"]


def params_of(tr):
    return [a.copy() for a in tr.net.weights + tr.net.biases]


def test_upload_a_good_csv_and_train(at):
    open_panel(at, "x_upload")  # "Your own data (CSV)"
    at.file_uploader(key="w_csv").set_value(("points.csv", GOOD_CSV, "text/csv")).run()
    assert not at.exception
    at.selectbox(key="w_csv_target").set_value("label").run()
    click(at, "Train on this data")
    tr = trainer(at)
    assert at.session_state["config"].dataset == "custom"
    assert tr.net.layer_sizes[0] == 3 and tr.task == "binary" and len(tr.X) == 40
    click(at, "Epoch")
    assert trainer(at).epoch == 1
    assert any("Boundary view" in c.value for c in at.caption)
    at.radio(key="w_plane").set_value("pca").run()
    assert not at.exception and any("PCA" in c.value for c in at.caption)


@pytest.mark.parametrize("name", sorted(BAD_CSVS))
def test_bad_csvs_leave_the_old_data_alone(at, name):
    raw, message = BAD_CSVS[name]
    before = params_of(trainer(at))
    open_panel(at, "x_upload")  # "Your own data (CSV)"
    at.file_uploader(key="w_csv").set_value((name, raw, "text/csv")).run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert "current data stay" in shown and message.lower() in shown.lower(), shown
    assert at.session_state["config"].dataset == "circle"
    assert all(np.array_equal(a, b) for a, b in zip(before, params_of(trainer(at)),
                                                    strict=True))


def test_missing_values_offer_to_drop_rows(at):
    raw = b"a,b,t\n1,2,0\n3,,1\n5,6,0\n7,8,1\n9,x,0\n2,1,1\n4,3,0\n"
    open_panel(at, "x_upload")  # "Your own data (CSV)"
    at.file_uploader(key="w_csv").set_value(("gaps.csv", raw, "text/csv")).run()
    at.selectbox(key="w_csv_target").set_value("t").run()
    drop = at.checkbox(key="w_csv_drop")
    assert "2 row" in drop.label
    drop.check().run()
    click(at, "Train on this data")
    assert len(trainer(at).X) + len(trainer(at).X_test) == 5


def widget_keys(at) -> set[str]:
    """The keys of every widget (and keyed element) the last run drew."""
    return {k for k in (getattr(node, "key", None) for node in at._tree) if k}


SHARE_WIDGETS = {"w_share_step", "b_share", "b_save", "w_load_file", "b_weights", "b_history",
                 "b_script"}
UPLOAD_WIDGETS = {"w_csv", "w_csv_target", "w_csv_task", "b_csv_use"}
COMPARE_WIDGETS = {"w_snapshot_name", "b_keep", "b_clear_runs"}


def test_the_sidebar_panels_draw_their_widgets_only_while_open(at):
    """ui/lazy.py: a closed panel's body is not run, so none of its widgets exist; opening
    it draws them, closing it takes them away again."""
    for key in ("x_share", "x_upload", "x_compare"):  # all closed on a first load
        assert not expander_open(at, key), key
    assert not widget_keys(at) & (SHARE_WIDGETS | UPLOAD_WIDGETS | COMPARE_WIDGETS | {"w_csv"})
    assert not at.get("file_uploader") and not at.get("download_button")
    assert "Share link" not in [b.label for b in at.button]

    open_panel(at, "x_share")
    assert SHARE_WIDGETS <= widget_keys(at)
    assert [f.key for f in at.get("file_uploader")] == ["w_load_file"]
    assert "Share link" in [b.label for b in at.button]
    assert not widget_keys(at) & (UPLOAD_WIDGETS | COMPARE_WIDGETS)  # the others stay shut

    at.session_state["x_share"] = False
    at.run()
    assert not at.exception and not expander_open(at, "x_share")
    assert not widget_keys(at) & SHARE_WIDGETS

    open_panel(at, "x_upload")
    assert "w_csv" in widget_keys(at) and not widget_keys(at) & SHARE_WIDGETS
    open_panel(at, "x_compare")
    assert COMPARE_WIDGETS <= widget_keys(at)


def test_closing_the_upload_panel_keeps_the_uploaded_data_as_the_runs_data(at):
    open_panel(at, "x_upload")
    at.file_uploader(key="w_csv").set_value(("points.csv", GOOD_CSV, "text/csv")).run()
    at.selectbox(key="w_csv_target").set_value("label").run()
    click(at, "Train on this data")
    tr, meta = trainer(at), dict(at.session_state["custom_meta"])
    assert at.session_state["config"].is_custom and meta["file"] == "points.csv"
    assert expander_open(at, "x_upload")  # open by default while the run uses an upload
    X, Y, params = tr.X.copy(), tr.Y.copy(), params_of(tr)

    at.session_state["x_upload"] = False
    at.run()
    assert not at.exception and not expander_open(at, "x_upload")
    assert not widget_keys(at) & UPLOAD_WIDGETS  # the uploader itself is gone
    assert at.session_state["config"].is_custom and at.session_state["config"].dataset == \
        "custom" and at.session_state["w_dataset"] == "custom"
    assert at.session_state["custom_meta"] == meta
    kept = trainer(at)
    assert np.array_equal(kept.X, X) and np.array_equal(kept.Y, Y)
    assert all(np.array_equal(a, b) for a, b in zip(params_of(kept), params, strict=True))
    click(at, "Epoch")  # and the run trains on it
    assert trainer(at).epoch == 1 and np.array_equal(trainer(at).X, X)
    assert at.session_state["config"].is_custom and at.session_state["w_dataset"] == "custom"
    at.run()  # and stays so on later reruns, the panel still shut
    assert not expander_open(at, "x_upload") and at.session_state["config"].is_custom
    assert np.array_equal(trainer(at).X, X)


def test_share_link_reproduces_the_run_bit_for_bit():
    config = bc.RunConfig(dataset="xor", noise=0.2, hidden=(5, 3), activations=("relu", "tanh"),
                          optimizer="adam", lr=0.01, seed=7, data_seed=3)
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in share.encode(config, step=37).items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    tr = trainer(app)
    _, expected = bc.build(config)
    expected.run_steps(37)
    assert tr.step == 37 and app.session_state["config"] == config
    assert all(np.array_equal(a, b) for a, b in zip(params_of(tr), params_of(expected),
                                                    strict=True))
    assert tr.history[37] == expected.history[37]


def test_tampered_link_falls_back_with_a_warning():
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update({"v": "1", "lr": "abc", "h": "4,99", "ds": "nope"})
    app.run()
    assert not app.exception
    notice = " ".join(w.value for w in app.warning)
    assert "lr" in notice and "ds" in notice and "h" in notice
    assert app.session_state["config"].lr == 0.03


def test_save_and_load_a_session_file(at):
    from ui import share_io  # noqa: F401  (imported by the app too)
    for _ in range(3):
        click(at, "Step")
    at.select_slider(key="w_lr").set_value(0.3).run()
    click(at, "Epoch")
    tr = trainer(at)
    saved = bc.trainer_to_dict(tr, extra={"config": at.session_state["config"].to_dict()})
    raw = json.dumps(saved).encode()
    before, step = params_of(tr), tr.step
    click(at, "Reset")
    open_panel(at, "x_share")  # "Share · save · export"
    at.file_uploader(key="w_load_file").set_value(("run.json", raw, "application/json")).run()
    assert not at.exception
    loaded = trainer(at)
    assert loaded.step == step == 13 and at.session_state["config"].lr == 0.3
    assert all(np.array_equal(a, b) for a, b in zip(params_of(loaded), before, strict=True))
    assert at.select_slider(key="w_lr").value == 0.3


@pytest.mark.parametrize("raw, message", [
    (b"not json", "JSON"),
    (b'{"format": "something else"}', "format"),
    (b"\xff\xfe\x00", "JSON"),
])
def test_loading_a_bad_session_file_changes_nothing(at, raw, message):
    click(at, "Step")
    before = params_of(trainer(at))
    open_panel(at, "x_share")  # "Share · save · export"
    at.file_uploader(key="w_load_file").set_value(("bad.json", raw, "application/json")).run()
    assert not at.exception
    assert any("nothing changed" in e.value and message in e.value for e in at.error)
    assert trainer(at).step == 1
    assert all(np.array_equal(a, b) for a, b in zip(before, params_of(trainer(at)),
                                                    strict=True))


def test_share_button_shows_a_link_that_decodes_to_the_run(at):
    click(at, "Step")
    open_panel(at, "x_share")  # "Share · save · export"
    click(at, "Share link")
    link = at.session_state["results"]["share_link"]
    query = link.split("?", 1)[1]
    params = dict(part.split("=", 1) for part in query.split("&"))
    decoded = share.decode(params)
    assert decoded.config == at.session_state["config"] and decoded.step == 1


def test_inspection_pages_work_on_uploaded_data(at):
    open_panel(at, "x_upload")  # "Your own data (CSV)"
    at.file_uploader(key="w_csv").set_value(("points.csv", GOOD_CSV, "text/csv")).run()
    at.selectbox(key="w_csv_target").set_value("label").run()
    click(at, "Train on this data")
    click(at, "Step")
    for page in ("app_pages/step_through.py", "app_pages/gradients.py"):
        at.switch_page(page).run()
        assert not at.exception, at.exception
    click(at, "Run gradient check")
    assert at.success and "relative error < 1e-7" in at.success[-1].value


def test_a_presenter_link_opens_in_presenter_view_with_its_panels_hidden():
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update({"v": "1", "present": "1", "hide": "training,phases"})
    app.run()
    assert not app.exception
    assert app.session_state["view"].presenter
    assert not any(b.label == "Forward" for b in app.button)
    assert not any(s.label == "Learning rate" for s in app.select_slider)


def test_a_link_replays_settings_changed_mid_run_and_a_step_left_mid_way(at):
    click(at, "Step")
    at.select_slider(key="w_lr").set_value(0.3).run()
    click(at, "Step")
    click(at, "Step")
    at.selectbox(key="w_optimizer").set_value("momentum").run()
    click(at, "Epoch")
    at.selectbox(key="w_reg").set_value("l2").run()
    at.select_slider(key="w_reg_rate").set_value(0.01).run()
    click(at, "Step")
    click(at, "Forward")  # a link taken mid-step reopens mid-step
    tr = trainer(at)
    assert len(tr.events) >= 3
    # What the Share link button encodes (ui/share_io.share_url): step 0's settings + log.
    params = share.encode(bc.policy.config.with_start_settings(at.session_state["config"], tr),
                          step=tr.step, events=tuple(tr.events), phase=tr.phase_index)
    app = opened(params, runs=10)
    other = trainer(app)
    assert not app.exception and other.step == tr.step and other.phase_index == 1
    assert all(np.array_equal(a, b) for a, b in zip(params_of(other), params_of(tr),
                                                    strict=True))
    assert other.optimizer.name == "momentum" and other.optimizer.lr == 0.3
    assert (other.regularization, other.reg_rate) == ("l2", 0.01)
    assert other.events == tr.events and other.history[tr.step] == tr.history[tr.step]
    c = app.session_state["config"]  # the widgets show the settings in effect
    assert (c.optimizer, c.lr, c.regularization, c.reg_rate) == ("momentum", 0.3, "l2", 0.01)
    assert app.select_slider(key="w_lr").value == 0.3


def test_a_link_whose_change_by_hand_does_not_fit_stops_there_and_says_why():
    """A hand-made link: an edit of layer 9 in a 3-layer network. The run is replayed up to
    that change, stops there with a warning naming it (kept when the replay arrives);
    nothing raises."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params.update({"v": "1", "step": "4", "ev": "2:ed:l=9,k=w,i=0.0,v=1"})
    at.run()
    for _ in range(20):
        if not at.session_state["playing"]:
            break
        at.run()
    assert not at.exception, at.exception
    assert not at.session_state["playing"] and at.session_state["trainer"].step == 2
    assert any("change 1 of 1" in w.value and "layer 9" in w.value and "at step 2" in
               w.value for w in at.warning)


def test_the_colours_and_shapes_chosen_survive_a_link_and_steps():
    from tests.app_helpers import live_packet, press

    at = opened({"v": "1", "pal": "vermillion", "shape": "1"})
    view = at.session_state["view"]
    assert (view.palette, view.shapes) == ("vermillion", True)
    scene = live_packet(at)[0]["scene"]
    assert scene["network"]["geometry"]["colours"]["negative"] == "#d55e00"
    assert scene["network"]["geometry"]["sign_cue"] is True
    assert "vermillion class 0" in " ".join(t for _, t in scene["legend"]["items"])
    press(at, "step")
    at.run()
    assert at.query_params["pal"] == "vermillion" and at.query_params["shape"] == "1"
    at.selectbox(key="w_palette").set_value("purple").run()  # chosen on the page
    assert at.query_params["pal"] == "purple"
    assert live_packet(at)[0]["scene"]["network"]["geometry"]["colours"]["positive"] == \
        "#5e3c99"
