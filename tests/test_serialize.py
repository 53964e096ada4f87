"""Saving a trainer to a JSON-compatible dict and loading it back, exactly; bad input refused."""

import copy
import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backprop_core as bc
from backprop_core.policy.config import HIDDEN_ACTIVATIONS


def make(**changes):
    config = bc.RunConfig(**{"n_samples": 60, "noise": 0.1, "batch_size": 7, **changes})
    return bc.build(config)[1]


def to_json(trainer, extra=None) -> str:
    return json.dumps(bc.trainer_to_dict(trainer, extra), allow_nan=False)


def reload(trainer):
    return bc.trainer_from_dict(json.loads(to_json(trainer)))


def same_arrays(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert x.dtype == y.dtype and x.shape == y.shape
        assert np.array_equal(x, y) and x.tobytes() == y.tobytes()


def assert_same_state(a, b):
    same_arrays(a.net.weights, b.net.weights)
    same_arrays(a.net.biases, b.net.biases)
    oa, ob = a.optimizer, b.optimizer
    assert (oa.name, oa.hyperparams(), oa.t) == (ob.name, ob.hyperparams(), ob.t)
    assert sorted(oa.state) == sorted(ob.state)
    for slot in oa.state:
        for kind in ("weights", "biases"):
            same_arrays(oa.state[slot][kind], ob.state[slot][kind])
    assert a.rng.bit_generator.state == b.rng.bit_generator.state
    for name in ("step", "epoch", "batch_index", "next_phase", "keyframe_interval", "events"):
        assert getattr(a, name) == getattr(b, name), name
    assert np.array_equal(a.perm, b.perm)
    assert (a.regularization, a.reg_rate) == (b.regularization, b.reg_rate)
    assert a.history.to_dict() == b.history.to_dict()
    assert sorted(a.keyframes) == sorted(b.keyframes)


CONFIGS = [
    {"optimizer": "sgd"},
    {"optimizer": "momentum", "regularization": "l2", "reg_rate": 0.003},
    {"optimizer": "adam", "lr": 0.01, "regularization": "l1", "reg_rate": 0.001},
    {"dataset": "blobs", "optimizer": "adam", "lr": 0.01, "reduction": "sum"},
    {"dataset": "plane", "optimizer": "momentum", "hidden": (3,), "activations": ("relu",)},
]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(map(str, c.values())))
def test_round_trip_is_exact_and_training_continues_identically(config):
    a = make(**config)
    a.run_steps(23)  # 30 samples, batches of 7: 5 per epoch, mid-epoch now
    b = reload(a)
    assert b is not a and b.net is not a.net
    assert_same_state(a, b)
    assert a.optimizer.state or config["optimizer"] == "sgd"
    epoch = a.epoch
    for _ in range(50):
        a.finish_step()
        b.finish_step()
        assert a.history[a.step] == b.history[b.step]
    assert a.epoch >= epoch + 2  # reshuffled with the restored RNG, twice at least
    assert_same_state(a, b)


def test_a_fresh_trainer_round_trips_for_each_optimizer():
    for name in bc.OPTIMIZERS:  # no optimizer state exists before the first update
        a = make(optimizer=name)
        b = reload(a)
        assert_same_state(a, b)
        a.run_steps(8)
        b.run_steps(8)
        assert_same_state(a, b)


@pytest.mark.parametrize("phases", [1, 2])
@pytest.mark.parametrize("change_penalty", [False, True])
def test_saving_in_the_middle_of_a_step(phases, change_penalty):
    a = make(optimizer="adam", lr=0.01)
    a.run_steps(12)
    for _ in range(phases):
        a.run_phase()
    if change_penalty:  # gradients are recomputed with the new penalty mid-step
        a.set_regularization("l2", 0.01)
    b = reload(a)
    assert b.next_phase == a.next_phase == ("backward", "update")[phases - 1]
    assert np.array_equal(a.batch_idx, b.batch_idx) and a.batch_loss == b.batch_loss
    same_arrays(a.cache.z, b.cache.z)
    same_arrays(a.cache.a, b.cache.a)
    if phases == 2:
        for part in ("weights", "biases", "deltas"):
            same_arrays(getattr(a.grads, part), getattr(b.grads, part))
    else:
        assert a.grads is None and b.grads is None
    a.finish_step()
    b.finish_step()
    assert_same_state(a, b)
    a.run_steps(10)
    b.run_steps(10)
    assert_same_state(a, b)


