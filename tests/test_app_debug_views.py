"""AppTest for the debugging views: optimizer state and distributions over time on the
Gradients page, one sample's computation graph walked node by node on Step-through."""


import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from backprop_core.analyses.compgraph import build_graph, focus
from backprop_core.analyses.distributions import replay_distributions
from tests.app_helpers import click, on_page, panel, part_text, plots
from tests.app_helpers import figures as chart_figures
from tests.test_choices import send_label
from ui.compgraph_view import walk_label, walk_order
from ui.inspect import snapshot


def figures(at) -> list[dict]:
    return chart_figures(at)


def titled(at, text, exact=False) -> dict:
    """The one chart whose title contains (or is) ``text``."""
    titles = [(f, f["layout"].get("title", {}).get("text", "")) for f in figures(at)]
    (fig,) = [f for f, t in titles if (t == text if exact else text in t)]
    return fig


def z_of(at, text, exact=False) -> np.ndarray:
    return np.array(titled(at, text, exact)["data"][0]["z"], dtype=float)


def trainer(at):
    return at.session_state["trainer"]


def use_optimizer(at, name):
    at.selectbox(key="w_optimizer").set_value(name).run()
    assert not at.exception and trainer(at).optimizer.name == name


def test_sgd_says_it_keeps_no_state_and_adds_no_chart(at):
    click(at, "Step")
    on_page(at, "app_pages/gradients.py")
    assert any("Plain SGD keeps no optimizer state" in i.value for i in at.info)
    assert len(plots(at)) == 5  # W, ∂C/∂W, ΔW, two health charts


def test_momentum_velocity_is_the_state_and_the_next_update_is_what_update_applies(at):
    use_optimizer(at, "momentum")
    for _ in range(3):
        click(at, "Step")
    on_page(at, "app_pages/gradients.py")
    opt = trainer(at).optimizer
    np.testing.assert_array_equal(z_of(at, "velocity"), opt.state["velocity"]["weights"][0])
    assert any("the next batch's, not the one shown" in c.value for c in at.caption)
    predicted = z_of(at, "next update ΔW")
    click(at, "Step")
    np.testing.assert_array_equal(predicted, trainer(at).last_update.weights[0])
    # The next batch's gradient on the page: the next update applies exactly that one.
    at.radio(key="w_gradient_of").set_value("next").run()
    at.selectbox(key="w_grad_layer").set_value(1).run()
    opt, g = trainer(at).optimizer, z_of(at, "∂C/∂W", exact=True)
    velocity = z_of(at, "velocity")
    np.testing.assert_array_equal(velocity, opt.state["velocity"]["weights"][1])
    np.testing.assert_array_equal(z_of(at, "next update ΔW"),
                                  (-opt.lr) * (velocity * opt.momentum + g))


def test_adam_m_v_and_bias_corrected_step_beside_the_gradient(at):
    use_optimizer(at, "adam")
    click(at, "Step")
    click(at, "Step")
    on_page(at, "app_pages/gradients.py")
    assert len(plots(at)) == 5 + 4  # m, v, the step, the next update
    tr = trainer(at)
    opt = tr.optimizer
    m, v = opt.state["m"]["weights"][0], opt.state["v"]["weights"][0]
    np.testing.assert_array_equal(z_of(at, "m: first moment"), m)
    np.testing.assert_array_equal(z_of(at, "v: second moment"), v)
    # The bias-corrected step is the next update's (t = 3): m̂, v̂ once the next gradient
    # is folded in, at the rate that update uses; the click then applies minus it.
    step = z_of(at, "bias-corrected step")
    assert "t = 3" in titled(at, "bias-corrected step")["layout"]["title"]["text"]
    # Mid-step, after Backward: the next update applies the gradient on the page.
    click(at, "Forward")
    click(at, "Backward")
    predicted = z_of(at, "next update ΔW")
    np.testing.assert_array_equal(z_of(at, "bias-corrected step"), step)
    assert "t = 3" in titled(at, "next update ΔW")["layout"]["title"]["text"]
    click(at, "Update")
    applied = trainer(at).last_update.weights[0]
    np.testing.assert_array_equal(predicted, applied)
    np.testing.assert_array_equal(-step, applied)  # bit for bit
    opt = trainer(at).optimizer  # by hand from the state the update left, at t = 3
    m, v = opt.state["m"]["weights"][0], opt.state["v"]["weights"][0]
    m_hat, v_hat = m / (1.0 - opt.beta1**3), v / (1.0 - opt.beta2**3)
    np.testing.assert_allclose(step, opt.lr * m_hat / (np.sqrt(v_hat) + opt.eps), rtol=1e-12)


