"""AppTest for the Gradients, Step-through and Lesson pages (state shared with the
Playground: what you step there is what you inspect here)."""

import re

import numpy as np
import pytest

from backprop_core.analyses.explain import breakdown, param_name
from tests.app_helpers import (
    bar_error,
    button,
    click,
    diverge,
    figures,
    metric,
    on_page,
    panel,
    panel_table,
    panels,
    part_text,
    plots,
)
from ui.inspect import snapshot


def test_gradients_page_shows_matrices_table_and_health(at):
    click(at, "Epoch")
    click(at, "Forward")
    click(at, "Backward")
    on_page(at, "app_pages/gradients.py")
    assert metric(at, "Step") == str(at.session_state["trainer"].step)
    assert len(plots(at)) == 5  # W, ∂C/∂W, ΔW heatmaps + two health charts
    table = panel_table(at, "g_params")
    assert len(table) == at.session_state["trainer"].net.n_params
    grads = at.session_state["trainer"].grads
    first = table[(table.layer == 1) & (table["from"] != "bias")].iloc[0]
    assert first.gradient == grads.weights[0][int(first["from"]), int(first.to)]
    # Named as everywhere else (explain.param_name): "w₀,₀ of layer 1", "b₃ of layer 2".
    assert first.param == param_name(0, int(first["from"]), int(first.to))
    bias = table[(table.layer == 2) & (table["from"] == "bias")].iloc[3]
    assert bias.param == "b₃ of layer 2"


def test_gradient_check_passes_for_backprop_and_flags_a_wrong_gradient(at):
    click(at, "Forward")
    on_page(at, "app_pages/gradients.py")
    click(at, "Run gradient check")
    assert at.success and "relative error < 1e-7" in at.success[-1].value
    errors = at.dataframe[-1].value["relative error"]
    assert errors.max() < 1e-7
    at.selectbox(key="gc_variant").set_value("off_by_one_percent").run()
    click(at, "Run gradient check")
    assert at.error and "disagree" in at.error[0].value
    worst_name = re.search(r"\*\*(.+?)\*\*", at.error[0].value).group(1)
    assert worst_name.endswith(f"of layer {at.session_state['trainer'].net.n_layers}")
    assert worst_name.startswith(("w", "b"))  # w₃,₀ of layer 3: explain.param_name


@pytest.mark.parametrize("layer, k, j", [(0, 1, 2), (1, 3, 0), (2, None, 0), (2, 2, 0)])
def test_step_through_breakdown_equals_the_engine(at, layer, k, j):
    click(at, "Step")
    click(at, "Forward")
    click(at, "Backward")
    on_page(at, "app_pages/step_through.py")
    at.selectbox(key="w_st_layer").set_value(layer).run()
    at.selectbox(key="w_st_from").set_value("bias" if k is None else k).run()
    at.selectbox(key="w_st_to").set_value(j).run()
    assert not at.exception
    chain = panel(at, "st_chain")  # the breakdown in LaTeX, then its captions
    diff = next(p["text"] for p in chain if p["t"] == "caption" and "minus the engine" in
                p["text"])
    assert abs(float(diff.rsplit(":", 1)[1])) < 1e-12
    tr = at.session_state["trainer"]
    snap = snapshot(tr)
    b = breakdown(tr.net, snap.cache, snap.grads, snap.Y, tr.loss, tr.reduction, layer, j, k)
    engine = snap.grads.weights[layer][k, j] if k is not None else snap.grads.biases[layer][j]
    assert abs(b.total - engine) < 1e-12
    assert chain[0]["t"] == "latex" and "engine" in chain[0]["tex"]
    contributions = panel_table(at, "st_contributions")["contribution"].to_numpy()
    assert np.sum(contributions) == pytest.approx(b.total - b.penalty, abs=1e-12)
    assert np.all(np.diff(np.abs(contributions)) <= 0)  # largest first


def test_playground_step_number_is_what_step_through_shows(at):
    for _ in range(3):
        click(at, "Step")
    on_page(at, "app_pages/step_through.py")
    assert metric(at, "Step") == "3"