@pytest.mark.parametrize("thin", [False, True])
def test_settings_changes_keyframes_and_rewind_survive(thin):
    data = bc.make_dataset("circle", 60, 0.1, 0.5, 0, 2)
    net = bc.Network([2, 4, 1], ["tanh", "sigmoid"], seed=3)
    a = bc.Trainer(net, data.X_train, data.Y_train, X_test=data.X_test, Y_test=data.Y_test,
                   loss="bce", optimizer=bc.SGD(lr=0.1), batch_size=7,
                   keyframe_interval=4 if thin else 25, max_keyframes=3 if thin else 100)
    a.run_steps(10)
    a.set_hyperparams(lr=0.05)
    a.run_steps(15)
    a.set_optimizer("adam", lr=0.01)
    a.run_steps(20)
    a.set_regularization("l1", 0.001)
    a.run_steps(12)
    a.set_optimizer("momentum", lr=0.02, nesterov=True)
    a.run_steps(10)
    a.goto(31)  # the recorded future (steps 32..67) is kept
    if thin:
        assert a.keyframe_interval > 4
    b = reload(a)
    assert_same_state(a, b)
    assert len(b.events) == 4 and b.history.last_step == 67
    for k in (67, 0, 5, 10, 11, 26, 45, 46, 57, 58, 31, 66):
        a.goto(k)
        b.goto(k)
        assert_same_state(a, b)
    a.goto(40)
    b.goto(40)
    a.run_steps(5)  # forgets the old future on both
    b.run_steps(5)
    assert_same_state(a, b)
    assert b.history.last_step == 45


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    dataset=st.sampled_from(["circle", "blobs", "plane"]),
    layers=st.lists(st.tuples(st.integers(1, 8), st.sampled_from(HIDDEN_ACTIVATIONS)),
                    max_size=3),
    optimizer=st.sampled_from(sorted(bc.OPTIMIZERS)),
    regularization=st.sampled_from(["none", "l1", "l2"]),
    batch_size=st.integers(1, 40),
    steps=st.integers(0, 60),
    phases=st.integers(0, 2),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_small_run_round_trips_exactly(dataset, layers, optimizer, regularization,
                                           batch_size, steps, phases, seed):
    tr = make(dataset=dataset, hidden=tuple(n for n, _ in layers),
              activations=tuple(f for _, f in layers), optimizer=optimizer, lr=0.01,
              regularization=regularization, reg_rate=0.001, batch_size=batch_size, seed=seed)
    tr.run_steps(steps)
    for _ in range(phases):
        tr.run_phase()
    first = bc.trainer_to_dict(tr, extra={"note": "x", "seed": seed})
    text = json.dumps(first, allow_nan=False)
    assert json.loads(text) == first  # JSON-compatible: no tuples, NumPy scalars or NaN
    again = bc.trainer_to_dict(bc.trainer_from_dict(json.loads(text)), {"note": "x", "seed": seed})
    assert json.dumps(again, allow_nan=False) == text  # shortest repr: equal text = equal bits


# --- bad input -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def saved():
    tr = make(optimizer="momentum")
    tr.run_steps(10)
    tr.set_hyperparams(lr=0.05)
    tr.run_steps(20)
    tr.set_regularization("l2", 0.001)
    tr.run_steps(3)
    d = bc.trainer_to_dict(tr, extra={"app": 1})
    assert len(d["keyframes"]) == 2 and len(d["events"]) == 2
    return d


def setter(path, value):
    """A mutation setting d[path...] = value; a value of DELETE removes the key."""
    def mutate(d):
        *parents, last = path
        for key in parents:
            d = d[key]
        if value is DELETE:
            del d[last]
        else:
            d[last] = value
    return mutate


DELETE = object()
TOP = ["format", "version", "network", "data", "settings", "current", "phase_index",
       "keyframes", "events", "history", "extra"]
