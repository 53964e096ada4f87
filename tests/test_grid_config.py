"""The boundary grid evaluator and the run configuration."""

import numpy as np
import pytest

import backprop_core as bc
from backprop_core.config import apply_live_settings, needs_rebuild


def test_grid_matches_the_network_point_by_point():
    net = bc.Network([4, 8, 8, 3], ["relu", "tanh", "softmax"], seed=2)
    features = ("x1", "x2", "x1_x2", "sin_x1")
    grid = bc.evaluate_grid(net, features, (-6, 5, -4, 3), resolution=30, dtype=np.float64)
    assert grid.xs[0] == -6 and grid.xs[-1] == 5 and grid.ys[0] == -4 and grid.ys[-1] == 3
    assert [layer.shape for layer in grid.layers] == [(30, 30, 4), (30, 30, 8), (30, 30, 8),
                                                      (30, 30, 3)]
    # Row r, column c is the point (xs[c], ys[r]).
    for r, c in [(0, 0), (7, 22), (29, 29), (15, 3)]:
        point = np.array([[grid.xs[c], grid.ys[r]]])
        cache = net.forward(bc.apply_features(point, features))
        for layer, a in zip(grid.layers, cache.a, strict=True):
            np.testing.assert_allclose(layer[r, c], a[0], rtol=1e-12)


def test_grid_in_float32_is_close_to_float64():
    net = bc.Network([2, 8, 8, 8, 8, 8, 8, 1], ["tanh"] * 6 + ["sigmoid"], seed=0)
    g32 = bc.evaluate_grid(net, ("x1", "x2"), (-6, 6, -6, 6), 100)
    g64 = bc.evaluate_grid(net, ("x1", "x2"), (-6, 6, -6, 6), 100, dtype=np.float64)
    assert g32.output.dtype == np.float32
    np.testing.assert_allclose(g32.output, g64.output, atol=1e-5)


def test_config_builds_paired_outputs_per_task():
    for dataset, act, loss, n_out in [("circle", "sigmoid", "bce", 1),
                                      ("blobs", "softmax", "cross_entropy", 4),
                                      ("plane", "linear", "mse", 1)]:
        data, tr = bc.build(bc.RunConfig(dataset=dataset, n_classes=4))
        assert tr.net.activation_names[-1] == act and tr.loss == loss
        assert tr.net.layer_sizes[-1] == n_out and tr.task == data.task
    _, tr = bc.build(bc.RunConfig(output="sigmoid+mse", features=("x1", "x2", "x1_sq")))
    assert tr.loss == "mse" and tr.net.layer_sizes[0] == 3


def test_config_round_trips_and_validates():
    c = bc.RunConfig(hidden=(3, 5, 2), activations=("relu", "tanh", "sigmoid"), lr=0.3)
    assert bc.RunConfig.from_dict(c.to_dict()) == c
    for bad in [{"dataset": "mnist"}, {"hidden": (9,), "activations": ("tanh",)},
                {"hidden": (2,), "activations": ()}, {"features": ()},
                {"output": "softmax+cross_entropy"}, {"activations": ("softmax", "tanh")},
                {"batch_size": 0}]:
        with pytest.raises(ValueError):
            bc.RunConfig(**bad)
    with pytest.raises(ValueError, match="unknown settings"):
        bc.RunConfig.from_dict({"colour": "red"})


def test_same_config_same_data_and_weights():
    c = bc.RunConfig(noise=0.2, seed=5, data_seed=9)
    (d1, t1), (d2, t2) = bc.build(c), bc.build(c)
    assert np.array_equal(d1.X_train, d2.X_train)
    assert all(np.array_equal(a, b) for a, b in zip(t1.net.weights, t2.net.weights, strict=True))


def test_live_settings_do_not_reset_but_architecture_does():
    old = bc.RunConfig()
    assert not needs_rebuild(old, old.with_(lr=0.3, optimizer="adam", reg_rate=0.01))
    assert needs_rebuild(old, old.with_(hidden=(4,), activations=("tanh",)))
    assert needs_rebuild(old, old.with_(noise=0.3))
    _, tr = bc.build(old)
    tr.run_steps(5)
    new = old.with_(optimizer="adam", lr=0.01, regularization="l2", reg_rate=0.001)
    apply_live_settings(tr, old, new)
    assert tr.step == 5 and tr.optimizer.name == "adam" and tr.regularization == "l2"
    apply_live_settings(tr, new, new.with_(lr=0.1))
    assert tr.optimizer.lr == 0.1
