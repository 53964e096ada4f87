"""Distributions over time: percentile bands per layer, replayed exactly on forks."""


import numpy as np
import pytest

import backprop_core as bc
from backprop_core.analyses.distributions import (
    KINDS,
    PERCENTILES,
    measure,
    percentile_bands,
    replay_distributions,
    replay_steps,
    sampled_steps,
)
from backprop_core.training.health import layer_norms
from viz.distributions import distribution_figure


def make(**changes) -> bc.Trainer:
    config = bc.RunConfig(**{"noise": 0.1, "batch_size": 7, **changes})
    return bc.build(config)[1]


def norms(grads: bc.Gradients) -> tuple[float, ...]:
    """‖(∂C/∂W, ∂C/∂b)‖ per layer, computed as the trainer records them."""
    return layer_norms(grads.weights, grads.biases)


def state_of(tr: bc.Trainer):
    return ([a.copy() for a in tr.net.weights + tr.net.biases], tr.step, tr.phase_index,
            len(tr.history), list(tr.events))


def test_percentiles_are_tensorboards_and_bands_are_numpys_percentiles():
    # The normal CDF at -∞, ±1.5σ, ±σ, ±σ/2, 0, in percent, to two decimals.
    from statistics import NormalDist
    cdf = [0.0] + [100 * NormalDist().cdf(s) for s in (-1.5, -1, -0.5, 0, 0.5, 1, 1.5)] + [100]
    assert PERCENTILES == pytest.approx(cdf, abs=0.005)
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=(3, 4)), rng.normal(size=(4, 1)) * 10]
    bands = percentile_bands(arrays)
    assert bands.shape == (2, 9)
    for row, a in zip(bands, arrays, strict=True):
        np.testing.assert_array_equal(row, np.percentile(a.ravel(), PERCENTILES))
        assert row[0] == a.min() and row[-1] == a.max() and row[4] == np.median(a)
        assert np.all(np.diff(row) >= 0)


def test_measure_takes_every_entry_of_each_layer():
    net = bc.Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    X, Y = np.arange(10.0).reshape(5, 2) / 10, np.ones((5, 1))
    cache = net.forward(X)
    grads = net.backward(cache, Y, "bce", "mean")
    m = measure(net, cache, grads)
    assert set(m) == set(KINDS)
    np.testing.assert_array_equal(m["activations"][0], np.percentile(cache.a[1], PERCENTILES))
    np.testing.assert_array_equal(m["preactivations"][1], np.percentile(cache.z[1], PERCENTILES))
    np.testing.assert_array_equal(m["gradients"][0], np.percentile(grads.weights[0],
                                                                   PERCENTILES))
    np.testing.assert_array_equal(m["weights"][1], np.percentile(net.weights[1], PERCENTILES))


@pytest.mark.parametrize("last, window, samples, expect", [
    (0, 2000, 100, ([], 1)),
    (5, 2000, 100, ([1, 2, 3, 4, 5], 1)),
    (250, 2000, 100, (list(range(1, 251, 3)), 3)),
])
def test_sampled_steps_small(last, window, samples, expect):
    steps, stride, _ = sampled_steps(last, window, samples)
    assert steps.tolist() == expect[0] and stride == expect[1]


def test_sampled_steps_are_at_most_100_of_the_last_2000_and_end_at_the_last():
    steps, stride, first = sampled_steps(5000)
    assert first == 3001 and stride == 20 and len(steps) == 100
    assert steps[-1] == 5000 and steps[0] >= first and np.all(np.diff(steps) == stride)