W00 = ("current", "weights", 0, 0, 0)
BAD = [
    *[(setter((key,), DELETE), f"state.{key}") for key in TOP],
    (setter(("version",), 2), "state.version"),
    (setter(("version",), "1"), "state.version"),
    (setter(("format",), "tf-playground"), "state.format"),
    (setter(("network", "activations", 0), "swish"), "state.network.activations[0]"),
    (setter(("network", "init"), "glorot"), "state.network.init"),
    (setter(("network", "layer_sizes"), [2, 0, 4, 1]), "state.network.layer_sizes"),
    (setter(("network", "layer_sizes", 1), 4.0), "state.network.layer_sizes"),
    (setter(("settings", "loss"), "hinge"), "state.settings.loss"),
    (setter(("settings", "reduction"), "median"), "state.settings.reduction"),
    (setter(("settings", "task"), "ranking"), "state.settings.task"),
    (setter(("settings", "batch_size"), True), "state.settings.batch_size"),
    (setter(("settings", "seed"), "0"), "state.settings.seed"),
    (setter(("current", "optimizer", "name"), "rmsprop"), "state.current.optimizer.name"),
    (setter(("current", "optimizer", "hyperparams", "lr"), "0.1"),
     "state.current.optimizer.hyperparams.lr"),
    (setter(("current", "optimizer", "hyperparams", "momentum"), -1.0),
     "state.current.optimizer.hyperparams"),
    (setter(("current", "optimizer", "t"), -1), "state.current.optimizer.t"),
    (setter(("current", "optimizer", "state"), {"m": {}}), "state.current.optimizer.state"),
    (lambda d: d["current"]["weights"][0].pop(), "state.current.weights[0]"),
    (lambda d: d["current"]["biases"][1].append(0.0), "state.current.biases[1]"),
    (setter(("current", "weights"), []), "state.current"),
    (setter(W00, float("nan")), "state.current.weights[0][0][0]"),
    (setter(W00, float("-inf")), "state.current.weights[0][0][0]"),
    (setter(("keyframes", 1, "biases", 0, 0), float("inf")), "state.keyframes[1].biases[0][0]"),
    (setter(("current", "optimizer", "state", "velocity", "weights", 1, 0, 0), float("nan")),
     "state.current.optimizer.state.velocity.weights[1][0][0]"),
    (setter(W00, "0.5"), "state.current.weights[0][0][0]"),
    (setter(W00, True), "state.current.weights[0][0][0]"),
    (setter(W00, 10**400), "state.current.weights[0]"),
    (setter(W00, (1.0,)), "state.current.weights[0][0][0]"),
    (setter(("data", "X", 0, 1), "1"), "state.data.X[0][1]"),
    (setter(("current", "step"), True), "state.current.step"),
    (setter(("current", "step"), -1), "state.current.step"),
    (setter(("current", "step"), 10**6), "state.current.step"),
    (setter(("current", "epoch"), -2), "state.current.epoch"),
    (setter(("current", "batch_index"), 1.0), "state.current.batch_index"),
    (setter(("current", "perm", 0), 1), "state.current.perm"),
    (setter(("current", "perm", 0), "0"), "state.current.perm"),
    (lambda d: d["current"]["perm"].pop(), "state.current.perm"),
    (setter(("current", "regularization"), ["l3", 0.1]), "state.current.regularization"),
    (setter(("current", "regularization"), [["l2"], 0.1]), "state.current.regularization"),
    (setter(("current", "regularization", 1), -0.1), "state.current.regularization"),
    (setter(("current", "rng", "state", "state"), "12ab"), "state.current.rng.state.state"),
    (setter(("current", "rng", "state", "inc"), 5), "state.current.rng.state.inc"),
    (setter(("current", "rng", "bit_generator"), "MT19937"), "state.current.rng.bit_generator"),
    (setter(("current", "rng", "has_uint32"), "0"), "state.current.rng.has_uint32"),
    (setter(("phase_index",), 3), "state.phase_index"),
    (setter(("phase_index",), -1), "state.phase_index"),
    (setter(("events", 0, 1), "learning_rate"), "state.events[0]"),
    (setter(("events", 0, 2), {"lr": -0.1}), "state.events[0]"),
    (setter(("events", 0, 2), {"lr": "0.1"}), "state.events[0]"),
    (setter(("events", 0, 2), {"beta1": 0.5}), "state.events[0]"),  # momentum has no beta1
    (setter(("events", 1, 2), {"name": "l2", "rate": float("nan")}), "state.events[1][2].rate"),
    (setter(("events", 1, 2), {"name": "l9", "rate": 0.1}), "state.events[1]"),
    (setter(("events", 1, 0), 5), "state.events[1]"),  # out of order
    (setter(("events", 0), [10, "hyperparams"]), "state.events[0]"),
    (lambda d: d["history"]["train_loss"].pop(), "state.history.train_loss"),
    (setter(("history", "penalty"), DELETE), "state.history.penalty"),
    (setter(("history", "train_loss", 3), "0.5"), "state.history.train_loss[3]"),
    (setter(("history", "step", 3), 2), "state.history.step[3]"),
    (setter(("history", "weight_norms", 2), [1.0]), "state.history.weight_norms[2]"),
    (setter(("history", "grad_w_norms", 2), [1.0]), "state.history.grad_w_norms[2]"),
    (setter(("history", "weight_w_norms", 0), "1"), "state.history.weight_w_norms[0]"),
    (lambda d: d["history"]["update_w_norms"].pop(), "state.history.update_w_norms"),
    (lambda d: d["keyframes"].pop(0), "state.keyframes"),
    (lambda d: d["keyframes"].append(d["keyframes"][1]), "state.keyframes[2]"),
    (setter(("extra",), [1, 2]), "state.extra"),
    (setter(("extra",), {"x": {1, 2}}), "state.extra.x"),
]