def test_single_sample_walk_reaches_the_input_layer(at):
    on_page(at, "app_pages/step_through.py")
    n_layers = at.session_state["trainer"].net.n_layers
    for _ in range(2 * n_layers):
        click(at, "Next layer")
    assert any(p["t"] == "alert" and p["kind"] == "success" and "reached layer 1" in p["text"]
               for p in panel(at, "walk_table"))
    walk_table = panel_table(at, "walk_table")
    assert walk_table["δ = ∂C_s/∂z"].notna().all()


def test_lesson_page_steps_and_demonstrates_both_mistakes(at):
    on_page(at, "app_pages/lesson.py")
    assert len(_lesson_latex(at)) >= 6
    click(at, "100 steps")
    assert at.session_state["lesson"]["trainer"].step == 100
    # The derivation's sum is the engine's gradient.
    text = next(x for x in _lesson_latex(at) if "engine" in x)
    assert "engine" in text
    at.selectbox(key="lesson_gc_variant").set_value("double_sigmoid").run()
    click(at, "Run gradient check")
    assert at.error and "disagree" in at.error[0].value
    at.selectbox(key="lesson_gc_variant").set_value("engine").run()
    click(at, "Run gradient check")
    assert at.success and "relative error < 1e-7" in at.success[-1].value
    click(at, "Train both for 1000 epochs")
    assert any("instead of 11" in m.value for m in at.markdown)


def test_pages_handle_a_diverged_run(at):
    diverge(at)
    assert at.session_state["trainer"].diverged is not None
    for page in ("app_pages/gradients.py", "app_pages/step_through.py"):
        on_page(at, page)
        assert "diverged" in bar_error(at)


def _table_gradients(at) -> np.ndarray:
    table = panel_table(at, "g_params")  # the Gradients page's every-parameter table
    return table["gradient"].to_numpy()


def _gradients_caption(at) -> str:
    """What the Gradients page says it shows (a caption above its matrices)."""
    (part,) = panel(at, "g_caption")
    assert part["t"] == "caption", part
    return part["text"]


def _flat(grads) -> np.ndarray:
    """Gradients in the Gradients table's order: per layer, W row-major then b."""
    parts = []
    for w, b in zip(grads.weights, grads.biases, strict=True):
        parts += [w.ravel(), b.ravel()]
    return np.concatenate(parts)


def _live_order(grads) -> np.ndarray:
    """Gradients in the live view's order: every layer's W row-major, then every b."""
    return np.concatenate([w.ravel() for w in grads.weights] +
                          [b.ravel() for b in grads.biases])


def test_every_page_offers_the_same_last_step_or_next_batch_choice(at):
    from tests.app_helpers import live_packet
    from ui.live_packet import next_batch_gradient

    for _ in range(3):
        click(at, "Step")
    tr = at.session_state["trainer"]
    last = _flat(tr.before_last_update().grads)
    nxt = _flat(next_batch_gradient(tr))
    assert not np.array_equal(last, nxt)

    on_page(at, "app_pages/gradients.py")
    assert at.radio(key="w_gradient_of").value == "last"
    assert "last step's gradient: step 3's mini-batch" in _gradients_caption(at)
    np.testing.assert_array_equal(_table_gradients(at), last)
    click(at, "Run gradient check")  # at the weights that gradient was taken at
    assert at.success and at.dataframe[-1].value["relative error"].max() < 1e-7

    at.radio(key="w_gradient_of").set_value("next").run()
    caption = _gradients_caption(at)
    assert "preview" in caption and "step 4's mini-batch" in caption
    np.testing.assert_array_equal(_table_gradients(at), nxt)

    on_page(at, "app_pages/step_through.py")  # the choice follows the user to the next page
    assert at.radio(key="w_gradient_of").value == "next"
    (shows,) = panel(at, "st_caption")  # "Showing …": what the page's numbers are of
    assert shows["t"] == "caption" and "step 4's mini-batch" in shows["text"]

    on_page(at, "app_pages/playground.py")  # ...and the diagram's hovers show the same gradient
    assert at.radio(key="w_gradient_of").value == "next"
    header, arrays = live_packet(at)
    frame = header["frames"][0]
    assert frame["grad_of"] == "next"
    tr = at.session_state["trainer"]
    np.testing.assert_array_equal(arrays["params"][0, 1], _live_order(next_batch_gradient(tr)))
    at.radio(key="w_gradient_of").set_value("last").run()
    header, arrays = live_packet(at)
    assert "grad_of" not in header["frames"][0]
    np.testing.assert_array_equal(arrays["params"][0, 1], _live_order(tr.grads))