def test_adam_bias_corrected_step_uses_the_scheduled_rate(at):
    """Issue 17: exponential schedule, γ 0.5, 4 Steps: the heatmap used the rate set, 8×
    (then 16×) the update applied. It is the next update's step at the rate that update
    uses, so the click then applies minus it, bit for bit."""
    use_optimizer(at, "adam")
    at.selectbox(key="w_schedule").set_value("exponential").run()
    at.select_slider(key="w_sched_gamma").set_value(0.5).run()
    assert trainer(at).schedule.name == "exponential" and trainer(at).schedule.gamma == 0.5
    for _ in range(4):
        click(at, "Step")
    on_page(at, "app_pages/gradients.py")
    tr = trainer(at)
    assert tr.current_lr() == tr.optimizer.lr * 0.5**4
    title = titled(at, "bias-corrected step")["layout"]["title"]["text"]
    assert f"η = {tr.current_lr():.4g}" in title and "t = 5" in title
    assert any("η = 0.001875 (scheduled; set 0.03)" in c.value for c in at.caption)
    step = z_of(at, "bias-corrected step")
    predicted = z_of(at, "next update ΔW")
    click(at, "Step")
    applied = trainer(at).last_update.weights[0]
    np.testing.assert_array_equal(-step, applied)
    np.testing.assert_array_equal(predicted, applied)


def dist_chart(at) -> dict:
    return titled(at, "Distribution of the")


def test_distributions_over_time_are_the_replayed_percentiles(at):
    on_page(at, "app_pages/gradients.py")
    click(at, "Epoch")
    click(at, "Epoch")
    n_charts = len(plots(at))
    at.toggle(key="w_dist_on").set_value(True).run()
    assert not at.exception and len(plots(at)) == n_charts + 1
    tr = trainer(at)
    expect = replay_distributions(tr)
    assert expect.steps.tolist() == list(range(1, tr.step + 1))
    fig = dist_chart(at)
    assert "weights" in fig["layout"]["title"]["text"]
    n_layers = tr.net.n_layers
    assert len(fig["data"]) == 9 * n_layers
    for layer in range(n_layers):
        median = fig["data"][9 * layer + 8]
        assert median["x"] == expect.steps.tolist()
        assert median["y"] == expect.values["weights"][:, layer, 4].tolist()
    at.radio(key="w_dist_kind").set_value("activations").run()
    fig = dist_chart(at)
    assert fig["data"][0]["y"] == expect.values["activations"][:, 0, 0].tolist()  # minimum
    assert any(f"Steps 1–{tr.step}" in c.value and "every step" in c.value
               for c in at.caption)


def gradient_medians(at) -> list[float]:
    on_page(at, "app_pages/gradients.py")
    at.toggle(key="w_dist_on").set_value(True).run()
    at.radio(key="w_dist_kind").set_value("gradients").run()
    assert not at.exception
    return dist_chart(at)["data"][8]["y"]  # layer 1's median


def test_distributions_follow_a_changed_run_to_the_same_step(at):
    """Undo twice, another learning rate, two Steps: the same step and history length,
    another run from step 3 on; the cached distributions must not be the old run's."""
    for _ in range(4):
        click(at, "Step")
    before = gradient_medians(at)
    on_page(at, "app_pages/playground.py")
    click(at, "Undo")
    click(at, "Undo")
    at.select_slider(key="w_lr").set_value(1.0).run()
    click(at, "Step")
    click(at, "Step")
    tr = trainer(at)
    assert tr.step == 4 and len(tr.history) == 5
    after = gradient_medians(at)
    assert after == replay_distributions(tr).values["gradients"][:, 0, 4].tolist()
    assert after[:3] == before[:3] and after[3] != before[3]


def test_distributions_need_a_finished_step(at):
    on_page(at, "app_pages/gradients.py")
    at.toggle(key="w_dist_on").set_value(True).run()
    assert any("once a step has finished" in i.value for i in at.info)


def graph_chart(at) -> dict:
    return titled(at, "Computation graph of one sample")


def node_texts(at, kind: str) -> list[str]:
    """The texts of the walk's node panel ("cg_node") of one kind: "md", "caption",
    "latex"."""
    return [part_text(p) for p in panel(at, "cg_node") if p["t"] == kind]


