"""Stepping one phase at a time, history, rewind and divergence."""

import numpy as np
import pytest

import backprop_core as bc


def params(trainer):
    return [a.copy() for a in trainer.net.weights + trainer.net.biases]


def same(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def make(**changes):
    config = bc.RunConfig(**{"noise": 0.1, "batch_size": 7, **changes})
    return bc.build(config)[1]


def test_phases_run_in_order_and_say_what_comes_next():
    tr = make()
    assert tr.next_phase == "forward" and tr.last_phase is None
    assert tr.run_phase() == "forward" and tr.cache is not None and tr.grads is None
    assert tr.next_phase == "backward" and tr.step == 0
    assert tr.run_phase() == "backward" and tr.grads is not None
    assert tr.run_phase() == "update" and tr.last_update is not None
    assert tr.step == 1 and tr.next_phase == "forward"


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_three_phases_equal_one_step_bit_for_bit(optimizer):
    a, b = make(optimizer=optimizer), make(optimizer=optimizer)
    for _ in range(40):
        for _ in range(3):
            a.run_phase()
        b.finish_step()
    assert same(params(a), params(b))
    assert a.history[40] == b.history[40]


def test_epoch_covers_every_sample_once():
    tr = make()
    n = len(tr.X)
    seen = []
    while True:
        tr.run_phase()
        seen.extend(tr.batch_idx.tolist())
        tr.run_phase()
        tr.run_phase()
        if tr.batch_index == 0:
            break
    assert sorted(seen) == list(range(n)) and tr.epoch == 1
    assert tr.step == -(-n // 7)


def test_run_epoch_finishes_a_started_step_then_the_epoch():
    tr = make()
    tr.run_phase()
    tr.run_epoch()
    assert tr.epoch == 1 and tr.batch_index == 0 and tr.next_phase == "forward"
    tr.run_epoch()
    assert tr.epoch == 2 and tr.step == 2 * tr.n_batches


def test_history_records_every_step():
    tr = make(optimizer="adam", lr=0.01)
    tr.run_steps(25)
    assert len(tr.history) == 26
    rec = tr.history[25]
    assert rec.step == 25 and rec.epoch == 25 // tr.n_batches
    assert len(rec.grad_norms) == len(rec.update_norms) == tr.net.n_layers
    assert 0 <= rec.train_accuracy <= 1 and rec.test_loss > 0
    first = tr.history[0]
    assert first.grad_norms is None and first.batch_loss is None
    # The recorded loss is the data loss of the whole training set after the step.
    assert rec.train_loss == pytest.approx(
        bc.loss_value(tr.net.predict(tr.X), tr.Y, "bce", "mean"), rel=1e-12)


def test_rewind_reproduces_bit_for_bit():
    tr = make(optimizer="adam", lr=0.01)
    snapshots = {}
    for step in range(1, 301):
        tr.finish_step()
        if step in (1, 24, 25, 26, 137, 300):
            snapshots[step] = (params(tr), tr.history[step], tr.rng.bit_generator.state)
    for step in (137, 25, 1, 300, 26, 24):  # backwards and forwards
        tr.goto(step)
        weights, record, rng = snapshots[step]
        assert same(params(tr), weights) and tr.history[step] == record
        assert tr.rng.bit_generator.state == rng and tr.step == step
    tr.goto(137)
    tr.run_steps(163)  # replaying the future from an earlier step gives the same numbers
    assert same(params(tr), snapshots[300][0]) and tr.history[300] == snapshots[300][1]


def test_rewind_replays_settings_changes_at_the_step_they_were_made():
    tr = make(optimizer="momentum")
    tr.run_steps(30)
    tr.set_hyperparams(lr=0.3)
    tr.run_steps(20)
    tr.set_optimizer("adam", lr=0.01)
    tr.run_phase()
    tr.run_phase()
    tr.set_regularization("l2", 0.01)  # between backward and update: gradients recomputed
    tr.finish_step()
    tr.run_steps(40)
    final = params(tr)
    tr.goto(10)
    assert tr.optimizer.name == "momentum" and tr.optimizer.lr == 0.03
    tr.goto(91)
    assert same(params(tr), final)
    assert tr.optimizer.name == "adam" and tr.regularization == "l2"


def test_running_from_an_earlier_step_forgets_the_old_future():
    tr = make()
    tr.run_steps(50)
    tr.goto(20)
    assert tr.history.last_step == 50  # still reachable until something new runs
    tr.set_hyperparams(lr=1.0)
    tr.run_steps(5)
    assert tr.history.last_step == 25 and tr.step == 25


def test_undo_and_reset():
    tr = make()
    initial = params(tr)
    tr.run_steps(10)
    at_10 = params(tr)
    tr.run_phase()
    tr.undo()  # mid-step: back to the start of the step
    assert tr.step == 10 and tr.next_phase == "forward" and same(params(tr), at_10)
    tr.undo()
    assert tr.step == 9
    assert tr.grads is not None and tr.last_update is not None  # step 9's, for display
    tr.reset()
    assert tr.step == 0 and len(tr.history) == 1 and same(params(tr), initial)


def test_same_seed_same_run_and_reset_gives_same_weights_again():
    a, b = make(seed=3), make(seed=3)
    a.run_steps(20)
    b.run_steps(20)
    assert same(params(a), params(b))
    assert not same(params(make(seed=4)), params(make(seed=3)))


def test_history_memory_stays_bounded_at_10000_steps():
    tr = make(hidden=(8,) * 6, activations=("tanh",) * 6, batch_size=30)
    tr.run_steps(10_000)
    assert len(tr.history) == 10_001
    assert len(tr.keyframes) <= tr.max_keyframes
    keyframe_floats = sum(
        sum(w.size for w in k.weights + k.biases) for k in tr.keyframes.values()
    )
    assert keyframe_floats * 8 < 2_000_000  # under 2 MB of keyframes
    assert tr.keyframe_interval <= 10_000 // 40  # a rewind replays at most that many steps
    last = params(tr)
    tr.goto(9_999)
    tr.finish_step()
    assert same(params(tr), last)


def diverging():
    return make(dataset="plane", hidden=(8,) * 6, activations=("sigmoid",) * 6, lr=10.0)


def test_divergence_stops_training_names_step_and_layer_and_can_be_undone():
    tr = diverging()
    tr.run_steps(1000)
    d = tr.diverged
    assert d is not None and tr.step == d.step - 1 < 1000
    assert 0 <= d.layer < tr.net.n_layers and f"step {d.step}" in d.message
    with pytest.raises(bc.TrainerDiverged):
        tr.run_phase()
    tr.restore_last_good()  # the last step whose loss was still in its normal range
    assert tr.diverged is None and tr.step == d.restore <= d.step - 1
    assert all(np.all(np.isfinite(p)) for p in params(tr))
    tr.set_hyperparams(lr=0.01)
    tr.run_steps(5)
    assert tr.diverged is None


def test_divergence_raises_no_floating_point_warnings():
    tr = diverging()
    with np.errstate(all="raise"):
        tr.run_steps(1000)
    assert tr.diverged is not None


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"batch_size": 0}, "batch_size"),
        ({"loss": "bce"}, "sigmoid output"),
        ({"reduction": "median"}, "reduction"),
        ({"task": "ranking"}, "task"),
        ({"regularization": "l3"}, "regularization"),
    ],
)
def test_bad_trainer_arguments(kwargs, message):
    net = bc.Network([2, 3, 1], ["tanh", "linear"])
    with pytest.raises(ValueError, match=message):
        bc.Trainer(net, np.zeros((4, 2)), np.zeros((4, 1)), **kwargs)


