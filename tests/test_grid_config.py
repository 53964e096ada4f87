"""The boundary grid evaluator and the run configuration."""

import numpy as np
import pytest

import backprop_core as bc
from backprop_core.policy.config import apply_live_settings, needs_rebuild


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


def test_planes_map_points_to_inputs_and_back():
    from backprop_core.analyses.plane import pca, plane_extent, two_features
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 4)) @ rng.normal(size=(4, 4))
    names = ["a", "b", "c", "d"]
    plane = two_features(X, 1, 3, names)
    np.testing.assert_allclose(plane.coords(X), X[:, [1, 3]])
    inputs = plane.to_inputs(np.array([[2.0, -1.0]]))
    np.testing.assert_allclose(inputs[0], [X[:, 0].mean(), 2.0, X[:, 2].mean(), -1.0])
    assert "b" in plane.description and "mean" in plane.description
    p = pca(X)
    np.testing.assert_allclose(p.axes @ p.axes.T, np.eye(2), atol=1e-12)
    coords = p.coords(X)
    assert coords[:, 0].var() >= coords[:, 1].var()
    # Points of the plane map to inputs whose projection is the point again.
    np.testing.assert_allclose(p.coords(p.to_inputs(coords)), coords, atol=1e-12)
    xmin, xmax, ymin, ymax = plane_extent(coords)
    assert xmin < coords[:, 0].min() and ymax > coords[:, 1].max()
    with pytest.raises(ValueError):
        two_features(X, 2, 2, names)


def test_grid_through_a_plane_matches_the_network():
    from backprop_core.analyses.plane import pca
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 5))
    net = bc.Network([5, 6, 2], ["tanh", "softmax"], seed=0)
    plane = pca(X)
    grid = bc.evaluate_grid(net, (), (-2, 2, -1, 1), 11, dtype=np.float64, plane=plane)
    point = np.array([[grid.xs[4], grid.ys[7]]])
    np.testing.assert_allclose(grid.output[7, 4], net.predict(plane.to_inputs(point))[0],
                               rtol=1e-12)


def test_custom_config_needs_data_and_uses_raw_columns():
    from backprop_core.data.datasets import Dataset
    rng = np.random.default_rng(2)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(float)[:, None]
    data = Dataset("custom", "binary", X[:30], y[:30], X[30:], y[30:], 2)
    c = bc.RunConfig(dataset="custom", custom_task="binary")
    with pytest.raises(ValueError, match="no generator"):
        bc.build(c)
    _, tr = bc.build(c, data)
    assert tr.net.layer_sizes[0] == 3 and np.array_equal(tr.X, X[:30])


def test_drawn_points_join_the_training_set_with_their_labels():
    c = bc.RunConfig(extra_points=((1.5, -2.0, 1.0), (0.0, 0.5, 0.0)))
    data, tr = bc.build(c)
    plain, _ = bc.build(bc.RunConfig())
    assert len(data.X_train) == len(plain.X_train) + 2
    np.testing.assert_array_equal(data.X_train[-2:], [[1.5, -2.0], [0.0, 0.5]])
    np.testing.assert_array_equal(data.Y_train[-2:, 0], [1.0, 0.0])
    multi, _ = bc.build(bc.RunConfig(dataset="blobs", n_classes=4,
                                     extra_points=((0.0, 0.0, 3.0),)))
    np.testing.assert_array_equal(multi.Y_train[-1], [0, 0, 0, 1])
    with pytest.raises(ValueError, match="extra_points"):
        bc.RunConfig(extra_points=((0.0, 0.0, 5.0),))  # no class 5 in binary data
    with pytest.raises(ValueError, match="extra_points"):
        bc.RunConfig(extra_points=((float("nan"), 0.0, 1.0),))