def metric(at, label) -> str:
    """The value the walk's node panel shows under ``label`` ("value", "gradient")."""
    (value,) = [m["value"] for p in panel(at, "cg_node") if p["t"] == "metrics"
                for m in p["items"] if m["label"] == label]
    return value


def walk(at):
    return at.selectbox(key="w_cg_pos")


def test_computation_graph_walks_forward_then_backward_with_the_engines_numbers(at):
    click(at, "Step")
    on_page(at, "app_pages/step_through.py")
    tr = trainer(at)
    snap = snapshot(tr, "last")
    graph = build_graph(snap.at.net, snap.cache, snap.grads, snap.Y, tr.loss, tr.reduction, 0)
    order = walk_order(graph)
    labels = [walk_label(graph, step, 3) for step in order]
    assert walk(at).options == labels and len(set(labels)) == len(labels)
    assert walk(at).value == "forward: input x0"
    assert metric(at, "value") == f"{snap.X[0, 0]:.4g}"
    assert any("this sample's input" in x for x in node_texts(at, "latex"))
    assert next(b for b in at.button if b.label == "Previous node").disabled
    click(at, "Next node")
    assert walk(at).value == labels[1] == "forward: input x1"
    fig = graph_chart(at)
    ring = next(t for t in fig["data"] if t["name"] == "selected")
    assert ring["customdata"] == [order[1][0]]
    # A hidden z on the way back: its gradient is the engine's δ for this sample.
    z = graph.find("z", 0, (2,))
    walk(at).set_value(walk_label(graph, (z.id, "backward"), 3)).run()
    assert metric(at, "gradient") == f"{snap.grads.deltas[0][0, 2]:.4g}"
    assert metric(at, "value") == f"{snap.cache.z[0][0, 2]:.4g}"
    assert any("f'" in x for x in node_texts(at, "latex"))
    assert "gradient" in graph_chart(at)["layout"]["title"]["text"]
    walk(at).set_value(labels[-2]).run()
    click(at, "Next node")
    assert next(b for b in at.button if b.label == "Next node").disabled
    assert order[-1] == (0, "backward")  # the walk ends at the first input's gradient
    assert any("share of the batch cost" in c for c in node_texts(at, "caption"))


def test_computation_graph_of_another_sample_and_the_selected_weight(at):
    click(at, "Step")
    click(at, "Forward")
    click(at, "Backward")  # mid-step: the gradient Backward computed
    on_page(at, "app_pages/step_through.py")
    at.selectbox(key="w_st_layer").set_value(1).run()
    at.selectbox(key="w_st_from").set_value(3).run()
    at.selectbox(key="w_st_to").set_value(2).run()
    at.selectbox(key="w_cg_sample").set_value(4).run()
    assert walk(at).value == "forward: input x0"
    tr = trainer(at)
    assert metric(at, "value") == f"{tr.X[tr.batch_idx[4], 0]:.4g}"
    assert any(f"sample #{tr.batch_idx[4]}, row 5 of" in m for m in node_texts(at, "md"))
    click(at, "The selected weight")
    a_k, delta_j = tr.cache.a[1][4, 3], tr.grads.deltas[1][4, 2]
    assert metric(at, "gradient") == f"{a_k * delta_j:.4g}"
    assert metric(at, "value") == f"{tr.net.weights[1][3, 2]:.4g}"
    graph = build_graph(tr.net, tr.cache, tr.grads, tr.Y[tr.batch_idx], tr.loss,
                        tr.reduction, 4)
    weight = graph.find("weight", 1, (3, 2))
    assert walk(at).value == walk_label(graph, (weight.id, "backward"), 3)


def test_the_walk_keeps_its_sample_row_and_node_across_steps(at):
    """A Step brings another batch: the row of the batch and the node stay chosen (their
    labels do not depend on the batch), the numbers are the new batch's."""
    on_page(at, "app_pages/step_through.py")
    at.selectbox(key="w_cg_sample").set_value(3).run()
    walk(at).set_value("backward: layer 1 z 2").run()
    for _ in range(3):
        click(at, "Step")
        tr = trainer(at)
        assert at.selectbox(key="w_cg_sample").value == 3
        assert walk(at).value == "backward: layer 1 z 2"
        assert metric(at, "gradient") == f"{tr.grads.deltas[0][3, 2]:.4g}"


