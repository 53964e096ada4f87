"""A Plotly figure that is redrawn in place: :func:`plot` draws a figure dict with a
component of ours (``ui/plot.js``) under a stable key, so a rerun that changes the figure
updates the chart already on the page (``Plotly.react``), where ``st.plotly_chart`` tears
its element down and draws it again from scratch. A figure the chart already shows is not
sent again: its digest alone goes.

No ``go.Figure`` on the way: the figure is serialised once (NumPy arrays as typed arrays,
as ``go.Figure`` sends them; NaN as null). plotly.js is the live view's loader's
(``ui/live/plotly.js``): the basic bundle unless the figure needs the full one
(``live_component.plotly_bundle``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil

import numpy as np
import streamlit as st
from _plotly_utils.utils import is_skipped_key, to_typed_array_spec
from plotly.io.json import to_json_plotly

from .live_component import HERE, STATIC, _loader, live_version, plotly_bundle

NAME = "plot"  # ui/plot.js, served from static/plot.js?v=<its hash>
SENT = "plot_sent"  # {key: (digest, figure's JSON)}: what each chart was sent last
# st.plotly_chart's defaults in its frontend: fits its column, mode bar on hover, no logo.
DEFAULT_CONFIG = {"responsive": True, "displayModeBar": "hover", "displaylogo": False}
LOADER = f"app/static/{live_version()}/plotly.js"  # the live view's loader of plotly.js


def ensure_script() -> None:
    """Copy ``ui/plot.js`` into ./static when missing or out of date (whole or not at all,
    as ``live_component.ensure_static_files`` copies the stepping bar's)."""
    source, target = HERE / f"{NAME}.js", STATIC / f"{NAME}.js"
    STATIC.mkdir(exist_ok=True)
    src, dst = source.stat(), target.stat() if target.exists() else None
    if dst is None or dst.st_size != src.st_size or dst.st_mtime < src.st_mtime:
        part = target.with_name(f".{target.name}.{os.getpid()}.part")
        shutil.copyfile(source, part)
        os.replace(part, target)


ensure_script()
_COMPONENT = st.components.v2.component(
    f"backprop_{NAME}", js=_loader(NAME),
    css=".bp-figure { width: 100%; }",
    isolate_styles=False,  # Plotly puts its CSS in the document head
)


def sent() -> dict:
    """{chart key: (digest, figure JSON)} of what this session last sent each chart."""
    return st.session_state.setdefault(SENT, {})


def typed(obj):
    """``obj`` with each NumPy array that is a dict's value as plotly.js's typed array
    spec (``{"dtype", "bdata"}``, base64), as ``go.Figure`` sends it: float32 values stay
    float32, and a big array is a fraction of its JSON; NumPy scalars as Python numbers. A
    copy: ``obj`` is not touched."""
    if isinstance(obj, dict):
        return {k: v if is_skipped_key(k) else
                to_typed_array_spec(v) if isinstance(v, np.ndarray) else typed(v)
                for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [typed(v) if isinstance(v, (dict, list, tuple, np.generic)) else v
                for v in obj]
    # A NumPy scalar as the Python number of its exact value: JSON would write a float32
    # as its shortest float32 text (0.7), which reads back as another double.
    return obj.item() if isinstance(obj, np.generic) else obj


def encode(fig: dict) -> bytes:
    """The figure as JSON bytes, as plotly.js reads it (NumPy arrays as typed arrays,
    ``plotly.io.json`` for the rest: NumPy scalars as numbers, NaN as null)."""
    return to_json_plotly(typed(fig)).encode()


def _message(fig: dict, key: str, config: dict | None, select: bool,
             ) -> tuple[str, bytes, bytes]:
    """(digest, head JSON, figure JSON) of ``fig`` as chart ``key`` shows it."""
    text = encode(fig)
    digest = hashlib.blake2b(text, digest_size=12).hexdigest()
    head = {"key": key, "digest": digest, "bundle": plotly_bundle([fig]), "loader": LOADER,
            "config": {**DEFAULT_CONFIG, **(config or {})}, "select": select}
    return digest, json.dumps(head, separators=(",", ":")).encode(), text


def message(fig: dict, key: str, config: dict | None = None, select: bool = False,
            ) -> bytes:
    """The whole message for ``fig`` (with the figure), as a page's preview sends it: the
    chart it is shown on then holds this digest, which the click's rerun brings again."""
    _, head_json, text = _message(fig, key, config, select)
    return head_json[:-1] + b',"figure":' + text + b"}"


def payload(fig: dict, key: str, config: dict | None = None, select: bool = False,
            ) -> bytes:
    """What the browser gets for ``fig``: the figure and its digest, or the digest alone
    when this chart was sent the same figure last time."""
    digest, head_json, text = _message(fig, key, config, select)
    before = sent().get(key)
    sent()[key] = (digest, text)
    if before is not None and before[0] == digest:
        return head_json
    return head_json[:-1] + b',"figure":' + text + b"}"


def _forget(key: str) -> None:
    """The page lacks the figure it was told it has (it never drew it): send it whole."""
    sent().pop(key, None)


def plot(fig: dict, key: str, where=st, height: int | None = None,
         config: dict | None = None, on_select: bool = False):
    """Draw ``fig`` (a Plotly figure dict) under ``key`` in ``where`` (a column, a
    container, or the page). With ``on_select``, the points of a click on the chart in
    this rerun (Streamlit's ``selection.points``: ``customdata``, ``x``, ``y``,
    ``curve_number``...), else None."""
    data = payload(fig, key, config, on_select)
    kwargs = {"key": key, "data": data, "height": height or "content",
              "on_missing_change": lambda: _forget(key)}
    if on_select:
        kwargs["on_select_change"] = _ignore
    if where is st:
        result = _COMPONENT(**kwargs)
    else:
        with where:
            result = _COMPONENT(**kwargs)
    if not on_select:
        return None
    event = getattr(result, "select", None)
    return (event or {}).get("points") or None


def _ignore() -> None:
    pass

