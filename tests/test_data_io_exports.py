"""Exports: history CSV, weights JSON and the standalone NumPy predictor script."""

import ast
import csv
import io
import json
import runpy
import warnings

import numpy as np
import pytest

import backprop_core as bc
from backprop_core.training.history import History, StepRecord
from data_io.exports import FEATURE_CODE, history_csv, numpy_script, weights_json


def trained(**changes):
    config = bc.RunConfig(**{"n_samples": 60, "batch_size": 8, "regularization": "l2",
                             "reg_rate": 0.01, **changes})
    data, trainer = bc.build(config)
    trainer.run_steps(5)
    return trainer


def read_csv(text):
    return list(csv.DictReader(io.StringIO(text)))


# --------------------------------------------------------------------------- history CSV


def test_history_csv_columns_and_exact_values():
    trainer = trained(hidden=(3, 2), activations=("relu", "tanh"))
    h = trainer.history
    text = history_csv(h)
    rows = read_csv(text)
    assert text.splitlines()[0] == (
        "step,epoch,batch_loss,train_loss,test_loss,train_accuracy,test_accuracy,penalty,"
        "grad_norm_1,grad_norm_2,grad_norm_3,update_norm_1,update_norm_2,update_norm_3,"
        "weight_norm_1,weight_norm_2,weight_norm_3,"
        "grad_w_norm_1,grad_w_norm_2,grad_w_norm_3,update_w_norm_1,update_w_norm_2,"
        "update_w_norm_3,weight_w_norm_1,weight_w_norm_2,weight_w_norm_3")
    assert len(rows) == len(h) == 6
    for k, row in enumerate(rows):
        rec = h[k]
        assert int(row["step"]) == rec.step == k and int(row["epoch"]) == rec.epoch
        for name in ("train_loss", "test_loss", "train_accuracy", "test_accuracy", "penalty"):
            assert float(row[name]) == float(getattr(rec, name))  # repr: same bits back
        for i in range(3):
            assert float(row[f"weight_norm_{i + 1}"]) == rec.weight_norms[i]
            assert float(row[f"weight_w_norm_{i + 1}"]) == rec.weight_w_norms[i]
            if k > 0:
                assert float(row[f"grad_norm_{i + 1}"]) == rec.grad_norms[i]
                assert float(row[f"update_norm_{i + 1}"]) == rec.update_norms[i]
                assert float(row[f"grad_w_norm_{i + 1}"]) == rec.grad_w_norms[i]
                assert float(row[f"update_w_norm_{i + 1}"]) == rec.update_w_norms[i]
                assert rec.grad_w_norms[i] < rec.grad_norms[i]  # the biases' share is not in
        if k > 0:
            assert float(row["batch_loss"]) == rec.batch_loss
    assert float(rows[-1]["penalty"]) > 0
    # Step 0 has no batch, gradient or update: empty cells, not "None".
    assert rows[0]["batch_loss"] == "" and rows[0]["grad_norm_1"] == ""
    assert rows[0]["update_norm_3"] == "" and "None" not in text and "np.float64" not in text


def test_history_csv_handles_none_numpy_scalars_and_regression():
    h = History()
    h.append(StepRecord(0, 0, None, np.float64(0.1) + np.float64(0.2), None, None, None,
                        np.float64(0.0), None, None, (np.float64(1 / 3),)))
    h.append(StepRecord(1, 0, 0.5, 0.25, None, None, None, 0.0, (2.0,), (1e-300,), (7.0,)))
    rows = read_csv(history_csv(h))
    assert rows[0]["train_loss"] == "0.30000000000000004"
    assert rows[0]["weight_norm_1"] == repr(1 / 3)
    assert rows[0]["test_loss"] == rows[0]["train_accuracy"] == rows[0]["grad_norm_1"] == ""
    assert rows[1]["update_norm_1"] == "1e-300"
    # Records without weights-only norms (read from an older session file): empty cells.
    assert rows[1]["grad_w_norm_1"] == rows[1]["weight_w_norm_1"] == ""


