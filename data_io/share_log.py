"""A share link's log of changes (``ev=``): every settings change, schedule, edit, freeze
and drawn or removed point, at its step, as ``12:hp:lr=0.3;14:ed:l=0,k=w,i=1.2,v=0.5``.

A drawn point travels as its place and label ("point"); the page turns it into the
trainer's data event with the link's features. The log is carried whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backprop_core.network.optimizers import OPTIMIZERS
from backprop_core.network.regularization import REGULARIZERS
from backprop_core.network.schedules import SCHEDULES
from backprop_core.policy.config import label_of, point_sample
from backprop_core.policy.offered import SCHEDULE_FIELDS
from backprop_core.training.changes import Shape, check

from .query_text import Bad, format_value, parse_choice, parse_float, parse_int, show

MAX_EVENTS = 400  # changes a link may carry (settings, edits, drawn points...)
MAX_EVENTS_LENGTH = 32_000  # ...and their text: a link stays well under browsers' limits


class LogTooLong(ValueError):
    """A run whose changes on the way are more than a link can carry."""


EVENT_KINDS = {"hp": "hyperparams", "opt": "optimizer", "reg": "regularization",
               "sch": "schedule", "ed": "edit", "fz": "freeze", "pt": "point", "rm": "remove"}
_EVENT_CODES = {v: k for k, v in EVENT_KINDS.items()}
# The numbers a settings entry may carry (whether the run takes them is changes.check's).
_EVENT_FIELDS = ("lr", "momentum", "beta1", "beta2", "eps", "rate", "nesterov")
_SCHEDULE_KEYS = tuple(SCHEDULE_FIELDS.values())
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


def format_event(event) -> str:
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
    items = ",".join(f"{k}={format_value(v)}" for k, v in payload.items())
    return f"{int(step)}:{_EVENT_CODES[kind]}:{items}"


def _items(text: str) -> dict[str, str]:
    out = {}
    for item in text.split(","):
        key, sep, value = item.partition("=")
        if not sep or key in out:
            raise Bad(f"{show(item)} is not key=value (once each)")
        out[key] = value
    return out


def _parse_by_hand(kind: str, text: str) -> dict:
    """An edit, a freeze, a drawn point or a removed point."""
    items = _items(text)
    wanted = {"edit": {"l", "k", "i", "v"}, "freeze": {"l", "k", "i", "f"},
              "point": {"x", "y", "c"}, "remove": {"i"}}[kind]
    if set(items) != wanted:
        raise Bad(f"{show(text)} needs exactly {', '.join(sorted(wanted))}")
    if kind == "point":
        return {"raw": [parse_float(items["x"]), parse_float(items["y"])],
                "label": parse_float(items["c"])}
    if kind == "remove":
        return {"index": _parse_index(items["i"])}
    if items["k"] not in ("w", "b"):
        raise Bad(f"{show(items['k'])} is not w or b")
    index = [_parse_index(i) for i in items["i"].split(".")]
    if len(index) != (2 if items["k"] == "w" else 1):
        raise Bad(f"{show(items['i'])} is not a weight's i.j or a bias's j")
    payload = {"layer": _parse_index(items["l"]),
               "kind": "weights" if items["k"] == "w" else "biases", "index": index}
    if kind == "edit":
        payload["value"] = parse_float(items["v"])
    elif items["f"] in ("0", "1"):
        payload["frozen"] = items["f"] == "1"
    else:
        raise Bad(f"{show(items['f'])} is not 0 or 1")
    return payload


def _parse_index(text: str) -> int:
    value = parse_int(text)
    if not 0 <= value <= 10_000:
        raise Bad(f"{show(text)} is not an index")
    return value


def _parse_schedule(text: str) -> dict:
    payload: dict[str, Any] = {}
    for key, value in _items(text).items():
        if key == "name":
            payload[key] = parse_choice(value, SCHEDULES)
        elif key in _SCHEDULE_KEYS:
            payload[key] = parse_float(value)
        else:
            raise Bad(f"{show(key)} is not a schedule setting")
    return payload


def parse_event(text: str) -> tuple[int, str, dict]:
    """One entry as written (its values are checked with the run's, by
    ``backprop_core.training.changes``, once the run is built: see ``trainer_events``)."""
    parts = text.split(":")
    if len(parts) != 3 or parts[1] not in EVENT_KINDS:
        raise Bad(f"{show(text)} is not step:kind:settings")
    step, kind = parse_int(parts[0]), EVENT_KINDS[parts[1]]
    if kind in ("edit", "freeze", "point", "remove"):
        return step, kind, _parse_by_hand(kind, parts[2])
    if kind == "schedule":
        return step, kind, _parse_schedule(parts[2])
    payload: dict[str, Any] = {}
    for key, value in _items(parts[2]).items():
        if key == "name":
            table = OPTIMIZERS if kind == "optimizer" else REGULARIZERS
            payload[key] = parse_choice(value, tuple(table))
        elif key in _EVENT_FIELDS:
            payload[key] = parse_float(value)
        else:
            raise Bad(f"{show(key)} is not a setting")
    return step, kind, payload


def format_log(events) -> str:
    """The log as link text; LogTooLong when it is more than a link can carry."""
    text = ";".join(format_event(e) for e in events)
    if len(events) > MAX_EVENTS or len(text) > MAX_EVENTS_LENGTH:
        raise LogTooLong(f"this run has {len(events)} changes on the way ({len(text):,} "
                         f"characters); a link carries at most {MAX_EVENTS} "
                         f"({MAX_EVENTS_LENGTH:,} characters)")
    return text


@dataclass(frozen=True)
class Stop:
    """Where a link's log stops being usable: its entry ``index`` (0-based), the step the
    run then opens at (before that entry), and why."""

    index: int
    step: int
    reason: str

    def warning(self, total: int, text: str) -> str:
        """What a user is told: the entry by its number and text, why, where the run
        stops. ``total``: the entries the log has."""
        return (f"ev: change {self.index + 1} of {total} ({show(text, 40)}): {self.reason}; "
                f"the run opens at step {self.step:,}, before it (later changes are not "
                "made)")


def entries(text: str) -> list[str]:
    """A log's entries as written."""
    return [t for t in text.split(";") if t.strip()]


