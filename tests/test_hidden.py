"""The hidden space is the network's own activations, bit for bit, for the training points
and for every point of the grid's lines; its projections are exactly what they say."""

import numpy as np
import pytest

import backprop_core as bc
from backprop_core.analyses.hidden import (
    N_LINES,
    PER_GAP,
    grid_lines,
    hidden_space,
    neuron_axes,
    principal_axes,
)
from backprop_core.policy.config import inputs
from viz.hidden import hidden_figure, input_figure, polylines


def trained(steps=60, **changes):
    settings = {"dataset": "spiral", "hidden": (6, 6), "activations": ("tanh", "relu"),
                "features": ("x1", "x2", "x1_sq", "sin_x2"), "lr": 0.1, **changes}
    c = bc.RunConfig(**settings)
    data, tr = bc.build(c)
    tr.run_steps(steps)
    return c, data, tr


def space_of(c, data, tr):
    return hidden_space(tr.net, lambda X: inputs(c, X), data.X_train,
                        bc.dataset_extent(data.X_all))


def test_points_are_the_networks_activations_bit_for_bit():
    c, data, tr = trained()
    space = space_of(c, data, tr)
    own = tr.net.forward(inputs(c, data.X_train)).a
    trainer_inputs = tr.net.forward(tr.X).a  # what the trainer itself feeds the network
    assert len(space.points) == len(own) == tr.net.n_layers + 1
    for layer, a in enumerate(space.points):
        assert a.dtype == np.float64
        assert np.array_equal(a, own[layer])
        assert np.array_equal(a, trainer_inputs[layer])


def test_grid_lines_are_the_networks_activations_bit_for_bit():
    c, data, tr = trained()
    space = space_of(c, data, tr)
    flat = space.grid.reshape(-1, 2)
    own = tr.net.forward(inputs(c, flat)).a
    for layer, lines in enumerate(space.lines):
        assert lines.shape == (2, N_LINES, (N_LINES - 1) * PER_GAP + 1,
                               tr.net.layer_sizes[layer])
        assert np.array_equal(lines.reshape(len(flat), -1), own[layer])
    # Independently: one line through the network on its own, the last hidden layer.
    line = space.grid[1, 7]
    alone = tr.net.forward(inputs(c, line)).a[2]
    np.testing.assert_allclose(space.lines[2][1, 7], alone, rtol=0, atol=1e-12)


def test_the_grid_spans_the_box_with_at_least_30_straight_lines_each_way():
    extent = (-5.5, 5.25, -6.0, 4.75)
    grid = grid_lines(extent)
    n_lines, n_samples = grid.shape[1:3]
    assert grid.shape == (2, n_lines, n_samples, 2)
    assert n_lines >= 30 and n_samples >= 100
    xs, ys = np.linspace(-5.5, 5.25, n_samples), np.linspace(-6.0, 4.75, n_samples)
    for i in range(n_lines):
        assert np.array_equal(grid[0, i, :, 0], xs)  # x₁ runs along a line of constant x₂
        assert np.all(grid[0, i, :, 1] == ys[i * PER_GAP])
        assert np.array_equal(grid[1, i, :, 1], ys)
        assert np.all(grid[1, i, :, 0] == xs[i * PER_GAP])
    assert grid[0, 0, 0].tolist() == [-5.5, -6.0] and grid[0, -1, -1].tolist() == [5.25, 4.75]
    # Where two lines cross they share one point, so their images cross exactly too.
    for i in range(n_lines):
        for k in range(n_lines):
            assert np.array_equal(grid[0, i, k * PER_GAP], grid[1, k, i * PER_GAP])


def test_lines_look_smooth_in_the_hidden_space():
    """A warped line's samples lie close together in the layer's plane, and the polyline
    turns by only a little at each of them, so no corner shows (a 420-pixel chart). Tanh
    layers bend smoothly; a ReLU's kinks are real and would be corners at any density."""
    c, data, tr = trained(steps=300, activations=("tanh", "tanh"))
    space = space_of(c, data, tr)
    for layer in (1, 2):
        lines = principal_axes(space.points[layer]).coords(space.lines[layer])
        span = np.ptp(lines.reshape(-1, 2), axis=0).max()
        d = np.diff(lines, axis=2)
        jumps = np.linalg.norm(d, axis=-1) / span
        assert jumps.max() < 0.03
        angle = np.arctan2(d[..., 1], d[..., 0])
        turns = np.degrees(np.abs((np.diff(angle, axis=-1) + np.pi) % (2 * np.pi) - np.pi))
        visible = jumps[..., 1:] > 0.005  # segments longer than ~2 pixels
        assert np.quantile(turns[visible], 0.99) < 8 and turns[visible].max() < 15


def test_without_a_plane_only_points():
    c, data, tr = trained(steps=3)
    space = hidden_space(tr.net, lambda X: inputs(c, X), data.X_train)
    assert space.grid is None and space.lines is None
    assert np.array_equal(space.points[1], tr.net.forward(tr.X).a[1])


