"""Share links: a whole ``RunConfig`` (plus a step and a presenter flag) as URL query params.

``encode`` writes short, readable params and only those that differ from the defaults, e.g.
``{"v": "1", "ds": "xor", "noise": "0.1", "h": "8,8,8", "act": "relu,relu,relu"}``.
Floats are written with ``repr`` so they read back to the same bits.

``decode`` never raises. Anything wrong (unknown key, bad or out-of-range value, combination
the engine refuses) falls back to the default for that setting and adds a warning naming
the parameter, e.g. ``"lr: 'abc' is not a number; using 0.03"``.

Ranges are the engine's (``make_dataset``, optimizers, ``RunConfig.check``), plus caps where
the engine has none: seeds in [0, 2**63 - 1], batch size in [1, 5000], step in
[0, 1_000_000]. ``n_classes`` must be in the dataset's class range (3..5 for every set).
The default activations are ``tanh`` for every hidden layer, so ``act`` is omitted whenever
all layers use tanh, whatever their number. ``ds=custom`` (uploaded data) is kept with its
``task``, but a link cannot carry the data: see ``Decoded.needs_upload``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlencode

from backprop_core.config import (
    CUSTOM,
    HIDDEN_ACTIVATIONS,
    MAX_EXTRA_POINTS,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    MAX_RATE,
    OUTPUT_PAIRINGS,
    SCHEDULE_FIELDS,
    TASK_PAIRINGS,
    RunConfig,
    label_of,
)
from backprop_core.datasets import (
    DATASETS,
    MAX_NOISE,
    MAX_SAMPLES,
    MIN_SAMPLES,
    MULTI_CLASS_RANGE,
    TASKS,
)
from backprop_core.features import FEATURES
from backprop_core.initializers import INITIALIZERS
from backprop_core.offered import OFFERED, offered, snap
from backprop_core.optimizers import OPTIMIZERS
from backprop_core.regularization import REGULARIZERS
from backprop_core.schedules import SCHEDULES, Schedule

VERSION = "1"
VERSION_KEY, STEP_KEY, PRESENTER_KEY, HIDE_KEY = "v", "step", "present", "hide"
EVENTS_KEY, PHASE_KEY = "ev", "ph"  # the settings log, and a step left mid-way
# Panels a presenter can hide (ui/classroom.py shows them); a link keeps the choice.
PANELS = ("data", "features", "network", "training", "phases", "history", "view")
MAX_SEED = 2**63 - 1  # fits an int64 for any reader of the link
MAX_BATCH = MAX_SAMPLES
MAX_STEP = 1_000_000
MAX_VALUE_LENGTH = 300  # longer values are refused before any parsing
MAX_POINTS_LENGTH = 12_000  # drawn points: up to 200 of "x:y:label"
MAX_EVENTS = 400  # changes a link may carry (settings, edits, drawn points...)
MAX_EVENTS_LENGTH = 32_000  # ...and their text: a link stays well under browsers' limits
DEFAULT_ACTIVATION = "tanh"
_SHOWN_UNKNOWN = 5

DEFAULT = RunConfig()


class _Bad(Exception):
    """A value that cannot be used; the message says why (without the parameter name)."""


def _show(text: str, limit: int = 30) -> str:
    """User-provided text quoted for a warning, shortened."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


# --------------------------------------------------------------------------- value formats


