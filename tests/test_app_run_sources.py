"""A random sequence of changes made through the UI (AppTest), replayed from the address
bar (what a reload or a copied address carry), from the sidebar's share link and from a
session file, gives the identical run (Hypothesis)."""

import json
from urllib.parse import parse_qsl, urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backprop_core as bc
from data_io import session_file
from tests.app_helpers import button, click, open_panel, opened, started_app
from tests.test_app_one_run import same, state_of

ACTIONS = ("Step", "phase", "lr", "Undo", "edit", "freeze", "momentum")


def act(at, action: str, value: float) -> None:
    tr = at.session_state["trainer"]
    if action == "phase":
        label = tr.next_phase.capitalize()
    elif action == "lr":
        at.select_slider(key="w_lr").set_value(value).run()
        return
    elif action == "momentum":
        at.selectbox(key="w_optimizer").set_value("momentum").run()
        return
    elif action in ("edit", "freeze"):
        box = next(n for n in at.number_input if n.label == "Type a value")
        if action == "edit":
            box.set_value(value).run()
        else:
            toggle = next(t for t in at.toggle if t.label.startswith("Freeze"))
            toggle.set_value(not toggle.value).run()
        return
    else:
        label = action
    pressed = button(at, label)
    if not pressed.disabled:
        pressed.click().run()


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.sampled_from(ACTIONS), st.sampled_from([0.1, 0.3, 1.0])),
                min_size=2, max_size=8))
def test_a_run_made_in_the_ui_is_the_same_from_the_address_bar_and_a_file(actions):
    at = started_app()
    for action, value in actions:
        act(at, action, value)
        assert not at.exception, (action, at.exception)
    tr, config = at.session_state["trainer"], at.session_state["config"]
    made = state_of(tr)
    # An address holds the run up to the step on screen: not the steps Undo went back
    # over (kept until the next phase, for the history slider), which a file keeps too.
    shown = made[:-1] + (0,)
    log = [e for e in tr.events if e[0] <= tr.step]

    address = {k: at.query_params[k] for k in at.query_params}
    open_panel(at, "x_share")  # "Share · save · export"
    click(at, "Share link")  # the link a teacher copies from the sidebar
    link = at.session_state["results"]["share_link"]
    shared = dict(parse_qsl(urlsplit(link).query, keep_blank_values=True))
    for params in (address, shared):  # the address bar reloaded; the share link opened
        app = opened(params)
        assert not app.exception and not app.warning, [w.value for w in app.warning]
        again = app.session_state["trainer"]
        assert same(state_of(again)[:-1] + (0,), shown), actions
        assert again.events == log

    saved = json.dumps(bc.trainer_to_dict(tr, extra={"config": config.to_dict()}))
    loaded = session_file.read(saved.encode()).trainer
    assert same(state_of(loaded), made) and loaded.events == tr.events