def test_neuron_axes_are_the_activations_themselves():
    c, data, tr = trained(steps=5)
    A = tr.net.forward(tr.X).a[1]
    p = neuron_axes(6, 4, 1)
    assert np.array_equal(p.coords(A), A[:, [4, 1]])
    lines = space_of(c, data, tr).lines[1]
    assert np.array_equal(p.coords(lines), lines[..., [4, 1]])
    one = neuron_axes(1, 0, None)  # a layer of one neuron: on a line at 0
    assert np.array_equal(one.coords(A[:, :1]), np.column_stack([A[:, 0], np.zeros(len(A))]))
    with pytest.raises(ValueError):
        neuron_axes(6, 6, 0)
    with pytest.raises(ValueError):
        neuron_axes(6, 0, None)


def test_pca_projection_is_centred_svd_with_its_variance():
    c, data, tr = trained()
    space = space_of(c, data, tr)
    A = space.points[2]
    p = principal_axes(A)
    assert np.array_equal(p.mean, A.mean(axis=0))
    assert np.array_equal(p.coords(A), (A - p.mean) @ p.components.T)
    assert np.array_equal(p.coords(space.lines[2]), (space.lines[2] - p.mean) @ p.components.T)
    np.testing.assert_allclose(p.components @ p.components.T, np.eye(2), atol=1e-12)
    eigenvalues, vectors = np.linalg.eigh(np.cov(A.T))  # an independent route
    np.testing.assert_allclose(p.variance, eigenvalues[::-1][:2], rtol=1e-9)
    np.testing.assert_allclose(np.abs(p.components @ vectors[:, ::-1][:, :2]), np.eye(2),
                               atol=1e-7)
    np.testing.assert_allclose(p.ratio, eigenvalues[::-1][:2] / eigenvalues.sum(), rtol=1e-9)
    np.testing.assert_allclose(p.coords(A).var(axis=0, ddof=1), p.variance, rtol=1e-9)
    for k in range(2):  # without a reference: the largest loading is positive
        assert p.components[k][np.argmax(np.abs(p.components[k]))] > 0


def test_pca_signs_follow_the_previous_frame():
    c, data, tr = trained(steps=0)
    shown = None
    for _ in range(150):
        tr.run_steps(1)
        p = principal_axes(tr.net.forward(tr.X).a[2], reference=shown)
        if shown is not None:
            assert np.all(np.sum(p.components * shown, axis=1) > 0)
        shown = p.components
    flipped = principal_axes(tr.net.forward(tr.X).a[2], reference=-shown)
    assert np.array_equal(flipped.components, -shown)
    assert np.array_equal(flipped.coords(tr.net.forward(tr.X).a[2]),
                          -principal_axes(tr.net.forward(tr.X).a[2], shown)
                          .coords(tr.net.forward(tr.X).a[2]))


def test_pca_of_a_one_neuron_layer_and_bad_values():
    A = np.array([[1.0], [2.0], [4.0]])
    p = principal_axes(A)
    assert p.components.tolist() == [[1.0], [0.0]]
    assert np.array_equal(p.coords(A)[:, 1], np.zeros(3))
    assert p.ratio.tolist() == [1.0, 0.0]
    with pytest.raises(ValueError):
        principal_axes(np.array([[1.0, np.inf]]))


def test_figures_carry_the_projected_values():
    c, data, tr = trained(steps=20)
    space = space_of(c, data, tr)
    p = principal_axes(space.points[1])
    points, lines = p.coords(space.points[1]), p.coords(space.lines[1])
    fig = hidden_figure(points, data.Y_train, data.task, lines, p.labels)
    assert [t["name"] for t in fig["data"]] == ["x₂ constant", "x₁ constant", "border", "train"]
    x, y = polylines(lines[0])
    assert np.array_equal(fig["data"][0]["x"], x, equal_nan=True)
    assert np.array_equal(x.reshape(N_LINES, -1)[:, :-1], lines[0][..., 0].astype(np.float32))
    assert np.all(np.isnan(x.reshape(N_LINES, -1)[:, -1]))  # a gap between lines
    assert np.array_equal(fig["data"][-1]["x"], points[:, 0].astype(np.float32))
    marker = fig["data"][-1]["marker"]
    assert np.array_equal(marker["color"], data.labels_train.astype(np.float32))
    assert marker["colorscale"] == [[0.0, "#f59322"], [1.0, "#0877bd"]]  # as the Playground
    border = fig["data"][2]
    assert np.sum(np.isfinite(border["x"])) == 4 * lines.shape[2]
    regression = hidden_figure(points, np.linspace(-1, 1, len(points))[:, None], "regression",
                               None, p.labels, (-1.05, 1.05))
    assert len(regression["data"]) == 1
    assert regression["data"][0]["marker"]["cmin"] == -1
    assert regression["layout"]["xaxis"]["range"] == [-1.05, 1.05]
    plane = {"data": [{"name": "no points"}], "layout": {"meta": "boundary"}}
    fig = input_figure(plane, space.grid, data.X_train, data.Y_train, data.task)
    assert fig["layout"] == plane["layout"]
    assert [t["name"] for t in fig["data"]] == ["x₂ constant", "x₁ constant", "border", "train"]
    assert np.array_equal(fig["data"][0]["x"], polylines(space.grid[0])[0], equal_nan=True)
    assert np.array_equal(fig["data"][-1]["y"], data.X_train[:, 1].astype(np.float32))
