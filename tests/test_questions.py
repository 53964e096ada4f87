"""Every lesson question kind against a hand-worked case, and the truth on a fork equal to
what the run itself then does."""

import numpy as np
import pytest

import backprop_core as bc
from backprop_core.analyses.questions import (
    QUESTIONS,
    Param,
    QuestionError,
    question,
    significant,
)


def linear_trainer(w: float, b: float, x: float, t: float, lr: float) -> bc.Trainer:
    """One weight, one bias, linear output, C = ½(t − y)² on the single sample (x, t)."""
    net = bc.Network([1, 1], ["linear"], seed=0)
    net.weights[0][...] = w
    net.biases[0][...] = b
    return bc.Trainer(net, np.array([[x]]), np.array([[t]]), loss="mse",
                      optimizer=bc.SGD(lr), batch_size=1, shuffle=False)


def test_parameters_are_spelled_with_layers_from_one():
    assert Param.parse("w2:1,0") == Param(1, 1, 0)
    assert Param.parse("b1:3") == Param(0, None, 3)
    assert Param.parse("w2:1,0").name() == "w₁,₀ of layer 2"
    for bad in ("w2:1", "x1:0", "b1:3,4", "", None, 7, "w0:0,0x"):
        with pytest.raises(QuestionError):
            Param.parse(bad)
    with pytest.raises(QuestionError, match="layers 1 to 1"):
        Param.parse("w2:0,0").check((1, 1))
    with pytest.raises(QuestionError, match="from 1 to 1 neurons"):
        Param.parse("w1:1,0").check((1, 1))


def test_direction_and_gradient_by_hand():
    # z = 0.5·2 + 0 = 1, y = 1, t = 3: ∂C/∂y = y − t = −2, ∂C/∂w = x·(−2) = −4,
    # ∂C/∂b = −2; SGD with η = 0.1: w 0.5 → 0.9 (up), b 0 → 0.2 (up).
    tr = linear_trainer(0.5, 0.0, 2.0, 3.0, 0.1)
    grad = QUESTIONS["gradient"].truth({"param": "w1:0,0"}, tr)
    assert grad.answer == pytest.approx(-4.0, rel=1e-15)
    assert QUESTIONS["gradient"].truth({"param": "b1:0"}, tr).answer == pytest.approx(-2.0)
    assert QUESTIONS["gradient"].grade(-4.001, grad).correct  # -4.00 to 3 digits
    assert not QUESTIONS["gradient"].grade(-4.01, grad).correct
    assert not QUESTIONS["gradient"].grade(4.0, grad).correct  # the sign is the point
    way = QUESTIONS["direction"].truth({"param": "w1:0,0"}, tr)
    assert way.answer == "up" and way.facts["after"] == pytest.approx(0.9)
    assert QUESTIONS["direction"].grade("up", way).correct
    assert not QUESTIONS["direction"].grade("down", way).correct
    assert tr.step == 0 and tr.net.weights[0][0, 0] == 0.5  # the truth came from a fork


def test_a_frozen_weight_stays():
    tr = linear_trainer(0.5, 0.0, 2.0, 3.0, 0.1)
    tr.set_frozen(0, "weights", (0, 0))
    assert QUESTIONS["direction"].truth({"param": "w1:0,0"}, tr).answer == "stays"


def test_largest_gradient_by_hand():
    # x = 1, t = 0, linear layers: h = (1, 2), y = 1·1 + 3·2 = 7, ∂C/∂y = 7,
    # ∂C/∂b of the hidden layer = W2 · 7 = (7, 21): neuron 1.
    net = bc.Network([1, 2, 1], ["linear", "linear"], seed=0)
    net.weights[0][...] = [[1.0, 2.0]]
    net.weights[1][...] = [[1.0], [3.0]]
    net.biases[0][...] = 0.0
    net.biases[1][...] = 0.0
    tr = bc.Trainer(net, np.array([[1.0]]), np.array([[0.0]]), loss="mse",
                    optimizer=bc.SGD(0.01), batch_size=1, shuffle=False)
    truth = QUESTIONS["largest_gradient"].truth({"layer": 1}, tr)
    assert truth.answer == 1 and "0: 7, 1: 21" in truth.text
    assert QUESTIONS["largest_gradient"].grade(1, truth).correct
    assert not QUESTIONS["largest_gradient"].grade(0, truth).correct


