"""The stepping bar's click log: every click applied once, in order, whatever reaches the
server together; anything else in the log is ignored, never a crash."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.proto.WidgetStates_pb2 import WidgetState

from tests.app_helpers import bar, bar_text, component, on_page, press, started_app
from ui.stepping_bar import ACTIONS, MAX_ITEMS, _entries


def send(at, log_id: str, items) -> None:
    """The browser's log as it sends it: the whole value, with every other widget's."""
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=component(at, "stepping_bar").proto.id,
                                      json_value=json.dumps({"log": {"id": log_id,
                                                                     "items": items}})))
    at._run(states)
    assert not at.exception, at.exception


@pytest.fixture
def at():
    return started_app()


def test_clicks_that_reach_the_server_together_are_all_applied_in_order(at):
    # Forward, Backward, Update, Step, Step clicked while a rerun ran: one request.
    for kind in ("forward", "backward", "update", "step"):
        press(at, kind, run=False)
    press(at, "step")
    assert at.session_state["trainer"].step == 3
    assert bar(at)["applied"]["apptest"] == 5
    assert bar(at)["state"]["step"] == 3 and "step 3 is done" in bar_text(at)


def test_a_click_sent_again_is_not_applied_again(at):
    send(at, "tab", [[1, "step", None], [2, "step", None]])
    send(at, "tab", [[1, "step", None], [2, "step", None], [3, "forward", None]])
    tr = at.session_state["trainer"]
    assert (tr.step, tr.phase_index) == (2, 1)
    send(at, "tab", [[3, "forward", None]])  # the same log again (e.g. a rerun from a widget)
    assert (tr.step, tr.phase_index) == (2, 1)


def test_two_pages_of_one_session_each_count():
    at = started_app()
    send(at, "tab-a", [[1, "step", None]])
    send(at, "tab-b", [[1, "step", None]])  # another tab's first click, also seq 1
    assert at.session_state["trainer"].step == 2


def test_ten_quick_steps_then_ten_quick_undos_come_back_to_the_start(at):
    for _ in range(9):
        press(at, "step", run=False)
    press(at, "step")
    assert at.session_state["trainer"].step == 10
    for _ in range(9):
        press(at, "undo", run=False)
    press(at, "undo")
    assert at.session_state["trainer"].step == 0


def test_a_phase_that_is_not_next_is_a_click_on_a_disabled_button(at):
    send(at, "tab", [[1, "backward", None], [2, "update", None], [3, "forward", None]])
    tr = at.session_state["trainer"]
    assert (tr.step, tr.next_phase) == (0, "backward")  # only Forward ran


def test_the_history_slider_goes_to_a_step_and_refuses_one_not_recorded(at):
    send(at, "tab", [[k, "step", None] for k in range(1, 6)])
    send(at, "tab", [[6, "goto", 2], [7, "goto", 99], [8, "goto", -1]])
    assert at.session_state["trainer"].step == 2
    assert at.session_state["trainer"].history.last_step == 5


def test_the_bar_sends_the_states_a_click_leads_to(at):
    """What the browser shows at once on a click is what the click then gives."""
    after = bar(at)["after"]
    press(at, "forward")
    assert bar(at)["state"] == after["phase"]
    after = bar(at)["after"]
    press(at, "step")
    assert bar(at)["state"] == after["step"]


# --- anything a page (or anyone) sends as the log -------------------------------------------
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=5)
                    | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=20)
ENTRY = st.lists(st.one_of(st.integers(-3, 10**20), st.sampled_from([*ACTIONS, "Step", "x"]),
                           st.none(), st.floats(), st.text(max_size=3)), max_size=4)


@settings(max_examples=300, deadline=None)
@given(st.one_of(JSON, st.fixed_dictionaries({"id": st.text(max_size=50) | JSON,
                                              "items": st.lists(ENTRY | JSON, max_size=8)
                                              | JSON})))
def test_the_one_check_of_a_log_reads_only_well_formed_entries(value):
    read = _entries(value)
    if read is None:
        return
    log_id, items = read
    assert isinstance(log_id, str) and len(log_id) <= 40 and len(items) <= MAX_ITEMS
    for seq, kind, arg in items:
        assert type(seq) is int and kind in ACTIONS and (arg is None or type(arg) is int)


@pytest.mark.parametrize("value", [
    {"id": "x", "items": [[1, "launch", None]]}, {"id": 3, "items": []}, [1, 2],
    {"id": "x", "items": [[1.5, "step", None]]}, {"id": "x", "items": [[1, "goto", "2"]]},
    {"id": "x", "items": [[1, "goto", 10**30]]}, {"id": "x" * 41, "items": [[1, "step", None]]},
])
def test_a_log_that_is_not_one_changes_nothing(at, value):
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=component(at, "stepping_bar").proto.id,
                                      json_value=json.dumps({"log": value})))
    at._run(states)
    assert not at.exception and at.session_state["trainer"].step == 0


def test_redo_takes_back_each_undo_of_a_step_bit_for_bit(at):
    for _ in range(4):
        press(at, "step")
    tr = at.session_state["trainer"]
    at4 = [w.copy() for w in tr.net.weights]
    assert not bar(at)["state"]["redo"]
    press(at, "undo")
    press(at, "undo")
    assert tr.step == 2 and bar(at)["state"]["redo"]
    press(at, "redo")
    press(at, "redo")
    assert tr.step == 4 and all(
        np.array_equal(a, b) for a, b in zip(tr.net.weights, at4, strict=True))
    assert not bar(at)["state"]["redo"]
    press(at, "undo")
    press(at, "step")  # a new step from step 3: the recorded step 4 is gone
    assert not bar(at)["state"]["redo"]


def test_redo_brings_back_the_run_undo_replaced_by_the_one_before(at):
    for _ in range(3):
        press(at, "step")
    at.number_input(key="w_layers").set_value(3).run()  # a new network: step 0
    for _ in range(2):
        press(at, "step")
    newer = at.session_state["trainer"]
    weights = [w.copy() for w in newer.net.weights]
    press(at, "undo")
    press(at, "undo")
    press(at, "undo")  # step 2 → 0 of the new network, then the run before it
    older = at.session_state["trainer"]
    assert older is not newer and older.step == 3 and len(older.net.weights) == 3
    press(at, "redo")  # the newer run again, as Undo left it (at step 0)
    again = at.session_state["trainer"]
    assert again is newer and again.step == 0 and len(again.net.weights) == 4
    press(at, "redo")
    press(at, "redo")
    assert again.step == 2 and all(
        np.array_equal(a, b) for a, b in zip(again.net.weights, weights, strict=True))
    assert at.session_state["config"].hidden == (4, 4, 4)


def test_the_lessons_own_network_has_a_bar_and_a_log_of_its_own(at):
    press(at, "step")  # the run's bar, on the Playground
    on_page(at, "app_pages/lesson.py")
    lesson = at.session_state["lesson"]["trainer"]
    press(at, "step", run=False)
    press(at, "steps", 100, run=False)
    press(at, "step")  # three quick clicks: 1 + 100 + 1 epochs
    assert lesson.step == 102 and at.session_state["trainer"].step == 1
    assert bar(at)["target"] == "lesson" and bar(at)["state"]["step"] == 102
    press(at, "reset")
    assert lesson.step == 0 and at.session_state["trainer"].step == 1
