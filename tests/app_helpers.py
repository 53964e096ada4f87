"""Shared AppTest steps."""

from streamlit.testing.v1 import AppTest

APP = "../app.py"  # AppTest resolves it from this file's folder


def started_app() -> AppTest:
    """The app after its first run, without an exception."""
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    return app


def diverge(at, epochs: int = 20) -> None:
    """Drive the Playground's widgets into a run that diverges: regression data, six sigmoid
    layers, learning rate 10, then epochs until the trainer reports divergence."""
    at.selectbox(key="w_dataset").set_value("plane").run()
    at.number_input(key="w_layers").set_value(6).run()
    at.selectbox(key="w_act_all").set_value("sigmoid").run()
    at.select_slider(key="w_lr").set_value(10.0).run()
    for _ in range(epochs):
        next(b for b in at.button if b.label == "Epoch").click().run()
        if at.session_state["trainer"].diverged is not None:
            return


def live_packet(at):
    """What the Playground's live view was sent last: (header, arrays) of its envelope."""
    from viz.wire import unpack

    (view,) = at.get("bidi_component")
    return unpack(view.proto.bytes)


def live_metric(at, label: str) -> str:
    """A value of the live view's metrics row, as the browser shows it."""
    header, _ = live_packet(at)
    labels = [m["label"] for m in header["scene"]["metrics"]]
    return header["frames"][0]["metrics"][labels.index(label)]


def text_of(element) -> str:
    """An element's text as the reader sees it: user text is markdown-escaped (``\\(``)."""
    import re

    return re.sub(r"\\(.)", r"\1", element.value)


def click(at, label: str) -> None:
    """Click the button labelled ``label`` and run; no exception may follow."""
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception


def on_page(at, page: str) -> None:
    """Switch to ``page`` (a path under app_pages/) and run it without an exception."""
    at.switch_page(page).run()
    assert not at.exception, at.exception
