"""The live view: one custom component holding the Play button, the metrics row and the
three charts, which paints compact frames (``ui.live_packet``) at the browser's frame rate.

Streamlit sends a component's JavaScript with every rerun, so the component itself is a
few lines that import ``live_view.js`` once from the app's static files (``./static``,
served at ``/app/static``; no CDN), next to the plotly.js that ships in the plotly package.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import plotly
import streamlit as st

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "static"
VIEW_JS = Path(__file__).with_name("live_view.js")
KEY = "live_view"
EVENTS = ("play", "pause", "want", "clicked", "added", "scene")


def ensure_static_files() -> None:
    """Copy plotly.js and the view's script into ./static when missing or out of date (runs
    on every full rerun, so it only compares sizes and times)."""
    STATIC.mkdir(exist_ok=True)
    sources = [(Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
                STATIC / "plotly.min.js"), (VIEW_JS, STATIC / "live_view.js")]
    for source, target in sources:
        src = source.stat()
        dst = target.stat() if target.exists() else None
        if dst is None or dst.st_size != src.st_size or dst.st_mtime < src.st_mtime:
            # Whole or not at all: replicas started from one checkout copy at once, and a
            # browser must never be served a half-written script.
            part = target.with_name(f".{target.name}.{os.getpid()}.part")
            shutil.copyfile(source, part)
            os.replace(part, target)


def _version() -> str:
    return hashlib.blake2b(VIEW_JS.read_bytes(), digest_size=6).hexdigest()


LOADER = (
    f'const url = new URL("app/static/live_view.js?v={_version()}", document.baseURI).href;\n'
    "export default async function (component) {\n"
    "  const view = await import(url);\n"
    "  return view.default(component);\n"
    "}\n")

CSS = (Path(__file__).with_name("live_view.css")).read_text()

_component = st.components.v2.component(
    "backprop_live_view", js=LOADER, css=CSS,
    isolate_styles=False,  # Plotly puts its CSS in the document head
)


def event(name: str):
    """The value the browser sent with event ``name`` in this rerun (None if it did not)."""
    state = st.session_state.get(KEY)
    if state is None:
        return None
    try:
        return state[name]
    except (KeyError, TypeError):
        return getattr(state, name, None)


def live_view(packet: bytes, callbacks: dict[str, Callable[[], None]]):
    """Show ``packet``; ``callbacks`` maps each event in EVENTS to its handler."""
    return _component(key=KEY, data=packet,
                      **{f"on_{name}_change": callbacks.get(name, _ignore) for name in EVENTS})


def _ignore() -> None:
    pass
