"""Exports: training history as CSV, weights as JSON, a standalone NumPy predictor script.

Every float is written with ``repr`` (shortest text that reads back to the same bits), so
an export is exact, not rounded for display.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

import numpy as np

from backprop_core.network.activations import LEAKY_SLOPE
from backprop_core.network.network import Network
from backprop_core.training.history import History

TASKS = ("binary", "multiclass", "regression")
SCALAR_COLUMNS = ("step", "epoch", "batch_loss", "train_loss", "test_loss",
                  "train_accuracy", "test_accuracy", "penalty")
# History column (a per-layer tuple per step) -> CSV column prefix, numbered from 1:
# norms of weights and biases together, then of the weights alone ("_w_").
NORM_COLUMNS = {"grad_norms": "grad_norm", "update_norms": "update_norm",
                "weight_norms": "weight_norm", "grad_w_norms": "grad_w_norm",
                "update_w_norms": "update_w_norm", "weight_w_norms": "weight_w_norm"}
WEIGHTS_FORMAT = "backprop-playground/weights"
CONVENTION = "z = a @ W + b; W[i] has shape (layer_sizes[i], layer_sizes[i+1])"


def _number(value) -> str:
    """A CSV cell: "" for None, digits for ints, repr for floats (NumPy scalars included)."""
    if value is None:
        return ""
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return str(int(value))
    return repr(float(value))  # repr(np.float64(x)) would be "np.float64(x)"


# --------------------------------------------------------------------------- history CSV


def _n_layers(history: History) -> int:
    return max((len(v) for name in NORM_COLUMNS for v in history.columns[name] if v is not None),
               default=0)


def history_csv(history: History) -> str:
    """One row per recorded step: the scalar columns, then grad_norm_1..L, update_norm_1..L,
    weight_norm_1..L (‖(∂C/∂W, ∂C/∂b)‖, ‖(ΔW, Δb)‖, ‖(W, b)‖; layer 1 = first weight layer)
    and grad_w_norm_1..L, update_w_norm_1..L, weight_w_norm_1..L (‖∂C/∂W‖, ‖ΔW‖, ‖W‖).
    Missing values are empty cells (weights-only norms of steps loaded from a session file
    saved before they were recorded, too)."""
    n_layers = _n_layers(history)
    header = [*SCALAR_COLUMNS,
              *(f"{prefix}_{i}" for prefix in NORM_COLUMNS.values()
                for i in range(1, n_layers + 1))]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    cols = history.columns
    for k in range(len(history)):
        row = [_number(cols[name][k]) for name in SCALAR_COLUMNS]
        for name in NORM_COLUMNS:
            norms = list(cols[name][k] or ())  # None (step 0 has no gradients) -> empty cells
            norms += [None] * (n_layers - len(norms))
            row += [_number(v) for v in norms]
        writer.writerow(row)
    return out.getvalue()


# --------------------------------------------------------------------------- weights JSON


def _check_finite(net: Network) -> None:
    # JSON has no NaN, and "nan" is no Python literal either: refuse instead of writing junk.
    for i, (W, b) in enumerate(zip(net.weights, net.biases, strict=True), start=1):
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
            raise ValueError(f"layer {i} has NaN or infinite parameters; restore a step "
                             "before training diverged, then export")


def weights_json(net: Network, *, feature_names: Sequence[str] | None = None,
                 task: str | None = None, input_scaling=None,
                 class_names: Sequence[str] | None = None) -> str:
    """The network as JSON: layer sizes, activations, weights W[i] (sizes[i], sizes[i+1]) and
    biases b[i] (sizes[i+1],) as nested lists of exact floats; optional names and task, and
    for uploaded data the input scaling (x − center) / spread the network expects."""
    _check_finite(net)
    data = {
        "format": WEIGHTS_FORMAT,
        "version": 1,
        "convention": CONVENTION,
        "layer_sizes": [int(s) for s in net.layer_sizes],
        "activations": list(net.activation_names),
        "weights": [W.tolist() for W in net.weights],
        "biases": [b.tolist() for b in net.biases],
    }
    if feature_names is not None:
        data["feature_names"] = [str(n) for n in feature_names]
    if task is not None:
        data["task"] = task
    if input_scaling is not None:
        center, spread = input_scaling
        data["input_scaling"] = {"center": [float(v) for v in center],
                                 "spread": [float(v) for v in spread],
                                 "rule": "network input = (raw value - center) / spread"}
    if class_names:
        data["class_names"] = [str(c) for c in class_names]
    return json.dumps(data, allow_nan=False)


# --------------------------------------------------------------------------- NumPy script

# Source of each activation, the same operations as backprop_core.network.activations, so the
# script's outputs match net.forward bit for bit.
_ACTIVATION_CODE = {
    "sigmoid": '''def sigmoid(z):
    """1 / (1 + e^-z) without overflow: the exponent is never positive."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))''',
    "tanh": '''def tanh(z):
    return np.tanh(z)''',
    "relu": '''def relu(z):
    return np.maximum(z, 0.0)''',
    "leaky_relu": f'''def leaky_relu(z):
    return np.where(z > 0, z, {LEAKY_SLOPE!r} * z)''',
    "linear": '''def linear(z):
    return z''',
    "softmax": '''def softmax(z):
    """Row-wise softmax; subtracting the row maximum keeps every exponent <= 0."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)''',
}