def parse_log(text: str, step: int) -> tuple[tuple, Stop | None]:
    """The (step, kind, payload) entries of a link's log up to ``step``, as far as they
    read: all of them, or those before the first that does not (and a Stop naming it)."""
    texts = entries(text)
    events: list = []
    for k, t in enumerate(texts):
        previous = events[-1][0] if events else 0
        if k >= MAX_EVENTS:
            return tuple(events), Stop(k, previous, f"a link carries at most {MAX_EVENTS}")
        try:
            event = parse_event(t)
        except Bad as exc:
            return tuple(events), Stop(k, previous, str(exc))
        if not previous <= event[0] <= step:
            return tuple(events), Stop(k, previous, f"step {event[0]} is out of order or "
                                                    f"after the link's step {step}")
        events.append(event)
    return tuple(events), None


def trainer_event(event, config) -> tuple[int, str, dict]:
    """A link's entry as the trainer logs it: a drawn point becomes a data event with the
    run's features (``point_sample``), a removed one a data event; others as they are.
    ValueError when a point's label is no class of the data."""
    step, kind, payload = event
    if kind == "point":
        x, y = point_sample(config, payload["raw"], payload["label"])
        return step, "data", {"op": "add", "x": x.tolist(), "y": y.tolist(),
                              "raw": [float(v) for v in payload["raw"]]}
    if kind == "remove":
        return step, "data", {"op": "remove", "index": payload["index"]}
    return event


def trainer_events(events, config, shape: Shape) -> tuple[list, Stop | None]:
    """A link's parsed entries as the trainer's log, each checked against the run and the
    offered values by ``backprop_core.training.changes`` (as a session file's are): all of them, or
    those before the first that does not fit (and a Stop naming it)."""
    out = []
    for k, event in enumerate(events):
        try:  # ChangeError is a ValueError
            step, kind, payload = trainer_event(event, config)
            payload = check(kind, payload, shape, offered=True)
        except ValueError as exc:
            return out, Stop(k, event[0], str(exc))
        out.append((step, kind, payload))
        shape = shape.after(kind, payload)
    return out, None
