"""Figure builders: any architecture draws, and the figures carry the engine's numbers."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import backprop_core as bc
from viz.boundary import boundary_figure
from viz.curves import loss_figure
from viz.network import DiagramData, network_figure


@settings(max_examples=40, deadline=None)
@given(hidden=st.lists(st.integers(1, 8), min_size=0, max_size=6),
       n_features=st.integers(1, 7), out=st.sampled_from([("sigmoid", 1), ("softmax", 4),
                                                           ("linear", 1)]),
       mode=st.sampled_from(["weights", "gradients", "updates"]))
def test_network_figure_draws_any_architecture(hidden, n_features, out, mode):
    act, n_out = out
    features = list(bc.FEATURES)[:n_features]
    net = bc.Network([n_features, *hidden, n_out], ["relu"] * len(hidden) + [act], seed=0)
    grid = bc.evaluate_grid(net, features, (-6, 6, -6, 6), 20)
    rng = np.random.default_rng(0)
    X = bc.apply_features(rng.normal(size=(5, 2)), features)
    Y = np.eye(n_out)[rng.integers(0, n_out, 5)] if n_out > 1 else rng.normal(size=(5, 1))
    grads = net.backward(net.forward(X), Y, "mse")
    update = bc.SGD(0.1).step(net, grads)
    data = DiagramData([bc.FEATURES[f].label for f in features], thumbs=grid.layers,
                       grads=grads, update=update, selected=(0, 0, 0), highlight_layer=1)
    fig = network_figure(net, data, mode)
    json.dumps(fig)  # plain JSON, no NumPy objects
    assert len(fig["layout"]["images"]) == 1
    hover = next(t for t in fig["data"] if t.get("name") == "weights")
    n_edges = sum(W.size for W in net.weights)
    assert len(hover["x"]) == n_edges
    points = np.column_stack([hover["x"], hover["y"]])
    gaps = np.hypot(*(points[:, None] - points[None]).transpose(2, 0, 1))
    np.fill_diagonal(gaps, np.inf)
    assert n_edges < 2 or gaps.min() > 0.05  # no two edges share a hover spot
    neurons = next(t for t in fig["data"] if t.get("name") == "neurons")
    assert len(neurons["x"]) == sum(net.layer_sizes)


def test_edge_colour_and_width_follow_the_weights():
    net = bc.Network([1, 2], ["linear"], seed=0)
    net.weights[0][...] = [[2.0, -0.1]]
    fig = network_figure(net, DiagramData(["x₁"]))
    lines = [t for t in fig["data"] if t.get("mode") == "lines"]
    assert len(lines) == 2
    strong = max(lines, key=lambda t: t["line"]["width"])
    assert strong["line"]["color"] == "#0877bd"  # positive = blue
    weak = min(lines, key=lambda t: t["line"]["width"])
    assert weak["line"]["color"] == "#f59322"


def test_boundary_and_loss_figures_are_json():
    data, tr = bc.build(bc.RunConfig(dataset="blobs", n_classes=4))
    tr.run_steps(5)
    grid = bc.evaluate_grid(tr.net, ("x1", "x2"), (-6, 6, -6, 6), 30)
    fig = boundary_figure(grid.output, (-6, 6, -6, 6), data.task, data.X_train, data.Y_train,
                          data.X_test, data.Y_test, batch=data.X_train[:3])
    json.dumps(fig)
    assert [t["name"] for t in fig["data"]] == ["train", "train", "test", "test", "mini-batch"]
    # Legend swatches are neutral entries, the data traces stay out of the legend.
    assert [t.get("showlegend", True) for t in fig["data"]] == [False, True, False, True, True]
    loss = loss_figure(tr.history.columns, data.task, log_scale=True, current_step=2)
    json.dumps(loss)
    assert loss["data"][0]["y"][0] == tr.history[0].train_loss  # exact, never rounded
    assert loss["layout"]["yaxis"]["type"] == "log" and loss["layout"]["shapes"]


def test_heatmap_hovers_carry_the_exact_values():
    from viz.gradients import matrix_heatmap

    M = np.array([[-3.48e-9, 4.72e-8], [1.0, -2.5e-12]])
    fig = matrix_heatmap(M, "∂C/∂W")
    assert fig["data"][0]["z"] == M.tolist()
    assert "%{z:.4g}" in fig["data"][0]["hovertemplate"]


@pytest.mark.parametrize("n_classes", [2, 3, 4, 5])  # the generated sets' range
def test_discretised_regions_differ_from_each_other(n_classes):
    """Regions of different classes stay told apart (RGB distance ≥ 45: full orange and
    red differ by 112, faded by 0.45). That points stand out on them:
    tests/test_point_contrast.py."""
    from viz.boundary import output_rgb

    task = "binary" if n_classes == 2 else "multiclass"
    if task == "binary":
        output = np.array([[[0.1], [0.9]]])  # one region of each class
    else:
        output = np.full((1, n_classes, n_classes), 0.1 / n_classes)
        for c in range(n_classes):
            output[0, c, c] = 1.0 - 0.1 * (n_classes - 1) / n_classes
    regions = output_rgb(output, task, discretize=True)[0].astype(float)
    for c in range(n_classes):
        for d in range(c):
            assert np.linalg.norm(regions[c] - regions[d]) >= 45, (c, d)
