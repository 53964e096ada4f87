"""AppTest: the Playground page, driven headless through Streamlit's test harness."""

import json

import numpy as np
import pytest

import backprop_core as bc
from tests.app_helpers import (
    bar,
    bar_error,
    bar_text,
    button,
    diverge,
    figures,
    live_metric,
    live_packet,
    open_panel,
    panel_table,
    panels,
    press,
    started_app,
    text_of,
)
from tests.app_helpers import figure as chart_figure


def metric(at, label):
    return live_metric(at, label)


def trainer(at):
    return at.session_state["trainer"]


def weights(at):
    return [w.copy() for w in trainer(at).net.weights + trainer(at).net.biases]


def figure(at, name):
    """The fixed part of live chart ``name`` (network or boundary) as sent to the browser."""
    header, _ = live_packet(at)
    return header["scene"][name]["figure"]


def test_page_loads_with_all_three_charts(at):
    header, arrays = live_packet(at)
    scene = header["scene"]
    assert {"network", "boundary"} <= set(scene) and header["loss"]["figure"]["layout"]
    net = figure(at, "network")
    neurons = next(t for t in net["data"] if t.get("name") == "neurons")
    assert len(neurons["x"]) == 11
    hover = next(t for t in net["data"] if t.get("name") == "weights")
    assert len(hover["x"]) == 2 * 4 + 4 * 4 + 4 * 1  # one hover point per edge
    # The frame on screen (then what the next phase, the next Step and Play's first frame
    # will show): the output over the plane, 20×20 thumbnails of all 11 neurons, and every
    # parameter's value (exact, float64), no gradient or update yet.
    assert header["previews"] == {"phase": 1, "step": 2, "play": 3}
    assert arrays["grid"].shape == (4, 100, 100) and arrays["thumbs"].shape == (4, 11, 20, 20)
    tr = trainer(at)
    values = np.concatenate([w.ravel() for w in tr.net.weights + tr.net.biases])
    assert np.array_equal(arrays["params"][0, 0], values)
    assert np.isnan(arrays["params"][0, 1:]).all()
    assert metric(at, "Step") == "0"


def test_phase_buttons_run_in_order_and_only_the_next_is_enabled(at):
    for phase, next_phase in [("Forward", "Backward"), ("Backward", "Update"),
                              ("Update", "Forward")]:
        for label in ("Forward", "Backward", "Update"):
            assert button(at, label).disabled == (label != phase)
        button(at, phase).click().run()
        assert not at.exception
        assert trainer(at).next_phase == next_phase.lower()
        message = bar_text(at)
        assert "Next:" in message
        assert f"Next: **{next_phase}**" in message
    assert metric(at, "Step") == "1"


def test_forward_highlights_the_mini_batch(at):
    button(at, "Forward").click().run()
    boundary = figure(at, "boundary")
    assert any(t.get("name") == "mini-batch" for t in boundary["data"])  # legend entry
    header, _ = live_packet(at)
    tr = trainer(at)
    ring = np.array(header["frames"][0]["batch"]).reshape(-1, 2)
    X = at.session_state["dataset"].X_train[tr.batch_idx]
    assert ring.shape == (10, 2) and np.allclose(ring, X, atol=1e-4)


def test_step_epoch_undo_reset(at):
    initial = weights(at)
    button(at, "Step").click().run()
    assert metric(at, "Step") == "1"
    after_one = weights(at)
    button(at, "Epoch").click().run()
    tr = trainer(at)
    assert tr.epoch == 1 and tr.batch_index == 0 and metric(at, "Epochs done") == "1"
    steps = tr.step
    button(at, "Undo").click().run()
    assert metric(at, "Step") == str(steps - 1)
    button(at, "Reset").click().run()
    assert metric(at, "Step") == "0"
    assert all(np.array_equal(a, b) for a, b in zip(weights(at), initial, strict=True))
    button(at, "Step").click().run()
    assert all(np.array_equal(a, b) for a, b in zip(weights(at), after_one, strict=True))


def test_history_slider_goes_back_and_forward(at):
    for _ in range(5):
        button(at, "Step").click().run()
    at5 = weights(at)
    press(at, "goto", 2)  # the history slider
    assert metric(at, "Step") == "2"
    press(at, "goto", 5)
    assert all(np.array_equal(a, b) for a, b in zip(weights(at), at5, strict=True))


