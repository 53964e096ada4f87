"""What every file the app reads as JSON does first (session files, lesson files): decode
it, refuse what is not JSON or nests too deeply, check its ``format`` field, and cap the
message a refusal shows, whatever the file holds."""

from __future__ import annotations

import json


def read_object(raw: bytes, fmt: str, what: str, path: str = "") -> dict:
    """``raw`` as a JSON object whose ``format`` is ``fmt``; ValueError saying it is not
    a ``what`` (e.g. "lesson file"), with ``path`` before the field it names."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a {what} (JSON: {exc})") from None
    except RecursionError:
        raise ValueError(f"{path.rstrip('.') + ': ' if path else ''}nested too deeply to be a "
                         f"{what}") from None
    if not isinstance(data, dict) or data.get("format") != fmt:
        raise ValueError(f"{path}format: expected {fmt!r} (not a {what} of this app)")
    return data


def capped(message: str, limit: int) -> str:
    """``message`` cut to ``limit`` characters (ending in an ellipsis when cut)."""
    return message if len(message) <= limit else message[: limit - 1] + "…"