@pytest.mark.parametrize("key, sent, first, drawn, option", [
    ("w_cg_sample", "#68 (row 1 of 10)", 0, "row 4", 3),
    ("w_cg_pos", "7/84 forward: layer 1 z 0", "forward: input x0", "backward: output a 0",
     "backward: output a 0"),
])
def test_a_label_the_browser_sends_from_an_earlier_run_never_breaks_the_walk(
        at, key, sent, first, drawn, option):
    """The browser sends back the label it last drew; the sample box's labels used to
    carry the batch's sample numbers, so from the third Step the page raised TypeError
    ('<=' between int and str), and the node box's the same on any label it did not draw.
    A label this run does not draw reads as the first row / node; one it draws, as its
    option."""
    on_page(at, "app_pages/step_through.py")
    send_label(at.selectbox(key=key), sent)
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key=key).value == first
    send_label(at.selectbox(key=key), drawn)
    at.run()
    assert not at.exception
    assert at.selectbox(key=key).value == option


def test_a_big_network_opens_on_the_selected_weights_neuron(tmp_path):
    """6 hidden layers of 8: its graph of 838 nodes opens on the neuron of the selected
    weight (its inputs, terms, z, a and where a goes); its layer and the whole graph are
    one choice away, and the walk goes through the nodes shown."""
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params.update({"v": "1", "h": "8,8,8,8,8,8", "ds": "spiral"})
    at.run()
    assert not at.exception
    click(at, "Step")
    on_page(at, "app_pages/step_through.py")
    at.selectbox(key="w_st_layer").set_value(3).run()
    at.selectbox(key="w_st_from").set_value(5).run()
    at.selectbox(key="w_st_to").set_value(6).run()
    tr = trainer(at)
    snap = snapshot(tr, "last")
    graph = build_graph(snap.at.net, snap.cache, snap.grads, snap.Y, tr.loss, tr.reduction, 0)
    assert len(graph.nodes) == 838
    focus_box = at.radio(key="w_cg_focus_big")
    assert focus_box.value == "neuron"
    for kind, n_shown in (("neuron", 51), ("layer", 160), ("all", 838)):
        focus_box = at.radio(key="w_cg_focus_big")
        focus_box.set_value(kind).run()
        keep = focus(graph, kind, 3, 6)
        assert keep.sum() == n_shown
        fig = graph_chart(at)
        drawn = [i for t in fig["data"] if t["name"] in ("not reached yet", "value")
                 for i in t["customdata"]]
        assert sorted(drawn) == np.flatnonzero(keep).tolist()
        assert walk(at).options == [walk_label(graph, step, 7)
                                    for step in walk_order(graph, keep)]
        assert (f"({n_shown} of its 838 nodes)" in fig["layout"]["title"]["text"]) == (
            kind != "all")
    at.radio(key="w_cg_focus_big").set_value("neuron").run()
    click(at, "The selected weight")
    weight = walk_label(graph, (graph.find("weight", 3, (5, 6)).id, "backward"), 7)
    assert walk(at).value == weight
    assert metric(at, "gradient") == f"{snap.cache.a[3][0, 5] * snap.grads.deltas[3][0, 6]:.4g}"
    at.radio(key="w_cg_focus_big").set_value("layer").run()
    assert walk(at).value == weight  # still in the walk: kept


@pytest.mark.parametrize("gradient_of", ["last", "next"])
def test_computation_graph_follows_the_gradient_choice(at, gradient_of):
    click(at, "Step")
    click(at, "Step")
    on_page(at, "app_pages/step_through.py")
    at.radio(key="w_gradient_of").set_value(gradient_of).run()
    snap = snapshot(trainer(at), gradient_of)
    assert metric(at, "value") == f"{snap.X[0, 0]:.4g}"
    value = titled(at, "Computation graph")["data"][3]
    assert value["marker"]["color"] == [snap.X[0, 0]]  # only the first input is reached


def test_a_crash_is_still_seen_by_apptest_though_users_get_a_plain_sentence():
    """.streamlit/config.toml hides a crash's details from users (showErrorDetails "none",
    read from the working directory, the repo's root under pytest): at.exception still
    holds the crash, with Streamlit's plain sentence in place of the message."""
    import tomllib
    from pathlib import Path

    from streamlit import config

    client = tomllib.loads((Path(__file__).parents[1] / ".streamlit/config.toml")
                           .read_text())["client"]
    assert client["showErrorDetails"] == "none" and client["showErrorLinks"] == "false"
    assert config.get_option("client.showErrorDetails") == "none"
    at = AppTest.from_string("import streamlit as st\nst.write('up')\n1 / 0\n").run()
    assert len(at.exception) == 1
    assert at.exception[0].message.startswith("This app has encountered an error.")
    assert not at.exception[0].stack_trace and "ZeroDivision" not in str(at.exception[0].proto)