def test_edge_toggle_shows_gradients_and_updates(at):
    button(at, "Forward").click().run()
    button(at, "Backward").click().run()
    at.radio(key="w_edge_mode").set_value("gradients").run()
    header, arrays = live_packet(at)
    assert header["scene"]["mode"] == "gradients"
    tr = trainer(at)
    grads = np.concatenate([g.ravel() for g in tr.grads.weights + tr.grads.biases])
    assert np.array_equal(arrays["params"][0, 1], grads)  # what edges, δ labels, hovers use
    assert np.isnan(arrays["params"][0, 2]).all()  # no update in this step yet
    button(at, "Update").click().run()
    at.radio(key="w_edge_mode").set_value("updates").run()
    header, arrays = live_packet(at)
    update = np.concatenate([u.ravel() for u in tr.last_update.weights + tr.last_update.biases])
    assert header["scene"]["mode"] == "updates"
    assert np.array_equal(arrays["params"][0, 2], update)


def test_learning_rate_changes_without_reset(at):
    button(at, "Step").click().run()
    at.select_slider(key="w_lr").set_value(0.3).run()
    assert trainer(at).optimizer.lr == 0.3 and metric(at, "Step") == "1"


def test_architecture_change_resets_and_says_so(at):
    button(at, "Step").click().run()
    at.number_input(key="w_layers").set_value(3).run()
    assert trainer(at).net.layer_sizes == [2, 4, 4, 4, 1]
    assert metric(at, "Step") == "0"
    assert any("re-initialised" in text_of(t) and "hidden layers" in text_of(t)
               for t in at.toast)


@pytest.mark.parametrize("key, value, check", [
    ("w_dataset", "spiral", lambda tr, c: c.dataset == "spiral"),
    ("w_noise", 30, lambda tr, c: c.noise == 0.3),
    ("w_samples", 500, lambda tr, c: len(tr.X) == 250),
    ("w_train_pct", 70, lambda tr, c: len(tr.X) == 175),
    ("w_init", "he", lambda tr, c: tr.net.init == "he"),
    ("w_seed", 7, lambda tr, c: c.seed == 7),
    ("w_optimizer", "adam", lambda tr, c: tr.optimizer.name == "adam"),
    ("w_batch", 25, lambda tr, c: tr.batch_size == 25),
    ("w_reduction", "sum", lambda tr, c: tr.reduction == "sum"),
    ("w_output", "sigmoid+mse", lambda tr, c: tr.loss == "mse"),
    ("w_act_all", "relu", lambda tr, c: tr.net.activation_names == ["relu", "relu", "sigmoid"]),
    ("w_neurons_0", 7, lambda tr, c: tr.net.layer_sizes == [2, 7, 4, 1]),
])
def test_every_control_changes_what_it_should(at, key, value, check):
    widget = None
    for kind in (at.selectbox, at.slider, at.select_slider, at.number_input, at.radio):
        try:
            widget = kind(key=key)
            break
        except KeyError:
            continue
    assert widget is not None, key
    widget.set_value(value).run()
    assert not at.exception
    assert check(trainer(at), at.session_state["config"])


def test_features_and_regularisation_controls(at):
    at.checkbox(key="w_feat_x1_sq").check().run()
    assert trainer(at).net.layer_sizes[0] == 3
    at.selectbox(key="w_reg").set_value("l2").run()
    at.select_slider(key="w_reg_rate").set_value(0.01).run()
    assert trainer(at).regularization == "l2" and trainer(at).reg_rate == 0.01


def test_multiclass_and_regression_datasets_draw(at):
    at.selectbox(key="w_dataset").set_value("blobs").run()
    assert not at.exception and trainer(at).net.layer_sizes[-1] == 3
    button(at, "Step").click().run()
    at.selectbox(key="w_dataset").set_value("plane").run()
    assert not at.exception and trainer(at).loss == "mse"
    assert metric(at, "Samples (train / test)") == "125 / 125"


def test_divergence_shows_a_message_not_a_crash(at):
    diverge(at)
    assert not at.exception
    d = trainer(at).diverged
    assert d is not None
    assert f"diverged at step {d.step}" in bar_error(at)
    assert button(at, "Step").disabled
    button(at, "Undo").click().run()
    assert trainer(at).diverged is None and not at.error and not bar_error(at)