def test_bad_data_is_refused():
    net = bc.Network([2, 1], ["linear"])
    with pytest.raises(ValueError, match="shape"):
        bc.Trainer(net, np.zeros((4, 3)), np.zeros((4, 1)))
    with pytest.raises(ValueError, match="NaN"):
        bc.Trainer(net, np.full((4, 2), np.nan), np.zeros((4, 1)))


def test_overflow_is_divergence_too_and_names_the_layer():
    tr = make()
    tr.net.weights[1][0, 0] = np.inf  # tanh saturates the forward pass; backward cannot
    tr.finish_step()
    assert tr.diverged is not None and tr.diverged.phase == "backward"
    assert "NaN or infinite" in tr.diverged.message and tr.step == 0
    assert tr.diverged.layer in (0, 1)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_a_fork_runs_the_same_numbers_and_leaves_the_trainer_alone(optimizer):
    tr = make(optimizer=optimizer)
    tr.run_steps(30)
    tr.run_phase()  # mid-step: forward done
    before, history = params(tr), tr.history.to_dict()
    fork = tr.fork()
    fork.run_steps(20)
    assert same(params(tr), before) and tr.history.to_dict() == history
    assert tr.step == 30 and tr.next_phase == "backward"
    tr.run_steps(20)  # the trainer itself now does what the fork did
    assert same(params(tr), params(fork)) and tr.history[50] == fork.history[50]
    assert tr.optimizer.state.keys() == fork.optimizer.state.keys()