def _format(value: Any) -> str:
    """A setting as query text: repr for floats (exact), comma-joined tuples; drawn points
    as ``x:y:label`` joined by ``;``."""
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return ";".join(":".join(repr(float(v)) for v in point) for point in value)
    if isinstance(value, tuple):
        return ",".join(_format(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _parse_float(text: str) -> float:
    # "+" in a hand-typed URL arrives as a space ("1e+20" -> "1e 20"): put it back.
    cleaned = text.strip().replace(" ", "+")
    try:
        value = float(cleaned)
    except ValueError:
        raise _Bad(f"{_show(text)} is not a number") from None
    if not math.isfinite(value):
        raise _Bad(f"{_show(text)} is not a finite number")
    return value


_INT = re.compile(r"[+-]?\d+", re.ASCII)


def _parse_int(text: str) -> int:
    cleaned = text.strip().replace(" ", "+")
    if not _INT.fullmatch(cleaned):
        raise _Bad(f"{_show(text)} is not a whole number")
    return int(cleaned)


def _parse_choice(text: str, choices: tuple[str, ...]) -> str:
    cleaned = text.strip().replace(" ", "+").lower()  # "sigmoid+bce" may arrive as "sigmoid bce"
    if cleaned not in choices:
        raise _Bad(f"{_show(text)} is not one of {', '.join(choices)}")
    return cleaned


def _parse_list(text: str, item: Callable[[str], Any]) -> tuple:
    """Comma-separated items; "" (or "none") is the empty tuple, e.g. no hidden layers."""
    if text.strip().lower() in ("", "none"):
        return ()
    parts = text.split(",")
    if any(not p.strip() for p in parts):
        raise _Bad(f"{_show(text)} has an empty item")
    return tuple(item(p) for p in parts)


# --------------------------------------------------------------------------- range checks
# Each returns a problem text, or None when the value is fine.


def _range(lo: float, hi: float, *, lo_open: bool = False, hi_open: bool = False):
    def check(value):
        too_low = value <= lo if lo_open else value < lo
        too_high = value >= hi if hi_open else value > hi
        if too_low or too_high:
            left, right = "(" if lo_open else "[", ")" if hi_open else "]"
            upper = "∞" if math.isinf(hi) else _format(hi)
            return f"{_format(value)} is out of range {left}{_format(lo)}, {upper}{right}"
        return None

    return check


def _check_hidden(sizes: tuple[int, ...]) -> str | None:
    if len(sizes) > MAX_HIDDEN_LAYERS:
        return f"{len(sizes)} hidden layers is more than {MAX_HIDDEN_LAYERS}"
    if any(not 1 <= n <= MAX_NEURONS for n in sizes):
        return f"{_format(sizes)!r} has a layer outside 1..{MAX_NEURONS} neurons"
    return None


def _check_features(names: tuple[str, ...]) -> str | None:
    if not names:
        return "no features selected"
    if len(set(names)) != len(names):
        return f"{_format(names)!r} repeats a feature"
    return None


def _check_activations(names: tuple[str, ...]) -> str | None:
    return None if len(names) <= MAX_HIDDEN_LAYERS else "too many activations"


# --------------------------------------------------------------------------- field table


@dataclass(frozen=True)
class _Field:
    """How one RunConfig field appears in a link: key, parser, range check."""

    key: str
    parse: Callable[[str], Any]
    check: Callable[[Any], str | None] = lambda value: None


def _choice(choices) -> Callable[[str], str]:
    options = tuple(choices)
    return lambda text: _parse_choice(text, options)


_NON_NEGATIVE = _range(0.0, math.inf, hi_open=True)
_POSITIVE = _range(0.0, math.inf, lo_open=True, hi_open=True)
_UNIT = _range(0.0, 1.0, hi_open=True)  # Adam's betas
_SEED = _range(0, MAX_SEED)

# Settings changes, and changes by hand: a parameter set or frozen, a point drawn or removed.
# A drawn point travels as its place and label ("point"); the page turns it into the
# trainer's data event with the link's features.
EVENT_KINDS = {"hp": "hyperparams", "opt": "optimizer", "reg": "regularization",
               "sch": "schedule", "ed": "edit", "fz": "freeze", "pt": "point", "rm": "remove"}
_EVENT_CODES = {v: k for k, v in EVENT_KINDS.items()}
_EVENT_FIELDS = {  # payload key -> (RunConfig field it is, how it reads)
    "lr": "lr", "momentum": "momentum", "beta1": "beta1", "beta2": "beta2", "eps": "eps",
    "rate": "reg_rate", "nesterov": "nesterov",
}
_SCHEDULE_KEYS = {key: field for field, key in SCHEDULE_FIELDS.items()}  # payload -> field
_KIND_CODES = {"weights": "w", "biases": "b"}


def link_event(event) -> tuple[int, str, dict]:
    """A trainer's log entry as a link carries it: a data event becomes a "point" (place
    and label) or a "remove"."""
    step, kind, payload = event
    if kind != "data":
        return event
    if payload["op"] == "remove":
        return step, "remove", {"index": payload["index"]}
    return step, "point", {"raw": list(payload["raw"]), "label": label_of(payload["y"])}


def _format_event(event) -> str:
    """``12:hp:lr=0.3`` (a step, a kind, settings) for one entry of the settings log."""
    step, kind, payload = link_event(event)
    if kind in ("edit", "freeze"):
        payload = {"l": payload["layer"], "k": _KIND_CODES[payload["kind"]],
                   "i": ".".join(str(int(i)) for i in payload["index"]),
                   **({"v": float(payload["value"])} if kind == "edit"
                      else {"f": int(bool(payload["frozen"]))})}
    elif kind == "point":
        payload = {"x": float(payload["raw"][0]), "y": float(payload["raw"][1]),
                   "c": float(payload["label"])}
    elif kind == "remove":
        payload = {"i": int(payload["index"])}
    items = ",".join(f"{k}={_format(v)}" for k, v in payload.items())
    return f"{int(step)}:{_EVENT_CODES[kind]}:{items}"


def _items(text: str) -> dict[str, str]:
    out = {}
    for item in text.split(","):
        key, sep, value = item.partition("=")
        if not sep or key in out:
            raise _Bad(f"{_show(item)} is not key=value (once each)")
        out[key] = value
    return out


def _parse_by_hand(kind: str, text: str) -> dict:
    """An edit, a freeze, a drawn point or a removed point."""
    items = _items(text)
    wanted = {"edit": {"l", "k", "i", "v"}, "freeze": {"l", "k", "i", "f"},
              "point": {"x", "y", "c"}, "remove": {"i"}}[kind]
    if set(items) != wanted:
        raise _Bad(f"{_show(text)} needs exactly {', '.join(sorted(wanted))}")
    if kind == "point":
        return {"raw": [_parse_float(items["x"]), _parse_float(items["y"])],
                "label": _parse_float(items["c"])}
    if kind == "remove":
        return {"index": _parse_index(items["i"])}
    if items["k"] not in ("w", "b"):
        raise _Bad(f"{_show(items['k'])} is not w or b")
    index = [_parse_index(i) for i in items["i"].split(".")]
    if len(index) != (2 if items["k"] == "w" else 1):
        raise _Bad(f"{_show(items['i'])} is not a weight's i.j or a bias's j")
    payload = {"layer": _parse_index(items["l"]),
               "kind": "weights" if items["k"] == "w" else "biases", "index": index}
    if kind == "edit":
        payload["value"] = _parse_float(items["v"])
    elif items["f"] in ("0", "1"):
        payload["frozen"] = items["f"] == "1"
    else:
        raise _Bad(f"{_show(items['f'])} is not 0 or 1")
    return payload


def _parse_index(text: str) -> int:
    value = _parse_int(text)
    if not 0 <= value <= 10_000:
        raise _Bad(f"{_show(text)} is not an index")
    return value


def _parse_schedule(text: str) -> dict:
    payload: dict[str, Any] = {}
    for key, value in _items(text).items():
        if key == "name":
            payload[key] = _parse_choice(value, SCHEDULES)
            continue
        if key not in _SCHEDULE_KEYS:
            raise _Bad(f"{_show(key)} is not a schedule setting")
        field = _SCHEDULE_KEYS[key]
        number = _parse_float(value)
        if field in OFFERED and not offered(field, number):
            raise _Bad(f"{key} {_format(number)} is not offered")
        payload[key] = snap(field, number) if field in OFFERED else number
    try:
        return Schedule.from_dict(payload).to_dict()
    except (TypeError, ValueError) as exc:
        raise _Bad(str(exc)) from None


def _parse_event(text: str) -> tuple[int, str, dict]:
    parts = text.split(":")
    if len(parts) != 3 or parts[1] not in EVENT_KINDS:
        raise _Bad(f"{_show(text)} is not step:kind:settings")
    step, kind = _parse_int(parts[0]), EVENT_KINDS[parts[1]]
    if kind in ("edit", "freeze", "point", "remove"):
        return step, kind, _parse_by_hand(kind, parts[2])
    if kind == "schedule":
        return step, kind, _parse_schedule(parts[2])
    payload: dict[str, Any] = {}
    for item in parts[2].split(","):
        key, _, value = item.partition("=")
        if key == "name":
            table = OPTIMIZERS if kind == "optimizer" else REGULARIZERS
            payload[key] = _parse_choice(value, tuple(table))
        elif key in _EVENT_FIELDS:
            number = _parse_float(value)
            field = _EVENT_FIELDS[key]
            if field in OFFERED and not offered(field, number):
                raise _Bad(f"{key} {_format(number)} is not offered")
            payload[key] = snap(field, number) if field in OFFERED else number
        else:
            raise _Bad(f"{_show(item)} is not a setting")
    needed = {"hyperparams": set(), "optimizer": {"name", "lr"},
              "regularization": {"name", "rate"}}[kind]
    if not needed <= set(payload) or (kind == "hyperparams" and not payload):
        raise _Bad(f"{_show(text)} misses settings")
    return step, kind, payload


def _parse_events(texts: dict[str, str], step: int | None, warnings: list[str]) -> tuple:
    """The settings log: all of it or none (a part would change the run silently)."""
    if EVENTS_KEY not in texts or step is None:
        return ()
    try:
        events = tuple(_parse_event(t) for t in texts[EVENTS_KEY].split(";") if t.strip())
        if len(events) > MAX_EVENTS:
            raise _Bad(f"more than {MAX_EVENTS} changes")
        if any(not 0 <= e[0] <= step for e in events) or [e[0] for e in events] != sorted(
                e[0] for e in events):
            raise _Bad("changes out of order or after the link's step")
    except _Bad as exc:
        warnings.append(f"{EVENTS_KEY}: {exc}; the settings log is not used, so the run "
                        "uses the link's first settings throughout and may differ from the "
                        "one shared")
        return ()
    return events


def _parse_phase(texts: dict[str, str], step: int | None, warnings: list[str]) -> int:
    if PHASE_KEY not in texts or step is None:
        return 0
    text = texts[PHASE_KEY].strip()
    if text in ("0", "1", "2"):
        return int(text)
    warnings.append(f"{PHASE_KEY}: {_show(text)} is not 0, 1 or 2; opening at the step's start")
    return 0


def _parse_points(text: str) -> tuple:
    """``x:y:label;x:y:label`` -> ((x, y, label), ...)."""
    if not text.strip():
        return ()
    points = []
    for part in text.split(";"):
        values = part.split(":")
        if len(values) != 3:
            raise _Bad(f"{_show(part)} is not x:y:label")
        points.append(tuple(_parse_float(v) for v in values))
    if len(points) > MAX_EXTRA_POINTS:
        raise _Bad(f"more than {MAX_EXTRA_POINTS} points")
    return tuple(points)


FIELDS: dict[str, _Field] = {
    "dataset": _Field("ds", _choice([*DATASETS, CUSTOM])),
    "noise": _Field("noise", _parse_float, _range(0.0, MAX_NOISE)),
    "n_samples": _Field("n", _parse_int, _range(MIN_SAMPLES, MAX_SAMPLES)),
    "train_fraction": _Field("train", _parse_float, _range(0.0, 1.0, lo_open=True, hi_open=True)),
    "n_classes": _Field("k", _parse_int),  # its range depends on the dataset: see _cross_checks
    "data_seed": _Field("dseed", _parse_int, _SEED),
    "features": _Field("feat", lambda t: _parse_list(t, _choice(FEATURES)), _check_features),
    "hidden": _Field("h", lambda t: _parse_list(t, _parse_int), _check_hidden),
    "activations": _Field("act", lambda t: _parse_list(t, _choice(HIDDEN_ACTIVATIONS)),
                          _check_activations),
    "output": _Field("out", _choice(["auto", *OUTPUT_PAIRINGS])),
    "init": _Field("init", _choice(INITIALIZERS)),
    "seed": _Field("seed", _parse_int, _SEED),
    "optimizer": _Field("opt", _choice(OPTIMIZERS)),
    "lr": _Field("lr", _parse_float, _range(0.0, MAX_RATE, lo_open=True)),
    "momentum": _Field("mom", _parse_float, _NON_NEGATIVE),
    "beta1": _Field("b1", _parse_float, _UNIT),
    "beta2": _Field("b2", _parse_float, _UNIT),
    "eps": _Field("eps", _parse_float, _POSITIVE),
    "batch_size": _Field("batch", _parse_int, _range(1, MAX_BATCH)),
    "regularization": _Field("reg", _choice(REGULARIZERS)),
    "reg_rate": _Field("rate", _parse_float, _range(0.0, MAX_RATE)),
    "reduction": _Field("red", _choice(("mean", "sum"))),
    "custom_task": _Field("task", _choice(TASKS)),  # only read for dataset "custom"
    "schedule": _Field("sch", _choice(SCHEDULES)),
    "sched_step": _Field("sstep", _parse_int, _range(1, 100_000)),
    "sched_gamma": _Field("sgamma", _parse_float, _range(0.0, 1.0, lo_open=True)),
    "sched_tmax": _Field("stmax", _parse_int, _range(1, 100_000)),
    "sched_min": _Field("smin", _parse_float, _range(0.0, MAX_RATE)),
    "sched_warmup": _Field("swarm", _parse_int, _range(1, 100_000)),
    "sched_start": _Field("sstart", _parse_float, _range(0.0, 1.0, lo_open=True)),
    "extra_points": _Field("pts", _parse_points),
}
KEYS: dict[str, str] = {name: f.key for name, f in FIELDS.items()}  # field -> query key
_FIELD_OF_KEY = {f.key: name for name, f in FIELDS.items()}


def _default(name: str, values: Mapping[str, Any]) -> Any:
    """The default of one field given the others: activations follow the hidden layers."""
    if name == "activations":
        return (DEFAULT_ACTIVATION,) * len(values.get("hidden", DEFAULT.hidden))
    return getattr(DEFAULT, name)


# --------------------------------------------------------------------------- encode


class LogTooLong(ValueError):
    """A run whose changes on the way are more than a link can carry."""


def encode(config: RunConfig, step: int | None = None, presenter: bool = False,
           hidden: tuple[str, ...] = (), events: tuple = (), phase: int = 0) -> dict[str, str]:
    """Query params for ``config``: ``v`` plus every setting that differs from its default.

    ``step`` (a finished-step count) and ``presenter`` are added when given / True. With a
    step, ``events`` (the trainer's settings log: (step, kind, settings), ``config`` then
    holding the settings of step 0) and ``phase`` (phases run of the next step) make the
    link reproduce a run whose settings changed on the way, or that stopped mid-step.
    """
    params = {VERSION_KEY: VERSION}
    values = {f.name: getattr(config, f.name) for f in fields(RunConfig)}
    for name, value in values.items():
        if value != _default(name, values):
            params[KEYS[name]] = _format(value)
    if step is not None:
        params[STEP_KEY] = str(int(step))
        if events:
            params[EVENTS_KEY] = ";".join(_format_event(e) for e in events)
            if len(events) > MAX_EVENTS or len(params[EVENTS_KEY]) > MAX_EVENTS_LENGTH:
                raise LogTooLong(f"this run has {len(events)} changes on the way "
                                 f"({len(params[EVENTS_KEY]):,} characters); a link carries "
                                 f"at most {MAX_EVENTS} ({MAX_EVENTS_LENGTH:,} characters)")
        if phase:
            params[PHASE_KEY] = str(int(phase))
    if presenter:
        params[PRESENTER_KEY] = "1"
        if hidden:
            params[HIDE_KEY] = ",".join(sorted(hidden))
    return params


def to_query_string(params: Mapping[str, str]) -> str:
    """``params`` as ``a=1&b=2``, keeping commas readable (``h=4,4`` not ``h=4%2C4``)."""
    return urlencode(dict(params), safe=",")


# --------------------------------------------------------------------------- decode


@dataclass(frozen=True)
class Decoded:
    """What a link holds: a valid config, an optional step, the presenter flag, warnings."""

    config: RunConfig
    step: int | None = None
    presenter: bool = False
    warnings: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()  # presenter's hidden panels
    events: tuple = ()  # settings changes (step, kind, settings) to replay on the way
    phase: int = 0  # phases of the next step already run

    @property
    def needs_upload(self) -> bool:
        """The config uses uploaded data ("ds=custom"), which a link cannot carry: the
        recipient has to upload the same file (its task is in ``config.custom_task``)."""
        return self.config.is_custom


def _single_values(params: Any, warnings: list[str]) -> dict[str, str]:
    """{key: text}: one str per key (the last of repeated keys); odd values dropped."""
    if not isinstance(params, Mapping):
        warnings.append(f"link parameters: expected a mapping, got {type(params).__name__}; "
                        "using the defaults")
        return {}
    out: dict[str, str] = {}
    for key, value in params.items():
        if not isinstance(key, str):
            continue  # reported with the unknown keys below
        if isinstance(value, list | tuple):
            if not value:
                warnings.append(f"{key}: no value; ignoring it")
                continue
            if len(set(map(repr, value))) > 1:
                warnings.append(f"{key}: given {len(value)} times; using the last value")
            value = value[-1]
        if not isinstance(value, str):
            warnings.append(f"{key}: value is not text; ignoring it")
        elif len(value) > {"pts": MAX_POINTS_LENGTH, EVENTS_KEY: MAX_EVENTS_LENGTH}.get(
                key, MAX_VALUE_LENGTH):
            warnings.append(f"{key}: value too long ({len(value)} characters); ignoring it")
        else:
            out[key] = value
    return out


def _check_version(texts: dict[str, str], warnings: list[str]) -> None:
    version = texts.get(VERSION_KEY)
    if version is not None and version.strip() != VERSION:
        warnings.append(f"{VERSION_KEY}: link format version {_show(version)} is not supported; "
                        f"reading the settings as version {VERSION}")


def _report_unknown(params: Any, warnings: list[str]) -> None:
    known = {VERSION_KEY, STEP_KEY, PRESENTER_KEY, HIDE_KEY, EVENTS_KEY, PHASE_KEY,
             *_FIELD_OF_KEY}
    if not isinstance(params, Mapping):
        return
    unknown = [k for k in params if not (isinstance(k, str) and k in known)]
    if unknown:
        shown = ", ".join(_show(str(k), 20) for k in unknown[:_SHOWN_UNKNOWN])
        more = f" and {len(unknown) - _SHOWN_UNKNOWN} more" if len(unknown) > _SHOWN_UNKNOWN else ""
        warnings.append(f"ignored unknown parameter{'s' * (len(unknown) > 1)} {shown}{more}")


def _parse_fields(texts: dict[str, str], warnings: list[str]) -> dict[str, Any]:
    """Fields given in the link that parse and pass their own range check."""
    given: dict[str, Any] = {}
    for name, spec in FIELDS.items():
        if spec.key not in texts:
            continue
        try:
            value = spec.parse(texts[spec.key])
            problem = spec.check(value)
        except _Bad as exc:
            problem = str(exc)
        if problem is None and name in OFFERED and not offered(name, value):
            # Usable, but no widget can show it: snapped to what the widget offers, said.
            snapped = snap(name, value)
            warnings.append(f"{spec.key}: {_format(value)} is not offered "
                            f"({OFFERED[name].describe()}); using {_format(snapped)}")
            given[name] = snapped
        elif problem is None:
            # Offered up to float rounding: the widget's own value, so it can show it.
            given[name] = snap(name, value) if name in OFFERED else value
        else:
            # The default shown is context-free here; activations are re-defaulted below.
            shown = _format(_default(name, given))
            warnings.append(f"{spec.key}: {problem}; using {shown}")
    return given


def _n_classes_range(dataset: str) -> tuple[int, int]:
    spec = DATASETS.get(dataset)  # None for "custom", whose data bring their own classes
    return (spec and spec.n_classes_range) or MULTI_CLASS_RANGE


def _task(values: dict[str, Any]) -> str:
    """The task RunConfig.task would report for these values."""
    if values["dataset"] == CUSTOM:
        return values["custom_task"]
    return DATASETS[values["dataset"]].task


def _cross_problem(values: dict[str, Any]) -> tuple[str, str] | None:
    """The first (field, problem) among settings that are fine alone but not together."""
    hidden, acts = values["hidden"], values["activations"]
    if len(acts) != len(hidden):
        return "activations", (f"{len(acts)} activation{'s' * (len(acts) != 1)} for "
                               f"{len(hidden)} hidden layer{'s' * (len(hidden) != 1)}")
    lo, hi = _n_classes_range(values["dataset"])
    if not lo <= values["n_classes"] <= hi:
        return "n_classes", (f"{values['n_classes']} classes is out of range [{lo}, {hi}] "
                             f"for {values['dataset']}")
    out = values["output"]
    task = _task(values)
    if out != "auto" and out not in TASK_PAIRINGS[task]:
        return "output", f"{out} does not fit the {task} dataset {values['dataset']}"
    if values["regularization"] == "none" and values["reg_rate"] != 0:
        return "reg_rate", (f"{_format(values['reg_rate'])} is not used without "
                            "regularisation")
    n, fraction = values["n_samples"], values["train_fraction"]
    if not 1 <= round(fraction * n) <= n - 1:
        return "train_fraction", (f"{_format(fraction)} of {n} samples leaves no training or "
                                  "no test samples")
    return None


def _resolve(given: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    """All fields, with given values that conflict reset to their defaults (one at a time)."""
    values = {f.name: given.get(f.name) for f in fields(RunConfig)}
    for name in values:
        if name not in given:
            values[name] = _default(name, values if name == "activations" else {})
    # Each round resets one field to its default, so this ends within len(FIELDS) rounds;
    # resetting one can expose another (e.g. the default dataset vs. a softmax output).
    for _ in range(len(values) + 1):
        found = _cross_problem(values)
        if found is None:
            break
        name, problem = found
        values[name] = _default(name, values)
        warnings.append(f"{KEYS[name]}: {problem}; using {_format(values[name])}")
    return values


def _build(values: dict[str, Any], warnings: list[str]) -> RunConfig:
    """RunConfig(values), falling back field by field to defaults if the engine refuses.

    Only reachable if RunConfig gains rules this module does not know yet. The field the
    error message starts with ("hidden: ...") is reset first, then the others in order.
    """
    for _ in range(len(values) + 1):
        try:
            return RunConfig(**values)
        except (ValueError, TypeError) as exc:
            reason = str(exc)
        changed = [n for n in values if values[n] != _default(n, values)]
        named = reason.split(":", 1)[0].strip()
        if not changed:
            break
        name = named if named in changed else changed[0]
        values[name] = _default(name, values)
        warnings.append(f"{KEYS.get(name, name)}: not accepted ({reason}); using "
                        f"{_format(values[name])}")
    warnings.append("the link's settings could not be used; using the defaults")
    return RunConfig()


def _parse_step(texts: dict[str, str], warnings: list[str]) -> int | None:
    if STEP_KEY not in texts:
        return None
    try:
        step = _parse_int(texts[STEP_KEY])
        problem = _range(0, MAX_STEP)(step)
    except _Bad as exc:
        problem = str(exc)
    if problem is None:
        return step
    warnings.append(f"{STEP_KEY}: {problem}; ignoring it")
    return None


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _parse_presenter(texts: dict[str, str], warnings: list[str]) -> bool:
    text = texts.get(PRESENTER_KEY, "0").strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    warnings.append(f"{PRESENTER_KEY}: {_show(text)} is not 1 or 0; using 0")
    return False


def _parse_hidden(texts: dict[str, str], warnings: list[str]) -> tuple[str, ...]:
    names = [n.strip().lower() for n in texts.get(HIDE_KEY, "").split(",") if n.strip()]
    bad = [n for n in names if n not in PANELS]
    if bad:
        warnings.append(f"{HIDE_KEY}: unknown panel(s) {', '.join(map(_show, bad))}; "
                        f"known: {', '.join(PANELS)}")
    return tuple(sorted({n for n in names if n in PANELS}))


def decode(params: Mapping[str, str | list[str]]) -> Decoded:
    """Read link params (str values, or lists for repeated keys) into a valid config.

    Never raises. Every setting that cannot be used is replaced by its default and
    reported in ``warnings`` (one message per problem, naming the parameter).
    """
    warnings: list[str] = []
    texts = _single_values(params, warnings)
    _check_version(texts, warnings)
    _report_unknown(params, warnings)
    values = _resolve(_parse_fields(texts, warnings), warnings)
    config = _build(values, warnings)
    step = _parse_step(texts, warnings)
    presenter = _parse_presenter(texts, warnings)
    hidden = _parse_hidden(texts, warnings)
    events = _parse_events(texts, step, warnings)
    phase = _parse_phase(texts, step, warnings)
    return Decoded(config, step, presenter, tuple(warnings), hidden, events, phase)