def test_presenter_view_hides_chosen_panels_and_keeps_the_run(at):
    button(at, "Step").click().run()
    at.toggle(key="w_presenter").set_value(True).run()
    at.multiselect(key="w_hide").set_value(["training", "phases"]).run()
    assert not at.exception
    labels = [b["label"] for b in bar(at)["buttons"]]
    assert "Forward" not in labels and "Step" in labels
    assert not any(s.label == "Learning rate" for s in at.select_slider)
    assert trainer(at).step == 1 and at.session_state["config"].lr == 0.03
    net = figure(at, "network")
    assert net["layout"]["annotations"][0]["font"]["size"] == 18  # 1.5 × 12
    assert net["layout"]["height"] == 870  # 1.5 × 580, before fitting the screen
    at.toggle(key="w_presenter").set_value(False).run()
    assert any(s.label == "Learning rate" for s in at.select_slider)
    assert at.select_slider(key="w_lr").value == 0.03


def test_compare_runs_overlays_kept_loss_curves(at):
    open_panel(at, "x_compare")  # "Compare runs (0 kept)": closed while none is kept
    for lr in (0.03, 0.3):
        at.select_slider(key="w_lr").set_value(lr).run()
        button(at, "Reset").click().run()
        button(at, "Epoch").click().run()
        button(at, "Keep this run").click().run()
    kept = at.session_state["snapshots"]
    assert [len(s["step"]) for s in kept] == [14, 14]
    assert kept[0]["train_loss"] != kept[1]["train_loss"]
    chart = chart_figure(at, "compare_chart")
    assert len(chart["data"]) == 3  # two kept runs and the current one


def test_rewinding_shows_the_settings_that_were_in_effect(at):
    for _ in range(3):
        button(at, "Step").click().run()
    at.select_slider(key="w_lr").set_value(0.3).run()
    for _ in range(3):
        button(at, "Step").click().run()
    press(at, "goto", 2)  # the history slider
    assert at.select_slider(key="w_lr").value == 0.03 and trainer(at).optimizer.lr == 0.03
    press(at, "goto", 6)
    assert at.select_slider(key="w_lr").value == 0.3 and trainer(at).optimizer.lr == 0.3
    # Reset keeps the settings on screen: same initial weights, trained with lr 0.3.
    button(at, "Reset").click().run()
    assert trainer(at).step == 0 and trainer(at).optimizer.lr == 0.3


def test_draw_selector_sets_the_label_and_remove_clears_points(at):
    at.selectbox(key="w_draw").set_value(1.0).run()
    assert at.session_state["view"].draw_label == 1.0
    # A click on the boundary plot (browser test) ends in the config; start from there.
    at.session_state["config"] = at.session_state["config"].with_(
        extra_points=((1.5, -2.0, 1.0),))
    at.run()
    button(at, "Remove the link's 1 drawn point(s)").click().run()
    assert at.session_state["config"].extra_points == ()


def _by_label(widgets, label):
    (widget,) = [w for w in widgets if w.label == label]
    return widget


def test_edit_a_weight_by_hand_then_undo(at):
    """The "Edit a weight" panel sets the selected parameter (a logged event: the loss
    follows, Undo takes it back) and freezes it (its value stays through Steps)."""
    for _ in range(3):
        button(at, "Step").click().run()
    tr = trainer(at)
    at.session_state["selected_param"] = (1, 2, 0)  # as a click on that line does
    at.run()
    old, loss = tr.net.weights[1][2, 0], tr.history[3].train_loss
    _by_label(at.number_input, "Type a value").set_value(1.5).run()
    assert not at.exception
    tr = trainer(at)
    assert tr.net.weights[1][2, 0] == 1.5 and tr.step == 3
    assert tr.history[3].train_loss == tr.evaluate()["train_loss"] != loss
    button(at, "Undo").click().run()
    assert trainer(at).net.weights[1][2, 0] == old and trainer(at).step == 3
    _by_label(at.toggle, "Freeze (gradient shown, never applied)").set_value(True).run()
    for _ in range(4):
        button(at, "Step").click().run()
    assert trainer(at).net.weights[1][2, 0] == old
    assert trainer(at).is_frozen(1, "weights", (2, 0))


