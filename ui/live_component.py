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
HERE = Path(__file__).parent
KEY = "live_view"
EVENTS = ("play", "pause", "want", "clicked", "added", "scene")


SCRIPTS = ("live_view", "stepping_bar")  # ui/<name>.js, each one component


def ensure_static_files() -> None:
    """Copy plotly.js and the components' scripts into ./static when missing or out of date
    (runs on every full rerun, so it only compares sizes and times)."""
    STATIC.mkdir(exist_ok=True)
    sources = [(Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
                STATIC / "plotly.min.js")]
    sources += [(HERE / f"{name}.js", STATIC / f"{name}.js") for name in SCRIPTS]
    for source, target in sources:
        src = source.stat()
        dst = target.stat() if target.exists() else None
        if dst is None or dst.st_size != src.st_size or dst.st_mtime < src.st_mtime:
            # Whole or not at all: replicas started from one checkout copy at once, and a
            # browser must never be served a half-written script.
            part = target.with_name(f".{target.name}.{os.getpid()}.part")
            shutil.copyfile(source, part)
            os.replace(part, target)


def _loader(name: str) -> str:
    """The component's own script: import ui/<name>.js once (versioned by its content)."""
    version = hashlib.blake2b((HERE / f"{name}.js").read_bytes(), digest_size=6).hexdigest()
    return (f'const url = new URL("app/static/{name}.js?v={version}", '
            "document.baseURI).href;\n"
            "export default async function (component) {\n"
            "  const view = await import(url);\n"
            "  return view.default(component);\n"
            "}\n")


_COMPONENTS = {
    name: st.components.v2.component(
        f"backprop_{name}", js=_loader(name), css=(HERE / f"{name}.css").read_text(),
        isolate_styles=False,  # Plotly puts its CSS in the document head
    ) for name in SCRIPTS}


def component(name: str):
    """The registered component for ui/<name>.js."""
    return _COMPONENTS[name]


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
    return _COMPONENTS["live_view"](key=KEY, data=packet,
                      **{f"on_{name}_change": callbacks.get(name, _ignore) for name in EVENTS})


def _ignore() -> None:
    pass