def test_mid_step_every_page_shows_the_current_steps_gradient(at):
    click(at, "Step")
    click(at, "Forward")
    click(at, "Backward")
    on_page(at, "app_pages/gradients.py")
    assert at.radio(key="w_gradient_of").disabled
    assert "Backward computed for step 2's mini-batch" in _gradients_caption(at)
    np.testing.assert_array_equal(_table_gradients(at), _flat(at.session_state["trainer"].grads))


def test_lesson_update_by_hand_is_judged_by_the_engines_step(at):
    """Typing w - η·∂C/∂w for one weight gives exactly what Step computes for it."""
    on_page(at, "app_pages/lesson.py")
    at.selectbox(key="w_lesson_k").set_value(3).run()
    tr = at.session_state["lesson"]["trainer"]
    fork = tr.fork()
    fork.finish_step()
    target = fork.net.weights[1][3, 0]
    (box,) = [n for n in at.number_input if n.label == "New w₃,₀ of layer 2"]
    box.set_value(float(target)).run()
    next(b for b in at.button if b.label == "Set it").click().run()
    assert not at.exception
    assert at.session_state["lesson"]["trainer"].net.weights[1][3, 0] == target
    assert any("exactly what Step computes" in m.value for m in at.markdown)


def test_edit_a_weight_from_the_gradients_and_step_through_pages(at):
    """The same panel on both inspection pages edits the selected parameter; the page's
    numbers follow at once (the trainer is the same)."""
    for _ in range(2):
        button(at, "Step").click().run()
    on_page(at, "app_pages/gradients.py")
    at.session_state["selected_param"] = (0, 1, 2)
    assert not [n for n in at.number_input if n.label == "Type a value"]  # closed: not run
    at.session_state["x_grad_edit"] = True  # open "Edit a weight by hand"
    at.run()
    (box,) = [n for n in at.number_input if n.label == "Type a value"]
    box.set_value(-0.75).run()
    assert not at.exception
    assert at.session_state["trainer"].net.weights[0][1, 2] == -0.75
    on_page(at, "app_pages/step_through.py")  # its pickers choose the parameter there
    assert not [n for n in at.number_input if n.label == "Type a value"]  # closed: not run
    at.session_state["x_st_edit"] = True  # open "Edit this parameter by hand"
    at.selectbox(key="w_st_layer").set_value(1).run()
    at.selectbox(key="w_st_from").set_value("bias").run()
    at.selectbox(key="w_st_to").set_value(3).run()
    (box,) = [n for n in at.number_input if n.label == "Type a value"]
    assert box.value == at.session_state["trainer"].net.biases[1][3]
    box.set_value(0.5).run()
    assert at.session_state["trainer"].net.biases[1][3] == 0.5
    assert len(at.session_state["trainer"].events) == 2


def test_lesson_shows_the_cost_over_w_kj_and_b_j_with_the_next_step(at):

    on_page(at, "app_pages/lesson.py")
    button(at, "100 steps").click().run()
    tr = at.session_state["lesson"]["trainer"]
    k = at.selectbox(key="w_lesson_k").value
    figs = figures(at)
    (fig,) = [f for f in figs if f["layout"]["title"]["text"].startswith("Cost C over")]
    sub = "₀₁₂₃₄₅₆₇₈₉"[k]  # the network is 5-10-1: k < 10
    assert fig["layout"]["title"]["text"] == f"Cost C over w{sub},₀ of layer 2 and b₀ of layer 2"
    kinds = {t["type"] for t in fig["data"]}
    assert "contour" in kinds
    nxt = next(t for t in fig["data"] if t.get("name", "").startswith("the next step"))
    fork = tr.fork()
    fork.finish_step()
    assert nxt["x"][0] == tr.net.weights[1][k, 0] and nxt["y"][0] == tr.net.biases[1][0]
    assert nxt["x"][-1] == fork.net.weights[1][k, 0] and nxt["y"][-1] == fork.net.biases[1][0]