def test_schedule_widgets_set_the_trainers_schedule(at):
    at.selectbox(key="w_schedule").set_value("step").run()
    at.number_input(key="w_sched_step").set_value(2).run()
    at.select_slider(key="w_sched_gamma").set_value(0.5).run()
    tr = trainer(at)
    assert (tr.schedule.name, tr.schedule.step_size, tr.schedule.gamma) == ("step", 2, 0.5)
    for _ in range(5):
        button(at, "Step").click().run()
    assert trainer(at).current_lr() == 0.03 * 0.5 ** 2
    assert trainer(at).step == 5  # a live setting: no restart


def test_remaining_controls(at):
    at.selectbox(key="w_dataset").set_value("blobs").run()
    at.slider(key="w_classes").set_value(5).run()
    assert trainer(at).net.layer_sizes[-1] == 5
    seed_before = at.session_state["config"].data_seed
    X_before = trainer(at).X.copy()
    button(at, "Regenerate data").click().run()
    assert at.session_state["config"].data_seed == seed_before + 1
    assert not np.array_equal(trainer(at).X, X_before)
    at.selectbox(key="w_optimizer").set_value("momentum").run()
    at.slider(key="w_momentum").set_value(0.5).run()
    assert trainer(at).optimizer.momentum == 0.5
    at.selectbox(key="w_optimizer").set_value("adam").run()
    at.slider(key="w_beta1").set_value(0.8).run()
    at.select_slider(key="w_beta2").set_value(0.99).run()
    assert (trainer(at).optimizer.beta1, trainer(at).optimizer.beta2) == (0.8, 0.99)
    at.toggle(key="w_same_act").set_value(False).run()
    at.selectbox(key="w_act_1").set_value("leaky_relu").run()
    assert trainer(at).net.activation_names[:2] == ["tanh", "leaky_relu"]
    at.number_input(key="w_layers").set_value(0).run()
    assert trainer(at).net.layer_sizes == [2, 5] and not at.exception


def test_activations_are_spelled_as_in_the_sidebar(at):
    at.selectbox(key="w_act_all").set_value("leaky_relu").run()
    header, _ = live_packet(at)
    titles = [a["text"] for a in header["scene"]["network"]["figure"]["layout"]["annotations"]]
    assert "Hidden 1<br>leaky ReLU" in titles and not any("leaky_relu" in t for t in titles)
    assert header["scene"]["network"]["geometry"]["activations"][0] == "leaky ReLU"


def test_the_loss_metric_shows_the_penalty_when_there_is_one(at):
    at.selectbox(key="w_reg").set_value("l2").run()
    at.select_slider(key="w_reg_rate").set_value(0.01).run()
    button(at, "Step").click().run()
    rec = trainer(at).history[1]
    assert metric(at, "Train loss + L2 penalty") == f"{rec.train_loss:.4g} + {rec.penalty:.3g}"
    assert rec.penalty > 0


def test_drawing_can_be_switched_off_but_not_emptied(at):
    box = at.selectbox(key="w_draw")
    assert box.value == "off" and "off" in box.options
    box.set_value(1.0).run()
    assert at.session_state["view"].draw_label == 1.0
    at.selectbox(key="w_draw").set_value("off").run()
    assert at.session_state["view"].draw_label is None


def test_log_scale_loss_axis_has_one_tick_a_decade(at):
    at.toggle(key="w_log_scale").set_value(True).run()
    header, _ = live_packet(at)
    assert header["loss"]["figure"]["layout"]["yaxis"]["dtick"] == 1


def test_after_divergence_undo_goes_to_the_healthy_step_with_the_settings_on_screen(at):
    at.selectbox(key="w_dataset").set_value("plane").run()
    at.selectbox(key="w_act_all").set_value("relu").run()
    for _ in range(3):
        button(at, "Step").click().run()
    at.select_slider(key="w_lr").set_value(10.0).run()
    for _ in range(20):
        button(at, "Epoch").click().run()
        if trainer(at).diverged is not None:
            break
    d = trainer(at).diverged
    assert d is not None and f"restore step {d.restore}" in bar_error(at)
    at.select_slider(key="w_lr").set_value(0.03).run()  # lower it, as the message says
    button(at, "Undo").click().run()
    tr = trainer(at)
    assert tr.diverged is None and tr.step == d.restore and tr.optimizer.lr == 0.03
    assert at.select_slider(key="w_lr").value == 0.03
    for _ in range(3):
        button(at, "Epoch").click().run()
    assert trainer(at).diverged is None  # no loop back into the blow-up


