"""Snapshots, keyframes and rewinds (backprop_core.training.rewind): a snapshot's JSON reads back to
the very same state, a restored snapshot trains on bit for bit, keyframes thin out on a
doubling grid, and going to any step after thinning equals a straight run."""

import dataclasses
import json

import numpy as np
import pytest

import backprop_core as bc
from backprop_core.network.schedules import Schedule
from backprop_core.policy.config import point_sample
from backprop_core.training.keyframes import Keyframes
from backprop_core.training.snapshot import Snapshot

CONFIG = bc.RunConfig(dataset="xor", optimizer="adam", lr=0.03, batch_size=7, noise=0.1)


def params(tr):
    return [a.copy() for a in tr.net.weights + tr.net.biases]


def same_arrays(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()


def same_snapshot(a: Snapshot, b: Snapshot):
    """Every field equal, arrays bit for bit."""
    same_arrays(a.weights, b.weights)
    same_arrays(a.biases, b.biases)
    assert sorted(a.optimizer_state) == sorted(b.optimizer_state)
    for slot in a.optimizer_state:
        for kind in ("weights", "biases"):
            same_arrays(a.optimizer_state[slot][kind], b.optimizer_state[slot][kind])
    same_arrays([a.perm], [b.perm])
    arrays = {"weights", "biases", "optimizer_state", "perm"}
    for f in dataclasses.fields(Snapshot):
        if f.name not in arrays:
            assert getattr(a, f.name) == getattr(b, f.name), f.name


def busy_run(steps=40):
    """A run with a schedule, a penalty, a frozen parameter and a point drawn by hand."""
    _, tr = bc.build(CONFIG)
    tr.run_steps(5)
    tr.set_schedule(Schedule("cosine", t_max=40))
    tr.set_regularization("l2", 0.003)
    tr.set_frozen(1, "weights", (0, 0))
    x, y = point_sample(CONFIG, (1.5, -2.0), 1)
    tr.add_sample(x, y, (1.5, -2.0))
    tr.run_steps(steps - 5)
    return tr


def through_json(snap: Snapshot, tr) -> Snapshot:
    n_train = [len(tr.base_data[0]), len(tr.base_data[0]) + 1]  # before and after the point
    text = json.dumps(snap.to_dict(), allow_nan=False)
    return Snapshot.from_dict(json.loads(text), "snap", tr.net.layer_sizes, n_train)


# --- Snapshot ---------------------------------------------------------------------------------
def test_a_snapshot_reads_back_from_its_json_exactly():
    tr = busy_run()
    snap = Snapshot.of(tr)
    assert snap.n_data == 1 and snap.frozen and snap.optimizer_state  # all in use
    back = through_json(snap, tr)
    same_snapshot(back, snap)
    assert back.rng == tr.rng.bit_generator.state
    assert back.to_dict() == snap.to_dict()


def test_a_snapshot_is_a_copy_training_does_not_change():
    tr = busy_run()
    snap = Snapshot.of(tr)
    kept = through_json(snap, tr)
    tr.run_steps(5)
    same_snapshot(snap, kept)


def test_the_json_form_is_the_session_files():
    """Field names, order and encodings as session files have them (the RNG's integers as
    decimal strings); values whose text is exact, so the text itself is compared."""
    rng = np.random.default_rng(1).bit_generator.state
    snap = Snapshot(
        step=3, weights=[np.array([[0.5, -0.25]])], biases=[np.array([0.125, 0.0])],
        optimizer="momentum", hyperparams={"lr": 0.5, "momentum": 0.5, "nesterov": 0.0},
        t=3, optimizer_state={"velocity": {"weights": [np.array([[0.25, 0.0]])],
                                           "biases": [np.array([-0.75, 0.0])]}},
        rng=rng, epoch=1, batch_index=0, perm=np.array([2, 0, 1]),
        regularization="l2", reg_rate=0.25, schedule=Schedule().to_dict(),
        frozen=(("biases", 0, 1),), n_data=0)
    expected = (
        '{"step": 3, "weights": [[[0.5, -0.25]]], "biases": [[0.125, 0.0]], '
        '"optimizer": {"name": "momentum", "hyperparams": {"lr": 0.5, "momentum": 0.5, '
        '"nesterov": 0.0}, "t": 3, "state": {"velocity": {"weights": [[[0.25, 0.0]]], '
        '"biases": [[-0.75, 0.0]]}}}, "rng": {"bit_generator": "PCG64", "state": '
        '{"state": "207833532711051698738587646355624148094", '
        '"inc": "194290289479364712180083596243593368443"}, "has_uint32": 0, '
        '"uinteger": 0}, "epoch": 1, "batch_index": 0, "perm": [2, 0, 1], '
        '"regularization": ["l2", 0.25], "schedule": {"name": "constant", "step_size": 100, '
        '"gamma": 0.5, "t_max": 1000, "eta_min": 0.0, "warmup_steps": 100, '
        '"start_factor": 0.1}, "frozen": [["biases", 0, 1]], "n_data": 0}')
    assert json.dumps(snap.to_dict()) == expected
    same_snapshot(Snapshot.from_dict(json.loads(expected), "s", [1, 2], [3]), snap)


def test_a_file_from_before_schedules_freezing_and_data_events_reads_as_none_of_them():
    tr = busy_run()
    old = Snapshot.of(tr).to_dict()
    for key in ("schedule", "frozen", "n_data"):
        del old[key]
    old["perm"] = list(range(len(tr.base_data[0])))
    snap = Snapshot.from_dict(old, "s", tr.net.layer_sizes, [len(tr.base_data[0])])
    assert (snap.schedule, snap.frozen, snap.n_data) == (Schedule().to_dict(), (), 0)


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d["weights"][0].pop(), "s.weights[0]"),
    (lambda d: d["optimizer"].update(t=-1), "s.optimizer.t"),
    (lambda d: d["optimizer"]["state"].pop("m"), "s.optimizer.state"),
    (lambda d: d["rng"]["state"].update(inc="12a"), "s.rng.state.inc"),
    (lambda d: d["perm"].append(0), "s.perm"),
    (lambda d: d.update(n_data=2), "s.n_data"),
    (lambda d: d.update(frozen=[["weights", 9, 0, 0]]), "s.frozen[0]"),
])
def test_a_bad_field_is_refused_by_name(change, field):
    tr = busy_run()
    d = json.loads(json.dumps(Snapshot.of(tr).to_dict()))
    change(d)
    with pytest.raises(bc.StateError, match=field.replace("[", r"\[").replace(".", r"\.")):
        Snapshot.from_dict(d, "s", tr.net.layer_sizes, [len(tr.base_data[0]) + k for k in (0, 1)])


