"""The two background texts' examples, reproduced exactly (without their bugs)."""

import math

import numpy as np
import pytest

import backprop_core as bc


def trainer_for(preset, seed=0, init="xavier"):
    net = bc.Network(preset.layer_sizes, preset.activations, seed=seed, init=init)
    return bc.Trainer(net, preset.X, preset.Y, loss=preset.loss, reduction=preset.reduction,
                      optimizer=bc.SGD(preset.learning_rate), batch_size=preset.batch_size,
                      shuffle=False)


@pytest.mark.parametrize("seed", range(5))
def test_article_example_learns_every_sample(seed):
    """5-10-1 sigmoid, lr 0.1, 1000 full-batch epochs, ½Σ(t-y)² summed over samples."""
    preset = bc.get_preset("article")
    assert preset.layer_sizes == [5, 10, 1] and preset.reduction == "sum"
    tr = trainer_for(preset, seed=seed)
    start = tr.history[0].train_loss
    tr.run_steps(preset.epochs)
    assert tr.step == 1000 and tr.epoch == 1000
    out = tr.net.predict(preset.X)
    assert np.all((out > 0.5) == (preset.Y > 0.5)), out.ravel()
    assert tr.history[1000].train_loss < 0.1 * start


def sigma(x):
    return 1.0 / (1.0 + math.exp(-x))


def hand_step(X, T, W1, b1, W2, b2, lr):
    """One SGD step written term by term with the article's equations (1)-(5), in floats.

    For each sample: y_k = σ(Σ_i x_i w_ik + b_k), y = σ(Σ_k y_k w_k + b).
    Output:  ∂C/∂w_k = -(t - y)·y(1 - y)·y_k                       (4)
             ∂C/∂b   = -(t - y)·y(1 - y)                           (5)
    Hidden:  ∂C/∂y_k = w_k·δ,  δ_k = ∂C/∂y_k · y_k(1 - y_k),  ∂C/∂w_ik = x_i·δ_k
    Gradients are summed over the samples (reduction "sum"), then w ← w - lr·∂C/∂w.
    """
    n_in, n_hid = len(W1), len(W1[0])
    gW1 = [[0.0] * n_hid for _ in range(n_in)]
    gb1, gW2, gb2 = [0.0] * n_hid, [0.0] * n_hid, 0.0
    for x, (t,) in zip(X, T, strict=True):
        yk = [sigma(sum(x[i] * W1[i][k] for i in range(n_in)) + b1[k]) for k in range(n_hid)]
        y = sigma(sum(yk[k] * W2[k][0] for k in range(n_hid)) + b2[0])
        delta = -(t - y) * y * (1 - y)
        gb2 += delta
        for k in range(n_hid):
            gW2[k] += delta * yk[k]
            delta_k = W2[k][0] * delta * yk[k] * (1 - yk[k])
            gb1[k] += delta_k
            for i in range(n_in):
                gW1[i][k] += x[i] * delta_k
    new_W1 = [[W1[i][k] - lr * gW1[i][k] for k in range(n_hid)] for i in range(n_in)]
    new_b1 = [b1[k] - lr * gb1[k] for k in range(n_hid)]
    new_W2 = [[W2[k][0] - lr * gW2[k]] for k in range(n_hid)]
    return new_W1, new_b1, new_W2, [b2[0] - lr * gb2]


def test_notebook_example_one_step_matches_the_hand_computed_update():
    preset = bc.get_preset("notebook")
    assert preset.layer_sizes == [3, 4, 1] and preset.learning_rate == 1.0
    W1 = [[0.1, -0.2, 0.3, 0.4], [-0.5, 0.6, 0.7, -0.8], [0.9, 0.1, -0.2, 0.3]]
    b1 = [0.1, -0.1, 0.2, -0.2]
    W2 = [[0.5], [-0.6], [0.7], [-0.8]]
    b2 = [0.05]
    net = bc.Network(preset.layer_sizes, preset.activations, seed=0)
    net.set_params([np.array(W1), np.array(W2)], [np.array(b1), np.array(b2)])
    tr = bc.Trainer(net, preset.X, preset.Y, loss="mse", reduction="sum",
                    optimizer=bc.SGD(lr=1.0), batch_size=2, shuffle=False)
    tr.finish_step()
    expected = hand_step(preset.X.tolist(), preset.Y.tolist(), W1, b1, W2, b2, lr=1.0)
    for got, want in zip(net.weights[:1] + net.biases[:1] + net.weights[1:] + net.biases[1:],
                         expected, strict=True):
        np.testing.assert_allclose(got, np.array(want), rtol=0, atol=1e-15)


def test_notebook_code_agrees_because_its_derivative_takes_activations():
    """The notebook's x(1-x) is σ' only because it is fed σ(z): with lr 1 and summed
    gradients its update is exactly ours."""
    preset = bc.get_preset("notebook")
    tr = trainer_for(preset, seed=3, init="normal")
    W1, W2 = (W.copy() for W in tr.net.weights)
    b1, b2 = (b.copy() for b in tr.net.biases)
    X, y = preset.X, preset.Y
    a1 = 1 / (1 + np.exp(-(X @ W1 + b1)))
    out = 1 / (1 + np.exp(-(a1 @ W2 + b2)))
    delta2 = (out - y) * out * (1 - out)
    delta1 = (delta2 @ W2.T) * a1 * (1 - a1)
    tr.finish_step()
    np.testing.assert_allclose(tr.net.weights[1], W2 - a1.T @ delta2, rtol=1e-13)
    np.testing.assert_allclose(tr.net.weights[0], W1 - X.T @ delta1, rtol=1e-13)
    np.testing.assert_allclose(tr.net.biases[0], b1 - delta1.sum(0), rtol=1e-13)


def test_the_article_codes_derivative_bug_gives_a_wrong_gradient():
    """The article's code applies σ'(·) to y = σ(z), i.e. computes σ(y)(1-σ(y)): the
    gradient check exposes it."""
    preset = bc.get_preset("article")
    net = bc.Network(preset.layer_sizes, preset.activations, seed=0)
    X, Y = preset.X, preset.Y
    cache = net.forward(X)
    y = cache.output
    s = 1 / (1 + np.exp(-y))
    buggy_delta = -(Y - y) * s * (1 - s)
    grads = net.backward(cache, Y, "mse", "sum")
    grads.weights[-1] = cache.a[1].T @ buggy_delta
    checks = bc.grad_check(net, X, Y, "mse", "sum", grads=grads)
    out_layer = [c for c in checks if c.layer == 1 and c.kind == "W"]
    assert min(c.rel_error for c in out_layer) > 0.01  # far beyond 1e-7
