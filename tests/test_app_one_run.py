"""AppTest: a run is not lost. Undo brings back the run a new network, data set or Reset
replaced, bit for bit; the address bar always holds the run on screen (a reload replays
it exactly); a link's target never outlives its run."""

import numpy as np
from streamlit.testing.v1 import AppTest

import backprop_core as bc
from tests.app_helpers import APP, button, opened


def trainer(at) -> bc.Trainer:
    return at.session_state["trainer"]


def state_of(tr: bc.Trainer) -> tuple:
    """Everything Undo must bring back: every weight and bias, the optimizer's state and
    step count, the step and phase, the history's length."""
    opt = tr.optimizer
    state = [a.copy() for slot in opt.state.values() for kind in slot.values() for a in kind]
    return ([a.copy() for a in (*tr.net.weights, *tr.net.biases)], state, opt.t, tr.step,
            tr.phase_index, len(tr.history))


def same(a: tuple, b: tuple) -> bool:
    arrays_a, state_a, *rest_a = a
    arrays_b, state_b, *rest_b = b
    return (rest_a == rest_b and len(state_a) == len(state_b)
            and all(np.array_equal(x, y) for x, y in zip(arrays_a, arrays_b, strict=True))
            and all(np.array_equal(x, y) for x, y in zip(state_a, state_b, strict=True)))


def trained(at, steps: int = 5) -> tuple:
    at.selectbox(key="w_optimizer").set_value("adam").run()  # a state to bring back too
    for _ in range(steps):
        button(at, "Step").click().run()
    button(at, "Forward").click().run()  # mid-step too
    return state_of(trainer(at))


def test_undo_after_a_new_network_brings_the_run_back(at):
    before, config = trained(at), at.session_state["config"]
    at.number_input(key="w_layers").set_value(3).run()
    assert trainer(at).step == 0 and len(trainer(at).net.layer_sizes) == 5
    assert not button(at, "Undo").disabled
    button(at, "Undo").click().run()
    at.run()
    assert not at.exception
    assert same(state_of(trainer(at)), before) and at.session_state["config"] == config
    assert at.number_input(key="w_layers").value == 2  # the sidebar shows that run


def test_undo_after_a_new_data_set_or_reset_brings_the_run_back(at):
    before = trained(at)
    at.selectbox(key="w_dataset").set_value("xor").run()
    assert trainer(at).step == 0
    button(at, "Undo").click().run()
    assert same(state_of(trainer(at)), before)
    assert at.session_state["config"].dataset == "circle"
    button(at, "Reset").click().run()
    assert trainer(at).step == 0
    button(at, "Undo").click().run()
    assert same(state_of(trainer(at)), before)
    # and Undo goes on through the run's own steps
    button(at, "Undo").click().run()
    assert trainer(at).step == 5 and trainer(at).phase_index == 0


def test_a_point_drawn_at_step_0_can_be_undone():
    c = bc.RunConfig()
    _, tr = bc.build(c)
    assert not tr.can_undo()
    tr.add_sample(*bc.policy.config.point_sample(c, (1.0, 1.0), 1.0), (1.0, 1.0))
    assert tr.can_undo() and len(tr.X) == 126
    tr.undo()
    assert len(tr.X) == 125 and not tr.can_undo()


def test_a_new_network_ends_a_links_replay():
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update({"v": "1", "step": "500"})
    app.run()
    assert app.session_state["live"].target == 500
    app.number_input(key="w_layers").set_value(3).run()
    assert app.session_state["live"].target is None and not app.session_state["playing"]
    assert app.session_state["trainer"].step == 0


def test_the_address_bar_is_the_run_and_a_reload_replays_it(at):
    for _ in range(3):
        button(at, "Step").click().run()
    at.select_slider(key="w_lr").set_value(0.3).run()
    button(at, "Step").click().run()
    button(at, "Forward").click().run()
    params = {k: at.query_params[k] for k in at.query_params}
    assert params["step"] == "4" and params["ph"] == "1" and "hp:lr=0.3" in params["ev"]
    shown = state_of(trainer(at))

    reloaded = opened(params)
    assert not reloaded.exception
    assert same(state_of(reloaded.session_state["trainer"]), shown)
    assert reloaded.session_state["config"].lr == 0.3
