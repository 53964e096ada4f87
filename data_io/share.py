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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlencode

from backprop_core.data.datasets import (
    DATASETS,
    MAX_NOISE,
    MAX_SAMPLES,
    MIN_SAMPLES,
    MULTI_CLASS_RANGE,
    TASKS,
)
from backprop_core.data.features import FEATURES
from backprop_core.network.initializers import INITIALIZERS
from backprop_core.network.optimizers import OPTIMIZERS
from backprop_core.network.regularization import REGULARIZERS
from backprop_core.network.schedules import SCHEDULES
from backprop_core.policy.config import (
    CUSTOM,
    HIDDEN_ACTIVATIONS,
    MAX_EXTRA_POINTS,
    MAX_RATE,
    OUTPUT_PAIRINGS,
    TASK_PAIRINGS,
    RunConfig,
)
from backprop_core.policy.offered import MAX_HIDDEN_LAYERS, MAX_NEURONS, OFFERED, offered, snap
from viz.colors import DEFAULT_PALETTE, PALETTES

from .query_text import Bad, format_value, parse_choice, parse_float, parse_int, parse_list, show
from .share_log import (
    MAX_EVENTS,
    MAX_EVENTS_LENGTH,
    LogTooLong,
    Stop,
    entries,
    format_event,
    format_log,
    parse_log,
    trainer_events,
)

__all__ = ["KEYS", "MAX_EVENTS", "LogTooLong", "Decoded", "decode", "encode", "format_value",
           "format_event", "trainer_events",
           "to_query_string"]

VERSION = "1"
VERSION_KEY, STEP_KEY, PRESENTER_KEY, HIDE_KEY = "v", "step", "present", "hide"
EVENTS_KEY, PHASE_KEY = "ev", "ph"  # the settings log, and a step left mid-way
PALETTE_KEY, SHAPES_KEY = "pal", "shape"  # the view's colours, and shapes for sign and class
# Panels a presenter can hide (ui/classroom.py shows them); a link keeps the choice.
PANELS = ("data", "features", "network", "training", "phases", "history", "view")
MAX_SEED = 2**63 - 1  # fits an int64 for any reader of the link
MAX_BATCH = MAX_SAMPLES
MAX_STEP = 1_000_000
MAX_VALUE_LENGTH = 300  # longer values are refused before any parsing
MAX_POINTS_LENGTH = 12_000  # drawn points: up to 200 of "x:y:label"
DEFAULT_ACTIVATION = "tanh"
_SHOWN_UNKNOWN = 5

DEFAULT = RunConfig()


# --------------------------------------------------------------------------- range checks
# Each returns a problem text, or None when the value is fine.


def _range(lo: float, hi: float, *, lo_open: bool = False, hi_open: bool = False):
    def check(value):
        too_low = value <= lo if lo_open else value < lo
        too_high = value >= hi if hi_open else value > hi
        if too_low or too_high:
            left, right = "(" if lo_open else "[", ")" if hi_open else "]"
            upper = "∞" if math.isinf(hi) else format_value(hi)
            return f"{format_value(value)} is out of range {left}{format_value(lo)}, {upper}{right}"
        return None

    return check


def _check_hidden(sizes: tuple[int, ...]) -> str | None:
    if len(sizes) > MAX_HIDDEN_LAYERS:
        return f"{len(sizes)} hidden layers is more than {MAX_HIDDEN_LAYERS}"
    if any(not 1 <= n <= MAX_NEURONS for n in sizes):
        return f"{format_value(sizes)!r} has a layer outside 1..{MAX_NEURONS} neurons"
    return None


def _check_features(names: tuple[str, ...]) -> str | None:
    if not names:
        return "no features selected"
    if len(set(names)) != len(names):
        return f"{format_value(names)!r} repeats a feature"
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
    return lambda text: parse_choice(text, options)


_NON_NEGATIVE = _range(0.0, math.inf, hi_open=True)
_POSITIVE = _range(0.0, math.inf, lo_open=True, hi_open=True)
_UNIT = _range(0.0, 1.0, hi_open=True)  # Adam's betas
_SEED = _range(0, MAX_SEED)

def _parse_events(texts: dict[str, str], step: int | None
                  ) -> tuple[tuple, Stop | None, list[str]]:
    """The settings log as far as it reads (see ``share_log.parse_log``), the Stop where it
    does not, and its entries' texts."""
    if EVENTS_KEY not in texts or step is None:
        return (), None, []
    events, stop = parse_log(texts[EVENTS_KEY], step)
    return events, stop, entries(texts[EVENTS_KEY])


