"""A trainer's whole state to a JSON-compatible dict and back, exactly.

Floats are written as Python floats, whose JSON text (shortest repr) reads back to the
same bits; non-finite numbers are refused (JSON has no NaN). The 128-bit integers of the
RNG state are written as decimal strings so that JavaScript readers do not round them.
Loading checks everything first and builds new objects, so a bad input changes nothing;
every problem raises ``StateError`` naming the field.
"""

from __future__ import annotations

import math
from typing import Any

from ..network.activations import ACTIVATIONS
from ..network.initializers import INITIALIZERS
from ..network.losses import LOSSES, REDUCTIONS
from ..network.network import Network
from ..network.optimizers import OPTIMIZERS
from ..policy.offered import MAX_DATA_COLUMNS, MAX_DATA_ROWS
from ..policy.quote import quote
from .changes import ChangeError, Shape, check_log
from .history import COLUMNS, OPTIONAL_COLUMNS, History
from .json_fields import StateError, choice, field, is_number, read_array, to_list
from .keyframes import Keyframes
from .snapshot import Snapshot
from .trainer import PHASES, TASKS, Trainer

FORMAT = "backprop-playground/trainer"
VERSION = 1
# Bounds checked before any work that grows with them (a file is small; what it asks for
# need not be): nesting, network size (before allocating it) and the replay a load does.
MAX_DEPTH = 32
MAX_LAYERS = 64
MAX_PARAMETERS = 1_000_000
MAX_REPLAY_S = 30.0  # estimated server CPU for the longest replay between two keyframes
MAX_EVENTS = 10_000  # changes in a run's log (each is checked, kept and replayed)
MAX_KEYFRAME_INTERVAL = 1_000_000


# --- writing ------------------------------------------------------------------------------
def trainer_to_dict(trainer: Trainer, extra: dict | None = None) -> dict[str, Any]:
    """Everything needed to rebuild ``trainer`` exactly, as JSON-compatible values.

    The current state is saved as of the last step boundary, plus the number of phases
    already run in the step; loading re-runs those phases, which is exact. ``extra`` (e.g.
    the app's settings) is stored as given and must itself be JSON-compatible.
    """
    if trainer.diverged is not None:
        raise StateError("cannot save a diverged trainer; restore the last good step first")
    if extra is not None and not isinstance(extra, dict):
        raise StateError("state.extra: expected an object or None")
    net = trainer.net
    boundary = Snapshot.of(trainer)
    data = {
        "format": FORMAT,
        "version": VERSION,
        "network": {
            "layer_sizes": list(net.layer_sizes),
            "activations": list(net.activation_names),
            "init": net.init,
        },
        "data": {  # as the run started: points drawn or removed since are data events
            "X": to_list(trainer.base_data[0]),
            "Y": to_list(trainer.base_data[1]),
            "X_raw": to_list(trainer.base_data[2]),
            "X_test": to_list(trainer.X_test),
            "Y_test": to_list(trainer.Y_test),
        },
        "settings": {
            "loss": trainer.loss,
            "reduction": trainer.reduction,
            "task": trainer.task,
            "batch_size": trainer.batch_size,
            "seed": trainer.seed,
            "shuffle": trainer.shuffle,
            "keyframe_interval": trainer.keyframe_interval,
            "max_keyframes": trainer.max_keyframes,
        },
        "current": boundary.to_dict(),
        "phase_index": trainer.phase_index,
        "keyframes": [k.to_dict() for _, k in sorted(trainer.keyframes.items())],
        "events": [[s, kind, dict(payload)] for s, kind, payload in trainer.events],
        "history": trainer.history.to_dict(),
        "extra": extra,
    }
    _check_json(data, "state")
    return data


