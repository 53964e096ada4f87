"""The stepping bar's click log: every click applied once, in order, whatever reaches the
server together; anything else in the log is ignored, never a crash."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.proto.WidgetStates_pb2 import WidgetState

from tests.app_helpers import bar, bar_text, component, press, started_app
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