def _chart(at, title_start: str) -> dict:
    figs = figures(at)
    (fig,) = [f for f in figs if f["layout"].get("title", {}).get("text", "")
              .startswith(title_start)]
    return fig


def test_gradient_norm_charts_show_the_norm_their_title_names(at):
    """Issue 17: at the defaults after 20 Steps, layer 3's ‖∂C/∂W‖ is 0.1309; the chart so
    titled showed 0.2531, the norm of weights and biases together. Both are offered, each
    under its own title; the flags speak of the weights alone."""
    for _ in range(20):
        click(at, "Step")
    on_page(at, "app_pages/gradients.py")
    tr = at.session_state["trainer"]
    g, up = tr.grads, tr.last_update  # step 20's gradient and the update it gave
    fig = _chart(at, "Gradient norm per layer")
    assert fig["layout"]["title"]["text"] == "Gradient norm per layer ‖∂C/∂W‖"
    last = [trace["y"][-1] for trace in fig["data"]]
    assert f"{last[2]:.4g}" == "0.1309"
    np.testing.assert_allclose(last, [np.linalg.norm(W) for W in g.weights], rtol=1e-14)
    ratio = _chart(at, "Update / weight ratio")
    assert ratio["layout"]["title"]["text"] == "Update / weight ratio ‖ΔW‖ / ‖W‖"
    np.testing.assert_allclose([t["y"][-1] for t in ratio["data"]],
                               [np.linalg.norm(d) / np.linalg.norm(W)
                                for d, W in zip(up.weights, tr.net.weights, strict=True)],
                               rtol=1e-14)

    at.radio(key="w_norms_of").set_value("params").run()
    fig = _chart(at, "Gradient norm per layer")
    assert fig["layout"]["title"]["text"] == "Gradient norm per layer ‖(∂C/∂W, ∂C/∂b)‖"
    both = [np.sqrt(np.sum(W * W) + np.sum(b * b)) for W, b in zip(g.weights, g.biases,
                                                                   strict=True)]
    np.testing.assert_allclose([t["y"][-1] for t in fig["data"]], both, rtol=1e-14)
    assert f"{fig['data'][2]['y'][-1]:.4g}" == "0.2531"
    ratio = _chart(at, "Update / weight ratio")
    assert ratio["layout"]["title"]["text"] == "Update / weight ratio ‖(ΔW, Δb)‖ / ‖(W, b)‖"


@pytest.mark.parametrize("rels, box, words, absent", [
    # Issue 17: the worst only suspect showed a red "0 gradient(s) disagree".
    ([0.0, 3e-6, 1e-9], "warning", "No gradient is wrong, but 1 of 3 are suspect", "disagree"),
    ([0.0, 3e-6, 2e-2], "error", "1 gradient(s) disagree with finite differences; 1 more "
                                 "suspect", "All"),
    ([0.0, 1e-9], "success", "All 2 compared gradients agree", "disagree"),
])
def test_gradient_check_box_follows_the_verdict(at, monkeypatch, rels, box, words, absent):
    import backprop_core as bc
    import ui.gradcheck_view as gv

    checks = [bc.ParamCheck(0, "W", (0, k), 1.0 + r, 1.0) for k, r in enumerate(rels)]
    monkeypatch.setattr(gv, "run_check", lambda snap, variant: checks)
    click(at, "Step")
    on_page(at, "app_pages/gradients.py")
    click(at, "Run gradient check")
    boxes = {kind: [e.value for e in getattr(at, kind)]
             for kind in ("success", "warning", "error", "info")}
    (text,) = [t for t in boxes[box] if "finite differences" in t or "suspect" in t]
    assert words in text and absent not in text
    others = [t for kind, texts in boxes.items() if kind != box for t in texts
              if "gradient(s)" in t or "compared gradients" in t or "suspect" in t]
    assert others == []
    statuses = at.dataframe[-1].value["status"].tolist()
    assert sorted(statuses) == sorted(gv.STATUS_TEXT.get(c.status, c.status) for c in checks)


