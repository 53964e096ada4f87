"""Shared AppTest steps."""

import json

from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

APP = "../app.py"  # AppTest resolves it from this file's folder


def started_app() -> AppTest:
    """The app after its first run, without an exception."""
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    return app


def opened(params: dict, runs: int = 30) -> AppTest:
    """The app opened at an address with ``params`` (a link, a reload), run until the
    link's replay has arrived (each run trains a slice of it)."""
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update(params)
    app.run()
    for _ in range(runs):
        if not app.session_state["playing"]:
            break
        app.run()
    return app


def diverge(at, epochs: int = 20) -> None:
    """Drive the Playground's widgets into a run that diverges: regression data, six sigmoid
    layers, learning rate 10, then epochs until the trainer reports divergence."""
    at.selectbox(key="w_dataset").set_value("plane").run()
    at.number_input(key="w_layers").set_value(6).run()
    at.selectbox(key="w_act_all").set_value("sigmoid").run()
    at.select_slider(key="w_lr").set_value(10.0).run()
    for _ in range(epochs):
        press(at, "epoch")
        if at.session_state["trainer"].diverged is not None:
            return


def component(at, name: str):
    """The app's component ``name`` (ui/<name>.js) as the script last drew it."""
    (found,) = [c for c in at.get("bidi_component")
                if c.proto.component_name.endswith(f"backprop_{name}")]
    return found


def live_packet(at):
    """What the Playground's live view was sent last: (header, arrays) of its envelope."""
    from viz.wire import unpack

    return unpack(component(at, "live_view").proto.bytes)


def bar(at) -> dict:
    """What the stepping bar was sent last: its state, the states after the next phase and
    Step, its buttons."""
    return json.loads(component(at, "stepping_bar").proto.json)


def bar_text(at) -> str:
    """The line the stepping bar shows under its buttons (what the last phase did, Play's
    progress, or divergence), or ""."""
    return (bar(at)["state"]["message"] or {}).get("text", "")


def bar_error(at) -> str:
    """The error the stepping bar shows (divergence), or ""."""
    message = bar(at)["state"]["message"] or {}
    return message.get("text", "") if message.get("kind") == "error" else ""


def bar_enabled(at, label: str) -> bool:
    """Whether the bar draws the button ``label`` enabled (ui/stepping_bar.js's rule)."""
    data = bar(at)
    s, kind = data["state"], next(b["kind"] for b in data["buttons"] if b["label"] == label)
    if kind in ("forward", "backward", "update"):
        return not s["busy"] and s["next_phase"] == kind
    if kind in ("step", "steps", "epoch"):
        return not s["busy"]
    return s[kind] if kind in ("undo", "redo") else not s["playing"]


def _click_log(at, name: str, log_key: str, log_id: str, kind: str, arg,
               run: bool) -> AppTest:
    """A click on a component that keeps a log of clicks (ui/<name>.js: the stepping bar,
    the lesson player's buttons), as the browser sends it: the log grown by one entry (those
    the server has applied are dropped), with every other widget's value. ``run=False``
    only queues it (quick clicks while the server is busy)."""
    found = component(at, name)
    data = json.loads(found.proto.json)
    logs = at.__dict__.setdefault("_bp_logs", {})
    log = logs.setdefault(log_key, {"id": log_id, "seq": 0, "items": []})
    done = data["applied"].get(log["id"], 0)
    log["seq"] += 1
    log["items"] = [i for i in log["items"] if i[0] > done] + [[log["seq"], kind, arg]]
    if not run:
        return at
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(
        id=found.proto.id,
        json_value=json.dumps({"log": {"id": log["id"], "items": log["items"]}})))
    return at._run(states)


def press(at, kind: str, arg=None, run: bool = True) -> AppTest:
    """A click on the stepping bar's ``kind`` (each bar, the run's or the Lesson page's
    network's, keeps a log of its own)."""
    return _click_log(at, "stepping_bar", bar(at)["target"], "apptest", kind, arg, run)


def lesson_nav(at) -> dict:
    """What the lesson player's Back/Next/Leave were sent last (ui/lesson_nav.js)."""
    return json.loads(component(at, "lesson_nav").proto.json)


def nav(at, kind: str, run: bool = True) -> AppTest:
    """A click on the lesson player's ``kind`` ("back", "next", "leave"); a log per lesson."""
    return _click_log(at, "lesson_nav", "nav " + lesson_nav(at)["lesson"], "apptest-nav",
                      kind, None, run)


def live_metric(at, label: str) -> str:
    """A value of the live view's metrics row, as the browser shows it."""
    header, _ = live_packet(at)
    labels = [m["label"] for m in header["scene"]["metrics"]]
    return header["frames"][0]["metrics"][labels.index(label)]


def text_of(element) -> str:
    """An element's text as the reader sees it: user text is markdown-escaped (``\\(``)."""
    import re

    return re.sub(r"\\(.)", r"\1", element.value)


