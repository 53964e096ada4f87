"""Hostile and careless input: every link, file and upload is used exactly or refused in
plain words, the page keeps working and the run stays as it was."""

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import backprop_core as bc
from backprop_core.policy.offered import OFFERED, Choices
from data_io import share
from tests.app_helpers import APP, button, live_packet, open_panel, text_of

WIDGETS = {  # setting -> (widget key, what it holds for a value, link params it needs)
    "noise": ("w_noise", lambda v: round(v * 100), {}),
    "n_samples": ("w_samples", lambda v: v, {}),
    "train_fraction": ("w_train_pct", lambda v: round(v * 100), {}),
    "seed": ("w_seed", lambda v: v, {}),
    "lr": ("w_lr", lambda v: v, {}),
    "momentum": ("w_momentum", lambda v: v, {"opt": "momentum"}),
    "beta1": ("w_beta1", lambda v: v, {"opt": "adam"}),
    "beta2": ("w_beta2", lambda v: v, {"opt": "adam"}),
    "batch_size": ("w_batch", lambda v: v, {}),
    "reg_rate": ("w_reg_rate", lambda v: v, {"reg": "l2"}),
}


def open_link(params: dict) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, app.exception
    return app


def widget_value(at, key):
    return at.session_state[key]


def samples(name):
    spec = OFFERED[name]
    if isinstance(spec, Choices):
        return list(spec.values)
    return [spec.lo, spec.snap((spec.lo + spec.hi) / 3), spec.hi]