def _check_depth(value, limit: int = MAX_DEPTH) -> None:
    """Refuse nesting deeper than ``limit`` (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                raise StateError(f"state: nested deeper than {limit} levels")
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)


def _check_json(value, path: str) -> None:
    """Only JSON values (dict with str keys, list, str, int, finite float, bool, None)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise StateError(f"{path}: non-finite number {value!r}")
    elif isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise StateError(f"{path}: key {k!r} is not a string")
            _check_json(v, f"{path}.{k}")
    elif isinstance(value, list):
        for k, v in enumerate(value):
            _check_json(v, f"{path}[{k}]")
    elif value is not None and not isinstance(value, str | int):  # bool is an int
        raise StateError(f"{path}: {type(value).__name__} is not a JSON value")


# --- reading ------------------------------------------------------------------------------
def _read_history(value, n_layers: int) -> History:
    path = "state.history"
    columns = read_history_columns(value, n_layers, path)
    if not columns["step"]:
        raise StateError(f"{path}.step: empty; step 0 is always recorded")
    if columns["step"][0] != 0:
        raise StateError(f"{path}.step[0]: expected steps from 0, increasing")
    try:
        return History.from_dict(columns)
    except (KeyError, TypeError, ValueError) as exc:
        raise StateError(f"{path}: {exc}") from None


def read_history_columns(value, n_layers: int, path: str) -> dict[str, list]:
    """History columns as ``History.to_dict`` writes them, each value checked (StateError
    naming the first bad one): steps increasing, numbers where numbers belong, ``n_layers``
    of them in a per-layer column. Files saved before the weights-only norms existed have
    no such columns: absent there."""
    if not isinstance(value, dict):
        raise StateError(f"{path}: expected an object")
    columns = {c: field(value, c, path, list) for c in COLUMNS
               if c not in OPTIONAL_COLUMNS or c in value}
    n = len(columns["step"])
    for c, values in columns.items():
        if len(values) != n:
            raise StateError(f"{path}.{c}: {len(values)} entries, expected {n}")
        for k, v in enumerate(values):
            where = f"{path}.{c}[{k}]"
            if c in ("step", "epoch"):
                previous = values[k - 1] if k and c == "step" else -1
                bad_step = c == "step" and type(v) is int and v <= previous
                if type(v) is not int or v < 0 or bad_step:
                    wanted = "steps increasing" if c == "step" else "an int >= 0"
                    raise StateError(f"{where}: expected {wanted}")
            elif c.endswith("_norms"):
                if v is None and c != "weight_norms":
                    continue
                if not (isinstance(v, list) and len(v) == n_layers
                        and all(is_number(x) for x in v)):
                    raise StateError(f"{where}: expected {n_layers} numbers")
            elif not (is_number(v) or (v is None and c not in ("train_loss", "penalty"))):
                raise StateError(f"{where}: expected a number")
    return columns


