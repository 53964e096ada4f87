"""No overflow or invalid-value warnings at |z| = 1e4, and exact values where they matter."""

import numpy as np
import pytest

import backprop_core as bc
from backprop_core.network.activations import ACTIVATIONS
from backprop_core.network.losses import LOSSES

Z = np.array([[-1e4, -750.0, -40.0, -1e-300, 0.0, 1e-300, 40.0, 750.0, 1e4]])


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations_and_derivatives_at_huge_z(name):
    act = ACTIVATIONS[name]
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        a = act.f(Z)
        grad_z = act.vjp(Z, a, np.ones_like(Z))
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(grad_z))


def test_sigmoid_is_exact_in_both_tails():
    from backprop_core.network.activations import sigmoid
    with np.errstate(over="raise", invalid="raise"):
        s = sigmoid(np.array([-1e4, -40.0, 0.0, 40.0, 1e4]))
    assert s[0] == 0.0 and s[-1] == 1.0 and s[2] == 0.5
    assert s[1] == pytest.approx(np.exp(-40.0), rel=1e-14)  # not rounded to 0


def test_softmax_is_max_subtracted():
    with np.errstate(over="raise", invalid="raise"):
        p = ACTIVATIONS["softmax"].f(np.array([[1e4, 1e4 - 1.0, -1e4]]))
    assert p.sum() == pytest.approx(1.0)
    assert p[0, 0] / p[0, 1] == pytest.approx(np.e)


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_losses_and_deltas_at_huge_logits(loss):
    out = {"mse": "linear", "bce": "sigmoid", "cross_entropy": "softmax"}[loss]
    net = bc.Network([1, 3], [out], seed=0)
    net.weights[0][...] = [[1e4, -1e4, 1.0]]
    X = np.array([[1.0], [-1.0]])
    Y = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        cache = net.forward(X)
        value = bc.loss_value(cache.output, Y, loss, "mean", logits=cache.z[-1])
        clipped = bc.loss_value(cache.output, Y, loss, "sum")
        grads = net.backward(cache, Y, loss, "mean")
    assert np.isfinite(value) and np.isfinite(clipped)
    assert all(np.all(np.isfinite(g)) for g in grads.weights + grads.biases)


def test_bce_from_logits_is_exact_where_clipping_would_lie():
    from backprop_core.network.losses import bce_cost_from_logits
    # A confidently wrong output: z = -1e4 with target 1 costs exactly 1e4 (+ log1p(e^-1e4)).
    assert bce_cost_from_logits(np.array([[-1e4]]), np.array([[1.0]]))[0] == 1e4
    assert bce_cost_from_logits(np.array([[0.0]]), np.array([[1.0]]))[0] == pytest.approx(
        np.log(2), rel=1e-15)


def test_relu_derivative_is_zero_at_zero():
    from backprop_core.network.activations import leaky_relu_prime, relu_prime
    z = np.array([[0.0, -0.0, 1e-300]])
    assert relu_prime(z, z).tolist() == [[0.0, 0.0, 1.0]]
    assert leaky_relu_prime(z, z).tolist() == [[0.01, 0.01, 1.0]]


def test_grid_evaluation_at_huge_weights_raises_nothing():
    net = bc.Network([2, 8, 1], ["tanh", "sigmoid"], seed=0)
    net.weights[0] *= 1e4
    with np.errstate(over="raise", invalid="raise"):
        grid = bc.evaluate_grid(net, ("x1", "x2"), (-6, 6, -6, 6), 50)
    assert np.all(np.isfinite(grid.output))
