"""User-provided values quoted in messages, shortened: a refused 4 MB field is named, not
sent back whole on every rerun."""

from __future__ import annotations

LIMIT = 40


def quote(value, limit: int = LIMIT) -> str:
    """``repr(value)``, cut to ``limit`` characters with an ellipsis. Long digit strings
    are not even turned into text (Python refuses ints of over 4,300 digits)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 4 * limit:
        return f"<a {value.bit_length()}-bit number>"
    if isinstance(value, str):  # the ellipsis inside the quotes: 'abc…'
        return repr(value if len(value) <= limit else value[: limit - 1] + "…")
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