def trainer_from_dict(data: Any, offered: bool = False) -> Trainer:
    """Rebuild a trainer saved by ``trainer_to_dict``; raises StateError on any bad input.

    A pure function: it builds a new trainer and never changes ``data``. With ``offered``
    (the app's session files) the run must be one the app offers: every logged change a
    value its widgets show (``backprop_core.training.changes``), at most MAX_DATA_ROWS samples.
    """
    if not isinstance(data, dict):
        raise StateError("state: expected an object")
    _check_depth(data)
    if data.get("format") != FORMAT:
        raise StateError(f"state.format: expected {FORMAT!r}")
    version = field(data, "version", "state", int)
    if version != VERSION:
        raise StateError(f"state.version: unsupported version {version}, expected {VERSION}")
    _check_json(data, "state")
    extra = field(data, "extra", "state")
    if extra is not None and not isinstance(extra, dict):
        raise StateError("state.extra: expected an object or null")
    spec = field(data, "network", "state", dict)
    sizes = field(spec, "layer_sizes", "state.network", list)
    acts = field(spec, "activations", "state.network", list)
    for k, name in enumerate(acts):
        if not isinstance(name, str) or name not in ACTIVATIONS:
            raise StateError(f"state.network.activations[{k}]: unknown activation "
                             f"{quote(name)}")
    init = choice(spec, "init", "state.network", INITIALIZERS)
    if not all(type(s) is int and 1 <= s <= 4096 for s in sizes):
        raise StateError("state.network.layer_sizes: expected positive integers")
    n_params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=False))
    if not 2 <= len(sizes) <= MAX_LAYERS or n_params > MAX_PARAMETERS:
        raise StateError(f"state.network.layer_sizes: {len(sizes)} layers, {n_params:,} "
                         f"parameters; at most {MAX_LAYERS} layers and {MAX_PARAMETERS:,} "
                         "parameters are loaded")
    try:
        net = Network(sizes, acts, seed=0, init=init)
    except ValueError as exc:
        raise StateError(f"state.network: {exc}") from None

    d = field(data, "data", "state", dict)
    if offered:
        _check_data_size(d)
    X = read_array(field(d, "X", "state.data"), "state.data.X", None)
    Y = read_array(field(d, "Y", "state.data"), "state.data.Y", None)
    has_test = field(d, "X_test", "state.data") is not None
    X_test = read_array(d["X_test"], "state.data.X_test", None) if has_test else None
    Y_test = read_array(field(d, "Y_test", "state.data"), "state.data.Y_test", None) \
        if has_test else None
    X_raw = d.get("X_raw")  # absent in files from before drawn points were data events
    X_raw = None if X_raw is None else read_array(X_raw, "state.data.X_raw", (len(X), 2))

    s = field(data, "settings", "state", dict)
    settings = {
        "loss": choice(s, "loss", "state.settings", LOSSES),
        "reduction": choice(s, "reduction", "state.settings", REDUCTIONS),
        "task": choice(s, "task", "state.settings", TASKS),
        "batch_size": field(s, "batch_size", "state.settings", int),
        "seed": field(s, "seed", "state.settings", int),
        "shuffle": field(s, "shuffle", "state.settings", bool),
        "keyframe_interval": field(s, "keyframe_interval", "state.settings", int),
        "max_keyframes": field(s, "max_keyframes", "state.settings", int),
    }
    if not 1 <= settings["keyframe_interval"] <= MAX_KEYFRAME_INTERVAL \
            or not 2 <= settings["max_keyframes"] <= 10_000:
        raise StateError(f"state.settings: keyframe_interval in 1..{MAX_KEYFRAME_INTERVAL:,} "
                         "and max_keyframes in 2..10000 needed")
    if not 1 <= settings["batch_size"] <= MAX_DATA_ROWS:
        raise StateError(f"state.settings.batch_size: expected 1..{MAX_DATA_ROWS:,}")
    try:
        trainer = Trainer(net, X, Y, X_test=X_test, Y_test=Y_test, X_raw=X_raw, **settings)
    except ValueError as exc:
        raise StateError(f"state.settings/data: {exc}") from None

    history = _read_history(field(data, "history", "state"), net.n_layers)
    last = history.last_step
    raw_events = field(data, "events", "state", list)
    first = _first_optimizer(field(data, "keyframes", "state", list))
    events, n = _read_events(raw_events, trainer, first, last, offered)
    current = Snapshot.from_dict(field(data, "current", "state", dict), "state.current",
                                 net.layer_sizes, n)
    if current.step > last:
        raise StateError("state.current.step: beyond the recorded history")
    if current.step not in history:
        raise StateError("state.current.step: not a recorded step of the history")
    keyframes = _read_keyframes(field(data, "keyframes", "state", list), net, n, last, first)
    _check_replay(trainer, sorted(keyframes), max(current.step, last), events)
    phase_index = field(data, "phase_index", "state", int)
    if not 0 <= phase_index < len(PHASES):
        raise StateError("state.phase_index: expected 0, 1 or 2")
    if phase_index and current.step != last:
        raise StateError("state.phase_index: a step in progress must be the last recorded one")

    # Everything is valid: install it into the fresh trainer (events first: the data at a
    # snapshot is the starting data plus the data events before it).
    trainer.events = events
    current.restore_into(trainer)
    trainer.keyframes = Keyframes(trainer.keyframe_interval, trainer.max_keyframes,
                                  keyframes.values())
    trainer.history = history
    if phase_index == 0 and trainer.step > 0:
        trainer.goto(trainer.step)  # recomputes the last step's gradients, for display
    for _ in range(phase_index):
        trainer.run_phase()
    return trainer