def test_replay_reproduces_every_recorded_step_across_setting_changes():
    """Replayed gradients give the norms the history recorded, bit for bit, although the
    learning rate, the optimizer and the regularisation changed inside the window and
    the fork trains on between the recorded steps (a plain fork would lose the changes)."""
    tr = make()
    tr.run_steps(23)
    tr.set_hyperparams(lr=0.3)
    tr.run_steps(17)
    tr.set_optimizer("adam", lr=0.01)
    tr.run_steps(12)
    tr.set_regularization("l2", 0.01)
    tr.run_steps(30)
    before = state_of(tr)
    steps, stride, _ = sampled_steps(tr.step, 70, 20)
    assert stride == 4
    seen = []
    for fork in replay_steps(tr, steps):
        s = fork.step + 1
        seen.append(s)
        assert norms(fork.grads) == tr.history[s].grad_norms, s
        reference = tr.fork()
        reference.goto(s)  # goto recomputes step s's cache and gradients
        for a, b in zip(fork.grads.weights, reference.grads.weights, strict=True):
            np.testing.assert_array_equal(a, b)
    assert seen == steps.tolist()
    after = state_of(tr)
    assert all(np.array_equal(a, b) for a, b in zip(before[0], after[0], strict=True))
    assert before[1:] == after[1:]


def test_a_plain_fork_would_lose_a_change_made_inside_the_window():
    """Why the replay goes to a step with goto when the log has an event in between."""
    tr = make()
    tr.run_steps(5)
    tr.set_hyperparams(lr=0.5)
    tr.run_steps(5)
    naive = tr.fork()
    naive.goto(2)
    naive.run_steps(8)
    assert not np.array_equal(naive.net.weights[0], tr.net.weights[0])
    (fork,) = list(replay_steps(tr, np.array([10])))
    assert norms(fork.grads) == tr.history[10].grad_norms


def test_replay_distributions_matches_measure_at_each_step_and_leaves_a_mid_step_trainer():
    tr = make(optimizer="momentum", hidden=(3, 2))
    tr.run_steps(40)
    tr.run_phase()  # mid-step: the step in progress is not a finished step
    before = state_of(tr)
    d = replay_distributions(tr, window=30, max_samples=10)
    assert d.steps.tolist() == list(range(13, 41, 3)) and d.window == (11, 40)
    assert d.n_layers == 3
    for t, s in enumerate(d.steps):
        reference = tr.fork()
        reference.goto(int(s) - 1)
        reference.run_phase()
        reference.run_phase()
        expect = measure(reference.net, reference.cache, reference.grads)
        for kind in KINDS:
            np.testing.assert_array_equal(d.values[kind][t], expect[kind])
    after = state_of(tr)
    assert all(np.array_equal(a, b) for a, b in zip(before[0], after[0], strict=True))
    assert before[1:] == after[1:]


def test_nothing_to_replay_at_step_zero():
    d = replay_distributions(make())
    assert len(d.steps) == 0 and d.values["weights"].shape == (0, 3, 9)


def test_distribution_figure_has_nested_bands_and_a_median_per_layer():
    tr = make()
    tr.run_steps(12)
    d = replay_distributions(tr)
    names = ["layer 1", "layer 2", "output"]
    fig = distribution_figure(d.steps, d.values["gradients"], d.percentiles, names, "g")
    assert len(fig["data"]) == 3 * 9  # 4 bands (2 traces each) + the median, per layer
    for layer in range(3):
        traces = fig["data"][9 * layer:9 * layer + 9]
        axis = "y" if layer == 0 else f"y{layer + 1}"
        assert {t["yaxis"] for t in traces} == {axis}
        assert traces[-1]["y"] == d.values["gradients"][:, layer, 4].tolist()  # the median
        assert traces[0]["y"] == d.values["gradients"][:, layer, 0].tolist()  # the minimum
        assert traces[1]["y"] == d.values["gradients"][:, layer, 8].tolist()  # the maximum
        assert traces[1]["fill"] == "tonexty"
    domains = [fig["layout"][f"yaxis{'' if i == 0 else i + 1}"]["domain"] for i in range(3)]
    assert all(a[0] >= b[1] for a, b in zip(domains, domains[1:], strict=False))