# The playground's input features from raw points X2 (n, 2), as in backprop_core.data.features.
FEATURE_CODE = {
    "x1": "X2[:, 0]",
    "x2": "X2[:, 1]",
    "x1_sq": "np.square(X2[:, 0])",
    "x2_sq": "np.square(X2[:, 1])",
    "x1_x2": "X2[:, 0] * X2[:, 1]",
    "sin_x1": "np.sin(X2[:, 0])",
    "sin_x2": "np.sin(X2[:, 1])",
}


def _literal(a: np.ndarray, indent: str) -> str:
    """np.array(...) source for a 1-D or 2-D array, one matrix row per line, repr floats."""
    if a.ndim == 1:
        return "np.array([" + ", ".join(repr(float(v)) for v in a) + "])"
    rows = [indent + "    [" + ", ".join(repr(float(v)) for v in row) + "]," for row in a]
    return "np.array([\n" + "\n".join(rows) + "\n" + indent + "])"


def _params_block(name: str, arrays: list[np.ndarray]) -> str:
    items = [f"    {_literal(a, '    ')}," for a in arrays]
    return f"{name} = [\n" + "\n".join(items) + "\n]"


def _features_block(feature_names: list[str]) -> str:
    """make_features(X2) when every input is a playground feature of the raw point (x1, x2)."""
    if not all(n in FEATURE_CODE for n in feature_names):
        return ""
    columns = "\n".join(f"        {FEATURE_CODE[n]}," for n in feature_names)
    return f'''


def make_features(X2):
    """Raw points X2 (n, 2) -> the network inputs (n, {len(feature_names)}), FEATURE_NAMES order."""
    X2 = np.asarray(X2, dtype=np.float64)
    return np.column_stack([
{columns}
    ])'''


def _classes_block(task: str) -> str:
    if task == "binary":
        return '''


def predict_class(X):
    """Class index per row (n,): 1 where the output exceeds 0.5."""
    return (predict(X)[:, 0] > 0.5).astype(np.int64)'''
    if task == "multiclass":
        return '''


def predict_class(X):
    """Class index per row (n,): the most probable class."""
    return np.argmax(predict(X), axis=1)'''
    return ""


def _check_script_args(net: Network, feature_names: list[str], task: str) -> None:
    _check_finite(net)
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    if len(feature_names) != net.layer_sizes[0]:
        raise ValueError(f"{len(feature_names)} feature names for {net.layer_sizes[0]} inputs")


def _scaling_block(input_scaling) -> str:
    if input_scaling is None:
        return ""
    center, spread = ([float(v) for v in part] for part in input_scaling)
    return f'''


# The network was trained on standardised inputs: (raw value - INPUT_CENTER) / INPUT_SPREAD.
INPUT_CENTER = np.array({center!r})
INPUT_SPREAD = np.array({spread!r})


def predict_raw(X_raw):
    """Outputs for rows of raw column values in FEATURE_NAMES order (standardised here)."""
    return predict((np.asarray(X_raw, dtype=np.float64) - INPUT_CENTER) / INPUT_SPREAD)'''


def numpy_script(net: Network, feature_names: Sequence[str], task: str, *,
                 class_names: Sequence[str] | None = None, input_scaling=None) -> str:
    """A standalone Python script (imports only numpy) whose ``predict(X)`` reproduces
    ``net.forward(X).output``: X (n, layer_sizes[0]) -> (n, layer_sizes[-1]).

    User-provided names only appear as ``repr`` literals, never as code.
    """
    names = [str(n) for n in feature_names]
    _check_script_args(net, names, task)
    used = list(dict.fromkeys(net.activation_names))  # unique, in order of use
    sizes = "-".join(str(s) for s in net.layer_sizes)
    acts = "/".join(net.activation_names)
    n_in, n_out = net.layer_sizes[0], net.layer_sizes[-1]
    header = f'''"""Standalone predictor exported from Backprop Playground.

Network {sizes} with activations {acts}; task: {task}.
predict(X): X (n, {n_in}) network inputs in FEATURE_NAMES order -> (n, {n_out}).
Parameters follow {CONVENTION}.
"""

import numpy as np

LAYER_SIZES = {[int(s) for s in net.layer_sizes]!r}
ACTIVATIONS = {list(net.activation_names)!r}
FEATURE_NAMES = {names!r}
TASK = {task!r}'''
    if class_names is not None:
        header += f"\nCLASS_NAMES = {[str(c) for c in class_names]!r}"
    functions = "\n\n\n".join(_ACTIVATION_CODE[a] for a in used)
    table = ", ".join(f"{a!r}: {a}" for a in used)
    predict = '''def predict(X):
    """Network outputs (n, LAYER_SIZES[-1]) for inputs X (n, LAYER_SIZES[0])."""
    a = np.asarray(X, dtype=np.float64)
    if a.ndim != 2 or a.shape[1] != LAYER_SIZES[0]:
        raise ValueError(f"X must have shape (n, {LAYER_SIZES[0]}), got {a.shape}")
    for W, b, name in zip(WEIGHTS, BIASES, ACTIVATIONS):
        a = FUNCTIONS[name](a @ W + b)
    return a'''
    main = '''

if __name__ == "__main__":
    print(predict(np.zeros((1, LAYER_SIZES[0]))))
'''
    return (header + "\n" + _params_block("WEIGHTS", net.weights) + "\n"
            + _params_block("BIASES", net.biases) + "\n\n\n" + functions
            + f"\n\n\nFUNCTIONS = {{{table}}}\n\n\n" + predict
            + _classes_block(task) + _features_block(names) + _scaling_block(input_scaling)
            + "\n" + main)
