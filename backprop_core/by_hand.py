"""Changes by hand to a run, as rules: which parameter an edit or a freeze names, the masks
a freeze gives the optimizer, and what a data event does to the training set.

The trainer applies them (``Trainer.set_param``, ``set_frozen``, ``add_sample``,
``remove_sample``); the session-file reader checks a saved log with the very same rules,
so what one accepts the other can replay.
"""

from __future__ import annotations

import math
from numbers import Integral

import numpy as np

from .network import Network

KINDS = ("weights", "biases")


def _whole(value) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def param_key(net: Network, layer, kind, index) -> dict:
    """{"layer", "kind", "index"} of one parameter: a weight's index (i, j), a bias's (j,).
    ValueError unless it names one of ``net``'s parameters with whole numbers."""
    if kind not in KINDS or not _whole(layer) or not 0 <= layer < net.n_layers:
        raise ValueError(f"no parameter {kind!r} in layer {layer!r}")
    shape = getattr(net, kind)[int(layer)].shape
    index = list(np.atleast_1d(index)) if not isinstance(index, list | tuple) else list(index)
    if len(index) != len(shape) or not all(_whole(i) and 0 <= i < n
                                           for i, n in zip(index, shape, strict=True)):
        raise ValueError(f"index {index} is not one of {kind} of layer {layer} {shape}")
    return {"layer": int(layer), "kind": kind, "index": [int(i) for i in index]}


def frozen_masks(net: Network, frozen) -> dict[str, list[np.ndarray | None]] | None:
    """Per kind and layer, a boolean mask of the frozen parameters (None where none is);
    None when nothing is frozen. ``frozen``: (kind, layer, *index) keys."""
    if not frozen:
        return None
    params = {"weights": net.weights, "biases": net.biases}
    masks = {kind: [None] * net.n_layers for kind in params}
    for kind, layer, *index in frozen:
        if masks[kind][layer] is None:
            masks[kind][layer] = np.zeros(params[kind][layer].shape, dtype=bool)
        masks[kind][layer][tuple(index)] = True
    return masks


def check_data_event(payload, n_in: int, n_out: int, has_raw: bool, n: int) -> None:
    """ValueError unless ``payload`` is a data event that fits a training set of ``n``
    samples: {"op": "add", "x": n_in numbers, "y": n_out numbers, "raw": [x₁, x₂] exactly
    when the data has a plane} or {"op": "remove", "index": a sample, one always left}."""
    if not isinstance(payload, dict) or payload.get("op") not in ("add", "remove"):
        raise ValueError("expected op 'add' or 'remove'")
    if payload["op"] == "remove":
        if set(payload) != {"op", "index"} or not _whole(payload["index"]) \
                or not 0 <= payload["index"] < n or n < 2:
            raise ValueError(f"no training sample {payload.get('index')!r} to remove "
                             "(one must remain)")
        return

    def numbers(v, k):
        return isinstance(v, list) and len(v) == k and all(
            isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
            for x in v)

    raw_ok = numbers(payload.get("raw"), 2) if has_raw else payload.get("raw") is None
    if set(payload) != {"op", "x", "y", "raw"} or not raw_ok or not numbers(
            payload["x"], n_in) or not numbers(payload["y"], n_out):
        raise ValueError(f"a sample needs x ({n_in} finite numbers), y ({n_out}) and raw "
                         f"({'x₁, x₂' if has_raw else 'none: this data has no plane'})")


def data_op(data: tuple, payload: dict) -> tuple:
    """(X, Y, X_raw) after one data event (new arrays; the old ones are left as they are)."""
    X, Y, X_raw = data
    if payload["op"] == "add":
        X = np.vstack([X, np.array([payload["x"]])])
        Y = np.vstack([Y, np.array([payload["y"]])])
        if X_raw is not None:
            X_raw = np.vstack([X_raw, np.array([payload["raw"]])])
        return X, Y, X_raw
    keep = np.arange(len(X)) != payload["index"]
    return X[keep], Y[keep], None if X_raw is None else X_raw[keep]


def data_after(base: tuple, events, n_events: int) -> tuple:
    """The training data ``base`` after the first ``n_events`` data events of a log of
    (step, kind, payload)."""
    data = base
    changes = [payload for _, kind, payload in events if kind == "data"]
    for payload in changes[:n_events]:
        data = data_op(data, payload)
    return data