def test_a_restored_snapshot_trains_on_bit_for_bit():
    tr = busy_run(20)
    snap = through_json(Snapshot.of(tr), tr)
    other = tr.fork()
    other.run_steps(15)  # somewhere else: other weights, optimizer state, RNG, batch
    assert not np.array_equal(other.net.weights[0], tr.net.weights[0])
    snap.restore_into(other)
    tr.run_steps(15)
    other.run_steps(15)
    assert other.step == tr.step == 35
    same_arrays(params(other), params(tr))
    for slot in tr.optimizer.state:
        same_arrays(other.optimizer.state[slot]["weights"], tr.optimizer.state[slot]["weights"])
    assert other.rng.bit_generator.state == tr.rng.bit_generator.state
    assert other.history.to_dict() == tr.history.to_dict()


# --- Keyframes --------------------------------------------------------------------------------
def test_keyframes_thin_to_step_0_and_the_doubled_grid_never_past_the_maximum():
    _, tr = bc.build(CONFIG)
    base = Snapshot.of(tr)
    keyframes = Keyframes(3, 5, [base])
    for step in range(1, 2000):
        if keyframes.due(step):
            keyframes.add(dataclasses.replace(base, step=step))
        assert len(keyframes) <= 5
        assert sorted(keyframes) == list(range(0, step + 1, keyframes.interval))
    assert keyframes.interval == 3 * 2**8  # 768: the grid doubled 8 times
    assert keyframes[0] is base  # kept, not copied


def test_keyframes_nearest_truncate_and_copy():
    _, tr = bc.build(CONFIG)
    base = Snapshot.of(tr)
    keyframes = Keyframes(10, 100, [dataclasses.replace(base, step=s) for s in (0, 10, 20)])
    assert keyframes.nearest_at_or_before(19).step == 10
    assert keyframes.nearest_at_or_before(20).step == 20
    copy = keyframes.copy()
    keyframes.truncate(15)
    assert sorted(keyframes) == [0, 10] and sorted(copy) == [0, 10, 20]
    copy.max_count = 2
    copy.add(dataclasses.replace(base, step=30))
    assert (copy.interval, sorted(copy)) == (20, [0, 20])
    assert (keyframes.interval, sorted(keyframes)) == (10, [0, 10])


def test_a_fork_thins_its_own_keyframes():
    tr = busy_run(10)
    tr.keyframe_interval, tr.max_keyframes = 2, 4
    fork = tr.fork()
    fork.run_steps(50)
    assert fork.keyframe_interval > 2 and tr.keyframe_interval == 2
    assert max(tr.keyframes) <= 10


# --- rewinds ----------------------------------------------------------------------------------
def straight_run(tr, steps, seen):
    """``steps`` steps with changes on the way; ``seen[s]``: the parameters after step s
    and the changes made there (what ``goto(s)`` restores)."""
    for _ in range(steps):
        if tr.step == 17:
            tr.set_hyperparams(lr=0.01)
        if tr.step == 30:
            tr.set_param(0, "weights", (1, 0), 0.5)
            tr.set_frozen(1, "biases", (0,))
        if tr.step == 44:
            tr.set_optimizer("momentum", lr=0.05, momentum=0.9)
        seen[tr.step] = params(tr)
        tr.finish_step()
    seen[tr.step] = params(tr)


