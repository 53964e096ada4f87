"""Changes by hand to a run, as rules for making them: the masks a freeze gives the
optimizer, and what a data event does to the training set. (Whether a change can be made
at all is ``backprop_core.training.changes``: one check per kind, for every source.)
"""

from __future__ import annotations

import numpy as np

from ..network.network import Network


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
    (step, kind, payload), built once: the rows kept, in order, then one gather (applying
    the events one by one would copy the whole set per event)."""
    X, Y, X_raw = base
    changes = [payload for _, kind, payload in events if kind == "data"][:n_events]
    if not changes:
        return base
    added = [p for p in changes if p["op"] == "add"]
    rows = list(range(len(X)))  # indices into base rows, then added rows after them
    n_added = 0
    for p in changes:
        if p["op"] == "add":
            rows.append(len(X) + n_added)
            n_added += 1
        else:
            del rows[p["index"]]
    take = np.array(rows, dtype=np.int64)

    def gather(base_rows, key):
        new = np.array([p[key] for p in added], dtype=np.float64).reshape(
            len(added), base_rows.shape[1])
        return np.vstack([base_rows, new])[take]

    return gather(X, "x"), gather(Y, "y"), None if X_raw is None else gather(X_raw, "raw")
