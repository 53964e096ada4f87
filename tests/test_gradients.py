"""Backprop against finite differences, for every activation, loss and reduction."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import backprop_core as bc
from backprop_core.analyses.gradcheck import grad_check, worst

ELEMENTWISE = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
# (output activation, loss): MSE with every output activation (softmax included, which
# exercises its full Jacobian), and the two fused pairings.
OUTPUTS = [(a, "mse") for a in [*ELEMENTWISE, "softmax"]] + [
    ("sigmoid", "bce"),
    ("softmax", "cross_entropy"),
]
KINKED = {"relu", "leaky_relu"}


def make_targets(rng, loss, n, k):
    if loss == "bce":
        return rng.integers(0, 2, size=(n, k)).astype(float)
    if loss == "cross_entropy":
        return np.eye(k)[rng.integers(0, k, size=n)]
    return rng.normal(size=(n, k))


def far_from_kinks(net, X, margin):
    """Finite differences across a ReLU kink measure a different function: avoid them."""
    cache = net.forward(X)
    return all(
        np.min(np.abs(z)) > margin
        for z, name in zip(cache.z, net.activation_names, strict=True)
        if name in KINKED
    )


@settings(max_examples=150)
@given(
    hidden=st.lists(st.integers(1, 5), min_size=0, max_size=3),
    hidden_act=st.sampled_from(ELEMENTWISE),
    output=st.sampled_from(OUTPUTS),
    reduction=st.sampled_from(["mean", "sum"]),
    regularization=st.sampled_from(["none", "l1", "l2"]),
    n=st.integers(1, 6),
    n_in=st.integers(1, 4),
    n_out=st.integers(1, 3),
    seed=st.integers(0, 2**16),
)
def test_backprop_matches_finite_differences(
    hidden, hidden_act, output, reduction, regularization, n, n_in, n_out, seed
):
    out_act, loss = output
    if out_act == "softmax":
        n_out = max(n_out, 2)
    rng = np.random.default_rng(seed)
    sizes = [n_in, *hidden, n_out]
    net = bc.Network(sizes, [hidden_act] * len(hidden) + [out_act], seed=seed, init="normal")
    X = rng.normal(size=(n, n_in))
    Y = make_targets(rng, loss, n, n_out)
    assume(far_from_kinks(net, X, margin=0.05))
    if regularization == "l1":  # |w| has a kink at 0 too
        assume(all(np.min(np.abs(W)) > 0.01 for W in net.weights))
    checks = grad_check(net, X, Y, loss, reduction, regularization, 0.01)
    assert len(checks) == net.n_params
    bad = worst(checks)
    assert bad.rel_error < 1e-7, (bad.name, bad.analytic, bad.numeric)


@pytest.mark.parametrize("act", ELEMENTWISE)
def test_every_hidden_activation_on_a_fixed_case(act):
    """One deterministic case per activation, so a failure names the activation directly."""
    for seed in range(100):  # the first draw with no z within 0.01 of a kink
        rng = np.random.default_rng(seed)
        net = bc.Network([3, 4, 3, 2], [act, act, "sigmoid"], seed=seed, init="normal")
        X, Y = rng.normal(size=(7, 3)), rng.integers(0, 2, size=(7, 2)).astype(float)
        if far_from_kinks(net, X, 0.01):
            break
    assert far_from_kinks(net, X, 0.01)
    checks = grad_check(net, X, Y, "bce", "mean")
    assert worst(checks).rel_error < 1e-7


def test_grad_check_flags_a_wrong_gradient():
    rng = np.random.default_rng(0)
    net = bc.Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    X, Y = rng.normal(size=(5, 2)), rng.integers(0, 2, size=(5, 1)).astype(float)
    grads = net.backward(net.forward(X), Y, "bce", "mean")
    grads.weights[0][1, 2] *= 1.001  # a 0.1 % error must stand out
    checks = grad_check(net, X, Y, "bce", "mean", grads=grads)
    bad = worst(checks)
    assert bad.name == "w₁,₂ of layer 1" and bad.rel_error > 1e-4
    others = [c for c in checks if c is not bad]
    assert max(c.rel_error for c in others) < 1e-7


def test_grad_check_sample_is_seeded_and_restores_parameters():
    rng = np.random.default_rng(1)
    net = bc.Network([2, 8, 8, 1], ["tanh", "tanh", "linear"], seed=1)
    X, Y = rng.normal(size=(4, 2)), rng.normal(size=(4, 1))
    before = [W.copy() for W in net.weights]
    a = grad_check(net, X, Y, max_params=10, seed=7)
    b = grad_check(net, X, Y, max_params=10, seed=7)
    assert [c.name for c in a] == [c.name for c in b] and len(a) == 10
    assert all(np.array_equal(W, V) for W, V in zip(before, net.weights, strict=True))


def test_deltas_are_dC_dz_and_parameter_gradients_follow_from_them():
    rng = np.random.default_rng(2)
    net = bc.Network([3, 5, 4, 2], ["relu", "tanh", "sigmoid"], seed=1)
    X, Y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    cache = net.forward(X)
    grads = net.backward(cache, Y, loss="mse", reduction="mean")
    for i, delta in enumerate(grads.deltas):
        assert delta.shape == (6, net.layer_sizes[i + 1])
        np.testing.assert_array_equal(grads.weights[i], cache.a[i].T @ delta)
        np.testing.assert_array_equal(grads.biases[i], delta.sum(axis=0))
    # The output delta of sigmoid + MSE, written out as the article's (3)·(2) per sample:
    y = cache.output
    np.testing.assert_allclose(grads.deltas[-1], -(Y - y) * y * (1 - y) / 6, rtol=1e-14)


def test_incompatible_output_and_loss_are_refused():
    net = bc.Network([2, 2], ["tanh"])
    cache = net.forward(np.zeros((1, 2)))
    with pytest.raises(ValueError, match="sigmoid output"):
        net.backward(cache, np.zeros((1, 2)), loss="bce")
    with pytest.raises(ValueError, match="softmax output"):
        net.backward(cache, np.zeros((1, 2)), loss="cross_entropy")
    with pytest.raises(ValueError, match="output layer only"):
        bc.Network([2, 2, 2], ["softmax", "softmax"])


def test_no_vanishing_flag_next_to_an_exploding_layer():
    from backprop_core.training.health import gradient_flags

    kinds = [(f.kind, f.layer) for f in gradient_flags((82.0, 1e6))]
    assert kinds == [("exploding", 1)]
    assert [(f.kind, f.layer) for f in gradient_flags((1e-6, 1.0))] == [("vanishing", 0)]


def test_the_gradient_check_reports_a_stencil_across_a_relu_kink_as_not_comparable():
    from backprop_core.analyses.gradcheck import grad_check, worst

    net = bc.Network([1, 1, 1], activations=["relu", "linear"], seed=0)
    net.weights[0][:] = 1.0
    net.biases[0][:] = -0.5 + 3e-5  # z = x - 0.5 + 3e-5: just past the kink for x = 0.5
    X, Y = np.array([[0.5], [2.0]]), np.array([[1.0], [0.0]])
    checks = grad_check(net, X, Y, loss="mse")
    kinked = [c.name for c in checks if c.kink]
    assert kinked == ["w₀,₀ of layer 1", "b₀ of layer 1"]
    assert not any(c.kink for c in checks if c.layer == 1)  # the linear layer has no kink
    assert all(c.rel_error < 1e-7 for c in checks if not c.kink)
    assert not worst(checks).kink


def _check(rel: float, kink: bool = False) -> bc.ParamCheck:
    """A check whose relative error is ``rel`` (analytic 1, numeric 1 + rel)."""
    return bc.ParamCheck(0, "W", (0, 0), 1.0 + rel, 1.0, kink=kink)


@pytest.mark.parametrize("rels, kinks, counts, outcome", [
    ([0.0, 1e-9], 0, (2, 0, 0, 0), "ok"),
    ([0.0, 1e-5], 0, (1, 1, 0, 0), "suspect"),  # the issue: worst only suspect
    ([1e-8, 1e-5, 2e-3], 1, (1, 1, 1, 1), "wrong"),
    ([], 2, (0, 0, 0, 2), "not comparable"),
])
def test_gradient_check_verdict_counts_correct_suspect_wrong_and_kinks(rels, kinks, counts,
                                                                       outcome):
    from backprop_core.analyses.gradcheck import CORRECT_BELOW, WRONG_FROM, verdict

    checks = [_check(r) for r in rels] + [_check(0.5, kink=True)] * kinks
    v = verdict(checks)
    assert (v.correct, v.suspect, v.wrong, v.kinks) == counts and v.outcome == outcome
    # The bands' edges: exactly at a threshold is the worse side.
    assert bc.ParamCheck(0, "b", (0,), CORRECT_BELOW, 0.0, floor=1.0).status == "suspect"
    assert bc.ParamCheck(0, "b", (0,), WRONG_FROM, 0.0, floor=1.0).status == "wrong"