@pytest.mark.parametrize("name", sorted(WIDGETS))
def test_every_value_the_decoder_accepts_is_shown_by_its_widget(name):
    key, shown, extra = WIDGETS[name]
    values = samples(name)
    if isinstance(OFFERED[name], Choices):
        values = values[:: max(1, len(values) // 4)] + [values[-1]]
    for value in values:
        params = {**extra, share.KEYS[name]: repr(value) if isinstance(value, float)
                  else str(value)}
        decoded = share.decode(params)
        assert not decoded.warnings, decoded.warnings
        at = open_link(params)
        config = at.session_state["config"]
        assert getattr(config, name) == value
        assert widget_value(at, key) == shown(value)
        at.run()  # drawing the widgets again changes nothing
        assert at.session_state["config"] == config and at.session_state["trainer"].step == 0


@pytest.mark.parametrize("params, key, used", [
    ({"batch": "31"}, "batch", 30), ({"batch": "900"}, "batch", 30),
    ({"opt": "momentum", "mom": "0.995"}, "mom", 0.99),
    ({"opt": "adam", "b1": "0.995"}, "b1", 0.99), ({"opt": "adam", "b2": "0.95"}, "b2", 0.99),
    ({"train": "0.95"}, "train", 0.9), ({"lr": "100"}, "lr", 10.0),
    ({"lr": "0.05"}, "lr", 0.03), ({"reg": "l2", "rate": "0.05"}, "rate", 0.03),
    ({"n": "260"}, "n", 250), ({"noise": "0.123"}, "noise", 0.1),
    ({"seed": "2147483648"}, "seed", 2147483647),
])
def test_a_value_no_widget_shows_is_snapped_and_said(params, key, used):
    at = open_link({"v": "1", **params})
    name = next(n for n, k in share.KEYS.items() if k == key)
    assert getattr(at.session_state["config"], name) == used
    notice = " ".join(text_of(w) for w in at.warning)
    assert f"{key}: " in notice and "not offered" in notice
    config = at.session_state["config"]
    at.run()
    assert at.session_state["config"] == config  # nothing changes when the widgets draw


def test_a_link_trains_with_the_settings_on_screen_and_keeps_them():
    at = open_link({"v": "1", "lr": "0.05", "step": "20"})
    for _ in range(5):
        if not at.session_state["playing"]:
            break
        at.run()
    tr = at.session_state["trainer"]
    assert tr.step == 20 and tr.optimizer.lr == 0.03 == at.session_state["config"].lr
    assert at.select_slider(key="w_lr").value == 0.03
    assert not tr.events  # trained with 0.03 throughout, nothing changed afterwards


def test_repeated_keys_are_reported():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lr"] = ["0.3", "0.1"]
    at.run()
    assert any("given 2 times" in text_of(w) for w in at.warning)


def test_a_link_for_uploaded_data_keeps_its_other_settings():
    at = open_link({"v": "1", "ds": "custom", "lr": "0.3", "h": "3"})
    c = at.session_state["config"]
    assert c.dataset == "circle" and c.lr == 0.3 and c.hidden == (3,)
    assert any("upload the same CSV" in text_of(w) for w in at.warning)


def test_a_link_asking_for_too_much_work_is_bounded_up_front_and_sliced():
    feats = ",".join(bc.FEATURES)
    at = open_link({"v": "1", "n": "1000", "h": "8,8,8,8,8,8", "feat": feats,
                    "step": "1000000"})
    warning = " ".join(text_of(w) for w in at.warning)
    assert "step: 1,000,000 steps" in warning and "opening at step" in warning
    live = at.session_state["live"]
    assert at.session_state["playing"] and 0 < live.target < 1_000_000
    # One rerun trains one slice, with its progress in the packet; never the whole link.
    tr = at.session_state["trainer"]
    assert 0 < tr.step < live.target
    header, _ = live_packet(at)
    assert header["playing"] and header["target"] == live.target


def test_markdown_in_an_upload_is_shown_as_text():
    raw = (b"![x](http://example.org/p.png),b,**label**\n" +
           b"".join(f"{i % 7},{i % 5},{'[a](http://e.org)' if i % 2 else 'no'}\n".encode()
                    for i in range(40)))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    open_panel(at, "x_upload")  # "Your own data (CSV)"
    at.file_uploader(key="w_csv").set_value(("![p](http://e.org/x).csv", raw, "text/csv")).run()
    next(b for b in at.button if b.label == "Train on this data").click().run()
    assert not at.exception
    texts = [c.value for c in at.caption] + [t.value for t in at.toast]
    shown = [t for t in texts if "http" in t]
    assert shown, texts
    for text in shown:  # every markdown character escaped: no image, no link
        assert "![" not in text and "](" not in text and "\\[" in text
    header, _ = live_packet(at)
    labels = header["scene"]["network"]["figure"]["data"][0]["text"]
    assert labels[0] == "![x](http:/…"  # HTML-escaped only (none here), short (viz.user_text)


# --- session files -----------------------------------------------------------------------
def saved_run(steps: int = 12) -> dict:
    c = bc.RunConfig(optimizer="adam", lr=0.01)
    _, tr = bc.build(c)
    tr.run_steps(steps)
    return bc.trainer_to_dict(tr, extra={"config": c.to_dict()})


def load(at, saved) -> None:
    raw = saved if isinstance(saved, bytes) else json.dumps(saved).encode()
    open_panel(at, "x_share")  # "Share · save · export"
    at.file_uploader(key="w_load_file").set_value(("run.json", raw, "application/json")).run()


def nested(depth: int) -> bytes:
    return b'{"format": "backprop-playground/trainer", "a": ' + b"[" * depth + b"]" * depth + b"}"


def with_config(**changes) -> dict:
    saved = saved_run()
    saved["extra"]["config"].update(changes)
    return saved


def with_network(sizes) -> dict:
    saved = saved_run()
    saved["network"]["layer_sizes"] = sizes
    return saved


def sparse_keyframes() -> dict:
    saved = saved_run(300)
    saved["keyframes"] = saved["keyframes"][:1]
    saved["settings"]["keyframe_interval"] = 10**9
    return saved


@pytest.mark.parametrize("saved, field", [
    (nested(1000), "nested"),
    (with_config(batch_size=10**18), "batch_size"),
    (with_config(noise="0"), "config"),
    (with_config(lr=1e308), "lr"),
    (with_config(hidden=[8, 8, 8], activations=["tanh"] * 3), "hidden"),
    (with_network([2, 4096, 4096, 4096, 1]), "layer_sizes"),
    (with_network([2] + [4] * 5000 + [1]), "layer_sizes"),
    (sparse_keyframes(), "keyframes"),
])
def test_a_bad_session_file_is_refused_by_name_and_changes_nothing(at, saved, field):
    button(at, "Step").click().run()
    before = [a.copy() for a in at.session_state["trainer"].net.weights]
    load(at, saved)
    assert not at.exception
    errors = " ".join(text_of(e) for e in at.error)
    assert "nothing changed" in errors and field in errors, errors
    tr = at.session_state["trainer"]
    assert tr.step == 1 and all(np.array_equal(a, b) for a, b in
                                zip(before, tr.net.weights, strict=True))
    at.run()
    assert not at.exception


def uploaded_session(**meta_changes) -> bytes:
    """A session file of a run on uploaded data, its description changed."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    raw = b"a,b,t\n" + b"".join(f"{i % 7},{i % 3},{i % 2}\n".encode() for i in range(40))
    open_panel(at, "x_upload")  # "Your own data (CSV)"
    at.file_uploader(key="w_csv").set_value(("d.csv", raw, "text/csv")).run()
    next(b for b in at.button if b.label == "Train on this data").click().run()
    meta = dict(at.session_state["custom_meta"], **meta_changes)
    meta = {k: v for k, v in meta.items() if v is not None}
    c = at.session_state["config"]
    return json.dumps(bc.trainer_to_dict(at.session_state["trainer"],
                                         extra={"config": c.to_dict(), "custom_meta": meta}))


@pytest.mark.parametrize("changes, field", [
    ({"feature_names": ["a"]}, "feature_names"), ({"feature_names": 5}, "feature_names"),
    ({"spread": None}, "spread"), ({"class_names": ["x", "y", "z"]}, "class_names"),
    ({"spread": [1.0, 0.0]}, "spread"),
])
def test_an_uploaded_data_description_is_checked(at, changes, field):
    load(at, uploaded_session(**changes).encode())
    errors = " ".join(text_of(e) for e in at.error)
    assert f"custom_meta.{field}" in errors, errors
    assert at.session_state["config"].dataset == "circle"
    at.run()
    assert not at.exception


def test_a_good_uploaded_session_file_loads(at):
    load(at, uploaded_session().encode())
    assert not at.exception and at.session_state["config"].is_custom
    assert at.session_state["custom_meta"]["feature_names"] == ["a", "b"]


def test_only_output_pairs_that_fit_the_task_are_offered():
    with pytest.raises(ValueError, match="does not fit regression"):
        bc.RunConfig(dataset="plane", output="sigmoid+bce")
    at = open_link({"v": "1", "ds": "plane", "out": "sigmoid+bce"})
    assert at.session_state["config"].output == "auto"
    assert any("out: sigmoid+bce does not fit" in text_of(w) for w in at.warning)
    assert "sigmoid+bce" not in at.selectbox(key="w_output").options
    saved = saved_run()
    saved["extra"]["config"].update(dataset="plane", output="sigmoid+bce")
    assert "output" in _refusal(saved)


def _refusal(saved) -> str:
    from data_io import session_file

    with pytest.raises(ValueError) as info:
        session_file.read(json.dumps(saved).encode())
    return str(info.value)


def play_link_to_its_end(app: AppTest, runs: int = 60) -> AppTest:
    """Rerun until the link's replay has arrived (Play stops there)."""
    for _ in range(runs):
        if not app.session_state["playing"]:
            break
        app.run()
    assert not app.exception, app.exception
    assert not app.session_state["playing"]
    return app


def warnings_shown(app: AppTest) -> list[str]:
    return [w.value.replace("\\", "") for w in app.warning]  # as text, unescaped


def test_a_links_warnings_stay_after_its_replay_arrives_until_dismissed():
    app = play_link_to_its_end(open_link({"v": "1", "lr": "0.05", "step": "30"}))
    assert app.session_state["trainer"].step == 30  # the replay arrived
    shown = warnings_shown(app)
    assert any("lr: 0.05 is not offered" in w for w in shown), shown
    # a log that does not read: the run opens before it, and says so
    stopped = play_link_to_its_end(open_link({"v": "1", "step": "30", "ev": "3%3Ahp"}))
    assert stopped.session_state["trainer"].step == 0
    assert any("'3%3Ahp' is not step:kind:settings" in w for w in warnings_shown(stopped))
    app.run()
    assert warnings_shown(app) == shown  # still there on the next rerun
    next(b for b in app.button if b.label == "Dismiss").click().run()
    assert not app.warning


def test_changes_after_a_budget_capped_step_are_dropped_and_said():
    app = open_link({"v": "1", "step": "1000000", "ev": "999999:hp:lr=10"})
    live = app.session_state["live"]
    assert live.target < 999_999 and live.events == ()
    assert any("are not made" in w and "999,999" in w for w in warnings_shown(app))


def test_features_in_a_links_own_order_open_its_step_without_a_restart():
    app = play_link_to_its_end(open_link({"v": "1", "feat": "x2,x1", "step": "50"}))
    assert app.session_state["trainer"].step == 50
    assert app.session_state["config"].features == ("x2", "x1")
    app.run()
    assert app.session_state["trainer"].step == 50  # the boxes did not restart it
