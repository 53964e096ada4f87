"""Query text: the values a share link holds, read and written exactly (``repr`` for
floats, so they read back to the same bits), and ``Bad`` for text that cannot be used."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from backprop_core.policy.quote import quote


class Bad(Exception):
    """A value that cannot be used; the message says why (without the parameter name)."""


def show(text: str, limit: int = 30) -> str:
    """User-provided text quoted for a warning, shortened."""
    return quote(text, limit)


def format_value(value: Any) -> str:
    """A setting as query text: repr for floats (exact), comma-joined tuples; drawn points
    as ``x:y:label`` joined by ``;``."""
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return ";".join(":".join(repr(float(v)) for v in point) for point in value)
    if isinstance(value, tuple):
        return ",".join(format_value(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


# Numbers as people and ``repr`` write them; not Python's wider float() syntax, which also
# takes "0_3" (as 3), "infinity" and "nan".
_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,4})?", re.ASCII)
_INT = re.compile(r"[+-]?\d{1,19}", re.ASCII)  # 2^63 has 19 digits (never 4,300)


def parse_float(text: str) -> float:
    # "+" in a hand-typed URL arrives as a space ("1e+20" -> "1e 20"): put it back.
    cleaned = text.strip().replace(" ", "+")
    if cleaned.lower().lstrip("+-") in ("inf", "infinity", "nan"):
        raise Bad(f"{show(text)} is not a finite number")
    if len(cleaned) > 40 or not _FLOAT.fullmatch(cleaned):
        raise Bad(f"{show(text)} is not a number")
    value = float(cleaned)
    if not math.isfinite(value):
        raise Bad(f"{show(text)} is not a finite number")
    return value


def parse_int(text: str) -> int:
    cleaned = text.strip().replace(" ", "+")
    if not _INT.fullmatch(cleaned):
        raise Bad(f"{show(text)} is not a whole number (at most 19 digits)")
    return int(cleaned)


def parse_choice(text: str, choices: tuple[str, ...]) -> str:
    cleaned = text.strip().replace(" ", "+").lower()  # "sigmoid+bce" may arrive as "sigmoid bce"
    if cleaned not in choices:
        raise Bad(f"{show(text)} is not one of {', '.join(choices)}")
    return cleaned


def parse_list(text: str, item: Callable[[str], Any]) -> tuple:
    """Comma-separated items; "" (or "none") is the empty tuple, e.g. no hidden layers."""
    if text.strip().lower() in ("", "none"):
        return ()
    parts = text.split(",")
    if any(not p.strip() for p in parts):
        raise Bad(f"{show(text)} has an empty item")
    return tuple(item(p) for p in parts)
