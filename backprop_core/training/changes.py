"""The kinds of change a run logs, each checked here and nowhere else.

A run is its starting settings plus a log of changes ``(step, kind, payload)``: settings
(``hyperparams``, ``optimizer``, ``regularization``, ``schedule``) and changes by hand
(``edit``, ``freeze``, ``data``). Whatever the source (a click, a share link, a session
file), an entry is checked by ``check`` against the run it applies to (``Shape``: the
network, the data, the task, the optimizer in effect) and returns its one canonical
payload, or raises ``ChangeError`` saying what is wrong. ``check_log`` walks a whole log the
same way, tracking what the entries themselves change (the optimizer, the number of
training samples), so a log is accepted only if every entry will replay.

``offered=True`` (links, session files) also asks that every value be one a widget offers
(``backprop_core.policy.offered``): a run that only the widgets could have made is one the widgets
can show again, step after step. The trainer's own methods check with ``offered=False``
(an engine user may set any rate), but with the same rules otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from numbers import Integral

from ..network.optimizers import OPTIMIZERS, make_optimizer
from ..network.regularization import REGULARIZERS, check_regularization
from ..network.schedules import Schedule
from ..policy.offered import (
    MAX_DATA_ROWS,
    MAX_EDIT,
    MAX_POINT_COORD,
    OFFERED,
    SCHEDULE_FIELDS,
    offered,
)
from ..policy.quote import quote

PARAM_KINDS = ("weights", "biases")
# Settings of each optimizer and what a widget offers of them (eps has no widget: any
# positive number; nesterov has none either: off).
_HYPER_FIELDS = {"lr": "lr", "momentum": "momentum", "beta1": "beta1", "beta2": "beta2"}
_SCHEDULE_FIELDS = {key: field for field, key in SCHEDULE_FIELDS.items()}  # param -> setting


class ChangeError(ValueError):
    """A change that cannot be made to this run; the message says why. From ``check_log``,
    ``index`` is the position of the first bad entry in the log."""

    def __init__(self, message: str, index: int | None = None):
        super().__init__(message)
        self.index = index


@dataclass(frozen=True)
class Shape:
    """What a change is checked against.

    layer_sizes: the network's (n_in, ..., n_out); has_raw: training samples have a place
    on the data's plane (points can be drawn); n_train: training samples now; task:
    binary | multiclass | regression; optimizer: the one in effect.
    """

    layer_sizes: tuple[int, ...]
    has_raw: bool
    n_train: int
    task: str
    optimizer: str

    @classmethod
    def of(cls, trainer) -> Shape:
        return cls(tuple(trainer.net.layer_sizes), trainer.X_raw is not None, len(trainer.X),
                   trainer.task, trainer.optimizer.name)

    def after(self, kind: str, payload: dict) -> Shape:
        """The shape once this (checked) change is made."""
        if kind == "optimizer":
            return replace(self, optimizer=payload["name"])
        if kind == "data":
            return replace(self, n_train=self.n_train + (1 if payload["op"] == "add" else -1))
        return self


# --- small rules ----------------------------------------------------------------------------
def _whole(value) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and math.isfinite(value)


def _keys(payload, wanted: set) -> dict:
    if not isinstance(payload, dict):
        raise ChangeError("expected an object of settings")
    missing, extra = wanted - set(payload), set(payload) - wanted
    if missing or extra:
        what = "; ".join(filter(None, [
            missing and f"missing {', '.join(sorted(missing))}",
            extra and f"no setting {', '.join(quote(k, 20) for k in sorted(extra, key=str))}"]))
        raise ChangeError(what)
    return payload


def _offered(field: str, key: str, value, check: bool) -> None:
    if check and field in OFFERED and not offered(field, value):
        raise ChangeError(f"{key} {quote(value)} is not offered "
                          f"({OFFERED[field].describe()})")


def param_key(layer_sizes, layer, kind, index) -> dict:
    """{"layer", "kind", "index"} of one parameter of a network with ``layer_sizes``: a
    weight's index (i, j), a bias's (j,). ChangeError unless whole numbers name one."""
    n_layers = len(layer_sizes) - 1
    if kind not in PARAM_KINDS or not _whole(layer) or not 0 <= layer < n_layers:
        raise ChangeError(f"no parameter {quote(kind, 12)} in layer {quote(layer, 12)}")
    n_in, n_out = layer_sizes[int(layer)], layer_sizes[int(layer) + 1]
    shape = (n_in, n_out) if kind == "weights" else (n_out,)
    if not isinstance(index, list | tuple):
        index = [index]
    index = list(index)
    if len(index) != len(shape) or not all(_whole(i) and 0 <= i < n
                                           for i, n in zip(index, shape, strict=True)):
        raise ChangeError(f"index {quote(index)} is not one of the {kind} of layer "
                          f"{int(layer)} {shape}")
    return {"layer": int(layer), "kind": kind, "index": [int(i) for i in index]}


# --- one check per kind ---------------------------------------------------------------------
def _hyperparams(payload, shape: Shape, strict: bool) -> dict:
    if not isinstance(payload, dict) or not payload:
        raise ChangeError("expected at least one setting")
    return _optimizer_settings(shape.optimizer, payload, strict)


def _optimizer_settings(name: str, values: dict, strict: bool) -> dict:
    """Settings of optimizer ``name``: each one it has, a number, offered when ``strict``;
    and what its constructor accepts."""
    allowed = make_optimizer(name, lr=1.0).hyperparams()
    out = {}
    for key, value in values.items():
        if key not in allowed:
            raise ChangeError(f"{quote(key, 20)} is not a setting of {name}")
        if key == "nesterov" and isinstance(value, bool):
            value = float(value)  # a switch, logged as the number the optimizer reports
        if not _number(value):
            raise ChangeError(f"{key}: expected a finite number, got {quote(value)}")
        if key == "nesterov" and (value not in (0, 1) or (strict and value)):
            raise ChangeError("nesterov: no widget offers it (0 only)" if strict
                              else "nesterov: 0 or 1")
        _offered(_HYPER_FIELDS.get(key, ""), key, value, strict)
        out[key] = float(value)
    try:
        make_optimizer(name, **{**allowed, **out})
    except (TypeError, ValueError) as exc:
        raise ChangeError(str(exc)) from None
    return out


def _optimizer(payload, shape: Shape, strict: bool) -> dict:
    if not isinstance(payload, dict) or payload.get("name") not in OPTIMIZERS:
        raise ChangeError(f"name: one of {', '.join(OPTIMIZERS)}")
    settings = {k: v for k, v in payload.items() if k != "name"}
    if "lr" not in settings:
        raise ChangeError("missing lr")
    return {"name": payload["name"], **_optimizer_settings(payload["name"], settings, strict)}


def _regularization(payload, shape: Shape, strict: bool) -> dict:
    _keys(payload, {"name", "rate"})
    name, rate = payload["name"], payload["rate"]
    if name not in REGULARIZERS:
        raise ChangeError(f"name: one of {', '.join(REGULARIZERS)}")
    if not _number(rate):
        raise ChangeError(f"rate: expected a finite number, got {quote(rate)}")
    _offered("reg_rate", "rate", rate, strict)
    try:
        check_regularization(name, rate)
    except ValueError as exc:
        raise ChangeError(str(exc)) from None
    return {"name": name, "rate": float(rate)}


def _schedule(payload, shape: Shape, strict: bool) -> dict:
    if not isinstance(payload, dict):
        raise ChangeError("expected an object of a name and numbers")
    for key, value in payload.items():
        if key != "name" and not _number(value):
            raise ChangeError(f"{quote(key, 20)}: expected a finite number")
        if key in _SCHEDULE_FIELDS:
            _offered(_SCHEDULE_FIELDS[key], key, value, strict)
    try:
        return Schedule.from_dict(payload).to_dict()
    except (TypeError, ValueError, OverflowError) as exc:
        raise ChangeError(str(exc)) from None


def _edit(payload, shape: Shape, strict: bool) -> dict:
    _keys(payload, {"layer", "kind", "index", "value"})
    key = param_key(shape.layer_sizes, payload["layer"], payload["kind"], payload["index"])
    value = payload["value"]
    if not _number(value):
        raise ChangeError(f"value: expected a finite number, got {quote(value)}")
    if strict and abs(value) > MAX_EDIT:
        raise ChangeError(f"value {quote(value)} is beyond ±{MAX_EDIT:g}, what the edit box "
                          "offers")
    return {**key, "value": float(value)}


def _freeze(payload, shape: Shape, strict: bool) -> dict:
    _keys(payload, {"layer", "kind", "index", "frozen"})
    key = param_key(shape.layer_sizes, payload["layer"], payload["kind"], payload["index"])
    if not isinstance(payload["frozen"], bool):
        raise ChangeError("frozen: expected true or false")
    return {**key, "frozen": payload["frozen"]}


def _numbers(values, n: int) -> bool:
    return isinstance(values, list) and len(values) == n and all(map(_number, values))


def target_fits(y: list, task: str) -> bool:
    """A target row a training sample of ``task`` can have: one 0/1 class (binary), a
    one-hot row (multiclass), targets in [-1, 1] (regression)."""
    if task == "binary":
        return len(y) == 1 and y[0] in (0, 1)
    if task == "multiclass":
        return sorted(y) == [0] * (len(y) - 1) + [1]
    return all(-1 <= v <= 1 for v in y)


def _data(payload, shape: Shape, strict: bool) -> dict:
    """{"op": "add", "x": n_in numbers, "y": a target row, "raw": [x₁, x₂] on the plane
    exactly when the data has one} or {"op": "remove", "index": a sample, one left}."""
    if not isinstance(payload, dict) or payload.get("op") not in ("add", "remove"):
        raise ChangeError("expected op 'add' or 'remove'")
    n = shape.n_train
    if payload["op"] == "remove":
        _keys(payload, {"op", "index"})
        if not _whole(payload["index"]) or not 0 <= payload["index"] < n or n < 2:
            raise ChangeError(f"no training sample {quote(payload['index'])} to remove "
                              f"(there are {n}; one must remain)")
        return {"op": "remove", "index": int(payload["index"])}
    _keys(payload, {"op", "x", "y", "raw"})
    n_in, n_out = shape.layer_sizes[0], shape.layer_sizes[-1]
    x, y, raw = payload["x"], payload["y"], payload["raw"]
    if not shape.has_raw and raw is not None:
        raise ChangeError("raw: none (this data has no plane to draw on)")
    if shape.has_raw and not (_numbers(raw, 2) and max(map(abs, raw)) <= MAX_POINT_COORD):
        raise ChangeError(f"raw: x₁, x₂ within ±{MAX_POINT_COORD:g} (the data's plane)")
    if not _numbers(x, n_in):
        raise ChangeError(f"x: expected {n_in} finite numbers")
    if not (_numbers(y, n_out) and target_fits(y, shape.task)):
        raise ChangeError(f"y: expected a target of this {shape.task} data ({n_out} "
                          "number(s): a class, or a target in [-1, 1])")
    if n >= MAX_DATA_ROWS:
        raise ChangeError(f"the training set has {n:,} samples, the most a run takes")
    return {"op": "add", "x": [float(v) for v in x], "y": [float(v) for v in y],
            "raw": None if raw is None else [float(v) for v in raw]}


CHECKS = {"hyperparams": _hyperparams, "optimizer": _optimizer,
          "regularization": _regularization, "schedule": _schedule, "edit": _edit,
          "freeze": _freeze, "data": _data}
KINDS = tuple(CHECKS)  # every kind of logged change


def check(kind: str, payload, shape: Shape, offered: bool = False) -> dict:
    """The canonical payload of one change of ``kind`` to a run of ``shape``; ChangeError
    (saying why) if it cannot be made, or with ``offered`` if a widget cannot show it."""
    if kind not in CHECKS:
        raise ChangeError(f"unknown kind of change {quote(kind, 20)}")
    return CHECKS[kind](payload, shape, offered)


def check_log(events, shape: Shape, last_step: int, offered: bool = False) -> list:
    """Every entry of a log checked in order, from a run of ``shape`` at step 0; entries
    are [step, kind, payload] with steps in order within 0..last_step. Returns the
    canonical (step, kind, payload) list; ChangeError naming the first bad entry (by its
    position and step)."""
    if not isinstance(events, list | tuple):
        raise ChangeError("expected a list of changes")
    out, previous = [], 0
    for k, e in enumerate(events):
        where = f"change {k + 1} of {len(events)}"
        if not (isinstance(e, list | tuple) and len(e) == 3 and _whole(e[0])
                and previous <= e[0] <= last_step and isinstance(e[1], str)):
            raise ChangeError(f"{where}: expected [step (in order, at most {last_step}), "
                              "kind, settings]", k)
        try:
            payload = check(e[1], e[2], shape, offered)
        except ChangeError as exc:
            raise ChangeError(f"{where} ({e[1] if e[1] in CHECKS else '?'} at step "
                              f"{e[0]}): {exc}", k) from None
        out.append((int(e[0]), e[1], payload))
        shape = shape.after(e[1], payload)
        previous = e[0]
    return out
