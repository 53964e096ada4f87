"""Optimizer updates against numbers worked out by hand (PyTorch's update rules)."""

import numpy as np
import pytest

import backprop_core as bc


def one_weight_net(w=1.0, b=0.0):
    """A 1-1 linear network: its single weight and bias are the parameters under test."""
    net = bc.Network([1, 1], ["linear"], seed=0)
    net.weights[0][...] = w
    net.biases[0][...] = b
    return net


def grads_of(gw, gb=0.0):
    return bc.Gradients([np.array([[gw]])], [np.array([gb])], deltas=[])


def run(opt, net, gradients):
    trace = []
    for gw in gradients:
        opt.step(net, grads_of(gw))
        trace.append(float(net.weights[0][0, 0]))
    return trace


def test_sgd_by_hand():
    # w = 1 - 0.1·0.5 = 0.95, then 0.95 - 0.1·(-2) = 1.15
    net = one_weight_net()
    assert run(bc.SGD(lr=0.1), net, [0.5, -2.0]) == pytest.approx([0.95, 1.15], abs=1e-15)


def test_momentum_by_hand_including_the_first_step():
    # PyTorch: v1 = g1 = 0.5 (a copy, not 0.9·0 + 0.5 by accident): w = 1 - 0.1·0.5 = 0.95
    # v2 = 0.9·0.5 + 0.25 = 0.7:  w = 0.95 - 0.07 = 0.88
    # v3 = 0.9·0.7 - 1 = -0.37:   w = 0.88 + 0.037 = 0.917
    opt = bc.Momentum(lr=0.1, momentum=0.9)
    trace = run(opt, one_weight_net(), [0.5, 0.25, -1.0])
    assert trace == pytest.approx([0.95, 0.88, 0.917], abs=1e-15)
    assert opt.state["velocity"]["weights"][0][0, 0] == pytest.approx(-0.37, abs=1e-15)


def test_nesterov_by_hand():
    # v1 = 0.5, step direction g + μ·v = 0.5 + 0.45 = 0.95:  w = 1 - 0.095 = 0.905
    opt = bc.Momentum(lr=0.1, momentum=0.9, nesterov=True)
    assert run(opt, one_weight_net(), [0.5]) == pytest.approx([0.905], abs=1e-15)


def test_adam_by_hand_with_bias_correction():
    # lr 0.01, β1 0.9, β2 0.999, eps 1e-8.
    # t=1, g=0.5:  m = 0.05, v = 0.00025; m̂ = 0.05/0.1 = 0.5, √v̂ = √(0.00025/0.001) = 0.5
    #              w = 1 - 0.01·0.5/(0.5 + 1e-8) = 0.9900000002
    # t=2, g=0.25: m = 0.045 + 0.025 = 0.07, v = 0.00024975 + 0.0000625 = 0.00031225
    #              m̂ = 0.07/0.19 = 0.368421053, √v̂ = √(0.00031225/0.001999) = 0.395225380
    #              w = 0.9900000002 - 0.01·0.932179... = 0.980678204
    # t=3, g=-1:   m = 0.063 - 0.1 = -0.037, v = 0.00031193775 + 0.001 = 0.00131193775
    #              m̂ = -0.037/0.271 = -0.136531365, √v̂ = √(0.00131193775/0.002997001) = 0.661627
    #              w = 0.980678204 + 0.01·0.206357... = 0.982741774
    opt = bc.Adam(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8)
    trace = run(opt, one_weight_net(), [0.5, 0.25, -1.0])
    assert trace == pytest.approx([0.9900000002, 0.980678204048, 0.982741774289], abs=1e-12)
    assert opt.t == 3
    assert opt.state["m"]["weights"][0][0, 0] == pytest.approx(-0.037, abs=1e-15)
    assert opt.state["v"]["weights"][0][0, 0] == pytest.approx(0.00131193775, abs=1e-15)


def test_update_is_returned_and_biases_move_too():
    net = one_weight_net(w=2.0, b=1.0)
    update = bc.SGD(lr=0.5).step(net, grads_of(1.0, gb=-4.0))
    assert update.weights[0][0, 0] == -0.5 and update.biases[0][0] == 2.0
    assert net.weights[0][0, 0] == 1.5 and net.biases[0][0] == 3.0


def test_state_lines_up_with_parameters():
    net = bc.Network([3, 5, 2], ["tanh", "sigmoid"], seed=0)
    opt = bc.Adam(lr=0.01)
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(4, 3)), rng.integers(0, 2, size=(4, 2)).astype(float)
    opt.step(net, net.backward(net.forward(X), Y, loss="bce"))
    for slot in ("m", "v"):
        assert [a.shape for a in opt.state[slot]["weights"]] == [W.shape for W in net.weights]
        assert [a.shape for a in opt.state[slot]["biases"]] == [b.shape for b in net.biases]


def test_backward_never_changes_parameters():
    net = bc.Network([2, 4, 1], ["relu", "sigmoid"], seed=0)
    before = [W.copy() for W in net.weights + net.biases]
    X = np.ones((3, 2))
    net.backward(net.forward(X), np.ones((3, 1)), loss="bce", regularization="l2", reg_rate=0.1)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.weights + net.biases, strict=True))


def test_learning_rate_change_keeps_state():
    opt = bc.Momentum(lr=0.1, momentum=0.9)
    net = one_weight_net()
    run(opt, net, [0.5])
    opt.set_hyperparams(lr=0.2)
    # v = 0.9·0.5 + 0.5 = 0.95, w = 0.95 - 0.2·0.95 = 0.76
    assert run(opt, net, [0.5]) == pytest.approx([0.76], abs=1e-15)


@pytest.mark.parametrize(
    "make",
    [
        lambda: bc.SGD(lr=0),
        lambda: bc.SGD(lr=float("nan")),
        lambda: bc.Momentum(lr=0.1, momentum=-1),
        lambda: bc.Adam(lr=0.1, beta1=1.0),
        lambda: bc.Adam(lr=0.1, eps=0),
        lambda: bc.make_optimizer("rmsprop", lr=0.1),
        lambda: bc.SGD(lr=0.1).set_hyperparams(lr=-1),
        lambda: bc.SGD(lr=0.1).set_hyperparams(momentum=0.5),
    ],
)
def test_bad_settings_are_refused(make):
    with pytest.raises(ValueError):
        make()
