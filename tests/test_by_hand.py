"""Changes by hand and schedules in the engine: a parameter set or frozen, a point drawn or
removed, a learning-rate schedule. Each is a logged event, so rewinds, session files and
share links replay it bit for bit."""

import json
import math

import numpy as np
import pytest

import backprop_core as bc
from backprop_core.network.schedules import Schedule
from backprop_core.policy.config import label_of, point_sample
from data_io import share

# What torch.optim.lr_scheduler printed (torch 2.13.0, CPU): the lr of updates 0..11 for
# base lr 0.1, one scheduler.step() after each optimizer.step().
TORCH = {
    Schedule("step", step_size=3, gamma=0.5): [
        0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.0125],
    Schedule("exponential", gamma=0.9): [
        0.1, 0.09000000000000001, 0.08100000000000002, 0.07290000000000002,
        0.06561000000000002, 0.05904900000000002, 0.05314410000000002, 0.04782969000000002,
        0.043046721000000024, 0.03874204890000002, 0.03486784401000002, 0.03138105960900001],
    Schedule("cosine", t_max=5, eta_min=0.001): [
        0.1, 0.0905463412215599, 0.06579634122155989, 0.035203658778440096,
        0.010453658778440105, 0.001, 0.010453658778440102, 0.03520365877844012,
        0.06579634122155993, 0.09054634122155995, 0.10000000000000005, 0.09054634122155998],
    Schedule("warmup", warmup_steps=4, start_factor=0.1): [
        0.010000000000000002, 0.03250000000000001, 0.055000000000000014, 0.07750000000000003,
        0.10000000000000003, 0.10000000000000003, 0.10000000000000003, 0.10000000000000003,
        0.10000000000000003, 0.10000000000000003, 0.10000000000000003, 0.10000000000000003],
}


@pytest.mark.parametrize("schedule", list(TORCH), ids=lambda s: s.name)
def test_schedules_match_torch(schedule):
    ours = [schedule.lr(0.1, t) for t in range(12)]
    assert ours == pytest.approx(TORCH[schedule], rel=1e-14, abs=1e-16)


def test_constant_schedule_is_the_rate():
    assert all(Schedule().lr(0.03, t) == 0.03 for t in range(5))


