"""Tests for backprop_core.data.features: the feature table and apply_features."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from backprop_core.data.features import DEFAULT_FEATURES, FEATURES, Feature, apply_features

IDS = ["x1", "x2", "x1_sq", "x2_sq", "x1_x2", "sin_x1", "sin_x2"]

X2 = np.array([[1.0, 2.0], [-3.0, 0.5], [0.0, -1.5], [np.pi / 2, 4.0]])


def test_table_ids_in_order():
    assert list(FEATURES) == IDS


def test_table_labels():
    labels = [FEATURES[i].label for i in IDS]
    assert labels == ["x₁", "x₂", "x₁²", "x₂²", "x₁x₂", "sin(x₁)", "sin(x₂)"]
    latex = [FEATURES[i].latex for i in IDS]
    assert latex[:4] == ["x_1", "x_2", "x_1^2", "x_2^2"]
    assert "x_1" in latex[4] and "x_2" in latex[4]
    assert "sin" in latex[5] and "x_1" in latex[5]
    assert "sin" in latex[6] and "x_2" in latex[6]


def test_table_entries_unpack_and_are_read_only():
    label, latex, fn = FEATURES["x1_x2"]
    assert isinstance(FEATURES["x1_x2"], Feature)
    assert callable(fn) and label == "x₁x₂"
    with pytest.raises(TypeError):
        FEATURES["new"] = FEATURES["x1"]  # type: ignore[index]


def test_default_features():
    assert DEFAULT_FEATURES == ("x1", "x2")
    np.testing.assert_array_equal(apply_features(X2, DEFAULT_FEATURES), X2)


def test_each_feature_value():
    x, y = X2[:, 0], X2[:, 1]
    expected = {
        "x1": x,
        "x2": y,
        "x1_sq": x * x,
        "x2_sq": y * y,
        "x1_x2": x * y,
        "sin_x1": np.sin(x),
        "sin_x2": np.sin(y),
    }
    for name, col in expected.items():
        out = apply_features(X2, [name])
        assert out.shape == (4, 1) and out.dtype == np.float64
        np.testing.assert_allclose(out[:, 0], col, rtol=0, atol=1e-15, err_msg=name)
    # Spot values so a wrong-column bug cannot hide behind the formulas above.
    np.testing.assert_allclose(apply_features(X2, ["x1_x2"])[:, 0], [2.0, -1.5, -0.0, 2 * np.pi])
    assert apply_features(X2, ["sin_x1"])[3, 0] == pytest.approx(1.0)
    assert apply_features(X2, ["x2_sq"])[1, 0] == 0.25


def test_columns_follow_requested_order():
    out = apply_features(X2, ["sin_x2", "x1", "x1_x2"])
    np.testing.assert_allclose(out, np.column_stack([np.sin(X2[:, 1]), X2[:, 0], X2.prod(1)]))
    out_all = apply_features(X2, IDS)
    assert out_all.shape == (4, 7)
    for j, name in enumerate(IDS):
        np.testing.assert_array_equal(out_all[:, j], apply_features(X2, [name])[:, 0])


def test_accepts_int_lists_and_tuples_and_returns_new_array():
    ints = [[1, 2], [3, 4]]
    out = apply_features(ints, ("x1", "x1_sq"))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [[1.0, 1.0], [3.0, 9.0]])
    X = X2.copy()
    out = apply_features(X, ["x1"])
    out[0, 0] = 99.0
    assert X[0, 0] == 1.0


def test_empty_batch():
    assert apply_features(np.zeros((0, 2)), IDS).shape == (0, 7)


def test_repeated_names_give_repeated_columns():
    out = apply_features(X2, ["x1", "x1"])
    np.testing.assert_array_equal(out[:, 0], out[:, 1])


@pytest.mark.parametrize(
    ("names", "match"),
    [
        ([], "empty"),
        ((), "empty"),
        (["x3"], "x3"),
        (["x1", "cos_x1"], "cos_x1"),
        ("x1", "string"),
    ],
)
def test_bad_names(names, match):
    with pytest.raises(ValueError, match=match):
        apply_features(X2, names)


def test_unknown_name_message_lists_valid_ids():
    with pytest.raises(ValueError) as err:
        apply_features(X2, ["bogus"])
    for name in IDS:
        assert name in str(err.value)


@pytest.mark.parametrize(
    "X", [np.zeros(4), np.zeros((4, 3)), np.zeros((4, 1)), np.zeros((2, 2, 2))]
)
def test_bad_shapes(X):
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        apply_features(X, ["x1"])


@settings(max_examples=50)
@given(
    X=arrays(
        np.float64,
        st.tuples(st.integers(0, 30), st.just(2)),
        elements=st.floats(-1e3, 1e3, allow_nan=False),
    ),
    names=st.lists(st.sampled_from(IDS), min_size=1, max_size=10),
)
def test_property_shape_and_columns(X, names):
    out = apply_features(X, names)
    assert out.shape == (X.shape[0], len(names)) and out.dtype == np.float64
    for j, name in enumerate(names):
        np.testing.assert_array_equal(out[:, j], FEATURES[name].fn(X))
    if "x1_x2" in names:
        j = names.index("x1_x2")
        np.testing.assert_array_equal(out[:, j], X[:, 0] * X[:, 1])
    sin_cols = [j for j, n in enumerate(names) if n.startswith("sin")]
    assert np.all(np.abs(out[:, sin_cols]) <= 1)


def test_fast_enough_for_a_grid_every_frame():
    g = np.linspace(-6, 6, 100)
    grid = np.column_stack([a.ravel() for a in np.meshgrid(g, g)])
    apply_features(grid, IDS)  # warm-up
    best = float("inf")
    for _ in range(20):
        t0 = time.perf_counter()
        apply_features(grid, IDS)
        best = min(best, time.perf_counter() - t0)
    # Budget is well under 1 ms; the bound is loose so a busy CI machine does not flake.
    assert best < 2e-3