class BarButton:
    """A stepping-bar button, used as a Streamlit button is in tests:
    ``button(at, "Step").click().run()``, ``.disabled``."""

    def __init__(self, at, label: str, kind: str, arg=None):
        self.at, self.label, self.kind, self.arg = at, label, kind, arg

    @property
    def disabled(self) -> bool:
        return not bar_enabled(self.at, self.label)

    def click(self) -> "BarButton":
        return self

    def run(self) -> AppTest:
        return press(self.at, self.kind, self.arg)


def button(at, label: str):
    """The button labelled ``label``: the stepping bar's where the page's bar has it, else
    a Streamlit button."""
    bars = [c for c in at.get("bidi_component")
            if c.proto.component_name.endswith("backprop_stepping_bar")]
    for b in json.loads(bars[0].proto.json)["buttons"] if bars else ():
        if b["label"] == label:
            return BarButton(at, label, b["kind"], b["arg"])
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r}; have {[b.label for b in at.button]}"
    return matches[0]


def click(at, label: str) -> None:
    """Click the button labelled ``label`` (the stepping bar's or a Streamlit button) and
    run; no exception may follow."""
    button(at, label).click().run()
    assert not at.exception, at.exception


def on_page(at, page: str) -> None:
    """Switch to ``page`` (a path under app_pages/) and run it without an exception."""
    at.switch_page(page).run()
    assert not at.exception, at.exception


def plots(at) -> list:
    """The charts (ui/plot_component) as the script last drew them, in page order."""
    return [c for c in at.get("bidi_component")
            if c.proto.component_name.endswith("backprop_plot")]


def _figure_of(at, chart) -> dict:
    """The figure ``chart`` shows: the one it was sent, or (sent its digest alone: the
    same figure as before) the one this session sent it last under that digest."""
    msg = json.loads(chart.proto.bytes)
    if "figure" in msg:
        return msg["figure"]
    digest, text = at.session_state["plot_sent"][msg["key"]]
    assert digest == msg["digest"]
    return json.loads(text)


def figures(at) -> list[dict]:
    """Every chart's figure, in page order (what ``st.plotly_chart``'s spec held)."""
    return [_figure_of(at, c) for c in plots(at)]


def figure(at, key: str) -> dict:
    """The figure of the chart drawn under ``key``."""
    (found,) = [c for c in plots(at) if json.loads(c.proto.bytes)["key"] == key]
    return _figure_of(at, found)


def panels(at) -> dict[str, list[dict]]:
    """Every panel (ui/panel) as the script last drew it: {key: its parts}, page order."""
    out = {}
    for c in at.get("bidi_component"):
        if c.proto.component_name.endswith("backprop_panel"):
            msg = json.loads(c.proto.json)
            out[msg["key"]] = msg["parts"]
    return out


def panel(at, key: str) -> list[dict]:
    """The parts of the panel drawn under ``key``."""
    return panels(at)[key]


def part_text(part: dict) -> str:
    """What a part says: its Markdown, its metrics ("label: value"), its LaTeX, or its
    table's cells (a row a line)."""
    if "text" in part:
        return part["text"]
    if part["t"] == "metrics":
        return "\n".join(f"{m['label']}: {m['value']}" for m in part["items"])
    if part["t"] == "latex":
        return part["tex"]
    if part["t"] == "table":
        return "\n".join(" ".join(row) for row in [part["columns"], *part["rows"]])
    raise ValueError(f"part {part['t']!r}")


def panel_text(at, key: str | None = None) -> str:
    """Every part's text of panel ``key`` (of every panel when None), a part a line."""
    chosen = panels(at) if key is None else {key: panel(at, key)}
    return "\n".join(part_text(p) for parts in chosen.values() for p in parts)


def panel_table(at, key: str, index: int = 0):
    """The ``index``-th table of panel ``key`` as a DataFrame of its values (missing: NaN;
    a number column as numbers)."""
    import numpy as np
    import pandas as pd

    tables = [p for p in panel(at, key) if p["t"] == "table"]
    part = tables[index]
    data = {c: [np.nan if row[i] is None else row[i] for row in part["keys"]]
            for i, c in enumerate(part["columns"])}
    return pd.DataFrame(data)


def metric(at, label: str) -> str:
    """The value an inspection page's metrics row shows under ``label``."""
    for parts in panels(at).values():
        for p in parts:
            if p["t"] == "metrics":
                for m in p["items"]:
                    if m["label"] == label:
                        return m["value"]
    raise KeyError(label)


def expander_open(at, key: str) -> bool:
    """Whether the keyed expander ``key`` (ui/lazy.py's ``lazy_expander``) was drawn open
    in the last run."""
    (found,) = [e for e in at.expander if e.proto.id.endswith(f"-{key}")]
    return found.proto.expanded


def open_panel(at, key: str) -> AppTest:
    """Open the lazy expander ``key`` (``x_upload``, ``x_share``, ``x_compare``...) as a click
    on its summary does: its state set, the page run again (its body is drawn only while
    open); no exception may follow."""
    at.session_state[key] = True
    at.run()
    assert not at.exception, at.exception
    assert expander_open(at, key), key
    return at

