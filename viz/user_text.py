"""User text (file, column, class and run names) in a chart: shown as text, never read as
Plotly markup, and short where room is short.

Plotly reads ``<…>`` as tags and ``&…;`` as entities, so ``&``, ``<`` and ``>`` are
escaped; it does not decode ``&quot;``, so quotes stay as they are (``html.escape`` would
show a column named ``"a"`` as ``&quot;a&quot;``).
"""

from __future__ import annotations

_PLOTLY = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
LABEL_CHARS = 12  # a name beside the diagram's input boxes
TITLE_CHARS = 40  # an axis title
HOVER_LINE = 48  # a hover breaks a longer name onto lines (Plotly's hovers never wrap)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, the cut marked with an ellipsis."""
    text = str(text)
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def chart_text(text: str, limit: int | None = None) -> str:
    """``text`` for a Plotly label: & < > escaped, shortened to ``limit`` characters (the
    full text belongs in the hover: ``hover_text``); line breaks become spaces."""
    text = " ".join(str(text).splitlines())
    text = shorten(text, limit) if limit else text
    return "".join(_PLOTLY.get(ch, ch) for ch in text)


def hover_text(text: str) -> str:
    """The whole ``text`` for a Plotly hover, escaped, on lines of ``HOVER_LINE``
    characters, so a long name stays on the page."""
    text = " ".join(str(text).splitlines())
    return "<br>".join(chart_text(text[i:i + HOVER_LINE])
                       for i in range(0, max(len(text), 1), HOVER_LINE))


def short_labels(names: list[str], limit: int = 16) -> list[str]:
    """``names`` as distinct chart labels (``chart_text``) of at most ``limit`` characters:
    two names that shorten alike get their position added, "name… (3)"."""
    out, seen = [], set()
    for i, name in enumerate(names):
        flat = " ".join(str(name).splitlines())
        text = shorten(flat, limit)
        if text in seen:
            text = shorten(flat, limit - len(f" ({i})")) + f" ({i})"
        seen.add(text)
        out.append(chart_text(text))
    return out
