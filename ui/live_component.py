"""The live view: one custom component holding the Play button, the metrics row and the
three charts, which paints compact frames (``ui.live_packet``) at the browser's frame rate.

Streamlit sends a component's JavaScript with every rerun, so the component itself is a
few lines that import the view once from the app's static files (``./static``, served at
``/app/static``; no CDN), next to the plotly.js that ships in the plotly package.

The view is the ES modules of ``ui/live/`` (``main.js`` the entry, one job a module),
served joined into one (``ui.live_bundle``: one request on a first load, not three rounds)
from ``static/live-<hash of them all>/``: a deploy with other modules imports them from
another folder, so a browser never mixes a cached old module with new ones. The
stepping bar is one script, ``ui/stepping_bar.js``, versioned by a query string.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import plotly
import streamlit as st

from . import live_bundle

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "static"
HERE = Path(__file__).parent
LIVE = HERE / "live"  # the live view's modules (and its CSS)
KEY = "live_view"
EVENTS = ("play", "pause", "want", "clicked", "added", "scene")
KEEP_LIVE = 4  # static/live-* copies kept: a replica of an older deploy may serve one
SCRIPTS = ("stepping_bar", "panel", "previews", "lesson_nav")  # ui/<name>.js, one component each
CSS_OF = {"lesson_nav": "stepping_bar"}  # a script drawing the stepping bar's buttons
BUNDLE = "bundle.js"  # ui/live's modules as one, beside them in static/live-<hash>/


# plotly.js's "basic" bundle (ui/vendor/): the trace types it draws. It loads and runs in
# a sixth of the full bundle's time, so the live view takes it unless a figure needs more.
BASIC_TRACES = frozenset({"scatter", "bar", "pie"})


def plotly_bundle(figures) -> str:
    """"basic" when every trace of ``figures`` (Plotly figure dicts) is one the basic
    bundle draws, else "full"."""
    types = {trace.get("type", "scatter") for fig in figures for trace in fig["data"]}
    return "basic" if types <= BASIC_TRACES else "full"


def live_files() -> list[Path]:
    """The live view's files, in a fixed order."""
    return sorted(p for p in LIVE.iterdir() if p.is_file() and not p.name.startswith("."))


def live_version() -> str:
    """``live-<hash>``: the folder of static/ that holds this checkout's ``ui/live`` and
    their bundle (so the bundler's own code counts too). Hashed again only when a file's
    size or time changed (every full rerun asks; reading them all cost 8 % of a class's
    server time)."""
    paths = (*live_files(), Path(live_bundle.__file__))
    return _version_of(tuple((p, p.stat().st_mtime_ns, p.stat().st_size) for p in paths))


@functools.lru_cache(maxsize=8)
def _version_of(files: tuple[tuple[Path, int, int], ...]) -> str:
    h = hashlib.blake2b(digest_size=6)
    for path, _, _ in files:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return f"live-{h.hexdigest()}"


STATIC_CHECK_S = 2.0  # static/ is compared with its sources at most this often
_checked = {"at": -math.inf}  # when this process last compared them


def ensure_static_files() -> None:
    """Copy plotly.js, the stepping bar and the live view's modules into ./static when
    missing or out of date (asked on every full rerun: compared at most every
    STATIC_CHECK_S, which cost 6 % of a class's server time when done each time)."""
    if time.monotonic() - _checked["at"] < STATIC_CHECK_S:
        return
    _checked["at"] = time.monotonic()
    STATIC.mkdir(exist_ok=True)
    sources = [(Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
                STATIC / "plotly.min.js"),
               (HERE / "vendor" / "plotly-basic.min.js", STATIC / "plotly-basic.min.js"),
               (HERE / "vendor" / "katex.min.js", STATIC / "katex.min.js")]
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
    ensure_live_copy()