def test_presenter_view_scales_every_pages_charts_and_text_by_one_and_a_half(at):
    from viz.projector import scaled

    at.switch_page("app_pages/gradients.py").run()
    button(at, "Step").click().run()
    normal = figures(at)
    at.session_state["view"].presenter = True
    at.run()
    big = figures(at)
    assert len(big) == len(normal) == 5
    for a, b in zip(normal, big, strict=True):
        assert b["layout"]["height"] == round(1.5 * a["layout"]["height"])
        assert b["layout"]["title"]["font"]["size"] == 1.5 * a["layout"]["title"]["font"]["size"]
        assert b["layout"]["font"]["size"] == 18
    nested = scaled({"data": [{"textfont": {"size": 10}, "marker": {"colorbar": {
        "tickfont": {"size": 8}}}}], "layout": {"annotations": [{"font": {"size": 14}}]}}, 1.5)
    assert nested["data"][0]["textfont"]["size"] == 15
    assert nested["data"][0]["marker"]["colorbar"]["tickfont"]["size"] == 12
    assert nested["layout"]["annotations"][0]["font"]["size"] == 21


def test_a_huge_typed_weight_is_refused_and_every_page_stays_usable(at):
    """Typing 1e308 broke 'Edit a weight' (its drag slider spanned ±inf) on three pages
    until Undo, and 1e200 made the next Step diverge and the session file empty. The box
    offers ±1000 (the one check of an edit holds links and files to it too); beyond it
    nothing changes, and at its edge the run saves and steps on."""
    button(at, "Step").click().run()
    before = trainer(at).net.weights[0].copy()
    box = _by_label(at.number_input, "Type a value")
    assert (box.proto.min, box.proto.max) == (-1000.0, 1000.0)
    box.set_value(1e308).run()
    assert not at.exception
    assert np.array_equal(trainer(at).net.weights[0], before) and trainer(at).events == []
    at.session_state["x_grad_edit"] = True  # Gradients: "Edit a weight by hand" open
    at.session_state["x_st_edit"] = True  # Step-through: "Edit this parameter by hand" open
    for page in ("app_pages/gradients.py", "app_pages/step_through.py"):
        at.switch_page(page).run()
        assert not at.exception and _by_label(at.number_input, "Type a value")
    at.switch_page("app_pages/playground.py").run()
    _by_label(at.number_input, "Type a value").set_value(1000.0).run()
    assert trainer(at).net.weights[0][0, 0] == 1000.0
    json.dumps(bc.trainer_to_dict(trainer(at)))  # what Save session file writes
    for _ in range(3):
        button(at, "Step").click().run()
    assert trainer(at).diverged is None and not at.exception


def flat(params) -> np.ndarray:
    """Weights then biases, layer by layer, each weight matrix row by row (the diagram's
    order of its parameters)."""
    return np.concatenate([W.ravel() for W in params.weights] + list(params.biases))


def test_the_charts_as_tables_list_every_parameter_point_and_step():
    """The live view's text alternative: its three charts' numbers, with the run."""
    at = started_app()
    assert "chart_tables" not in panels(at)  # drawn only while open
    open_panel(at, "x_chart_tables")
    tr = at.session_state["trainer"]
    params = panel_table(at, "chart_tables", 0)
    assert len(params) == tr.net.n_params and params.iloc[:, 2].isna().all()
    assert np.allclose(params["value"], flat(tr.net))
    press(at, "step")
    at.run()
    tr = at.session_state["trainer"]
    params = panel_table(at, "chart_tables", 0)
    assert np.allclose(params["value"], flat(tr.net))
    assert np.allclose(params.iloc[:, 2], flat(tr.grads))  # step 1's batch's gradients
    assert not params.iloc[:, 2].isna().any()  # the gradients of step 1's batch
    points = panel_table(at, "chart_tables", 1)
    assert len(points) == len(tr.X)
    assert np.allclose(points["output (P class 1)"], tr.net.predict(tr.X)[:, 0])
    steps = panel_table(at, "chart_tables", 2)
    assert list(steps["step"]) == [0, 1]
    assert np.isclose(steps["train loss"].iloc[-1], tr.history[1].train_loss)