def _parse_phase(texts: dict[str, str], step: int | None, warnings: list[str]) -> int:
    if PHASE_KEY not in texts or step is None:
        return 0
    text = texts[PHASE_KEY].strip()
    if text in ("0", "1", "2"):
        return int(text)
    warnings.append(f"{PHASE_KEY}: {show(text)} is not 0, 1 or 2; opening at the step's start")
    return 0


def _parse_points(text: str) -> tuple:
    """``x:y:label;x:y:label`` -> ((x, y, label), ...)."""
    if not text.strip():
        return ()
    points = []
    for part in text.split(";"):
        values = part.split(":")
        if len(values) != 3:
            raise Bad(f"{show(part)} is not x:y:label")
        points.append(tuple(parse_float(v) for v in values))
    if len(points) > MAX_EXTRA_POINTS:
        raise Bad(f"more than {MAX_EXTRA_POINTS} points")
    return tuple(points)


FIELDS: dict[str, _Field] = {
    "dataset": _Field("ds", _choice([*DATASETS, CUSTOM])),
    "noise": _Field("noise", parse_float, _range(0.0, MAX_NOISE)),
    "n_samples": _Field("n", parse_int, _range(MIN_SAMPLES, MAX_SAMPLES)),
    "train_fraction": _Field("train", parse_float, _range(0.0, 1.0, lo_open=True, hi_open=True)),
    "n_classes": _Field("k", parse_int),  # its range depends on the dataset: see _cross_checks
    "data_seed": _Field("dseed", parse_int, _SEED),
    "features": _Field("feat", lambda t: parse_list(t, _choice(FEATURES)), _check_features),
    "hidden": _Field("h", lambda t: parse_list(t, parse_int), _check_hidden),
    "activations": _Field("act", lambda t: parse_list(t, _choice(HIDDEN_ACTIVATIONS)),
                          _check_activations),
    "output": _Field("out", _choice(["auto", *OUTPUT_PAIRINGS])),
    "init": _Field("init", _choice(INITIALIZERS)),
    "seed": _Field("seed", parse_int, _SEED),
    "optimizer": _Field("opt", _choice(OPTIMIZERS)),
    "lr": _Field("lr", parse_float, _range(0.0, MAX_RATE, lo_open=True)),
    "momentum": _Field("mom", parse_float, _NON_NEGATIVE),
    "beta1": _Field("b1", parse_float, _UNIT),
    "beta2": _Field("b2", parse_float, _UNIT),
    "eps": _Field("eps", parse_float, _POSITIVE),
    "batch_size": _Field("batch", parse_int, _range(1, MAX_BATCH)),
    "regularization": _Field("reg", _choice(REGULARIZERS)),
    "reg_rate": _Field("rate", parse_float, _range(0.0, MAX_RATE)),
    "reduction": _Field("red", _choice(("mean", "sum"))),
    "custom_task": _Field("task", _choice(TASKS)),  # only read for dataset "custom"
    "schedule": _Field("sch", _choice(SCHEDULES)),
    "sched_step": _Field("sstep", parse_int, _range(1, 100_000)),
    "sched_gamma": _Field("sgamma", parse_float, _range(0.0, 1.0, lo_open=True)),
    "sched_tmax": _Field("stmax", parse_int, _range(1, 100_000)),
    "sched_min": _Field("smin", parse_float, _range(0.0, MAX_RATE)),
    "sched_warmup": _Field("swarm", parse_int, _range(1, 100_000)),
    "sched_start": _Field("sstart", parse_float, _range(0.0, 1.0, lo_open=True)),
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


def encode(config: RunConfig, step: int | None = None, presenter: bool = False,
           hidden: tuple[str, ...] = (), events: tuple = (), phase: int = 0,
           palette: str = DEFAULT_PALETTE, shapes: bool = False) -> dict[str, str]:
    """Query params for ``config``: ``v`` plus every setting that differs from its default.

    ``step`` (a finished-step count) and ``presenter`` are added when given / True. With a
    step, ``events`` (the trainer's settings log: (step, kind, settings), ``config`` then
    holding the settings of step 0) and ``phase`` (phases run of the next step) make the
    link reproduce a run whose settings changed on the way, or that stopped mid-step.
    ``palette`` and ``shapes`` (how sign and class are shown) when not the defaults.
    """
    params = {VERSION_KEY: VERSION}
    values = {f.name: getattr(config, f.name) for f in fields(RunConfig)}
    for name, value in values.items():
        if value != _default(name, values):
            params[KEYS[name]] = format_value(value)
    if step is not None:
        params[STEP_KEY] = str(int(step))
        if events:
            params[EVENTS_KEY] = format_log(events)
        if phase:
            params[PHASE_KEY] = str(int(phase))
    if presenter:
        params[PRESENTER_KEY] = "1"
        if hidden:
            params[HIDE_KEY] = ",".join(sorted(hidden))
    if palette != DEFAULT_PALETTE:
        params[PALETTE_KEY] = palette
    if shapes:
        params[SHAPES_KEY] = "1"
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
    n_events: int = 0  # entries the link's log has (``events`` may be the first of them)
    palette: str = DEFAULT_PALETTE  # the colours of sign and class (viz.colors.PALETTES)
    shapes: bool = False  # sign and class shown by a shape too

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
        warnings.append(f"{VERSION_KEY}: link format version {show(version)} is not supported; "
                        f"reading the settings as version {VERSION}")


def _report_unknown(params: Any, warnings: list[str]) -> None:
    known = {VERSION_KEY, STEP_KEY, PRESENTER_KEY, HIDE_KEY, EVENTS_KEY, PHASE_KEY,
             PALETTE_KEY, SHAPES_KEY, *_FIELD_OF_KEY}
    if not isinstance(params, Mapping):
        return
    unknown = [k for k in params if not (isinstance(k, str) and k in known)]
    if unknown:
        shown = ", ".join(show(str(k), 20) for k in unknown[:_SHOWN_UNKNOWN])
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
        except Bad as exc:
            problem = str(exc)
        if problem is None and name in OFFERED and not offered(name, value):
            # Usable, but no widget can show it: snapped to what the widget offers, said.
            snapped = snap(name, value)
            warnings.append(f"{spec.key}: {format_value(value)} is not offered "
                            f"({OFFERED[name].describe()}); using {format_value(snapped)}")
            given[name] = snapped
        elif problem is None:
            # Offered up to float rounding: the widget's own value, so it can show it.
            given[name] = snap(name, value) if name in OFFERED else value
        else:
            # The default shown is context-free here; activations are re-defaulted below.
            shown = format_value(_default(name, given))
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
        return "reg_rate", (f"{format_value(values['reg_rate'])} is not used without "
                            "regularisation")
    n, fraction = values["n_samples"], values["train_fraction"]
    if not 1 <= round(fraction * n) <= n - 1:
        return "train_fraction", (f"{format_value(fraction)} of {n} samples leaves no training or "
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
        warnings.append(f"{KEYS[name]}: {problem}; using {format_value(values[name])}")
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
                        f"{format_value(values[name])}")
    warnings.append("the link's settings could not be used; using the defaults")
    return RunConfig()


def _parse_step(texts: dict[str, str], warnings: list[str]) -> int | None:
    if STEP_KEY not in texts:
        return None
    try:
        step = parse_int(texts[STEP_KEY])
        problem = _range(0, MAX_STEP)(step)
    except Bad as exc:
        problem = str(exc)
    if problem is None:
        return step
    warnings.append(f"{STEP_KEY}: {problem}; ignoring it")
    return None


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _parse_flag(texts: dict[str, str], key: str, warnings: list[str]) -> bool:
    text = texts.get(key, "0").strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    warnings.append(f"{key}: {show(text)} is not 1 or 0; using 0")
    return False


def _parse_palette(texts: dict[str, str], warnings: list[str]) -> str:
    name = texts.get(PALETTE_KEY, DEFAULT_PALETTE).strip().lower()
    if name in PALETTES:
        return name
    warnings.append(f"{PALETTE_KEY}: unknown colours {show(name)}; known: "
                    f"{', '.join(PALETTES)}; using {DEFAULT_PALETTE}")
    return DEFAULT_PALETTE


def _parse_hidden(texts: dict[str, str], warnings: list[str]) -> tuple[str, ...]:
    names = [n.strip().lower() for n in texts.get(HIDE_KEY, "").split(",") if n.strip()]
    bad = [n for n in names if n not in PANELS]
    if bad:
        warnings.append(f"{HIDE_KEY}: unknown panel(s) {', '.join(map(show, bad))}; "
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
    presenter = _parse_flag(texts, PRESENTER_KEY, warnings)
    hidden = _parse_hidden(texts, warnings)
    events, stop, entry_texts = _parse_events(texts, step)
    phase = _parse_phase(texts, step, warnings)
    if stop is not None:  # the run as far as its log reads: exact up to there, and said
        warnings.append(stop.warning(len(entry_texts), entry_texts[stop.index]))
        step, phase = stop.step, 0
    palette, shapes = _parse_palette(texts, warnings), _parse_flag(texts, SHAPES_KEY, warnings)
    return Decoded(config, step, presenter, tuple(warnings), hidden, events, phase,
                   len(entry_texts), palette, shapes)