def test_rewind_to_drops_the_steps_after_it_exactly():
    tr, fresh = make(optimizer="adam"), make(optimizer="adam")
    tr.run_steps(90)
    tr.rewind_to(61)  # Pause on a frame the screen showed, the trainer ran ahead of it
    fresh.run_steps(61)
    assert tr.step == 61 and tr.history.last_step == 61
    assert same(params(tr), params(fresh)) and tr.history[61] == fresh.history[61]
    assert max(tr.keyframes) <= 61
    tr.run_steps(5)
    fresh.run_steps(5)
    assert same(params(tr), params(fresh))


def test_divergence_offers_the_last_healthy_step_not_the_one_before_the_overflow():
    _, tr = bc.build(bc.RunConfig(dataset="plane", hidden=(4, 4), activations=("relu", "relu")))
    tr.run_steps(3)
    tr.set_hyperparams(lr=10.0)
    tr.run_steps(300)
    d = tr.diverged
    losses = tr.history.columns["train_loss"]
    assert d is not None and d.restore < tr.step  # not step 6, whose loss was ~1e4
    assert losses[d.restore] <= 2 * min(losses[: d.restore + 1])
    assert losses[tr.step] > 100 * losses[d.restore]
    assert f"restore step {d.restore}" in d.message
    tr.restore_last_good()
    tr.set_hyperparams(lr=0.03)
    tr.run_steps(100)
    assert tr.diverged is None and tr.step == d.restore + 100


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_before_last_update_holds_the_gradient_the_last_update_applied(optimizer):
    tr = make(optimizer=optimizer, regularization="l2", reg_rate=0.01)
    tr.run_steps(23)
    tr.set_regularization("l1", 0.003)  # after step 23: its gradient was taken with L2
    held = [g.copy() for g in tr.grads.weights + tr.grads.biases]
    before = tr.before_last_update()
    assert before.step == 22 and before.regularization == "l2"
    assert np.array_equal(before.batch_idx, tr.batch_idx)
    assert same(before.grads.weights + before.grads.biases, held)  # bit for bit
    assert same(params(before), [a.copy() for a in before.net.weights + before.net.biases])
    before.run_phase()  # its update takes it to exactly the weights the trainer holds
    assert same(params(before), params(tr)) and tr.step == 23
    tr.run_phase()
    with pytest.raises(ValueError, match="between steps"):
        tr.before_last_update()


def test_a_long_run_thins_its_old_history_and_still_goes_to_any_step_exactly(monkeypatch):
    from backprop_core.training import history as hist

    monkeypatch.setattr(hist, "RECENT", 50)
    monkeypatch.setattr(hist, "MAX_RECORDS", 120)
    tr, full = make(optimizer="adam"), make(optimizer="adam")
    tr.run_steps(400)
    steps = tr.history.columns["step"]
    assert len(tr.history) <= 120 and steps[0] == 0 and steps == sorted(steps)
    assert all(s in tr.history for s in range(351, 401))  # the latest all kept
    assert tr.history.stride > 1 and 37 not in tr.history  # older ones thinned
    monkeypatch.setattr(hist, "MAX_RECORDS", 10_000)
    full.run_steps(400)
    for s in steps:  # what is kept is exact
        assert tr.history[s] == full.history[s]
    tr.goto(37)  # a thinned-out step: replayed from a keyframe and recorded again
    full.goto(37)
    assert same(params(tr), params(full)) and tr.history[37] == full.history[37]
    restored = bc.trainer_from_dict(bc.trainer_to_dict(tr))  # gaps survive a session file
    assert restored.history.columns["step"] == tr.history.columns["step"]