def ensure_live_copy() -> Path:
    """static/live-<hash>/ holding ``ui/live`` as it is now, made whole in a folder of
    this process's own and renamed into place (a folder that exists is never written:
    its name says what is in it). Older copies beyond the newest ``KEEP_LIVE`` go."""
    version = live_version()
    target = STATIC / version
    if not target.is_dir():
        part = STATIC / f".{version}.{os.getpid()}.part"
        shutil.rmtree(part, ignore_errors=True)
        part.mkdir()
        for path in live_files():
            shutil.copyfile(path, part / path.name)
        (part / BUNDLE).write_text(live_bundle.bundle(
            {p.name: p.read_text() for p in live_files() if p.suffix == ".js"}))
        try:
            os.rename(part, target)
        except OSError:  # another replica was first: its copy is the same
            shutil.rmtree(part, ignore_errors=True)
        _prune_live(keep=target)
    else:
        os.utime(target)  # in use: the newest, whatever other deploys copy after it
    return target


def _prune_live(keep: Path) -> None:
    """Remove all but the newest ``KEEP_LIVE`` static/live-* copies (by when they were
    made; ``keep`` always stays). Another process may be pruning too: what is gone is
    gone."""
    copies = []
    for path in STATIC.glob("live-*"):
        try:
            copies.append((path.stat().st_mtime, path))
        except OSError:
            continue
    copies.sort(reverse=True)
    for _, path in copies[KEEP_LIVE:]:
        if path != keep:
            shutil.rmtree(path, ignore_errors=True)


def _importer(path: str) -> str:
    """A component's own script: import ``app/static/<path>`` once, run its default."""
    return (f'const url = new URL("app/static/{path}", document.baseURI).href;\n'
            "export default async function (component) {\n"
            "  const view = await import(url);\n"
            "  return view.default(component);\n"
            "}\n")


def _live_loader() -> str:
    """The live view's: ui/live's modules as one (``ui.live_bundle``), from the copy
    named by their content."""
    return _importer(f"{live_version()}/{BUNDLE}")


def script_path(name: str) -> str:
    """Where a one-script component's ui/<name>.js is served (under app/static/),
    versioned by its content."""
    version = hashlib.blake2b((HERE / f"{name}.js").read_bytes(), digest_size=6).hexdigest()
    return f"{name}.js?v={version}"


def _loader(name: str) -> str:
    """A one-script component's: ui/<name>.js, versioned by its content."""
    return _importer(script_path(name))


# The first load: every script the page's components import, fetched at once as the first
# run's first element arrives (the sidebar's), and plotly.js loaded and run meanwhile,
# where each component would import its own only once mounted (and the live view's
# modules one import level after another, plotly.js last).
PRELOAD_JS = """
export default function (component) {
  const { data } = component;
  if (!data || window.__bpPreloaded) return;
  window.__bpPreloaded = true;
  const url = (path) => new URL("app/static/" + path, document.baseURI).href;
  for (const path of data.modules) {
    const link = document.createElement("link");
    link.rel = "modulepreload";
    link.href = url(path);
    document.head.appendChild(link);
  }
  import(url(data.plotly)).then((m) => m.loadPlotly("basic")).catch(() => {});
}
"""


def preload() -> None:
    """Draw the (invisible) preloader in the sidebar: call early in the app's run."""
    version = live_version()
    modules = [f"{version}/{BUNDLE}", f"{version}/plotly.js", f"{version}/png.js"]
    modules += [script_path(name) for name in (*SCRIPTS, "plot")]
    with st.sidebar:
        _PRELOAD(key="bp_preload", data={"modules": modules, "plotly": f"{version}/plotly.js"})


_COMPONENTS = {
    name: st.components.v2.component(
        f"backprop_{name}", js=_loader(name),
        css=(HERE / f"{CSS_OF.get(name, name)}.css").read_text()
        if (HERE / f"{CSS_OF.get(name, name)}.css").exists() else None,
        isolate_styles=False,  # Plotly puts its CSS in the document head
    ) for name in SCRIPTS}
_PRELOAD = st.components.v2.component(
    "backprop_preload", js=PRELOAD_JS, css=".st-key-bp_preload { display: none; }",
    isolate_styles=False)
_COMPONENTS["live_view"] = st.components.v2.component(
    "backprop_live_view", js=_live_loader(), css=(LIVE / "live_view.css").read_text(),
    isolate_styles=False)


def component(name: str):
    """The registered component: "live_view", or a script's name of SCRIPTS."""
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
