"""Confusion matrices against hand-counted examples; their accuracy is the trainer's."""

import numpy as np
import pytest

import backprop_core as bc
from backprop_core.analyses.confusion import accuracy, classes, confusion_matrix, row_shares
from backprop_core.training.trainer import accuracy as trainer_accuracy
from viz.confusion import accuracy_figure, confusion_figure


def test_binary_counted_by_hand():
    Y = np.array([[0.0], [0.0], [1.0], [1.0], [1.0]])
    out = np.array([[0.2], [0.7], [0.9], [0.4], [0.5]])  # 0.5 is not above 0.5: class 0
    counts = confusion_matrix(Y, out, "binary")
    # rows: true 0 (predicted 0 once, 1 once), true 1 (predicted 0 twice, 1 once)
    assert counts.tolist() == [[1, 1], [2, 1]]
    assert accuracy(counts) == 2 / 5 == trainer_accuracy(out, Y, "binary")
    assert row_shares(counts).tolist() == [[0.5, 0.5], [2 / 3, 1 / 3]]


def test_multiclass_counted_by_hand():
    Y = np.eye(3)[[0, 0, 1, 2, 2, 2]]
    out = np.array([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.8, 0.1],
                    [0.1, 0.2, 0.7], [0.6, 0.3, 0.1], [0.3, 0.3, 0.4]])
    counts = confusion_matrix(Y, out, "multiclass")
    assert counts.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert counts.dtype == np.int64 and counts.sum() == 6
    assert accuracy(counts) == 4 / 6


def test_a_class_without_samples_and_no_samples():
    counts = confusion_matrix(np.eye(3)[[0, 0]], np.eye(3)[[0, 2]], "multiclass")
    assert counts.tolist() == [[1, 0, 1], [0, 0, 0], [0, 0, 0]]
    assert row_shares(counts).tolist() == [[0.5, 0.0, 0.5], [0.0] * 3, [0.0] * 3]
    assert accuracy(np.zeros((2, 2), dtype=int)) is None


def test_regression_and_mismatched_shapes_are_refused():
    with pytest.raises(ValueError):
        classes(np.zeros((3, 1)), "regression")
    with pytest.raises(ValueError):
        confusion_matrix(np.zeros((3, 1)), np.zeros((4, 1)), "binary")


@pytest.mark.parametrize("dataset", ["spiral", "spiral_multi", "xor"])
def test_accuracy_is_the_histories(dataset):
    data, tr = bc.build(bc.RunConfig(dataset=dataset, hidden=(6,), activations=("tanh",)))
    tr.run_steps(40)
    X = np.vstack([tr.X, tr.X_test])  # the trainer evaluates both in one pass
    out = tr.net.forward(X).output
    n = len(tr.X)
    record = tr.history[tr.step]
    assert accuracy(confusion_matrix(tr.Y, out[:n], tr.task)) == record.train_accuracy
    assert accuracy(confusion_matrix(tr.Y_test, out[n:], tr.task)) == record.test_accuracy


def test_confusion_figure_counts_and_row_colours():
    train = np.array([[3, 1], [0, 4]])
    test = np.array([[1, 1], [2, 0]])
    fig = confusion_figure({"train": train, "test": test}, ["a<b>", "1 (blue)"])
    first, second = fig["data"]
    assert first["text"] == [[3, 1], [0, 4]] and second["text"] == [[1, 1], [2, 0]]
    assert first["z"] == [[0.75, 0.25], [0.0, 1.0]]
    assert first["x"] == ["a&lt;b&gt;", "1 (blue)"]  # names are text, never markup
    assert second["xaxis"] == "x2" and fig["layout"]["xaxis2"]["domain"][0] > 0.5
    assert fig["layout"]["yaxis2"]["showticklabels"] is False  # the same rows as the first
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    assert titles == ["<b>train</b><br>accuracy 87.5%", "<b>test</b><br>accuracy 25.0%"]


def test_accuracy_figure_thins_and_keeps_the_last_step():
    n = 1001
    cols = {"step": list(range(n)), "train_accuracy": [k / n for k in range(n)],
            "test_accuracy": [None] * n}
    fig = accuracy_figure(cols, current_step=n - 1)
    (train,) = fig["data"]  # no test set: no test curve
    assert len(train["x"]) <= 401 and train["x"][-1] == n - 1
    assert all(train["y"][k] == cols["train_accuracy"][s] for k, s in enumerate(train["x"]))
    assert fig["layout"]["shapes"] == []
    cols["test_accuracy"] = [0.5] * n
    fig = accuracy_figure(cols, current_step=10)
    assert [t["name"] for t in fig["data"]] == ["train accuracy", "test accuracy"]
    assert fig["layout"]["shapes"][0]["x0"] == 10
