"""The loss surface engine (backprop_core.analyses.surface) and its figure (viz.surface).

Every grid point is checked against the engine's own per-network cost (``Network.forward``
then ``loss_value`` + ``penalty``, one weight setting at a time), to 1e-12 relative.
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import backprop_core as bc
from backprop_core.analyses import paths as sp
from backprop_core.analyses import surface as sf
from viz.surface import surface_figure


def trainer(hidden=(4, 4), acts=("tanh", "tanh"), **changes) -> bc.Trainer:
    c = bc.RunConfig(hidden=hidden, activations=acts, **changes)
    return bc.build(c)[1]


def reference_cost(tr: bc.Trainer, theta: np.ndarray) -> float:
    """The cost at θ computed the plain way: one network, one forward pass, loss_value."""
    net = bc.Network(tr.net.layer_sizes, tr.net.activation_names)
    weights, biases = sf.unpack(theta, net.layer_sizes)
    net.set_params(weights, biases)
    cache = net.forward(tr.X)
    data = bc.loss_value(cache.output, tr.Y, tr.loss, tr.reduction, logits=cache.z[-1])
    return float(data + bc.penalty(net.weights, tr.regularization, tr.reg_rate))


def assert_grid_exact(tr: bc.Trainer, plane: sf.ParamPlane, extent, resolution: int):
    surface = sf.evaluate_surface(sf.CostFunction.of(tr), plane, extent, resolution)
    _, _, coords = sf.grid_coords(extent, resolution)
    thetas = plane.params(coords)
    got = surface.cost.ravel()
    want = np.array([reference_cost(tr, theta) for theta in thetas])
    assert got.shape == (resolution * resolution,)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)
    return surface


CASES = [
    dict(),  # circle, sigmoid + BCE, mean
    dict(dataset="spiral", hidden=(8,) * 6, acts=("tanh",) * 6, n_samples=500,
         regularization="l2", reg_rate=0.003),
    dict(dataset="blobs", acts=("relu", "leaky_relu"), reduction="sum",
         regularization="l1", reg_rate=0.01),  # softmax + cross-entropy
    dict(dataset="plane", acts=("sigmoid", "linear")),  # regression: linear + MSE
    dict(output="sigmoid+mse", features=("x1", "x2", "x1_x2", "sin_x1")),
]


CASE_IDS = ["circle", "spiral-6x8-l2", "blobs-softmax-l1-sum", "plane-mse", "features-sigmoid-mse"]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_every_grid_point_is_the_engines_cost(case):
    case = dict(case)
    tr = trainer(case.pop("hidden", (4, 4)), case.pop("acts", ("tanh", "tanh")), **case)
    tr.run_steps(30)
    plane = sf.random_plane(tr.net, np.random.default_rng(3))
    resolution = 41 if len(tr.net.layer_sizes) > 4 else 21
    surface = assert_grid_exact(tr, plane, (-1.0, 1.5, -0.7, 1.0), resolution)
    # The cost at the plane's origin is what the trainer reports for this step.
    rec = tr.history[tr.step]
    origin = sum(sf.CostFunction.of(tr)(plane.origin[None]))
    assert origin[0] == pytest.approx(rec.train_loss + rec.penalty, rel=1e-12)
    assert np.all(np.isfinite(surface.cost))


def test_chunks_give_the_same_numbers(monkeypatch):
    tr = trainer()
    plane = sf.random_plane(tr.net, np.random.default_rng(0))
    whole = sf.evaluate_surface(sf.CostFunction.of(tr), plane, (-1, 1, -1, 1), 15)
    monkeypatch.setattr(sf, "CHUNK_FLOATS", 7 * len(tr.X) * max(tr.net.layer_sizes))
    assert sf.CostFunction.of(tr).chunk() == 7
    chunked = sf.evaluate_surface(sf.CostFunction.of(tr), plane, (-1, 1, -1, 1), 15)
    np.testing.assert_allclose(chunked.cost, whole.cost, rtol=1e-13)


@given(hidden=st.lists(st.integers(1, 5), min_size=0, max_size=3),
       act=st.sampled_from(["tanh", "relu", "sigmoid", "linear", "leaky_relu"]),
       output=st.sampled_from(["sigmoid+bce", "sigmoid+mse", "tanh+mse", "linear+mse"]),
       reduction=st.sampled_from(["mean", "sum"]),
       reg=st.sampled_from([("none", 0.0), ("l1", 0.03), ("l2", 0.3)]),
       seed=st.integers(0, 1000))
def test_grid_exact_for_any_architecture(hidden, act, output, reduction, reg, seed):
    tr = trainer(tuple(hidden), (act,) * len(hidden), output=output, reduction=reduction,
                 regularization=reg[0], reg_rate=reg[1], seed=seed % 50, n_samples=60)
    plane = sf.random_plane(tr.net, np.random.default_rng(seed))
    assert_grid_exact(tr, plane, (-2.0, 2.0, -2.0, 2.0), 5)


def test_param_vector_layout_round_trips():
    tr = trainer(hidden=(3, 2))
    net = tr.net
    theta = sf.param_vector(net)
    assert theta.shape == (net.n_params,)
    weights, biases = sf.unpack(theta, net.layer_sizes)
    for got, want in zip(weights + biases, net.weights + net.biases, strict=True):
        np.testing.assert_array_equal(got, want)
    labels = sf.param_labels(net.layer_sizes)
    assert len(labels) == net.n_params
    w, b = sf.param_slices(net.layer_sizes)[1]
    assert labels[w.start + 2 * 2 + 1] == "w₂,₁ of layer 2"
    assert theta[w.start + 2 * 2 + 1] == net.weights[1][2, 1]
    assert labels[b.start + 1] == "b₁ of layer 2" and theta[b.start + 1] == net.biases[1][1]


def test_filter_normalised_direction_has_each_neurons_norm():
    tr = trainer(hidden=(5, 3))
    tr.run_steps(20)
    net = tr.net
    d = sf.filter_normalized_direction(net, np.random.default_rng(7))
    dw, db = sf.unpack(d, net.layer_sizes)
    for W, b, Dw, Db in zip(net.weights, net.biases, dw, db, strict=True):
        neuron = np.sqrt(np.sum(W * W, axis=0) + b * b)
        direction = np.sqrt(np.sum(Dw * Dw, axis=0) + Db * Db)
        np.testing.assert_allclose(direction, neuron, rtol=1e-12)
    # Seeded: the same generator state gives the same direction; another seed does not.
    again = sf.filter_normalized_direction(net, np.random.default_rng(7))
    np.testing.assert_array_equal(d, again)
    assert not np.allclose(d, sf.filter_normalized_direction(net, np.random.default_rng(8)))


def test_a_zero_neuron_gets_a_zero_direction():
    tr = trainer(hidden=(3,), acts=("tanh",))
    net = tr.net
    net.weights[0][:, 1] = 0.0
    net.biases[0][1] = 0.0
    d = sf.filter_normalized_direction(net, np.random.default_rng(0))
    dw, db = sf.unpack(d, net.layer_sizes)
    assert np.all(dw[0][:, 1] == 0) and db[0][1] == 0
    assert np.all(np.isfinite(d))


def test_random_plane_uses_two_different_directions():
    tr = trainer()
    plane = sf.random_plane(tr.net, np.random.default_rng(0))
    assert plane.basis.shape == (2, tr.net.n_params)
    assert not np.allclose(plane.basis[0], plane.basis[1])
    np.testing.assert_array_equal(plane.origin, sf.param_vector(tr.net))


def test_a_point_in_the_plane_projects_to_itself():
    tr = trainer(hidden=(6, 6), acts=("relu", "relu"))
    plane = sf.random_plane(tr.net, np.random.default_rng(1))  # a non-orthogonal basis
    coords = np.random.default_rng(2).uniform(-3, 3, size=(20, 2))
    back, residual = plane.project(plane.params(coords))
    np.testing.assert_allclose(back, coords, rtol=0, atol=1e-12)
    assert np.max(residual) < 1e-12 * np.linalg.norm(plane.origin)


def test_a_point_off_the_plane_projects_to_its_foot_at_its_distance():
    tr = trainer()
    plane = sf.random_plane(tr.net, np.random.default_rng(1))
    q, _ = np.linalg.qr(plane.basis.T)  # an orthonormal basis of the plane's directions
    off = np.random.default_rng(5).standard_normal(tr.net.n_params)
    off -= q @ (q.T @ off)  # orthogonal to the plane
    off *= 0.37 / np.linalg.norm(off)
    coords = np.array([[0.4, -1.2]])
    back, residual = plane.project(plane.params(coords) + off)
    np.testing.assert_allclose(back, coords, atol=1e-12)
    assert residual[0] == pytest.approx(0.37, rel=1e-10)


def test_parameter_plane_moves_just_those_two_parameters():
    tr = trainer()
    theta = sf.param_vector(tr.net)
    plane = sf.parameter_plane(tr.net, 3, 10)
    moved = plane.params(np.array([[0.5, -0.25]]))[0]
    assert moved[3] == theta[3] + 0.5 and moved[10] == theta[10] - 0.25
    assert np.array_equal(np.delete(moved, [3, 10]), np.delete(theta, [3, 10]))
    assert plane.shift == (theta[3], theta[10])
    names = sf.param_labels(tr.net.layer_sizes)
    assert plane.labels == (names[3], names[10])
    with pytest.raises(ValueError, match="two different"):
        sf.parameter_plane(tr.net, 4, 4)


def test_three_point_plane_holds_its_points_at_their_distances():
    tr = trainer()
    p0 = sf.param_vector(tr.net)
    tr.run_steps(40)
    p1 = sf.param_vector(tr.net)
    tr.run_steps(40)
    p2 = sf.param_vector(tr.net)
    plane = sf.three_point_plane([p0, p1, p2], ["a", "b", "c"])
    np.testing.assert_allclose(plane.basis @ plane.basis.T, np.eye(2), atol=1e-12)
    coords, residual = plane.project(np.stack([p0, p1, p2]))
    assert np.max(residual) < 1e-12
    np.testing.assert_allclose(coords[0], [0, 0], atol=1e-12)
    assert coords[1, 0] == pytest.approx(np.linalg.norm(p1 - p0), rel=1e-12)
    assert coords[1, 1] == pytest.approx(0, abs=1e-12)
    assert np.hypot(*coords[2]) == pytest.approx(np.linalg.norm(p2 - p0), rel=1e-12)
    with pytest.raises(ValueError, match="one line"):
        sf.three_point_plane([p0, p1, p0 + 2 * (p1 - p0)], ["a", "b", "c"])
    with pytest.raises(ValueError, match="same point"):
        sf.three_point_plane([p0, p0, p2], ["a", "b", "c"])


def test_path_plane_holds_most_of_the_path_and_refuses_a_line():
    tr = trainer()
    tr.run_steps(60)
    path = sp.training_path(tr)
    now = sf.param_vector(tr.net)
    plane = sf.path_plane(path.params, now)
    np.testing.assert_allclose(plane.basis @ plane.basis.T, np.eye(2), atol=1e-12)
    np.testing.assert_array_equal(plane.origin, now)
    _, residual = plane.project(path.params)
    # No plane through the origin holds more of the path: not the random one, not two
    # directions of the path itself.
    _, random_residual = sf.random_plane(tr.net, np.random.default_rng(0)).project(path.params)
    chord = sf.three_point_plane([now, path.params[0], path.params[20]], ["a", "b", "c"])
    _, chord_residual = chord.project(path.params)
    assert np.sum(residual**2) <= np.sum(chord_residual**2) < np.sum(random_residual**2)
    assert "% of the path's spread" in plane.description
    with pytest.raises(ValueError, match="no second direction"):
        sf.path_plane(path.params[[0, -1]], now)


def test_training_path_is_the_recorded_run_with_a_settings_change():
    tr = trainer(batch_size=7)
    tr.run_steps(30)
    tr.set_hyperparams(lr=0.3)  # replayed at step 30: the path must follow it
    tr.run_steps(33)
    tr.run_phase()  # mid-step: the weights are still those of step 63
    path = sp.training_path(tr, max_points=25)
    assert path.steps[0] == 0 and path.steps[-1] == tr.step == 63
    assert len(path.steps) <= 25
    np.testing.assert_array_equal(path.params[-1], sf.param_vector(tr.net))
    check = tr.fork()
    for s, theta in zip(path.steps, path.params, strict=True):
        check.goto(int(s))
        np.testing.assert_array_equal(theta, sf.param_vector(check.net))
    # The path's own cost is what the history recorded at each of those steps.
    cost = sf.CostFunction.of(tr)
    own = sum(cost(path.params))
    recorded = [tr.history[int(s)].train_loss + tr.history[int(s)].penalty for s in path.steps]
    np.testing.assert_allclose(own, recorded, rtol=1e-12)


def test_path_steps_bound_the_replay_of_a_long_run():
    keyframes = range(0, 100_001, 1000)  # a long run: keyframes 1000 steps apart
    steps = sp.path_steps(100_000, keyframes, max_points=300, max_replay=6000)
    assert steps[0] == 0 and steps[-1] == 100_000 and len(steps) <= 300
    kf = np.array(keyframes)
    replay = [s - kf[np.searchsorted(kf, max(s - 1, 0), side="right") - 1] for s in steps]
    assert sum(replay) <= 6000 + 1000  # the last step is always reached exactly
    assert np.all(np.diff(steps) > 0)
    # A short run: every step, no detours.
    np.testing.assert_array_equal(sp.path_steps(40, range(0, 41, 25)), np.arange(41))


def test_optimizers_start_together_and_follow_their_own_rules():
    tr = trainer(batch_size=10)
    tr.run_steps(12)
    tr.run_phase()
    hp = {"sgd": {"lr": 0.1}, "momentum": {"lr": 0.1, "momentum": 0.9}, "adam": {"lr": 0.01}}
    paths = sp.optimizer_paths(tr, 15, hp)
    assert [p.name for p in paths] == ["sgd", "momentum", "adam"]
    start = tr.fork()
    start.goto(12)
    for p in paths:
        np.testing.assert_array_equal(p.params[0], sf.param_vector(start.net))
        np.testing.assert_array_equal(p.steps, np.arange(12, 28))
        assert p.note == ""
    # SGD's path is exactly a fork trained with SGD from the same step.
    manual = tr.fork()
    manual.goto(12)
    manual.set_optimizer("sgd", lr=0.1)
    for theta in paths[0].params[1:]:
        manual.finish_step()
        np.testing.assert_array_equal(theta, sf.param_vector(manual.net))
    assert not np.allclose(paths[1].params[-1], paths[0].params[-1])
    # The trainer itself is untouched.
    assert tr.step == 12 and tr.phase_index == 1
    from_zero = sp.optimizer_paths(tr, 3, {"adam": {"lr": 0.01}}, start=0)[0]
    assert from_zero.steps.tolist() == [0, 1, 2, 3]


def test_full_batch_paths_are_gradient_descent_on_the_whole_training_set():
    tr = trainer(regularization="l2", reg_rate=0.01)
    tr.run_steps(7)
    sgd, momentum = sp.optimizer_paths(
        tr, 5, {"sgd": {"lr": 0.3}, "momentum": {"lr": 0.3, "momentum": 0.9}}, full_batch=True)
    assert sgd.steps.tolist() == list(range(7, 13))  # counted on from the start
    net = bc.Network(tr.net.layer_sizes, tr.net.activation_names)
    net.set_params(*sf.unpack(sgd.params[0], net.layer_sizes))
    np.testing.assert_array_equal(sgd.params[0], sf.param_vector(tr.net))
    for theta in sgd.params[1:]:  # θ ← θ - lr ∇C(θ), C over all training points + penalty
        grads = net.backward(net.forward(tr.X), tr.Y, tr.loss, tr.reduction,
                             tr.regularization, tr.reg_rate)
        bc.SGD(0.3).step(net, grads)
        np.testing.assert_array_equal(theta, sf.param_vector(net))
    # Momentum's first step is SGD's (its velocity starts as the first gradient), then not.
    np.testing.assert_array_equal(momentum.params[1], sgd.params[1])
    assert not np.array_equal(momentum.params[2], sgd.params[2])
    assert tr.step == 7  # untouched


def test_a_diverging_optimizer_path_stops_before_the_broken_weights():
    tr = trainer(dataset="plane", acts=("sigmoid", "linear"))
    (path,) = sp.optimizer_paths(tr, 200, {"sgd": {"lr": 100.0}})
    assert path.note.startswith("diverged at step")
    assert len(path.steps) < 201 and np.all(np.isfinite(path.params))


def test_project_path_costs_on_the_plane_and_off_it():
    tr = trainer()
    tr.run_steps(25)
    cost = sf.CostFunction.of(tr)
    plane = sf.random_plane(tr.net, np.random.default_rng(4))
    projected = sp.project_path(cost, plane, sp.training_path(tr))
    assert projected.residual[-1] < 1e-12  # the path ends at the plane's origin
    np.testing.assert_allclose(projected.coords[-1], [0, 0], atol=1e-12)
    assert projected.residual[0] > 0
    on_plane = [reference_cost(tr, plane.params(c[None])[0]) for c in projected.coords]
    np.testing.assert_allclose(projected.cost_on_plane, on_plane, rtol=1e-12)


def test_resolution_is_coarsened_only_when_too_costly():
    small = sf.CostFunction.of(trainer())  # 2-4-4-1 on 125 points
    assert sf.affordable_resolution(small, 81) == 81

    def on(n):
        return sf.CostFunction(small.layer_sizes, small.acts, np.zeros((n, 2)),
                               np.zeros((n, 1)), "bce", "mean", "none", 0.0)

    assert on(20_000).multiply_adds == 20_000 * 28
    assert sf.affordable_resolution(on(20_000), 81) == 51  # 51² · 560,000 ≤ 1.5e9
    assert sf.affordable_resolution(on(10**6), 81) == 11  # never coarser than 11×11


def test_fit_extent_pads_around_every_point():
    coords = np.array([[0.0, 0.0], [2.0, 1.0], [-1.0, 0.5]])
    lo_a, hi_a, lo_b, hi_b = sf.fit_extent(coords, margin=0.1)
    assert (lo_a, hi_a) == pytest.approx((-1.3, 2.3)) and (lo_b, hi_b) == pytest.approx(
        (-0.3, 1.3))
    assert sf.fit_extent(np.zeros((1, 2)))[1] > 0  # a single point still gets a box


# --- the figure -----------------------------------------------------------------------------
def figure_inputs():
    tr = trainer()
    tr.run_steps(20)
    cost = sf.CostFunction.of(tr)
    plane = sf.parameter_plane(tr.net, 0, 1)
    surface = sf.evaluate_surface(cost, plane, sf.square_extent(0.5), 11)
    paths = [sp.project_path(cost, plane, p) for p in
             [sp.training_path(tr), *sp.optimizer_paths(tr, 5, {"sgd": {"lr": 0.1}})]]
    return surface, plane, paths


def test_contour_figure_shows_the_surface_paths_and_points():
    surface, plane, paths = figure_inputs()
    fig = surface_figure(surface, plane, paths, [("now", np.zeros(2))], [1.0])
    contour = fig["data"][0]
    assert contour["type"] == "contour"
    np.testing.assert_array_equal(np.array(contour["z"]), surface.cost)
    np.testing.assert_array_equal(contour["x"], surface.alphas + plane.shift[0])
    assert contour["text"][3][4] == f"{surface.cost[3, 4]:.6g}"
    lines = [t for t in fig["data"] if t["type"] == "scatter" and "lines" in t["mode"]]
    assert [t["name"] for t in lines] == ["the run so far", "SGD"]
    np.testing.assert_array_equal(lines[0]["x"], paths[0].coords[:, 0] + plane.shift[0])
    assert [row[0] for row in lines[0]["customdata"]] == paths[0].steps.tolist()
    assert fig["layout"]["xaxis"]["title"]["text"] == plane.labels[0]


def test_surface_figure_in_3d_with_log_scale_and_overflow_gaps():
    surface, plane, paths = figure_inputs()
    cost = surface.cost.copy()
    cost[0, 0] = np.inf
    broken = sf.Surface(surface.alphas, surface.betas, cost, surface.penalty)
    fig = surface_figure(broken, plane, paths, [("now", np.zeros(2))], [1.0], kind="surface",
                         log=True)
    assert fig["data"][0]["type"] == "surface"
    assert fig["data"][0]["z"][0][0] is None  # JSON-safe: a gap, not Infinity
    assert fig["data"][0]["z"][1][1] == pytest.approx(math.log10(surface.cost[1, 1]))
    trail = fig["data"][1]
    assert trail["type"] == "scatter3d"
    np.testing.assert_allclose(trail["z"], np.log10(paths[0].cost_on_plane))
    assert fig["layout"]["scene"]["zaxis"]["title"]["text"] == "log₁₀ cost"
    with pytest.raises(ValueError, match="kind"):
        surface_figure(surface, plane, paths, kind="wireframe")


def test_a_kept_grid_is_used_only_for_the_same_plane_box_resolution_and_cost():
    """ui.surface_view.grid: the last grid again when nothing it depends on changed; any
    change (the origin by one ulp, the box, the resolution, the penalty) evaluates anew."""
    import dataclasses

    import backprop_core as bc
    from ui import surface_view

    net = bc.Network([2, 3, 1], activations=["tanh", "sigmoid"], seed=1)
    X = np.random.default_rng(0).normal(size=(20, 2))
    tr = bc.Trainer(net, X, (X[:, :1] > 0).astype(float), loss="bce")
    cost = sf.CostFunction.of(tr)
    plane = sf.random_plane(net, np.random.default_rng(0))
    box = sf.square_extent(1.0)
    kept: dict = {}
    first, _ = surface_view.grid(cost, plane, box, 11, kept)
    assert surface_view.grid(cost, plane, box, 11, kept)[0] is first
    origin = plane.origin.copy()
    origin[0] = np.nextafter(origin[0], np.inf)
    others = [(cost, dataclasses.replace(plane, origin=origin), box, 11),
              (cost, plane, sf.square_extent(0.5), 11), (cost, plane, box, 13),
              (dataclasses.replace(cost, regularization="l2", reg_rate=0.1), plane, box, 11)]
    for args in others:
        got, _ = surface_view.grid(*args, dict(kept))
        assert got is not first
        want = sf.evaluate_surface(*args)
        np.testing.assert_array_equal(got.cost, want.cost)