@pytest.mark.parametrize("mutate, field", BAD, ids=[f"{k}-{f}" for k, (_, f) in enumerate(BAD)])
def test_bad_input_raises_state_error_naming_the_field(saved, mutate, field):
    d = copy.deepcopy(saved)
    mutate(d)
    with pytest.raises(bc.StateError, match=re.escape(field)) as info:
        bc.trainer_from_dict(d)
    assert isinstance(info.value, ValueError)


def test_a_file_saved_before_weights_only_norms_loads_with_them_absent(saved):
    """Files written before the history had ‖∂C/∂W‖, ‖ΔW‖, ‖W‖ still load: those steps have
    none (None, not a number made up), the others are as saved, and new steps have all."""
    old = copy.deepcopy(saved)
    for column in ("grad_w_norms", "update_w_norms", "weight_w_norms"):
        del old["history"][column]
    tr = bc.trainer_from_dict(old)
    n = len(saved["history"]["step"])
    assert len(tr.history) == n
    for k, step in enumerate(saved["history"]["step"]):
        rec = tr.history[step]
        assert rec.grad_w_norms is rec.update_w_norms is rec.weight_w_norms is None
        assert list(rec.grad_norms or []) == (saved["history"]["grad_norms"][k] or [])
    tr.run_steps(2)
    assert tr.history[tr.step].grad_w_norms is not None
    from backprop_core.training.health import update_ratios
    assert update_ratios(tr.history, "weights")[n - 1] is None  # absent, not a number
    assert update_ratios(tr.history, "weights")[-1] is not None


@pytest.mark.parametrize("value", [None, [], "state", 3, 1.5, ("a",)])
def test_non_dict_input_is_refused(value):
    with pytest.raises(bc.StateError, match="state: expected an object"):
        bc.trainer_from_dict(value)


def test_the_valid_dict_itself_loads(saved):
    d = copy.deepcopy(saved)
    assert bc.trainer_to_dict(bc.trainer_from_dict(d), extra={"app": 1}) == saved
    assert d == saved  # loading does not change its input


def test_nothing_is_half_loaded_and_inputs_are_not_mutated(saved):
    keep = bc.trainer_from_dict(saved)
    before = bc.trainer_to_dict(keep)
    weights = [w.tobytes() for w in keep.net.weights]
    bad = copy.deepcopy(saved)
    bad["phase_index"] = 5  # checked last, after everything else was read
    bad_copy = copy.deepcopy(bad)
    with pytest.raises(bc.StateError, match="state.phase_index"):
        bc.trainer_from_dict(bad)
    assert bad == bad_copy
    assert [w.tobytes() for w in keep.net.weights] == weights
    assert bc.trainer_to_dict(keep) == before

    good = copy.deepcopy(saved)
    other = bc.trainer_from_dict(good)
    other.run_steps(30)  # training the loaded trainer touches neither the dict nor `keep`
    other.goto(3)
    assert good == saved
    assert bc.trainer_to_dict(keep) == before
    assert bc.trainer_to_dict(bc.trainer_from_dict(good)) == before


def test_extra_is_stored_and_must_be_json():
    tr = make()
    extra = {"config": bc.RunConfig().to_dict(), "label": "run 1"}
    d = json.loads(to_json(tr, extra))
    assert d["extra"] == extra
    for bad, field in (({"a": float("nan")}, "state.extra.a"), ({"a": (1, 2)}, "state.extra.a"),
                       ({"a": np.float32(1)}, "state.extra.a"), ({1: 2}, "state.extra"),
                       ([1], "state.extra")):
        with pytest.raises(bc.StateError, match=re.escape(field)):
            bc.trainer_to_dict(tr, bad)


def test_a_diverged_trainer_cannot_be_saved_until_restored():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(20, 2)), rng.normal(size=(20, 1)) * 1e3
    net = bc.Network([2, 8, 8, 1], ["linear"] * 3, seed=0)
    tr = bc.Trainer(net, X, Y, loss="mse", optimizer=bc.SGD(lr=1.0), batch_size=5)
    tr.run_steps(50)
    assert tr.diverged is not None
    with pytest.raises(bc.StateError, match="diverged"):
        bc.trainer_to_dict(tr)
    tr.restore_last_good()
    assert tr.diverged is None
    assert_same_state(tr, reload(tr))


def test_no_pickle_or_eval_in_the_engine():
    root = Path(bc.__file__).parent
    sources = {p.name: p.read_text() for p in root.rglob("*.py")}
    assert "serialize.py" in sources
    for name, text in sources.items():
        for banned in (r"\bpickle\b", r"\beval\(", r"\bexec\(", r"\bmarshal\b", r"\bshelve\b"):
            assert not re.search(banned, text), f"{banned} in {name}"
