"""Choice widgets whose options or labels change between reruns (ui/choices.py).

In the browser a choice travels as its label; a label the server's last run did not draw
comes back as that label, a str (see ui/choices.py). AppTest always sends the label of
the value it holds, drawn with the last run's labels, so ``send_label`` makes the next run
receive the label a browser still shows instead. The computation graph's widgets are
tested with their page (test_app_debug_views.py).
"""

import pathlib

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from tests.app_helpers import click, on_page, open_panel, panel


def send_label(widget, label: str | list[str]) -> None:
    """The next run receives ``label`` as ``widget``'s value, as a browser sends the
    label it last drew: a str (select box, radio) or a list of them (multiselect, pills)."""

    class Sent(type(widget)):
        @property
        def _widget_state(self) -> WidgetState:
            state = WidgetState(id=self.id)
            if isinstance(label, str):
                state.string_value = label
            else:
                state.string_array_value.data[:] = label
            return state

    widget.__class__ = Sent


SCRIPT = """
import streamlit as st
from ui.choices import choose, choose_many
options = st.session_state.get("options", [0, 1, 2])
labels = st.session_state.get("labels", {0: "zero", 1: "one", 2: "two", 3: "three"})
st.session_state["got"] = choose(st.selectbox, "One", options, key="one",
                                 format_func=labels.get, default=st.session_state.get("d"))
st.session_state["many"] = choose_many(st.multiselect, "Many", options, key="many_w",
                                       format_func=labels.get, default=options[-2:])
"""


@pytest.fixture
def bare():
    root = str(pathlib.Path(__file__).resolve().parents[1])
    at = AppTest.from_string(f"import sys\nsys.path.insert(0, {root!r})\n{SCRIPT}",
                             default_timeout=30)
    at.run()
    assert not at.exception
    return at


def test_a_label_sent_back_reads_as_the_option_it_names_or_the_default(bare):
    assert bare.session_state["got"] == 0 and bare.session_state["many"] == [1, 2]
    send_label(bare.selectbox(key="one"), "two")  # a label this run draws: that option
    bare.run()
    assert bare.session_state["got"] == 2 and bare.selectbox(key="one").value == 2
    bare.session_state["d"] = 1
    send_label(bare.selectbox(key="one"), "#68 (row 1 of 10)")  # none of this run's
    bare.run()
    assert bare.session_state["got"] == 1
    bare.session_state["d"] = None  # no default given: the first option
    send_label(bare.selectbox(key="one"), "1")  # the str "1" is not the option 1
    bare.run()
    assert bare.session_state["got"] == 0


def test_an_option_no_longer_offered_goes_to_the_default_and_the_rest_stay(bare):
    bare.selectbox(key="one").set_value(2).run()
    bare.multiselect(key="many_w").set_value([0, 2]).run()
    bare.session_state["options"] = [0, 1, 3]
    bare.session_state["d"] = 3
    bare.run()
    assert not bare.exception
    assert bare.session_state["got"] == 3
    assert bare.session_state["many"] == [0]  # 2 is gone; nothing else is added
    send_label(bare.multiselect(key="many_w"), ["three", "gone", "one", "three"])
    bare.run()
    assert bare.session_state["many"] == [3, 1]


def test_the_value_is_written_back_so_the_browser_gets_this_runs_label(bare):
    """Labels that change for the same option (as the batch's sample numbers did): every
    run sends the widget's value, so the browser never keeps an older label."""
    bare.selectbox(key="one").set_value(1).run()
    bare.session_state["labels"] = {0: "zero'", 1: "one'", 2: "two'"}
    bare.run()
    box = bare.selectbox(key="one")
    assert box.value == 1 and box.proto.set_value and box.proto.raw_value == "one'"


# --- the app's widgets ------------------------------------------------------------------------
SURFACE = "app_pages/loss_surface.py"


def saved_labels(at, key) -> list[str]:
    """The saved points chosen, by their labels."""
    pills = at.button_group(key=key)
    return [pills.options[i] for i in pills.indices]


def test_saved_points_keep_their_choice_when_the_oldest_is_dropped(at):
    """Six points are kept; a seventh drops the oldest. The points chosen stay the points
    chosen: one that was dropped leaves the choice (two left: choose a third), and no
    other point silently takes its place."""
    on_page(at, SURFACE)
    at.radio(key="w_surface_dirs").set_value("points").run()
    for _ in range(6):
        click(at, "Step")
        at.button(key="b_surface_save").click().run()
    key = "w_surface_points_6"
    options = list(at.button_group(key=key).options)
    assert options == [f"step {s}" for s in range(1, 7)]
    at.button_group(key=key).set_value([0, 2, 4]).run()  # the first six saved: 0..5
    assert saved_labels(at, key) == ["step 1", "step 3", "step 5"]
    click(at, "Step")
    at.button(key="b_surface_save").click().run()
    assert not at.exception
    assert list(at.button_group(key=key).options) == [
        f"step {s}" for s in range(2, 8)]
    assert saved_labels(at, key) == ["step 3", "step 5"]
    (why,) = panel(at, "surface_captions")  # no surface: the page's info box says why
    assert why["t"] == "alert" and why["kind"] == "info"
    assert "Choose three saved points" in why["text"]


CSV = b"a,b,label\n" + b"".join(f"{i % 7},{i % 5},{i % 2}\n".encode() for i in range(40))


def test_the_dataset_stays_the_uploaded_csv_when_the_browser_sends_an_older_label(at):
    """Its label carries the file's name, so a click sent before the page showed a new
    file's name brings the old one: that must not switch the run to the first data set."""
    open_panel(at, "x_upload")  # "Your own data (CSV)"
    at.file_uploader(key="w_csv").set_value(("mine.csv", CSV, "text/csv")).run()
    click(at, "Train on this data")
    assert not at.exception and at.session_state["w_dataset"] == "custom"
    send_label(at.selectbox(key="w_dataset"), "Your CSV: an earlier file.csv")
    at.run()
    assert not at.exception
    assert at.session_state["w_dataset"] == "custom"
    assert at.session_state["trainer"].X.shape[1] == 2 and at.session_state[
        "config"].is_custom
