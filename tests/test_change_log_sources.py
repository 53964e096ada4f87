"""Any log of changes, from a share link, a session file or made in the UI, is replayed
exactly or refused naming its first bad entry (never a traceback, never a value quietly
replaced), and the same log gives the same run from all three sources (Hypothesis)."""

import json

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backprop_core as bc
from backprop_core.policy.offered import OFFERED
from backprop_core.training.changes import check
from data_io import session_file, share
from data_io.share_log import format_event, trainer_event

CONFIG = bc.RunConfig(hidden=(3,), activations=("tanh",), batch_size=5)
LAST_STEP = 6


def offered_or_not(name):
    spec = OFFERED[name]
    values = list(getattr(spec, "values", ())) or [spec.lo, spec.hi]
    return st.one_of(st.sampled_from(values), st.sampled_from([0.05, 0.77, 1e-7]))


SETTINGS = {
    "hyperparams": st.fixed_dictionaries({"lr": offered_or_not("lr")}),
    "optimizer": st.one_of(
        st.fixed_dictionaries({"name": st.just("sgd"), "lr": offered_or_not("lr")}),
        st.fixed_dictionaries({"name": st.just("momentum"), "lr": offered_or_not("lr"),
                               "momentum": st.sampled_from([0.5, 0.9, 0.555])}),
        st.fixed_dictionaries({"name": st.just("sgd"), "lr": st.just(0.1),
                               "momentum": st.just(0.9)})),  # a setting sgd does not have
    "regularization": st.fixed_dictionaries({"name": st.sampled_from(["l1", "l2", "none"]),
                                             "rate": offered_or_not("reg_rate")}),
    "schedule": st.fixed_dictionaries({"name": st.sampled_from(["step", "exponential"]),
                                       "gamma": offered_or_not("sched_gamma")}),
    "edit": st.fixed_dictionaries({"layer": st.integers(0, 2),
                                   "kind": st.just("weights"),
                                   "index": st.tuples(st.integers(0, 3), st.integers(0, 3))
                                   .map(list),
                                   "value": st.sampled_from([0.5, -2.0, 999.0, 1e6])}),
    "freeze": st.fixed_dictionaries({"layer": st.integers(0, 1), "kind": st.just("biases"),
                                     "index": st.integers(0, 3).map(lambda i: [i]),
                                     "frozen": st.booleans()}),
    "point": st.fixed_dictionaries({"raw": st.tuples(st.sampled_from([-3.0, 0.5, 40.0]),
                                                     st.just(1.0)).map(list),
                                    "label": st.sampled_from([0.0, 1.0, 2.0])}),
    "remove": st.fixed_dictionaries({"index": st.sampled_from([0, 3, 500])}),
}


@st.composite
def logs(draw):
    steps = sorted(draw(st.lists(st.integers(0, LAST_STEP), max_size=6)))
    return [(s, kind, draw(SETTINGS[kind]))
            for s, kind in zip(steps, draw(st.lists(st.sampled_from(list(SETTINGS)),
                                                    min_size=len(steps),
                                                    max_size=len(steps))), strict=True)]


def params(tr):
    return [a.copy() for a in (*tr.net.weights, *tr.net.biases)]


def by_ui(log):
    """Made in the UI: each change checked as the widgets are (offered values), then made
    by the trainer's own method. (trainer, index of the first refused entry or None)."""
    _, tr = bc.build(CONFIG)
    for k, event in enumerate(log):
        while tr.step < event[0]:
            tr.finish_step()
        try:
            step, kind, payload = trainer_event(event, CONFIG)
            check(kind, payload, tr.shape(), offered=True)
        except ValueError:
            return tr, k
        tr.apply_change(kind, payload)
    while tr.step < LAST_STEP:
        tr.finish_step()
    return tr, None


def by_link(log):
    """Through a link's text: (trainer, index of the first refused entry or None)."""
    text = ";".join(format_event(e) for e in log)
    decoded = share.decode({"v": "1", **share.encode(CONFIG), "step": str(LAST_STEP),
                            "ev": text})
    _, tr = bc.build(decoded.config)
    events, stop = share.trainer_events(decoded.events, decoded.config, tr.shape())
    end = LAST_STEP if stop is None else stop.step
    for step, kind, payload in events:
        while tr.step < step:
            tr.finish_step()
        tr.apply_change(kind, payload)
    while tr.step < end:
        tr.finish_step()
    index = None if stop is None else stop.index
    return tr, index


def file_with(log):
    """A session file of this config whose log is ``log`` (points as a file holds them:
    data events, whatever their label)."""
    _, tr = bc.build(CONFIG)
    tr.run_steps(LAST_STEP)
    saved = json.loads(json.dumps(bc.trainer_to_dict(tr, extra={"config": CONFIG.to_dict()})))
    events = []
    for step, kind, payload in log:
        if kind == "point":
            x = bc.policy.config.inputs(CONFIG, np.array([payload["raw"]]))[0].tolist()
            payload, kind = {"op": "add", "x": x, "y": [payload["label"]],
                             "raw": payload["raw"]}, "data"
        elif kind == "remove":
            payload, kind = {"op": "remove", "index": payload["index"]}, "data"
        events.append([step, kind, dict(payload)])
    saved["events"] = events
    return saved


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(logs())
def test_a_log_gives_one_run_or_one_refusal_from_every_source(log):
    ui, ui_stop = by_ui(log)
    link, link_stop = by_link(log)
    assert link_stop == ui_stop  # the same entry refused, or none
    if ui_stop is None:
        assert all(np.array_equal(a, b) for a, b in zip(params(ui), params(link), strict=True))
        saved = json.loads(json.dumps(bc.trainer_to_dict(ui, extra={
            "config": bc.policy.config.with_trainer_settings(CONFIG, ui).to_dict()})))
        loaded = session_file.read(json.dumps(saved).encode()).trainer
        assert loaded.events == ui.events
        assert all(np.array_equal(a, b) for a, b in zip(params(ui), params(loaded),
                                                       strict=True))
        for step in range(LAST_STEP, -1, -1):  # and it replays exactly from the file's log
            loaded.goto(step)
            ui.goto(step)
            assert all(np.array_equal(a, b) for a, b in zip(params(ui), params(loaded),
                                                           strict=True))
        return
    # Refused: a file with the same log is refused too, naming that entry; nothing raises
    # but the refusal.
    try:
        bc.trainer_from_dict(file_with(log), offered=True)
    except bc.StateError as exc:
        assert f"state.events[{ui_stop}]" in str(exc), (str(exc), ui_stop)
    else:
        raise AssertionError(f"a file with entry {ui_stop} of {log} was accepted")