def test_trainer_uses_the_scheduled_rate_per_update():
    """SGD's update Δ = -lr_t · g, with lr_t the schedule's rate of that update."""
    c = bc.RunConfig(schedule="step", sched_step=2, sched_gamma=0.5, lr=0.1)
    _, tr = bc.build(c)
    for t in range(5):
        tr.run_phase()
        tr.run_phase()
        g = tr.grads.weights[0].copy()
        tr.run_phase()
        expected = -(0.1 * 0.5 ** (t // 2)) * g
        assert np.array_equal(tr.last_update.weights[0], expected)


def _run_with_everything(optimizer="adam"):
    """A run with every kind of change by hand, some mid-step, and a schedule."""
    c = bc.RunConfig(dataset="xor", optimizer=optimizer, lr=0.03)
    _, tr = bc.build(c)
    tr.run_steps(12)
    tr.set_schedule(Schedule("cosine", t_max=40))
    tr.set_param(0, "weights", (1, 2), 0.75)
    tr.set_frozen(1, "weights", (0, 0))
    tr.run_phase()  # mid-step: the forward pass is run again with the edited bias
    tr.set_param(1, "biases", (3,), -0.5)
    tr.run_steps(7)
    x, y = point_sample(c, (1.5, -2.0), 1)
    tr.add_sample(x, y, (1.5, -2.0))
    tr.remove_sample(0)
    tr.run_phase()
    tr.run_phase()  # mid-step again, after Backward: both phases run again
    tr.set_param(2, "weights", (3, 0), 1.25)
    tr.run_steps(30)
    return c, tr


def _params(tr):
    return [p.copy() for p in tr.net.weights + tr.net.biases]


def _same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_edit_sets_the_value_and_the_record_follows():
    _, tr = bc.build(bc.RunConfig())
    tr.run_steps(3)
    before = tr.history[3].train_loss
    tr.set_param(0, "weights", (0, 1), 2.5)
    assert tr.net.weights[0][0, 1] == 2.5
    assert tr.history[3].train_loss == tr.evaluate()["train_loss"] != before


def test_mid_step_edit_equals_an_edit_before_the_step():
    """An edit after Forward gives exactly the step an edit before Forward gives."""
    _, a = bc.build(bc.RunConfig())
    _, b = bc.build(bc.RunConfig())
    a.run_steps(4)
    b.run_steps(4)
    a.run_phase()
    a.run_phase()
    a.set_param(1, "weights", (2, 3), -1.0)
    b.set_param(1, "weights", (2, 3), -1.0)
    a.run_phase()
    b.finish_step()
    assert _same(_params(a), _params(b))


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_frozen_parameter_keeps_value_and_state(optimizer):
    _, tr = bc.build(bc.RunConfig(optimizer=optimizer, lr=0.1))
    tr.run_steps(3)
    w = tr.net.weights[1][2, 1]
    state = {s: v["weights"][1][2, 1] for s, v in tr.optimizer.state.items()}
    tr.set_frozen(1, "weights", (2, 1))
    tr.run_steps(10)
    assert tr.net.weights[1][2, 1] == w
    assert {s: v["weights"][1][2, 1] for s, v in tr.optimizer.state.items()} == state
    tr.run_phase()  # the gradient is still computed:
    tr.run_phase()
    assert tr.grads.weights[1][2, 1] != 0.0
    tr.run_phase()
    assert tr.last_update.weights[1][2, 1] == 0.0
    tr.set_frozen(1, "weights", (2, 1), False)
    tr.finish_step()
    assert tr.net.weights[1][2, 1] != w


def test_frozen_parameter_leaves_the_others_as_without_it():
    """Freezing one weight changes nothing about the other weights' update rule: with SGD,
    one step from the same state moves every other parameter by exactly -lr·g."""
    _, tr = bc.build(bc.RunConfig(lr=0.3))
    tr.run_steps(2)
    tr.set_frozen(0, "biases", (1,))
    before = _params(tr)
    tr.run_phase()
    tr.run_phase()
    grads = tr.grads.weights + tr.grads.biases
    tr.run_phase()
    for k, (b, g, a) in enumerate(zip(before, grads, _params(tr), strict=True)):
        expected = b + (-0.3) * g
        if k == len(tr.net.weights):  # layer 0's biases: neuron 1 frozen
            expected[1] = b[1]
        assert np.array_equal(a, expected)


def test_points_drawn_and_removed_change_the_data():
    c = bc.RunConfig(dataset="circle")
    _, tr = bc.build(c)
    n = len(tr.X)
    x, y = point_sample(c, (0.5, 0.25), 0)
    tr.run_phase()
    tr.add_sample(x, y, (0.5, 0.25))
    assert tr.phase_index == 0 and len(tr.X) == n + 1 and len(tr.X_raw) == n + 1
    assert np.array_equal(tr.X[-1], bc.apply_features(np.array([[0.5, 0.25]]), c.features)[0])
    assert tr.history[0].train_loss == tr.evaluate()["train_loss"]
    assert sorted(tr.perm) == list(range(n + 1))
    tr.remove_sample(0)
    assert len(tr.X) == n and np.array_equal(tr.X_raw[-1], [0.5, 0.25])
    with pytest.raises(ValueError):
        point_sample(c, (0, 0), 2)  # circle has classes 0 and 1


def test_everything_by_hand_replays_after_rewind():
    _, tr = _run_with_everything()
    end, params = tr.step, _params(tr)
    for step in (0, 5, 13, 20, end - 1):
        tr.goto(step)
        tr.goto(end)
        assert _same(_params(tr), params), step
    assert len(tr.X) == len(tr.base_data[0])  # one drawn, one removed


def test_everything_by_hand_replays_from_a_session_file():
    _, tr = _run_with_everything("momentum")
    tr.run_phase()
    loaded = bc.trainer_from_dict(json.loads(json.dumps(bc.trainer_to_dict(tr))))
    assert loaded.step == tr.step and loaded.phase_index == 1
    assert _same(_params(loaded), _params(tr))
    assert loaded.frozen == tr.frozen and loaded.schedule == tr.schedule
    assert np.array_equal(loaded.X, tr.X) and np.array_equal(loaded.X_raw, tr.X_raw)
    tr.run_steps(20)
    loaded.run_steps(20)
    assert _same(_params(loaded), _params(tr))


def _replay_link(c, params):
    """What the page does with a link: build the link's config, check its log against the
    run (share.trainer_events), then make its changes at their steps on the way to its
    step (as ui.live_packet.apply_event does)."""
    from ui.live_packet import apply_event

    decoded = share.decode(params)
    assert not decoded.warnings, decoded.warnings
    _, tr = bc.build(decoded.config)
    events, stop = share.trainer_events(decoded.events, decoded.config, tr.shape())
    assert stop is None, stop
    while tr.step < decoded.step or events:
        if events and events[0][0] == tr.step:
            apply_event(tr, events.pop(0))
        else:
            tr.finish_step()
    for _ in range(decoded.phase):
        tr.run_phase()
    return tr


def test_everything_by_hand_replays_through_a_share_link():
    c, tr = _run_with_everything("sgd")
    tr.run_phase()
    params = share.encode(c, step=tr.step, events=tuple(tr.events), phase=tr.phase_index)
    replayed = _replay_link(c, params)
    assert replayed.step == tr.step and replayed.phase_index == tr.phase_index
    assert _same(_params(replayed), _params(tr))
    assert replayed.frozen == tr.frozen and np.array_equal(replayed.X, tr.X)


def test_link_refuses_malformed_changes_by_hand():
    """Entries that do not read stop the log at the link (it opens before them); entries
    that read but do not fit the run stop it when checked against the run."""
    for ev in ("3:ed:l=0,k=q,i=1.2,v=1", "3:ed:l=0,k=w,i=1,v=1", "3:fz:l=0,k=b,i=1,f=2",
               "3:pt:x=1,y=nan,c=0", "3:rm:i=-1"):
        decoded = share.decode({"step": "5", "ev": ev})
        assert decoded.events == () and decoded.step == 0, ev
        assert any(w.startswith("ev: change 1 of 1") for w in decoded.warnings), ev
    _, tr = bc.build(bc.RunConfig())
    for ev in ("3:sch:name=cosine,t_max=0", "3:ed:l=9,k=w,i=0.0,v=1", "3:rm:i=999",
               "3:pt:x=1,y=1,c=7", "3:pt:x=99,y=1,c=1", "3:ed:l=0,k=w,i=0.0,v=1e9",
               "3:opt:name=sgd,lr=0.3,momentum=0.9", "3:hp:lr=0.05"):
        decoded = share.decode({"step": "5", "ev": "1:hp:lr=0.1;" + ev})
        assert len(decoded.events) == 2 and not decoded.warnings, ev
        events, stop = share.trainer_events(decoded.events, decoded.config, tr.shape())
        assert len(events) == 1 and (stop.index, stop.step) == (1, 3), ev


def test_session_file_refuses_bad_changes_by_hand():
    _, tr = _run_with_everything("sgd")
    saved = bc.trainer_to_dict(tr)
    kinds = [e[1] for e in saved["events"]]
    for kind, field, bad in (("edit", "index", [9, 9]), ("edit", "value", "x"),
                             ("freeze", "frozen", 1), ("schedule", "t_max", 0),
                             ("data", "index", 10_000), ("data", "x", [1.0])):
        broken = json.loads(json.dumps(saved))
        k = next(i for i, e in enumerate(saved["events"])
                 if e[1] == kind and field in e[2])
        broken["events"][k][2][field] = bad
        with pytest.raises(bc.StateError, match=r"state\.events"):
            bc.trainer_from_dict(broken)
    assert {"edit", "freeze", "schedule", "data"} <= set(kinds)


def test_label_of_is_point_samples_inverse():
    c = bc.RunConfig(dataset="blobs", n_classes=4) if "blobs" in bc.DATASETS else None
    for cfg, label in ((bc.RunConfig(), 1.0), (bc.RunConfig(dataset="plane"), -0.25)):
        _, y = point_sample(cfg, (0.0, 0.0), label)
        assert label_of(y) == label
    if c is not None:
        _, y = point_sample(c, (0.0, 0.0), 3)
        assert label_of(y) == 3.0
    assert math.isfinite(Schedule("cosine").lr(0.1, 10_000))


def test_undo_takes_changes_by_hand_back_one_at_a_time():
    c = bc.RunConfig()
    _, tr = bc.build(c)
    tr.run_steps(5)
    before, n, loss = _params(tr), len(tr.X), tr.history[5].train_loss
    x, y = point_sample(c, (0.1, 0.2), 0)
    tr.add_sample(x, y, (0.1, 0.2))
    tr.set_param(0, "biases", (1,), 3.0)
    tr.undo()
    assert tr.step == 5 and len(tr.X) == n + 1 and _same(_params(tr), before)
    tr.undo()
    assert tr.step == 5 and len(tr.X) == n and tr.events == []
    assert tr.history[5].train_loss == loss
    tr.undo()
    assert tr.step == 4


def test_frozen_indices_point_into_param_rows():
    from viz import live_frames as lf

    _, tr = bc.build(bc.RunConfig(hidden=(3, 2), activations=("tanh", "tanh")))
    tr.set_frozen(1, "weights", (2, 1))
    tr.set_frozen(2, "biases", (0,))
    rows = lf.param_rows(tr.net, None, None)[0]
    at = lf.frozen_indices(tr.net, tr.frozen)
    n_weights = sum(W.size for W in tr.net.weights)
    assert at == [n_weights + 3 + 2 + 0, 2 * 3 + 2 * 2 + 1]  # ("biases", 2, 0) sorts first
    assert [rows[k] for k in at] == [tr.net.biases[2][0], tr.net.weights[1][2, 1]]


def test_session_file_with_changes_by_hand_loads_with_its_settings():
    from data_io import session_file

    c, tr = _run_with_everything("adam")
    c = c.with_(**{f: v for f, v in bc.policy.config.with_trainer_settings(c, tr).to_dict().items()
                   if f.startswith("sched") or f == "schedule"})
    raw = json.dumps(bc.trainer_to_dict(tr, extra={"config": c.to_dict()})).encode()
    loaded = session_file.read(raw)
    assert _same(_params(loaded.trainer), _params(tr))
    assert np.array_equal(loaded.trainer.X, tr.X)
    assert loaded.config.schedule == "cosine" and loaded.config.sched_tmax == 40
    wrong = json.loads(raw)
    wrong["extra"]["config"]["sched_tmax"] = 41
    with pytest.raises(ValueError, match="sched_tmax"):
        session_file.read(json.dumps(wrong).encode())


def test_a_link_refuses_a_log_it_cannot_carry():
    """Hundreds of drawn points: the link says it cannot carry them (never a link that
    replays another run); a session file can."""
    c = bc.RunConfig()
    _, tr = bc.build(c)
    for k in range(share.MAX_EVENTS + 1):
        x, y = point_sample(c, (k / 100, 0.5), k % 2)
        tr.add_sample(x, y, (k / 100, 0.5))
    with pytest.raises(share.LogTooLong, match="at most"):
        share.encode(c, step=tr.step, events=tuple(tr.events))
    params = share.encode(c, step=tr.step, events=tuple(tr.events[:share.MAX_EVENTS]))
    assert len(share.decode(params).events) == share.MAX_EVENTS


def _hypothesis_actions():
    from hypothesis import strategies as st

    action = st.one_of(
        st.tuples(st.just("steps"), st.integers(1, 6)),
        st.tuples(st.just("phase"), st.just(0)),
        st.tuples(st.just("edit"), st.integers(0, 10**6)),
        st.tuples(st.just("freeze"), st.integers(0, 10**6)),
        st.tuples(st.just("add"), st.integers(0, 10**6)),
        st.tuples(st.just("remove"), st.integers(0, 10**6)),
        st.tuples(st.just("schedule"), st.sampled_from(["constant", "step", "cosine"])),
        st.tuples(st.just("lr"), st.sampled_from([0.01, 0.1, 0.3])))
    return st.lists(action, min_size=1, max_size=14)


def _act(tr, c, kind, k):
    """One user action on trainer ``tr`` (``k`` picks which parameter, point, ...)."""
    params = [(layer, kind_, idx) for layer in range(tr.net.n_layers)
              for kind_ in ("weights", "biases")
              for idx in np.ndindex(getattr(tr.net, kind_)[layer].shape)]
    if kind == "steps":
        tr.run_steps(k)
    elif kind == "phase":
        tr.run_phase()
    elif kind in ("edit", "freeze"):
        layer, kind_, idx = params[k % len(params)]
        if kind == "edit":
            tr.set_param(layer, kind_, idx, (k % 17 - 8) / 4)
        else:
            tr.set_frozen(layer, kind_, idx, not tr.is_frozen(layer, kind_, idx))
    elif kind == "add":
        raw = ((k % 97) / 10 - 4.8, (k % 89) / 10 - 4.4)
        x, y = point_sample(c, raw, k % 2)
        tr.add_sample(x, y, raw)
    elif kind == "remove":
        tr.remove_sample(k % len(tr.X))
    elif kind == "schedule":
        tr.set_schedule(Schedule(k, step_size=3, t_max=7))
    else:
        tr.set_hyperparams(lr=k)


def test_any_mix_of_changes_replays_bit_for_bit():
    """Random sequences of steps, phases and changes by hand (Hypothesis): a rewind to any
    step and back, and a session file, give the very same parameters and data."""
    from hypothesis import given, settings

    @settings(max_examples=40, deadline=None)
    @given(_hypothesis_actions())
    def check(actions):
        c = bc.RunConfig(optimizer="adam", lr=0.1, hidden=(3,), activations=("tanh",),
                         batch_size=7)
        _, tr = bc.build(c)
        for kind, k in actions:
            if tr.diverged is not None:
                return
            _act(tr, c, kind, k)
        if tr.diverged is not None:
            return
        params, X, step, phase = _params(tr), tr.X.copy(), tr.step, tr.phase_index
        loaded = bc.trainer_from_dict(json.loads(json.dumps(bc.trainer_to_dict(tr))))
        assert _same(_params(loaded), params) and np.array_equal(loaded.X, X)
        assert (loaded.step, loaded.phase_index) == (step, phase)
        for target in {0, step // 2, max(step - 1, 0)}:
            tr.goto(target)
            tr.goto(step)
            for _ in range(phase):
                tr.run_phase()
            assert _same(_params(tr), params) and np.array_equal(tr.X, X), target

    check()


def test_the_trainer_and_the_file_reader_name_parameters_by_one_rule():
    from backprop_core.training.changes import param_key

    _, tr = bc.build(bc.RunConfig())
    assert param_key(tr.net.layer_sizes, np.int64(1), "weights", (np.int64(2), 3)) == {
        "layer": 1, "kind": "weights", "index": [2, 3]}
    for layer, kind, index in ((0, "weights", (1.5, 0)), (True, "biases", (0,)),
                               (0, "biases", (0, 0)), (3, "weights", (0, 0)),
                               (0, "W", (0, 0)), (0, "weights", (2, 0))):
        with pytest.raises(ValueError):
            param_key(tr.net.layer_sizes, layer, kind, index)
        with pytest.raises(ValueError):
            tr.set_param(layer, kind, index, 1.0)
