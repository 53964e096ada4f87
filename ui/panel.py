"""Text, numbers and tables that a Step changes, drawn by a component of ours
(``ui/panel.js``) that a click can update at once: the page's previews
(``ui.page_previews``) hold the panel as it will be after the next phase and Step, and the
rerun that really runs it brings the identical panel, which changes nothing on the page.

A panel is a list of *parts*, each a dict made here (:func:`markdown`, :func:`caption`,
:func:`alert`, :func:`metrics`, :func:`table`, :func:`latex`). Markdown becomes HTML on
the server (CommonMark, raw HTML escaped: user text, e.g. a CSV's column names, stays
text); LaTeX is typeset in the browser by KaTeX (the version Streamlit's own CSS and fonts
are for). Each part carries a digest: the browser replaces only the parts that changed,
so a table keeps its scroll position and sort order across Steps.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from html import escape

import numpy as np
import pandas as pd
import streamlit as st
from markdown_it import MarkdownIt

from .live_component import component

_MD = MarkdownIt("commonmark", {"html": False})  # raw HTML in a text is shown as text
# A file's text (a lesson's): no images and no links either, so nothing it says loads or
# leads anywhere; what they would have been is shown as text.
_USER_MD = MarkdownIt("commonmark", {"html": False}).disable(["image", "link", "autolink"])
ALERTS = ("success", "info", "warning", "error")


# Inline maths as st.markdown takes it: $...$ (not $$), no space just inside the dollars.
_MATH = re.compile(r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$(?!\$)")
_SLOT = "\u2063MATH{}\u2063"  # an invisible separator around a number: never in a text


def _html(text: str, md: MarkdownIt = _MD) -> str:
    """Markdown ``text`` as HTML, its inline maths as ``<span class="bp-math">`` holding
    the TeX (as text) for KaTeX to typeset in the browser."""
    maths: list[str] = []

    def hold(m: re.Match) -> str:
        maths.append(m.group(1))
        return _SLOT.format(len(maths) - 1)
    html = md.render(_MATH.sub(hold, text)).strip()
    for i, tex in enumerate(maths):
        html = html.replace(_SLOT.format(i), f'<span class="bp-math">{escape(tex)}</span>')
    return html


def markdown(text: str, small: bool = False) -> dict:
    """Markdown ``text`` (``small``: as ``st.caption`` shows it), $inline maths$ too."""
    return {"t": "caption" if small else "md", "html": _html(text), "text": text}


def file_markdown(text: str) -> dict:
    """Markdown from a file (a lesson's text): as ``markdown``, with no images or links."""
    return {"t": "md", "html": _html(text, _USER_MD), "text": text}


def caption(text: str) -> dict:
    return markdown(text, small=True)


def alert(kind: str, text: str) -> dict:
    """A coloured box as ``st.success``/``info``/``warning``/``error`` draws it."""
    if kind not in ALERTS:
        raise ValueError(f"alert kind {kind!r}: one of {ALERTS}")
    return {"t": "alert", "kind": kind, "html": _html(text), "text": text}


def metrics(items: list[dict]) -> dict:
    """A row of metrics: ``{"label", "value", "help"?}`` each, as ``st.metric`` draws."""
    return {"t": "metrics", "items": [{"label": str(m["label"]), "value": str(m["value"]),
                                       "help": m.get("help") or ""} for m in items]}


def latex(tex: str) -> dict:
    """Display maths, typeset by KaTeX in the browser (as ``st.latex``)."""
    return {"t": "latex", "tex": tex}


def _cell(value, fmt: str | None) -> tuple[str, float | str | None]:
    """(text shown, value sorted by) of one table cell; missing values show as "–"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–", None
    if isinstance(value, (np.integer, int)) and not isinstance(value, bool):
        return str(int(value)), int(value)
    if isinstance(value, (np.floating, float)):
        v = float(value)
        if math.isnan(v):
            return "–", None
        return (format(v, fmt) if fmt else repr(v)), (v if math.isfinite(v) else str(v))
    return str(value), str(value)


def table(df: pd.DataFrame, formats: dict[str, str] | None = None, height: int = 260,
          label: str = "") -> dict:
    """``df`` as a scrollable table ``height`` px high (its header stays in view; a click
    on a column's header sorts by it). ``formats``: a column's Python format spec (e.g.
    ``".4g"``); other float columns show their shortest exact text. ``label`` names the
    table for screen readers."""
    formats = formats or {}
    columns = [str(c) for c in df.columns]
    rows, keys = [], []
    for record in df.itertuples(index=False, name=None):
        cells = [_cell(v, formats.get(c)) for v, c in zip(record, columns, strict=True)]
        rows.append([c[0] for c in cells])
        keys.append([c[1] for c in cells])
    numeric = [bool(pd.api.types.is_numeric_dtype(df[c])) for c in df.columns]
    return {"t": "table", "columns": columns, "rows": rows, "keys": keys, "numeric": numeric,
            "height": int(height), "label": label}


def _digest(obj) -> str:
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()


def payload(parts: list[dict], key: str) -> dict:
    """What the browser gets for a panel: its parts, each with its digest, and the
    panel's."""
    parts = [{**p, "d": _digest(p)} for p in parts]
    return {"key": key, "digest": _digest([p["d"] for p in parts]), "parts": parts}


def panel(parts: list[dict], key: str, where=st) -> None:
    """Draw ``parts`` under ``key`` in ``where`` (a column, a container, or the page)."""
    data = payload(parts, key)  # sent as JSON; no NaN in it (``_cell`` writes none)
    if where is st:
        component("panel")(key=key, data=data)
    else:
        with where:
            component("panel")(key=key, data=data)
