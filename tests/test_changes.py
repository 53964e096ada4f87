"""One check per kind of logged change (backprop_core/training/changes.py), whatever the source: the
trainer's own methods, a share link, a session file. The cases the issue found (links and
files that raised, stalled or changed a run silently) each have a test here."""

import copy
import json
import time

import numpy as np
import pytest

import backprop_core as bc
from backprop_core.policy.offered import MAX_DATA_ROWS, MAX_EDIT
from backprop_core.training.changes import ChangeError, Shape, check, check_log
from data_io import session_file, share


def shape(**changes) -> Shape:
    _, tr = bc.build(bc.RunConfig())
    return Shape.of(tr) if not changes else Shape(**{**Shape.of(tr).__dict__, **changes})


GOOD = {
    "hyperparams": {"lr": 0.1},
    "optimizer": {"name": "adam", "lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    "regularization": {"name": "l2", "rate": 0.01},
    "schedule": {"name": "cosine", "t_max": 50, "eta_min": 0.001},
    "edit": {"layer": 0, "kind": "weights", "index": [1, 2], "value": -0.5},
    "freeze": {"layer": 2, "kind": "biases", "index": [0], "frozen": True},
    "data": {"op": "add", "x": [1.0, -2.0], "y": [1.0], "raw": [1.0, -2.0]},
}
# kind -> payload changes that no source may make (every one named in the message)
BAD = {
    "hyperparams": [({"momentum": 0.9}, "not a setting of sgd"), ({}, "at least one"),
                    ({"lr": float("nan")}, "finite"), ({"lr": -1.0}, "lr"),
                    ({"lr": "0.1"}, "finite number")],
    "optimizer": [({"name": "sgd", "lr": 0.3, "momentum": 0.9}, "not a setting of sgd"),
                  ({"name": "adam", "lr": 0.3, "nesterov": 1}, "not a setting of adam"),
                  ({"name": "rmsprop", "lr": 0.1}, "name"), ({"name": "sgd"}, "missing lr"),
                  ({"name": "adam", "lr": 0.1, "beta1": 1.0}, "beta1")],
    "regularization": [({"name": "l2", "rate": 0.01, "extra": 1}, "no setting 'extra'"),
                       ({"name": "l3", "rate": 0.01}, "name"),
                       ({"name": "l2"}, "missing rate")],
    "schedule": [({"name": "cosine", "t_max": 0}, "t_max"),
                 ({"name": "step", "gamma": 2.0}, "gamma"), ({"name": "x"}, "schedule")],
    "edit": [({"layer": 9}, "layer 9"), ({"index": [9, 9]}, "index"),
             ({"value": float("inf")}, "finite"), ({"value": True}, "finite"),
             ({"kind": "W"}, "no parameter")],
    "freeze": [({"frozen": 1}, "true or false"), ({"index": [0, 0]}, "index")],
    "data": [({"y": [2.0]}, "target"), ({"y": [0.5]}, "target"), ({"x": [1.0]}, "x"),
             ({"raw": [1e300, 0.0]}, "plane"), ({"raw": None}, "raw"),
             ({"op": "remove", "index": 125}, "no training sample"), ({"op": "drop"}, "op")],
}


def _bad_cases():
    for kind, cases in BAD.items():
        for change, message in cases:
            whole = kind in ("hyperparams", "optimizer", "schedule", "regularization") \
                or "op" in change
            payload = dict(change) if whole else {**GOOD[kind], **change}
            yield kind, payload, message


def test_every_kind_accepts_what_a_click_makes():
    for kind, payload in GOOD.items():
        assert check(kind, payload, shape(), offered=True)


@pytest.mark.parametrize(("kind", "payload", "message"), list(_bad_cases()),
                         ids=lambda v: v if isinstance(v, str) else None)
def test_each_kind_refuses_what_cannot_be_made_by_any_source(kind, payload, message):
    with pytest.raises(ChangeError, match=message.replace("(", r"\(")):
        check(kind, payload, shape())
    # the trainer's own method refuses it with the same rule, and logs nothing
    _, tr = bc.build(bc.RunConfig())
    with pytest.raises(ValueError):
        tr.apply_change(kind, copy.deepcopy(payload))
    assert tr.events == []


@pytest.mark.parametrize(("kind", "payload"), [
    ("hyperparams", {"lr": 0.05}), ("regularization", {"name": "l2", "rate": 0.02}),
    ("edit", {**GOOD["edit"], "value": 1e9}), ("schedule", {"name": "step", "gamma": 0.55}),
    ("optimizer", {"name": "momentum", "lr": 0.1, "momentum": 0.9, "nesterov": 1.0}),
])
def test_values_no_widget_offers_are_refused_from_links_and_files_only(kind, payload):
    sh = shape()
    assert check(kind, payload, sh) is not None  # an engine user may set them
    with pytest.raises(ChangeError, match="offer"):
        check(kind, payload, sh, offered=True)


def test_a_log_is_checked_in_order_and_the_first_bad_entry_named():
    log = [[1, "optimizer", {"name": "momentum", "lr": 0.1, "momentum": 0.9}],
           [2, "hyperparams", {"momentum": 0.5}],  # fine: momentum is in effect now
           [3, "optimizer", {"name": "sgd", "lr": 0.1}],
           [4, "hyperparams", {"momentum": 0.5}]]  # not any more
    with pytest.raises(ChangeError, match=r"change 4 of 4 \(hyperparams at step 4\)") as exc:
        check_log(log, shape(), 10)
    assert exc.value.index == 3
    assert len(check_log(log[:3], shape(), 10)) == 3
    removes = [[0, "data", {"op": "remove", "index": 0}]] * 124
    assert len(check_log(removes, shape(), 0)) == 124  # one sample left
    with pytest.raises(ChangeError, match="one must remain"):
        check_log(removes + [[0, "data", {"op": "remove", "index": 0}]], shape(), 0)


# --- links ------------------------------------------------------------------------------------
def test_a_step_of_five_thousand_digits_is_a_warning_not_a_traceback():
    decoded = share.decode({"v": "1", "step": "10", "ev": "9" * 5000 + ":hp:lr=0.3"})
    assert decoded.events == () and decoded.step == 0
    assert any("change 1 of 1" in w and "whole number" in w for w in decoded.warnings)
    assert all(len(w) < 400 for w in decoded.warnings)  # quoted short


def test_a_setting_a_link_entry_does_not_have_stops_the_log_where_it_is():
    decoded = share.decode({"v": "1", "step": "10",
                            "ev": "1:hp:lr=0.1;3:reg:name=l2,rate=0.01,x=1;5:hp:lr=0.3"})
    assert len(decoded.events) == 1 and decoded.step == 1
    assert any("change 2 of 3" in w and "'x' is not a setting" in w for w in decoded.warnings)


def test_underscores_and_words_are_not_numbers():
    for text in ("0_3", "1_000", "infinity", "nan", "0x10", "1e5000"):
        config, warnings = share.decode({"lr": text}).config, share.decode({"lr": text}).warnings
        assert config.lr == bc.RunConfig().lr and warnings, text
    assert share.decode({"lr": "0.3"}).config.lr == 0.3


def test_a_drawn_point_far_off_the_plane_is_refused_not_a_nan_run():
    decoded = share.decode({"v": "1", "feat": "x1_sq,x2", "pts": "1e300:0:0"})
    assert decoded.config.extra_points == () and any("pts" in w for w in decoded.warnings)
    bc.build(decoded.config)  # no "NaN or infinite values"
    _, tr = bc.build(bc.RunConfig(features=("x1_sq", "x2")))
    events, stop = share.trainer_events(share.decode(
        {"step": "5", "ev": "2:pt:x=1e300,y=0,c=1"}).events, bc.RunConfig(), tr.shape())
    assert events == [] and "plane" in stop.reason


@pytest.mark.parametrize("ev", ["3:opt:name=sgd,lr=0.3,momentum=0.9",
                                "3:opt:name=adam,lr=0.01,nesterov=1",
                                "3:hp:lr=0.05", "3:reg:name=l2,rate=0.02"])
def test_a_link_entry_the_run_cannot_take_stops_the_run_before_it(ev):
    _, tr = bc.build(bc.RunConfig())
    decoded = share.decode({"v": "1", "step": "10", "ev": "1:hp:lr=0.1;" + ev})
    events, stop = share.trainer_events(decoded.events, decoded.config, tr.shape())
    assert len(events) == 1 and stop.index == 1 and stop.step == 3
    warning = stop.warning(decoded.n_events, share.format_event(decoded.events[1]))
    assert "change 2 of 2" in warning and "opens at step 3" in warning


# --- session files ---------------------------------------------------------------------------
def saved_run(config=None, steps=10, change=None):
    c = config or bc.RunConfig()
    _, tr = bc.build(c)
    tr.run_steps(2)
    if change:
        change(tr)
    tr.run_steps(steps - 2)
    c = bc.policy.config.with_trainer_settings(c, tr)
    return json.loads(json.dumps(bc.trainer_to_dict(tr, extra={"config": c.to_dict()})))


def load(saved) -> session_file.Loaded:
    return session_file.read(json.dumps(saved).encode())


def test_a_file_whose_log_sets_a_rate_no_widget_offers_is_refused_by_name():
    saved = saved_run(change=lambda tr: tr.set_hyperparams(lr=0.3))
    load(saved)  # an offered rate loads
    saved["events"][0][2]["lr"] = 0.05
    with pytest.raises(ValueError, match=r"state\.events\[0\].*lr 0\.05 is not offered"):
        load(saved)


def test_a_huge_batch_size_in_a_file_is_refused():
    saved = saved_run()
    saved["settings"]["batch_size"] = 10**18
    with pytest.raises(ValueError, match="batch_size"):
        load(saved)


def test_drawn_points_in_a_file_must_be_what_a_click_makes():
    c = bc.RunConfig()
    saved = saved_run(c, change=lambda tr: tr.add_sample(
        *bc.policy.config.point_sample(c, (1.0, 2.0), 1.0), (1.0, 2.0)))
    load(saved)
    for field, value, message in (("y", [0.5], "target"), ("x", [9.0, 9.0], "features"),
                                  ("raw", [50.0, 0.0], "plane")):
        broken = copy.deepcopy(saved)
        broken["events"][0][2][field] = value
        with pytest.raises(ValueError, match=message):
            load(broken)


def test_a_file_with_more_rows_than_an_upload_is_refused_before_reading_them():
    saved = saved_run()
    saved["data"]["X"] = saved["data"]["X"] * (MAX_DATA_ROWS // 100)
    started = time.process_time()
    with pytest.raises(ValueError, match="at most 5,000"):
        load(saved)
    assert time.process_time() - started < 1.0


def test_a_long_log_is_refused_and_its_replay_counted():
    saved = saved_run()
    freeze = [2, "freeze", {"layer": 0, "kind": "weights", "index": [0, 0], "frozen": True}]
    saved["events"] = [freeze] * 10_001
    with pytest.raises(ValueError, match="at most 10,000"):
        load(saved)


def test_features_in_another_order_are_the_run_the_file_saved():
    c = bc.RunConfig(features=("x2", "x1"))
    loaded = load(saved_run(c))
    assert loaded.config.features == ("x2", "x1") and loaded.trainer.step == 10


# --- the edit box ------------------------------------------------------------------------------
def test_an_edit_at_the_box_limit_saves_and_steps_on():
    for c in (bc.RunConfig(), bc.RunConfig(hidden=(8,) * 6, activations=("relu",) * 6)):
        _, tr = bc.build(c)
        tr.run_steps(3)
        tr.set_param(0, "weights", (0, 0), MAX_EDIT)
        json.dumps(bc.trainer_to_dict(tr))
        tr.run_steps(3)
        assert tr.diverged is None and tr.step == 6


def test_data_after_many_events_is_built_once():
    """45,000 points drawn then rewound: the data at a keyframe is one gather, not one
    copy of the training set per event."""
    from backprop_core.training.by_hand import data_after, data_op

    rng = np.random.default_rng(0)
    base = (rng.normal(size=(125, 2)), rng.normal(size=(125, 1)), rng.normal(size=(125, 2)))
    events = []
    for k in range(3000):
        if k % 3 == 2:
            events.append((0, "data", {"op": "remove", "index": int(rng.integers(0, 100))}))
        else:
            v = rng.normal(size=2).tolist()
            events.append((0, "data", {"op": "add", "x": v, "y": [1.0], "raw": v}))
    one_by_one = base
    for _, _, p in events:
        one_by_one = data_op(one_by_one, p)
    at_once = data_after(base, events, len(events))
    assert all(np.array_equal(a, b) for a, b in zip(one_by_one, at_once, strict=True))


def test_a_refused_file_is_named_never_echoed_whole():
    saved = saved_run()
    saved["extra"]["config"]["x" * 1_000_000] = 1
    with pytest.raises(ValueError) as exc:
        load(saved)
    assert "state.extra.config" in str(exc.value) and len(str(exc.value)) <= 300
    saved = saved_run()
    saved["network"]["init"] = "y" * 100_000
    with pytest.raises(ValueError, match="state.network.init") as exc:
        load(saved)
    assert len(str(exc.value)) < 200


def test_a_replay_finds_each_steps_changes_without_reading_the_whole_log():
    """A rewind visits every step since the keyframe; it used to scan the whole log at
    each (40,000 freezes over 100,000 steps: 135 s to load, again at every Undo)."""
    def rewind_cost(n_events):
        _, tr = bc.build(bc.RunConfig(batch_size=30))
        tr.keyframe_interval = 10**6  # one keyframe: a rewind replays every step
        for k in range(n_events):
            tr.set_frozen(0, "weights", (0, k % 2), k % 2 == 0)
        tr.run_steps(1500)
        started = time.process_time()
        tr.goto(1499)
        return time.process_time() - started

    rewind_cost(0)  # warm up
    quiet, busy = min(rewind_cost(0) for _ in range(2)), min(rewind_cost(10_000) for _ in range(2))
    assert busy < 2 * quiet + 0.05, (quiet, busy)