def test_goto_any_step_after_thinning_equals_a_straight_run():
    _, tr = bc.build(CONFIG)
    tr.keyframe_interval, tr.max_keyframes = 3, 4
    straight = {}
    straight_run(tr, 90, straight)
    assert tr.keyframe_interval == 24 and sorted(tr.keyframes) == [0, 24, 48, 72]
    for step in [*np.random.default_rng(0).permutation(91), 90, 0, 90]:
        tr.goto(step)
        assert tr.step == step
        same_arrays(params(tr), straight[step])
    tr.goto(52)
    tr.run_steps(3)  # a new future from there: the log's later changes are gone
    assert tr.history.last_step == 55 and max(tr.keyframes) <= 55
    assert all(s <= 52 for s, _, _ in tr.events)


def test_undo_takes_back_a_change_by_hand_then_steps():
    _, tr = bc.build(CONFIG)
    tr.run_steps(4)
    before = params(tr)
    tr.set_param(0, "weights", (0, 0), 2.0)
    assert tr.can_undo()
    tr.undo()
    assert tr.step == 4 and tr.events == []
    same_arrays(params(tr), before)
    tr.undo()
    assert tr.step == 3
    tr.reset()
    assert tr.step == 0 and not tr.can_undo() and tr.history.last_step == 0


def state(tr):
    """Everything a step depends on and shows, to compare runs bit for bit."""
    snap = Snapshot.of(tr)
    return (params(tr), tr.step, tr.phase_index, list(tr.events), tr.history.to_dict(),
            sorted(tr.keyframes), snap.optimizer_state, snap.rng, snap.perm.tobytes(),
            sorted(tr.frozen), tr.X.tobytes())


def same_state(a, b):
    (pa, *rest_a), (pb, *rest_b) = a, b
    same_arrays(pa, pb)
    assert repr(rest_a) == repr(rest_b)


def test_redo_takes_back_each_undo_of_changes_by_hand_and_steps_bit_for_bit():
    _, tr = bc.build(CONFIG)
    tr.run_steps(5)
    tr.set_param(0, "weights", (0, 1), 0.5)
    tr.set_frozen(1, "biases", (0,), True)
    x, y = point_sample(CONFIG, (0.3, -0.2), 1)
    tr.add_sample(x, y, (0.3, -0.2))
    tr.run_steps(2)
    tr.set_param(1, "weights", (1, 0), -0.25)
    states = [state(tr)]
    while tr.can_undo():  # every change and every step back to the start
        tr.undo()
        states.append(state(tr))
    assert tr.step == 0 and len(states) == 1 + 1 + 7 + 3
    for expected in reversed(states[:-1]):
        assert tr.can_redo()
        tr.redo()
        same_state(state(tr), expected)
    assert not tr.can_redo()
    tr.run_steps(3)  # and the run goes on exactly as it would have
    _, again = bc.build(CONFIG)
    again.run_steps(5)
    again.set_param(0, "weights", (0, 1), 0.5)
    again.set_frozen(1, "biases", (0,), True)
    again.add_sample(x, y, (0.3, -0.2))
    again.run_steps(2)
    again.set_param(1, "weights", (1, 0), -0.25)
    again.run_steps(3)
    same_state(state(tr), state(again))


def test_a_new_change_after_undo_leaves_nothing_to_redo():
    _, tr = bc.build(CONFIG)
    tr.run_steps(3)
    tr.set_param(0, "weights", (0, 0), 0.5)
    tr.undo()
    assert tr.can_redo()
    tr.set_param(0, "weights", (0, 0), -0.5)  # another branch
    assert not tr.can_redo()
    tr.undo()
    tr.redo()  # the new change, not the one taken back before it
    assert tr.events[-1][2]["value"] == -0.5 and not tr.can_redo()
    tr.undo()
    tr.run_phase()  # a phase run: what Undo took back is not what comes next
    assert not tr.can_redo()


def test_what_redo_keeps_is_bounded(monkeypatch):
    from backprop_core.training import rewind

    monkeypatch.setattr(rewind, "MAX_UNDONE_RECORDS", 25)
    _, tr = bc.build(CONFIG)
    for value in (0.1, 0.2, 0.3):  # three edits at step 0, each followed by 10 steps
        tr.set_param(0, "weights", (0, 0), value)
        tr.run_steps(10)
        tr.goto(0)
        tr.undo()  # takes the edit back, with the 10 steps recorded after it
        assert tr.can_redo()
    kept = [len(future[0]["step"]) for _, future, _ in tr.undone]
    assert kept == [10, 10] and sum(kept) <= 25  # the oldest went first
    tr.redo()
    assert tr.history.last_step == 10 and tr.events[-1][2]["value"] == 0.3
