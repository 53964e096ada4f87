"""Tests for backprop_core.data.datasets: generators, splits, validation and presets."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_core.data.datasets import (
    DATASETS,
    Dataset,
    DatasetSpec,
    dataset_extent,
    make_dataset,
)
from backprop_core.policy.presets import PRESETS, Preset, get_preset

ALL_NAMES = sorted(DATASETS)
BINARY = [n for n in ALL_NAMES if DATASETS[n].task == "binary"]
MULTI = [n for n in ALL_NAMES if DATASETS[n].task == "multiclass"]
REGRESSION = [n for n in ALL_NAMES if DATASETS[n].task == "regression"]


# ----------------------------------------------------------------------------- table


def test_table_has_exactly_the_expected_names_and_tasks():
    assert set(BINARY) == {"circle", "xor", "gauss", "spiral", "moons"}
    assert set(MULTI) == {"blobs", "spiral_multi"}
    assert set(REGRESSION) == {"plane", "multi_gauss"}
    assert len(DATASETS) == 9


def test_specs_record_n_classes_only_for_multiclass():
    for name, spec in DATASETS.items():
        assert isinstance(spec, DatasetSpec)
        assert spec.label and isinstance(spec.label, str)
        assert callable(spec.generator)
        if spec.task == "multiclass":
            assert spec.takes_n_classes
            assert spec.n_classes_range == (3, 5), name
        else:
            assert not spec.takes_n_classes
            assert spec.n_classes_range is None


# ----------------------------------------------------------------------------- shapes


@pytest.mark.parametrize("name", ALL_NAMES)
@pytest.mark.parametrize("noise", [0.0, 0.25, 0.5])
def test_shapes_dtypes_and_target_format(name, noise):
    d = make_dataset(name, n_samples=200, noise=noise, seed=3)
    assert isinstance(d, Dataset)
    assert d.name == name
    assert d.task == DATASETS[name].task
    assert d.X_train.shape == (100, 2) and d.X_test.shape == (100, 2)
    for a in (d.X_train, d.X_test, d.Y_train, d.Y_test):
        assert a.dtype == np.float64
        assert np.all(np.isfinite(a))
    Y = d.Y_all
    if d.task == "binary":
        assert d.n_classes == 2
        assert Y.shape == (200, 1)
        assert set(np.unique(Y)) <= {0.0, 1.0}
    elif d.task == "multiclass":
        assert d.n_classes == 3
        assert Y.shape == (200, 3)
        assert set(np.unique(Y)) <= {0.0, 1.0}
        np.testing.assert_array_equal(Y.sum(axis=1), np.ones(200))
    else:
        assert d.n_classes == 0
        assert Y.shape == (200, 1)
        assert Y.min() >= -1.0 and Y.max() <= 1.0


@pytest.mark.parametrize("name", ALL_NAMES)
def test_points_lie_roughly_in_playground_square(name):
    d = make_dataset(name, n_samples=500, noise=0.0, seed=1)
    assert np.abs(d.X_all).max() <= 6.0 + 1e-9
    # ...and actually fill it, rather than sitting in a corner at a wrong scale.
    assert np.abs(d.X_all).max() >= 3.5


def test_all_property_stacks_train_then_test():
    d = make_dataset("circle", n_samples=50, seed=0)
    np.testing.assert_array_equal(d.X_all[:25], d.X_train)
    np.testing.assert_array_equal(d.X_all[25:], d.X_test)
    np.testing.assert_array_equal(d.Y_all, np.vstack([d.Y_train, d.Y_test]))


def test_arrays_are_read_only():
    d = make_dataset("xor", n_samples=20)
    with pytest.raises(ValueError):
        d.X_train[0, 0] = 99.0
    with pytest.raises(AttributeError):
        d.name = "other"  # type: ignore[misc]


# ----------------------------------------------------------------------------- labels


def test_labels_binary_match_targets():
    d = make_dataset("gauss", n_samples=40, seed=2)
    lt = d.labels_train
    assert lt.shape == (20,) and lt.dtype == np.int64
    np.testing.assert_array_equal(lt, d.Y_train[:, 0].astype(int))
    np.testing.assert_array_equal(d.labels_test, d.Y_test[:, 0].astype(int))


def test_labels_multiclass_are_argmax_of_one_hot():
    d = make_dataset("blobs", n_samples=60, n_classes=4, seed=2)
    np.testing.assert_array_equal(np.eye(4)[d.labels_train], d.Y_train)
    np.testing.assert_array_equal(np.eye(4)[d.labels_test], d.Y_test)


def test_labels_regression_are_none():
    d = make_dataset("plane", n_samples=40)
    assert d.labels_train is None and d.labels_test is None


@pytest.mark.parametrize("name", ["circle", "gauss", "spiral", "moons"])
def test_binary_sets_are_exactly_balanced_without_noise(name):
    d = make_dataset(name, n_samples=300, noise=0.0, seed=4)
    assert d.Y_all.sum() == 150


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_binary_sets_roughly_balanced(name, noise):
    d = make_dataset(name, n_samples=1000, noise=noise, seed=5)
    assert 0.3 <= d.Y_all.mean() <= 0.7


def test_split_keeps_class_mix_in_train_and_test():
    # Generators emit classes in blocks; without the shuffle train would be all one class.
    d = make_dataset("gauss", n_samples=400, seed=0)
    assert 0.35 <= d.Y_train.mean() <= 0.65
    assert 0.35 <= d.Y_test.mean() <= 0.65


@pytest.mark.parametrize("name", MULTI)
@pytest.mark.parametrize("k", [3, 4, 5])
def test_multiclass_one_hot_with_k_columns_and_every_class(name, k):
    d = make_dataset(name, n_samples=300, n_classes=k, noise=0.2, seed=6)
    assert d.n_classes == k
    assert d.Y_train.shape[1] == k and d.Y_test.shape[1] == k
    np.testing.assert_array_equal(d.Y_all.sum(axis=1), np.ones(300))
    counts = d.Y_all.sum(axis=0)
    assert counts.min() >= 300 // k and counts.max() <= 300 // k + 1
    assert set(d.labels_train) == set(range(k))


def test_binary_sets_ignore_n_classes():
    a = make_dataset("circle", n_samples=50, n_classes=3)
    b = make_dataset("circle", n_samples=50, n_classes=5)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert a.n_classes == b.n_classes == 2


# ----------------------------------------------------------------------------- generator rules


def test_circle_without_noise_is_separable_by_radius():
    d = make_dataset("circle", n_samples=600, noise=0.0, seed=7)
    r = np.hypot(d.X_all[:, 0], d.X_all[:, 1])
    np.testing.assert_array_equal(d.Y_all[:, 0], (r < 2.5).astype(float))
    # The gap between the disc (r <= 2.5) and the ring (r >= 3.5).
    assert not np.any((r > 2.5) & (r < 3.5))
    assert r.max() <= 5.0


def test_circle_noise_flips_some_labels():
    d = make_dataset("circle", n_samples=600, noise=0.5, seed=7)
    r = np.hypot(d.X_all[:, 0], d.X_all[:, 1])
    assert np.any(d.Y_all[:, 0] != (r < 2.5))


def test_xor_without_noise_follows_sign_rule_and_padding():
    d = make_dataset("xor", n_samples=600, noise=0.0, seed=8)
    X = d.X_all
    np.testing.assert_array_equal(d.Y_all[:, 0], (X[:, 0] * X[:, 1] >= 0).astype(float))
    assert np.abs(X).min() >= 0.3
    assert np.abs(X).max() <= 5.3


def test_gauss_cluster_centres():
    d = make_dataset("gauss", n_samples=2000, noise=0.0, seed=9)
    pos = d.X_all[d.Y_all[:, 0] == 1]
    neg = d.X_all[d.Y_all[:, 0] == 0]
    np.testing.assert_allclose(pos.mean(axis=0), [2, 2], atol=0.1)
    np.testing.assert_allclose(neg.mean(axis=0), [-2, -2], atol=0.1)
    # Variance 0.5 at noise 0 (Playground's variance scale).
    np.testing.assert_allclose(pos.var(axis=0), [0.5, 0.5], rtol=0.15)


def test_gauss_noise_widens_clusters():
    lo = make_dataset("gauss", n_samples=2000, noise=0.0, seed=9)
    hi = make_dataset("gauss", n_samples=2000, noise=0.5, seed=9)
    pos = hi.X_all[hi.Y_all[:, 0] == 1]
    np.testing.assert_allclose(pos.var(axis=0), [4.0, 4.0], rtol=0.15)
    assert hi.X_all.std() > lo.X_all.std()


def _same_point_sets(a, b, atol=1e-9):
    """True if every row of a has a row of b within atol and vice versa (order ignored)."""
    dist = np.hypot(a[:, None, 0] - b[None, :, 0], a[:, None, 1] - b[None, :, 1])
    return len(a) == len(b) and dist.min(axis=1).max() < atol and dist.min(axis=0).max() < atol


def test_spiral_without_noise_matches_playground_formula():
    n = 100
    d = make_dataset("spiral", n_samples=2 * n, noise=0.0, seed=0)
    i = np.arange(n)
    r = i / n * 5
    t = 1.75 * i / n * 2 * np.pi
    arm_pos = np.column_stack([r * np.sin(t), r * np.cos(t)])
    arm_neg = np.column_stack([r * np.sin(t + np.pi), r * np.cos(t + np.pi)])
    X, y = d.X_all, d.Y_all[:, 0]
    assert _same_point_sets(X[y == 1], arm_pos)
    assert _same_point_sets(X[y == 0], arm_neg)


def test_spiral_noise_jitters_points_by_at_most_noise():
    clean = make_dataset("spiral", n_samples=200, noise=0.0, seed=0)
    noisy = make_dataset("spiral", n_samples=200, noise=0.4, seed=0)
    assert not _same_point_sets(clean.X_all, noisy.X_all)
    # Each noisy point is a clean point moved by uniform(-1, 1)·noise per axis.
    dist = np.abs(noisy.X_all[:, None, :] - clean.X_all[None, :, :]).max(axis=2)
    assert dist.min(axis=1).max() <= 0.4 + 1e-12


@pytest.mark.parametrize("k", [3, 4, 5])
def test_spiral_multi_arms_are_rotations(k):
    d = make_dataset("spiral_multi", n_samples=60 * k, n_classes=k, noise=0.0, seed=0)
    X = d.X_all
    y = np.concatenate([d.labels_train, d.labels_test])
    arm0 = X[y == 0]
    for c in range(1, k):
        # Arm c starts at deltaT = 2πc/k; with x = r sin t, y = r cos t, adding deltaT
        # rotates arm 0 clockwise by deltaT.
        a = 2 * np.pi * c / k
        rot = np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])
        assert _same_point_sets(X[y == c], arm0 @ rot.T)


def test_moons_are_two_half_circles():
    d = make_dataset("moons", n_samples=400, noise=0.0, seed=10)
    X, y = d.X_all, d.Y_all[:, 0]
    scale = 10 / 3
    top = X[y == 1] / scale + [0.5, 0.25]
    bottom = X[y == 0] / scale + [0.5, 0.25]
    np.testing.assert_allclose(np.hypot(top[:, 0], top[:, 1]), 1.0, atol=1e-12)
    np.testing.assert_allclose(np.hypot(bottom[:, 0] - 1, bottom[:, 1] - 0.5), 1.0, atol=1e-12)
    assert top[:, 1].min() >= -1e-12 and bottom[:, 1].max() <= 0.5 + 1e-12


def test_blobs_centres_on_circle():
    d = make_dataset("blobs", n_samples=1500, n_classes=5, noise=0.0, seed=11)
    labels = np.concatenate([d.labels_train, d.labels_test])
    for c in range(5):
        centre = d.X_all[labels == c].mean(axis=0)
        assert abs(np.hypot(*centre) - 3.5) < 0.15


def test_plane_target_is_linear_without_noise():
    d = make_dataset("plane", n_samples=500, noise=0.0, seed=12)
    X = d.X_all
    expected = np.clip((X[:, 0] + X[:, 1]) / 10, -1, 1)
    np.testing.assert_allclose(d.Y_all[:, 0], expected)


def test_multi_gauss_target_without_noise():
    d = make_dataset("multi_gauss", n_samples=2000, noise=0.0, seed=13)
    X, t = d.X_all, d.Y_all[:, 0]
    centres = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]
    expected = np.zeros(len(X))
    for cx, cy, sign in centres:
        # Cones of radius 2 never overlap (centres >= 4 apart), so a plain sum is exact.
        expected += sign * np.clip(1 - np.hypot(X[:, 0] - cx, X[:, 1] - cy) / 2, 0, 1)
    np.testing.assert_allclose(t, expected, atol=1e-12)
    assert t.max() > 0.8 and t.min() < -0.8  # both signs reached


@pytest.mark.parametrize("name", REGRESSION)
def test_regression_targets_within_unit_interval_with_noise(name):
    d = make_dataset(name, n_samples=2000, noise=0.5, seed=14)
    assert d.Y_all.min() >= -1 and d.Y_all.max() <= 1
    assert d.Y_all.std() > 0.1


# ----------------------------------------------------------------------------- determinism


@pytest.mark.parametrize("name", ALL_NAMES)
def test_same_seed_identical_different_seed_different(name):
    a = make_dataset(name, n_samples=100, noise=0.3, seed=42)
    b = make_dataset(name, n_samples=100, noise=0.3, seed=42)
    c = make_dataset(name, n_samples=100, noise=0.3, seed=43)
    for field in ("X_train", "Y_train", "X_test", "Y_test"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.X_train, c.X_train)


def test_seed_does_not_touch_global_numpy_state():
    np.random.seed(0)
    before = np.random.random()
    np.random.seed(0)
    make_dataset("circle", n_samples=50, seed=1)
    assert np.random.random() == before


# ----------------------------------------------------------------------------- split


@pytest.mark.parametrize(
    ("n", "frac", "n_train"),
    [(250, 0.5, 125), (100, 0.8, 80), (10, 0.1, 1), (10, 0.9, 9), (2, 0.5, 1), (7, 0.3, 2)],
)
def test_split_sizes_follow_train_fraction(n, frac, n_train):
    d = make_dataset("xor", n_samples=n, train_fraction=frac)
    assert len(d.X_train) == len(d.Y_train) == n_train
    assert len(d.X_test) == len(d.Y_test) == n - n_train


@settings(max_examples=40)
@given(
    name=st.sampled_from(ALL_NAMES),
    n=st.integers(5, 400),
    noise=st.floats(0.0, 0.5),
    frac=st.floats(0.2, 0.8),
    seed=st.integers(0, 2**32 - 1),
    k=st.integers(3, 5),
)
def test_property_split_and_ranges(name, n, noise, frac, seed, k):
    d = make_dataset(name, n_samples=n, noise=noise, train_fraction=frac, seed=seed, n_classes=k)
    n_train = round(frac * n)
    assert d.X_train.shape == (n_train, 2)
    assert d.X_test.shape == (n - n_train, 2)
    assert len(d.Y_train) == n_train and len(d.Y_test) == n - n_train
    assert np.all(np.isfinite(d.X_all))
    assert np.abs(d.X_all).max() < 20
    Y = d.Y_all
    if d.task == "regression":
        assert Y.shape == (n, 1) and np.all(np.abs(Y) <= 1)
    elif d.task == "binary":
        assert Y.shape == (n, 1) and set(np.unique(Y)) <= {0.0, 1.0}
    else:
        assert Y.shape == (n, k) and set(np.unique(Y)) <= {0.0, 1.0}
        np.testing.assert_array_equal(Y.sum(axis=1), np.ones(n))


# ----------------------------------------------------------------------------- validation


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="unknown dataset 'nope'") as err:
        make_dataset("nope")
    for name in ALL_NAMES:
        assert name in str(err.value)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_samples": 1}, "n_samples"),
        ({"n_samples": 0}, "n_samples"),
        ({"n_samples": 5001}, "n_samples"),
        ({"n_samples": 10.5}, "n_samples"),
        ({"n_samples": True}, "n_samples"),
        ({"noise": -0.01}, "noise"),
        ({"noise": 0.51}, "noise"),
        ({"noise": float("nan")}, "noise"),
        ({"noise": "lots"}, "noise"),
        ({"train_fraction": 0.0}, "train_fraction"),
        ({"train_fraction": 1.0}, "train_fraction"),
        ({"train_fraction": 1.5}, "train_fraction"),
        ({"n_samples": 10, "train_fraction": 0.01}, "at least one"),
        ({"n_samples": 10, "train_fraction": 0.99}, "at least one"),
    ],
)
def test_argument_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_dataset("circle", **kwargs)


@pytest.mark.parametrize("k", [1, 2, 6, 3.0])
def test_n_classes_validated_for_multiclass(k):
    with pytest.raises(ValueError, match="n_classes"):
        make_dataset("blobs", n_classes=k)


def test_multiclass_needs_a_sample_per_class():
    with pytest.raises(ValueError, match="too few"):
        make_dataset("spiral_multi", n_samples=4, n_classes=5)


def test_numpy_integers_accepted():
    d = make_dataset("blobs", n_samples=np.int64(30), n_classes=np.int32(4))
    assert d.X_all.shape == (30, 2) and d.n_classes == 4


# ----------------------------------------------------------------------------- extent


def test_extent_circle_near_playground_box():
    d = make_dataset("circle", n_samples=500, seed=0)
    xmin, xmax, ymin, ymax = dataset_extent(d.X_all)
    for v in (xmin, ymin):
        assert -6.2 <= v <= -5.2
    for v in (xmax, ymax):
        assert 5.2 <= v <= 6.2


@pytest.mark.parametrize("name", ["xor", "plane", "spiral", "moons"])
def test_extent_playground_sets_near_six(name):
    d = make_dataset(name, n_samples=500, seed=0)
    box = np.array(dataset_extent(d.X_all))
    np.testing.assert_allclose(np.abs(box), 6.0, atol=0.8)


def test_extent_is_square_contains_data_and_pads():
    X = np.array([[0.0, 10.0], [2.0, 11.0], [1.0, 10.5]])
    xmin, xmax, ymin, ymax = dataset_extent(X, margin=0.1)
    assert xmax - xmin == pytest.approx(ymax - ymin)
    assert xmin < 0 and xmax > 2 and ymin < 10 and ymax > 11
    assert (xmin, xmax) == pytest.approx((-0.1, 2.1))
    assert (ymin + ymax) / 2 == pytest.approx(10.5)


def test_extent_uses_first_two_columns_and_handles_degenerate():
    X = np.array([[1.0, 1.0, 100.0]])
    box = dataset_extent(X, margin=0.0)
    assert box == pytest.approx((0.5, 1.5, 0.5, 1.5))
    assert all(isinstance(v, float) for v in box)


@pytest.mark.parametrize("X", [np.zeros((0, 2)), np.zeros((3, 1)), np.zeros(4)])
def test_extent_rejects_bad_shapes(X):
    with pytest.raises(ValueError, match="shape"):
        dataset_extent(X)


# ----------------------------------------------------------------------------- presets


def test_article_preset_numbers():
    p = get_preset("article")
    assert isinstance(p, Preset)
    expected_X = [
        [0, 0, 1, 0, 1],
        [1, 1, 1, 0, 0],
        [1, 0, 1, 1, 1],
        [0, 1, 1, 1, 0],
        [1, 0, 0, 1, 1],
        [0, 1, 0, 0, 1],
        [1, 1, 0, 1, 0],
        [0, 0, 0, 1, 0],
        [1, 0, 0, 0, 1],
        [0, 1, 1, 0, 1],
    ]
    np.testing.assert_array_equal(p.X, expected_X)
    np.testing.assert_array_equal(p.Y, [[0], [1], [1], [0], [1], [0], [1], [0], [1], [1]])
    assert p.X.dtype == np.float64 and p.Y.dtype == np.float64
    assert p.X.shape == (10, 5) and p.Y.shape == (10, 1)
    assert list(p.layer_sizes) == [5, 10, 1]
    assert list(p.activations) == ["sigmoid", "sigmoid"]
    assert p.loss == "mse" and p.reduction == "sum"
    assert p.learning_rate == 0.1
    assert p.batch_size == 10 and p.epochs == 1000
    assert p.description


def test_notebook_preset_numbers():
    p = get_preset("notebook")
    np.testing.assert_array_equal(p.X, [[0, 0, 1], [1, 1, 1]])
    np.testing.assert_array_equal(p.Y, [[0], [1]])
    assert p.X.dtype == np.float64 and p.Y.shape == (2, 1)
    assert list(p.layer_sizes) == [3, 4, 1]
    assert list(p.activations) == ["sigmoid", "sigmoid"]
    assert p.loss == "mse" and p.reduction == "sum"
    assert p.learning_rate == 1.0
    assert p.batch_size == 2 and p.epochs == 1
    assert p.description


@pytest.mark.parametrize("name", ["article", "notebook"])
def test_presets_are_consistent_and_fresh(name):
    assert set(PRESETS) == {"article", "notebook"}
    p = get_preset(name)
    assert p.layer_sizes[0] == p.X.shape[1] and p.layer_sizes[-1] == p.Y.shape[1] == 1
    assert len(p.activations) == len(p.layer_sizes) - 1
    assert p.batch_size == len(p.X)  # both presets are full batch
    p.X[0, 0] = 42.0
    assert get_preset(name).X[0, 0] != 42.0


def test_unknown_preset():
    with pytest.raises(ValueError, match="article"):
        get_preset("other")
