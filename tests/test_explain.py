"""The chain-rule breakdown, gradient health flags and the article's mistakes."""

import numpy as np
import pytest

import backprop_core as bc
from backprop_core.explain import backprop_terms, breakdown, dC_dy, single_sample_walk
from backprop_core.health import gradient_flags, unit_flags, update_ratios
from backprop_core.mistakes import ArticleNet, gradients_with_double_sigmoid

CASES = [
    (["tanh", "relu", "sigmoid"], "bce", 1),
    (["sigmoid", "tanh", "sigmoid"], "mse", 1),
    (["leaky_relu", "tanh", "softmax"], "cross_entropy", 3),
    (["tanh", "sigmoid", "softmax"], "mse", 3),
    (["relu", "linear", "linear"], "mse", 2),
]


@pytest.mark.parametrize("acts, loss, n_out", CASES)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_breakdown_adds_up_to_the_engine_gradient_for_every_parameter(acts, loss, n_out,
                                                                      reduction):
    rng = np.random.default_rng(0)
    net = bc.Network([3, 5, 4, n_out], acts, seed=1, init="normal")
    X = rng.normal(size=(7, 3))
    Y = (np.eye(n_out)[rng.integers(0, n_out, 7)] if loss != "mse" or n_out > 1
         else rng.normal(size=(7, 1)))
    if loss == "bce":
        Y = rng.integers(0, 2, size=(7, 1)).astype(float)
    cache = net.forward(X)
    grads = net.backward(cache, Y, loss, reduction, "l2", 0.01)
    for layer in range(net.n_layers):
        for j in range(net.layer_sizes[layer + 1]):
            b = breakdown(net, cache, grads, Y, loss, reduction, layer, j, None, "l2", 0.01)
            assert b.total == pytest.approx(grads.biases[layer][j], abs=1e-12)
            for k in range(net.layer_sizes[layer]):
                b = breakdown(net, cache, grads, Y, loss, reduction, layer, j, k, "l2", 0.01)
                assert b.total == pytest.approx(grads.weights[layer][k, j], abs=1e-12)
                if b.f_prime is not None:  # the factors multiply to δ exactly
                    np.testing.assert_array_equal(b.f_prime * b.dC_dy, b.delta)


def test_fused_output_says_so_and_hidden_terms_sum_to_dC_dy():
    rng = np.random.default_rng(1)
    net = bc.Network([2, 4, 3, 1], ["tanh", "tanh", "sigmoid"], seed=0)
    X, Y = rng.normal(size=(5, 2)), rng.integers(0, 2, size=(5, 1)).astype(float)
    cache = net.forward(X)
    grads = net.backward(cache, Y, "bce", "mean")
    out = breakdown(net, cache, grads, Y, "bce", "mean", 2, 0, 1)
    assert out.fused and out.f_prime is None
    full = dC_dy(net, cache, grads, Y, "bce", "mean", 1)
    for sample in range(5):
        for j in range(3):
            _, _, terms = backprop_terms(net, grads, 1, j, sample)
            assert terms.sum() == pytest.approx(full[sample, j], abs=1e-15)


def test_single_sample_walk_is_a_batch_of_one():
    net = bc.Network([2, 3, 2], ["relu", "softmax"], seed=4)
    x, t = np.array([0.3, -1.2]), np.array([0.0, 1.0])
    walk = single_sample_walk(net, x, t, "cross_entropy")
    cache = net.forward(x[None])
    grads = net.backward(cache, t[None], "cross_entropy", "sum")
    for i in range(net.n_layers):
        np.testing.assert_array_equal(walk.z[i], cache.z[i][0])
        np.testing.assert_array_equal(walk.delta[i], grads.deltas[i][0])
    assert walk.cost == pytest.approx(bc.loss_value(cache.output, t[None], "cross_entropy",
                                                    "sum"))


def test_health_flags():
    assert [f.kind for f in gradient_flags((1.0, 1e-5, 2.0))] == ["vanishing"]
    assert [f.kind for f in gradient_flags((5e3, 100.0))] == ["exploding"]
    assert gradient_flags(None) == []
    net = bc.Network([2, 3, 3, 1], ["relu", "tanh", "sigmoid"], seed=0)
    net.biases[0][1] = -100.0  # neuron 1 of layer 1 never fires
    net.weights[1][:, 2] = 0.0
    net.biases[1][2] = 50.0  # neuron 2 of layer 2 is stuck at tanh ≈ 1
    flags = unit_flags(net, net.forward(np.random.default_rng(0).normal(size=(20, 2))))
    found = {(f.kind, f.layer, f.unit) for f in flags}
    assert found == {("dead_relu", 0, 1), ("saturated", 1, 2)}


def test_update_ratios_follow_history():
    _, tr = bc.build(bc.RunConfig())
    tr.run_steps(3)
    ratios = update_ratios(tr.history)
    assert ratios[0] is None
    rec = tr.history[2]
    assert ratios[2][0] == pytest.approx(rec.update_norms[0] / rec.weight_norms[0])


def test_double_sigmoid_bug_changes_gradients_and_article_net_keeps_per_sample_biases():
    p = bc.get_preset("article")
    net = bc.Network(p.layer_sizes, p.activations, seed=0)
    cache = net.forward(p.X)
    right = net.backward(cache, p.Y, "mse", "sum")
    wrong = gradients_with_double_sigmoid(net, cache, p.Y)
    assert not np.allclose(right.weights[1], wrong.weights[1], rtol=0.05)
    art = ArticleNet.like(net, derivative_bug=False)
    first = art.train_step(p.X, p.Y, 0.1)
    assert first.sum() == pytest.approx(right.biases[1][0], abs=1e-14)
    assert art.bho.shape == (1, 10) and art.bih.shape == (10, 10)


def test_walk_boxes_the_layer_it_just_computed():
    from ui.texts import walk_phase
    L = 3
    assert walk_phase(0, L)[1] == 0
    assert [walk_phase(p, L)[1] for p in range(1, 2 * L + 1)] == [1, 2, 3, 3, 2, 1]
    assert "δ of layer 3" in walk_phase(4, L)[0]  # the output layer comes first back
    assert "reached layer 1" in walk_phase(6, L)[0]
