"""Steps run in chunks (``Trainer.run_steps``: the evaluations of up to CHUNK_STEPS states
at once) give the very numbers of steps run one at a time (``finish_step``), divergence
included, and ``evaluate_many`` gives each state's own ``evaluate``, bit for bit."""

import numpy as np
import pytest

import backprop_core as bc
from backprop_core.training import chunks
from backprop_core.training import trainer as trainer_module
from backprop_core.training.history import COLUMNS

CONFIGS = {
    "relu, batch 1": dict(hidden=(8, 8, 8, 8), activations=("relu",) * 4, batch_size=1),
    "softmax": dict(hidden=(6, 6), activations=("leaky_relu", "tanh"), batch_size=4,
                    dataset="blobs", n_classes=3, optimizer="adam", lr=0.01),
    "regression": dict(hidden=(5, 4), activations=("sigmoid", "linear"), batch_size=3,
                       dataset="plane", regularization="l2", reg_rate=0.01),
    "tanh+mse, momentum": dict(hidden=(3,), activations=("tanh",), batch_size=2,
                               dataset="gauss", output="tanh+mse", optimizer="momentum",
                               regularization="l1", reg_rate=0.01),
}


def one_at_a_time(tr, n):
    for _ in range(n):
        if tr.diverged is not None:
            return
        tr.finish_step()


def assert_same_run(a, b):
    for column in COLUMNS:
        assert list(a.history.columns[column]) == list(b.history.columns[column]), column
    assert np.array_equal(a.net.theta, b.net.theta)
    assert (a.step, a.epoch, a.batch_index, a.diverged) == (b.step, b.epoch, b.batch_index,
                                                            b.diverged)
    assert sorted(a.keyframes) == sorted(b.keyframes)
    for step in a.keyframes:
        assert all(np.array_equal(x, y) for x, y in zip(a.keyframes[step].weights,
                                                        b.keyframes[step].weights,
                                                        strict=True))


@pytest.mark.parametrize("name", CONFIGS)
def test_chunks_give_the_numbers_of_one_step_at_a_time(name):
    c = bc.RunConfig(**CONFIGS[name])
    chunked, single = bc.build(c)[1], bc.build(c)[1]
    assert chunks.chunk_size(chunked, 100) > 1  # the chunks are really used
    for n in (1, 37, 100, 3):  # from the start, from inside an epoch, a phase in between
        chunked.run_steps(n)
        one_at_a_time(single, n)
        assert_same_run(chunked, single)
    chunked.run_phase(), single.run_phase()
    chunked.run_steps(40)
    one_at_a_time(single, 40)
    assert_same_run(chunked, single)


@pytest.mark.parametrize(("lr", "blowup", "where"), [
    (0.1, None, ("update", "loss")),  # a loss a million times its start (step 20)
    (0.1, 1e300, ("backward", "gradient")),  # no blow-up check: gradients overflow (23)
    (0.2, 1e300, ("update", "output (loss on the data)")),  # the loss overflows (5)
])
def test_a_chunk_that_diverges_stops_where_one_step_at_a_time_stops(lr, blowup, where,
                                                                    monkeypatch):
    """Each kind of divergence inside a chunk: the same step, message, history and
    keyframes as without chunks."""
    if blowup:
        monkeypatch.setattr(trainer_module, "BLOWUP", blowup)
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(40, 2)), rng.normal(size=(40, 1)) * 10

    def make():
        net = bc.Network([2, 8, 8, 1], ["linear"] * 3, seed=0)
        return bc.Trainer(net, X, Y, loss="mse", optimizer=bc.SGD(lr=lr), batch_size=5,
                          keyframe_interval=3)

    chunked, single = make(), make()
    chunked.run_steps(200)
    one_at_a_time(single, 200)
    assert chunked.diverged is not None and chunked.diverged.step > 3
    assert (chunked.diverged.phase, chunked.diverged.quantity) == where
    assert_same_run(chunked, single)
    assert chunked.diverged.message == single.diverged.message


def test_evaluate_many_is_each_states_own_evaluate():
    c = bc.RunConfig(**CONFIGS["softmax"])
    tr = bc.build(c)[1]
    thetas, expected = [], []
    for _ in range(5):
        tr.run_steps(7)
        thetas.append(tr.net.theta.copy())
        expected.append(tr.evaluate())
    got = tr._evaluate_many(np.array(thetas))
    for values, want in zip(got, expected, strict=True):
        assert values == (want["train_loss"], want["test_loss"], want["train_accuracy"],
                          want["test_accuracy"])


def test_chunks_stay_small_on_big_data():
    """Past CHUNK_FLOATS a stacked layer would outgrow the cache: one step at a time."""
    c = bc.RunConfig(hidden=(8,), activations=("tanh",), n_samples=2000)
    tr = bc.build(c)[1]
    assert chunks.chunk_size(tr, 100) == chunks.CHUNK_FLOATS // (2000 * 8)