def test_history_csv_of_empty_history():
    assert history_csv(History()).splitlines() == [
        "step,epoch,batch_loss,train_loss,test_loss,train_accuracy,test_accuracy,penalty"]


# --------------------------------------------------------------------------- weights JSON


def test_weights_json_is_exact():
    net = trained(hidden=(5,), activations=("leaky_relu",)).net
    data = json.loads(weights_json(net, feature_names=["x1", "x2"], task="binary"))
    assert data["format"] == "backprop-playground/weights" and data["version"] == 1
    assert data["layer_sizes"] == [2, 5, 1]
    assert data["activations"] == ["leaky_relu", "sigmoid"]
    assert data["feature_names"] == ["x1", "x2"] and data["task"] == "binary"
    for got, want in zip(data["weights"] + data["biases"], net.weights + net.biases, strict=True):
        a = np.array(got, dtype=np.float64)
        assert a.shape == want.shape and a.tobytes() == want.tobytes()


def test_weights_json_refuses_non_finite_parameters():
    net = bc.Network([2, 3, 1], ["tanh", "sigmoid"])
    net.weights[1][0, 0] = np.nan
    with pytest.raises(ValueError, match="layer 2 has NaN"):
        weights_json(net)
    with pytest.raises(ValueError, match="layer 2 has NaN"):
        numpy_script(net, ["a", "b"], "binary")


# --------------------------------------------------------------------------- NumPy script


def load_script(tmp_path, source):
    path = tmp_path / "predictor.py"
    path.write_text(source)
    return runpy.run_path(str(path))  # a fresh namespace, as running the file would give


MIXES = [
    ([2, 4, 4, 1], ["relu", "tanh", "sigmoid"]),
    ([3, 5, 2, 4], ["leaky_relu", "sigmoid", "softmax"]),
    ([2, 8, 3], ["linear", "softmax"]),
    ([4, 3, 3, 3, 1], ["tanh", "relu", "leaky_relu", "linear"]),
    ([2, 1], ["sigmoid"]),
    ([5, 6, 1], ["sigmoid", "tanh"]),
]


@pytest.mark.parametrize(("sizes", "acts"), MIXES)
def test_script_predict_matches_network(tmp_path, sizes, acts):
    net = bc.Network(sizes, acts, seed=len(acts), init="he")
    for b in net.biases:
        b += np.random.default_rng(1).normal(size=b.shape)  # non-zero biases matter too
    task = {"softmax": "multiclass", "sigmoid": "binary"}.get(acts[-1], "regression")
    names = [f"f{i}" for i in range(sizes[0])]
    ns = load_script(tmp_path, numpy_script(net, names, task))
    X = np.random.default_rng(0).normal(scale=3.0, size=(50, sizes[0]))
    np.testing.assert_allclose(ns["predict"](X), net.predict(X), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(ns["predict"](X), net.forward(X).output)  # same operations
    assert ns["FEATURE_NAMES"] == names and ns["TASK"] == task
    assert ns["LAYER_SIZES"] == sizes and ns["ACTIVATIONS"] == acts


def test_script_is_stable_for_huge_pre_activations(tmp_path):
    net = bc.Network([2, 3, 4], ["sigmoid", "softmax"], seed=2)
    net.weights[0] *= 1e4
    net.weights[1] *= 1e4
    ns = load_script(tmp_path, numpy_script(net, ["a", "b"], "multiclass"))
    X = np.random.default_rng(0).normal(scale=100.0, size=(20, 2))
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise"):
        warnings.simplefilter("error")
        out = ns["predict"](X)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out, net.predict(X), rtol=0, atol=1e-12)