def _lesson_latex(at) -> list[str]:
    """The Lesson's LaTeX, in page order: its panels' LaTeX parts (the derivation's, the
    matrix form's)."""
    return [part_text(p) for parts in panels(at).values() for p in parts if p["t"] == "latex"]


def _shown(text: str) -> float:
    """A number as the Lesson's LaTeX writes it: (−x) for negatives, a\\times 10^{e}."""
    text = re.sub(r"[(){}\s]", "", text.replace("−", "-")).replace(r"\times10^", "e")
    return float(text)


def _type_by_hand(at, k: int, value: float) -> str:
    (box,) = [n for n in at.number_input if n.label == f"New {param_name(1, k, 0)}"]
    assert box.value is None  # the box starts empty (and is a fresh one after "Set it")
    box.set_value(value).run()
    next(b for b in at.button if b.label == "Set it").click().run()
    assert not at.exception
    (said,) = [m.value for m in at.markdown if m.value.startswith(f"You set {param_name(1, k, 0)}")]
    return said


def test_lesson_by_hand_accepts_what_the_shown_digits_give_and_says_how_close(at):
    """Issue 17: the page shows 4 significant digits ("= 0.5054 − 0.1·(−0.1765) = 0.523")
    but accepted only answers within 1e-6: typing what it shows failed. An answer worked
    out from the numbers shown is right; the verdict gives the value, the exact one and
    the difference."""
    on_page(at, "app_pages/lesson.py")
    k = 3
    at.selectbox(key="w_lesson_k").set_value(k).run()
    tr = at.session_state["lesson"]["trainer"]
    fork = tr.fork()
    fork.finish_step()
    exact = fork.net.weights[1][k, 0]  # what Step computes
    (rule,) = [x.strip("$\n ") for x in _lesson_latex(at) if r"\leftarrow" in x]
    w_text, rest = rule.split(" = ", 1)[1].split(" - ", 1)
    eta_text, rest = rest.split(r"\cdot", 1)
    g_text, result_text = rest.split(" = ")
    w, eta, g, result = map(_shown, (w_text, eta_text, g_text, result_text))
    assert result != exact  # the shown result is rounded: the old check refused it

    for typed in (result, w - eta * g):  # the result shown, and the sum worked by hand
        said = _type_by_hand(at, k, typed)
        assert "right to the digits shown" in said, said
        assert f"Step computes {exact:.10g}" in said and f"{typed - exact:+.3g}" in said
        assert at.session_state["lesson"]["trainer"].net.weights[1][k, 0] == typed
        at.session_state["lesson"]["trainer"].undo()  # the lesson has no Undo button
        at.run()

    said = _type_by_hand(at, k, result + 0.01)  # 100 units of the 4th digit off
    assert "not the gradient step" in said and f"Step computes {exact:.10g}" in said
    at.session_state["lesson"]["trainer"].undo()
    at.run()
    assert "exactly what Step computes" in _type_by_hand(at, k, float(exact))


def test_the_lessons_results_are_numbers_not_parenthesised(at):
    """A result after '=' is written as a number ('= -0.1765'), never '= (-0.1765)';
    parentheses only after an operator ('- 0.1·(-0.1765)')."""
    import re

    on_page(at, "app_pages/lesson.py")
    texts = _lesson_latex(at)
    assert any(re.search(r"\\cdot\(\{-", t) for t in texts)  # negative factor: in (…)
    assert any(re.search(r"= \{-", t) for t in texts)  # a negative result: a number
    assert not any(re.search(r"=\s*\(\{?-", t) for t in texts), texts
    said = [m.value for m in at.markdown] + [p["text"] for parts in panels(at).values()
                                            for p in parts if p["t"] in ("md", "caption")]
    assert any("set it to " in m for m in said)  # "Step would set it to": in a panel
    assert not any("set it to (" in m for m in said)