def _read_keyframes(values: list, net: Network, n_train: list[int], last: int,
                    first: str) -> dict[int, Snapshot]:
    """The keyframes by step, each at a recorded step and step 0's first; ``first`` the
    optimizer that first one names (see ``_first_optimizer``)."""
    keyframes = {}
    for k, kf in enumerate(values):
        snap = Snapshot.from_dict(kf, f"state.keyframes[{k}]", net.layer_sizes, n_train)
        if snap.step in keyframes or snap.step > last:
            raise StateError(f"state.keyframes[{k}].step: repeated or beyond the history")
        keyframes[snap.step] = snap
    if 0 not in keyframes or keyframes[0].optimizer != first:
        raise StateError("state.keyframes[0]: the keyframe of step 0 must come first")
    return keyframes


def _check_replay(trainer: Trainer, keyframe_steps: list[int], last: int,
                  events: list) -> None:
    """Going to a step replays from the keyframe before it, and makes the log's changes on
    the way (and reads the whole log for the data at the keyframe): refuse a file whose
    longest replay would cost more than MAX_REPLAY_S (estimated)."""
    from ..policy.budget import log_seconds, trainer_step_seconds

    gap = max(b - a for a, b in zip(keyframe_steps, [*keyframe_steps[1:], last], strict=True))
    # Steps trained after loading add keyframes every keyframe_interval steps: bound it too.
    gap = max(gap, trainer.keyframe_interval)
    seconds = gap * trainer_step_seconds(trainer) + log_seconds(events, len(trainer.X))
    if seconds > MAX_REPLAY_S:
        raise StateError(f"state.keyframes: {gap:,} steps between keyframes and "
                         f"{len(events):,} logged changes would take about {seconds:.0f} s "
                         f"to replay; at most {MAX_REPLAY_S:.0f} s")


def _first_optimizer(keyframes: list) -> str:
    """The optimizer step 0 starts with (the log's settings changes apply from it)."""
    if not keyframes:
        raise StateError("state.keyframes: the keyframe of step 0 is missing")
    return choice(field(keyframes[0], "optimizer", "state.keyframes[0]", dict), "name",
                   "state.keyframes[0].optimizer", OPTIMIZERS)


def _check_data_size(d: dict) -> None:
    """At most MAX_DATA_ROWS samples of at most MAX_DATA_COLUMNS numbers, counted before
    any is read (an uploaded CSV has the same limits)."""
    rows = 0
    for key in ("X", "X_test"):
        value = d.get(key)
        if isinstance(value, list):
            rows += len(value)
            if value and isinstance(value[0], list) and len(value[0]) > MAX_DATA_COLUMNS:
                raise StateError(f"state.data.{key}: {len(value[0])} columns; at most "
                                 f"{MAX_DATA_COLUMNS}")
    if rows > MAX_DATA_ROWS:
        raise StateError(f"state.data: {rows:,} samples; at most {MAX_DATA_ROWS:,} (as for "
                         "an uploaded CSV)")


def _read_events(events, trainer: Trainer, first: str, last_step: int,
                 offered: bool) -> tuple[list, list[int]]:
    """The log, every entry checked by ``backprop_core.training.changes`` (the rules the trainer's
    own changes follow) from step 0's optimizer on; and the training-set sizes after 0, 1,
    2, ... data events (what a snapshot's ``n_data`` refers to)."""
    if len(events) > MAX_EVENTS:
        raise StateError(f"state.events: {len(events):,} changes; at most {MAX_EVENTS:,}")
    shape = Shape(tuple(trainer.net.layer_sizes), trainer.X_raw is not None, len(trainer.X),
                  trainer.task, first)
    try:
        checked = check_log(events, shape, last_step, offered)
    except ChangeError as exc:
        where = "" if exc.index is None else f"[{exc.index}]"
        raise StateError(f"state.events{where}: {exc}") from None
    sizes = [len(trainer.X)]
    for _, kind, payload in checked:
        if kind == "data":
            sizes.append(sizes[-1] + (1 if payload["op"] == "add" else -1))
    return checked, sizes