def test_script_predict_class(tmp_path):
    for sizes, acts, task in (([2, 3, 1], ["tanh", "sigmoid"], "binary"),
                              ([2, 3, 4], ["tanh", "softmax"], "multiclass")):
        net = bc.Network(sizes, acts, seed=5)
        ns = load_script(tmp_path, numpy_script(net, ["x1", "x2"], task, class_names="pqrs"))
        X = np.random.default_rng(0).normal(size=(30, 2))
        out = net.predict(X)
        want = (out[:, 0] > 0.5) if task == "binary" else out.argmax(axis=1)
        np.testing.assert_array_equal(ns["predict_class"](X), want)
        assert ns["CLASS_NAMES"] == list("pqrs")
    ns = load_script(tmp_path, numpy_script(bc.Network([2, 1], ["linear"]), ["a", "b"],
                                            "regression"))
    assert "predict_class" not in ns and "CLASS_NAMES" not in ns


def test_script_make_features_matches_the_engine(tmp_path):
    assert set(FEATURE_CODE) == set(bc.FEATURES)  # a new engine feature needs its formula here
    names = list(bc.FEATURES)
    net = bc.Network([len(names), 3, 1], ["tanh", "sigmoid"], seed=3)
    ns = load_script(tmp_path, numpy_script(net, names, "binary"))
    X2 = np.random.default_rng(0).uniform(-6, 6, size=(40, 2))
    np.testing.assert_array_equal(ns["make_features"](X2), bc.apply_features(X2, names))
    np.testing.assert_allclose(ns["predict"](ns["make_features"](X2)),
                               net.predict(bc.apply_features(X2, names)), rtol=0, atol=1e-12)
    # Uploaded data has its own columns: no make_features then.
    ns = load_script(tmp_path, numpy_script(bc.Network([2, 1], ["sigmoid"]), ["age", "x1"],
                                            "binary"))
    assert "make_features" not in ns


def test_script_imports_only_numpy_and_quotes_names_safely(tmp_path):
    names = ['a"""b', "c'\nimport os\nos.remove('x')", "é\\", "{}"]
    net = bc.Network([4, 2, 1], ["relu", "linear"], seed=1)
    source = numpy_script(net, names, "regression", class_names=None)
    tree = ast.parse(source)
    imported = {a.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for a in node.names}
    assert imported == {"numpy"}
    assert not any(isinstance(node, ast.ImportFrom) for node in ast.walk(tree))
    assert load_script(tmp_path, source)["FEATURE_NAMES"] == names


def test_script_argument_checks():
    net = bc.Network([2, 1], ["sigmoid"])
    with pytest.raises(ValueError, match="3 feature names for 2 inputs"):
        numpy_script(net, ["a", "b", "c"], "binary")
    with pytest.raises(ValueError, match="task must be one of"):
        numpy_script(net, ["a", "b"], "clustering")


def test_script_runs_as_a_program(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "p.py"
    path.write_text(numpy_script(trained().net, ["x1", "x2"], "binary"))
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("[[")


def test_script_for_uploaded_data_standardises_raw_rows(tmp_path):
    import runpy

    from data_io.csv_data import parse_csv, to_custom_data, to_dataset_and_scaling
    raw = "\n".join(["a,b,y"] + [f"{i * 10 + 3},{(i % 5) * 100},{i % 2}" for i in range(40)])
    custom = to_custom_data(parse_csv(raw.encode()), "y", "classification",
                            drop_bad_rows=False)
    data, center, spread = to_dataset_and_scaling(custom, 0.5, 0)
    net = bc.Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    path = tmp_path / "net.py"
    path.write_text(numpy_script(net, ["a", "b"], "binary", class_names=["0", "1"],
                                 input_scaling=(center, spread)))
    ns = runpy.run_path(str(path))
    raw_rows = custom.X[:5]
    z = (raw_rows - center) / spread
    np.testing.assert_allclose(ns["predict_raw"](raw_rows), net.predict(z), rtol=1e-12)
    # The dataset's training inputs are exactly those z-scores of their raw rows.
    order = np.random.default_rng(0).permutation(custom.n_rows)
    np.testing.assert_allclose(data.X_train, (custom.X[order][:20] - center) / spread,
                               atol=1e-12)
    info = json.loads(weights_json(net, input_scaling=(center, spread), class_names=["0", "1"]))
    assert info["input_scaling"]["center"] == [float(v) for v in center]
