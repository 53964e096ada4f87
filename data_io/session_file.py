"""Session files: a saved run read back, all of it checked before any of it is used.

``read`` returns the settings, the trainer, the data and the uploaded data's description,
or raises ``ValueError`` naming the field. Nothing is installed by this module; a caller
that gets the result may install it whole, and one that gets the error keeps its run.
Checked: JSON and its nesting, the engine state (``trainer_from_dict``, with its bounds on
size and replay), settings a widget can show (``backprop_core.policy.offered``), settings that
match the saved trainer, and the description of uploaded data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

import backprop_core as bc
from backprop_core.policy.config import (
    OUTPUT_PAIRINGS,
    inputs,
    make_data,
    with_trainer_settings,
)
from backprop_core.policy.offered import SCHEDULE_FIELDS, problems
from backprop_core.policy.quote import quote
from backprop_core.training.serialize import FORMAT

from .json_file import capped, read_object

MAX_TEXT = 200  # characters of a file name, column or class name kept from a file


@dataclass
class Loaded:
    config: bc.RunConfig
    trainer: bc.Trainer
    data: bc.Dataset
    custom_meta: dict | None


MAX_MESSAGE = 300  # characters of a refusal: it names the field, never echoes a file back


def read(raw: bytes) -> Loaded:
    """The session file ``raw`` checked whole; ValueError naming what is wrong (at most
    MAX_MESSAGE characters, whatever the file holds)."""
    try:
        return _read(raw)
    except ValueError as exc:
        raise ValueError(capped(str(exc), MAX_MESSAGE)) from None


def _read(raw: bytes) -> Loaded:
    saved = read_object(raw, FORMAT, "session file", "state.")
    config = _config(saved)  # cheap checks first: the engine state may cost a replay
    try:
        # offered: every logged change a value the widgets show, data of an upload's size
        trainer = bc.trainer_from_dict(saved, offered=True)
    except (RecursionError, MemoryError, OverflowError) as exc:
        raise ValueError(f"state: cannot be loaded ({type(exc).__name__})") from None
    _check_matches(config, trainer)
    _check_points(config, trainer)
    meta = _custom_meta(saved["extra"].get("custom_meta"), config, trainer) \
        if config.is_custom else None
    return Loaded(config, trainer, _data_for(config, trainer), meta)


def _config(saved) -> bc.RunConfig:
    extra = saved.get("extra") if isinstance(saved, dict) else None
    if not isinstance(extra, dict) or not isinstance(extra.get("config"), dict):
        raise ValueError("state.extra.config: missing (not saved by this app)")
    try:
        c = bc.RunConfig.from_dict(extra["config"])
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(f"state.extra.config: {exc}") from None
    found = problems(c)
    if found:
        name, problem = found[0]
        raise ValueError(f"state.extra.config.{name}: {problem}")
    return c


def _check_matches(c: bc.RunConfig, tr: bc.Trainer) -> None:
    """The settings must be the ones the saved trainer runs with: else the sidebar would
    show one run while another one trains."""
    out_act, loss = OUTPUT_PAIRINGS[c.pairing]
    n_in = tr.net.layer_sizes[0]
    expected = {
        "hidden": (tuple(tr.net.layer_sizes[1:-1]), tuple(c.hidden)),
        "activations": (tuple(tr.net.activation_names), (*c.activations, out_act)),
        "output": (tr.loss, loss),
        "init": (tr.net.init, c.init),
        "seed": (tr.seed, c.seed),
        "reduction": (tr.reduction, c.reduction),
        "batch_size": (tr.batch_size, min(c.batch_size, len(tr.base_data[0]))),
    }
    if not c.is_custom:
        expected["features"] = (n_in, len(c.features))
    for name, (saved, shown) in expected.items():
        if saved != shown:
            raise ValueError(f"state.extra.config.{name}: {quote(shown)} does not match the "
                             f"saved network's {quote(saved)}")
    in_effect = with_trainer_settings(c, tr)
    for name in ("optimizer", "lr", "momentum", "beta1", "beta2", "eps", "regularization",
                 "reg_rate", *SCHEDULE_FIELDS):
        if getattr(in_effect, name) != getattr(c, name):
            raise ValueError(f"state.extra.config.{name}: {quote(getattr(c, name))} does not "
                             f"match the {quote(getattr(in_effect, name))} the saved run uses")


def _check_points(c: bc.RunConfig, tr: bc.Trainer) -> None:
    """A drawn point's inputs are its place's features, as a click (or a link, which
    carries only the place and the label) would make them."""
    for k, (_, kind, payload) in enumerate(tr.events):
        if kind == "data" and payload["op"] == "add" and payload["raw"] is not None:
            x = inputs(c, np.array([payload["raw"]]))[0]
            if x.tolist() != payload["x"]:
                raise ValueError(f"state.events[{k}][2].x: not the features of its place "
                                 f"{payload['raw']} ({', '.join(c.features)})")


def _texts(value, path: str, n: int | None) -> list[str]:
    if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise ValueError(f"{path}: expected a list of texts")
    if n is not None and len(value) != n:
        raise ValueError(f"{path}: {len(value)} entries, expected {n}")
    if any(len(v) > MAX_TEXT for v in value):
        raise ValueError(f"{path}: a text longer than {MAX_TEXT} characters")
    return list(value)


def _numbers(value, path: str, n: int, positive: bool = False) -> list[float]:
    ok = isinstance(value, list) and len(value) == n and all(
        type(v) in (int, float) and math.isfinite(v) and (v > 0 or not positive)
        for v in value)
    if not ok:
        kind = "positive numbers" if positive else "finite numbers"
        raise ValueError(f"{path}: expected {n} {kind}")
    return [float(v) for v in value]


def _custom_meta(meta, c: bc.RunConfig, tr: bc.Trainer) -> dict:
    """What the app shows of uploaded data: names, scaling; checked against the data."""
    path = "state.extra.custom_meta"
    if not isinstance(meta, dict):
        raise ValueError(f"{path}: missing for uploaded data")
    n_in = tr.net.layer_sizes[0]
    n_classes = {"multiclass": tr.Y.shape[1], "binary": 2, "regression": 0}[c.custom_task]
    file = meta.get("file")
    target = meta.get("target", "target")
    if not isinstance(file, str) or not isinstance(target, str) or \
            max(len(file), len(target)) > MAX_TEXT:
        raise ValueError(f"{path}.file / target: expected short texts")
    return {
        "file": file, "target": target,
        "feature_names": _texts(meta.get("feature_names"), f"{path}.feature_names", n_in),
        "class_names": _texts(meta.get("class_names", []), f"{path}.class_names",
                              n_classes or None) if n_classes else [],
        "notes": _texts(meta.get("notes", []), f"{path}.notes", None),
        "center": _numbers(meta.get("center"), f"{path}.center", n_in),
        "spread": _numbers(meta.get("spread"), f"{path}.spread", n_in, positive=True),
    }


def _data_for(c: bc.RunConfig, tr: bc.Trainer) -> bc.Dataset:
    """The dataset behind a loaded trainer: regenerated for built-in sets (and checked to be
    the very same numbers), rebuilt from the saved arrays for uploaded data. The data as
    the run started: points drawn or removed since are the trainer's data events."""
    X, Y, X_raw = tr.base_data
    if c.is_custom:
        n_classes = tr.Y.shape[1] if c.custom_task == "multiclass" else (
            2 if c.custom_task == "binary" else 0)
        X_test = tr.X_test if tr.X_test is not None else X[:0]
        Y_test = tr.Y_test if tr.Y_test is not None else Y[:0]
        return bc.Dataset("custom", c.custom_task, X, Y, X_test, Y_test, n_classes)
    data = make_data(c)
    if not (np.array_equal(inputs(c, data.X_train), X) and np.array_equal(data.Y_train, Y)
            and (X_raw is None or np.array_equal(data.X_train, X_raw))):
        raise ValueError("state.data: the data do not match the saved settings")
    return data