@pytest.mark.parametrize(("lr", "expected"), [(1.5, "yes"), (0.1, "no")])
def test_diverges_by_hand(lr, expected):
    # C = ½(w + b)² at x = 1, t = 0; one step multiplies s = w + b by (1 − 2η):
    # η = 1.5 → −2, the loss ×4 a step (past 2×: diverges); η = 0.1 → 0.8 (it shrinks).
    tr = linear_trainer(1.0, 0.0, 1.0, 0.0, lr)
    truth = QUESTIONS["diverges"].truth({"steps": 3}, tr)
    assert truth.answer == expected
    assert truth.facts["end"] == pytest.approx(0.5 * (1 - 2 * lr) ** 6)


def test_turns_orange_by_hand():
    # Output σ(x₁): blue where x₁ > 0. One orange sample at (1, 0), BCE, η = 1:
    # δ = σ(1) ≈ 0.731, so w₀ → 1 − 0.731 = 0.269 and b → −0.731; the boundary moves to
    # x₁ = 0.731/0.269 ≈ 2.72: points with 0 < x₁ < 2.72 turn orange.
    net = bc.Network([2, 1], ["sigmoid"], seed=0)
    net.weights[0][...] = [[1.0], [0.0]]
    net.biases[0][...] = 0.0
    tr = bc.Trainer(net, np.array([[1.0, 0.0]]), np.array([[0.0]]), loss="bce",
                    optimizer=bc.SGD(1.0), batch_size=1, shuffle=False)
    kind = QUESTIONS["turns_orange"]
    kind.check({"steps": 1}, tr)
    truth = kind.truth({"steps": 1}, tr, ("x1", "x2"), (-6, 6, -6, 6))
    assert 0.2 < truth.facts["share"] < 0.25  # 0 < x₁ < 2.72 of [-6, 6]: 22.6 %
    assert kind.grade((1.0, 0.0), truth).correct  # σ(1) = 0.73 → σ(−0.46) = 0.39
    assert not kind.grade((5.0, 0.0), truth).correct  # still blue: σ(0.61)
    assert not kind.grade((-1.0, 0.0), truth).correct  # orange already


@pytest.mark.parametrize(("spec", "tr_steps", "phase"), [
    ({"kind": "direction", "param": "w2:3,0"}, 0, 0),
    ({"kind": "gradient", "param": "b1:2"}, 0, 2),
    ({"kind": "largest_gradient", "layer": 2}, 0, 2),
    ({"kind": "diverges", "steps": 7}, 7, 0),
    ({"kind": "turns_orange", "steps": 5}, 5, 0),
])
def test_the_run_shows_what_the_fork_said(spec, tr_steps, phase):
    """The truth is worked out on a fork; ``advance`` then takes the run itself there, and
    the run's own numbers are the truth's, bit for bit."""
    c = bc.RunConfig(dataset="xor", hidden=(4, 4), activations=("tanh", "tanh"), batch_size=10)
    data, tr = bc.build(c)
    tr.run_steps(3)
    kind = question(spec)
    kind.check(spec, tr)
    args = ((c.features, bc.dataset_extent(data.X_train)) if spec["kind"] == "turns_orange"
            else ())
    truth = kind.truth(spec, tr, *args)
    kind.advance(spec, tr)
    assert tr.step == 3 + (tr_steps or (1 if phase == 0 else 0)) and tr.phase_index == phase
    if spec["kind"] == "direction":
        assert Param.parse(spec["param"]).of(tr.net) == truth.facts["after"]
    if spec["kind"] == "gradient":
        assert Param.parse(spec["param"]).grad(tr.grads) == truth.answer
    if spec["kind"] == "diverges":
        assert tr.evaluate()["train_loss"] == truth.facts["end"]
    if spec["kind"] == "turns_orange":
        assert np.array_equal(truth.facts["after"].theta, tr.net.theta)


def test_specs_are_checked_against_the_network():
    _, tr = bc.build(bc.RunConfig(dataset="xor", hidden=(4,), activations=("tanh",)))
    for spec, message in [({"kind": "quiz"}, "not one of"), ("direction", "not one of"),
                          ({"kind": "direction", "param": "w3:0,0"}, "layers 1 to 2"),
                          ({"kind": "largest_gradient", "layer": 0}, "from 1 to 2"),
                          ({"kind": "largest_gradient", "layer": True}, "from 1 to 2"),
                          ({"kind": "diverges", "steps": 0}, "from 1 to"),
                          ({"kind": "diverges", "steps": 10**6}, "from 1 to")]:
        with pytest.raises(QuestionError, match=message):
            question(spec).check(spec, tr)
    _, regression = bc.build(bc.RunConfig(dataset="plane"))
    with pytest.raises(QuestionError, match="two-class"):
        question({"kind": "turns_orange", "steps": 1}).check({"steps": 1}, regression)


def test_significant_digits():
    assert significant(-4.0012) == -4.0
    assert significant(0.012345) == 0.0123
    assert significant(98765.0) == 98800.0
    assert significant(0.0) == 0.0
