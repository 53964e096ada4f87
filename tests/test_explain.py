"""The chain-rule breakdown, gradient health flags and the article's mistakes."""

import numpy as np
import pytest

import backprop_core as bc
from backprop_core.analyses.explain import backprop_terms, breakdown, dC_dy, single_sample_walk
from backprop_core.analyses.mistakes import ArticleNet, gradients_with_double_sigmoid
from backprop_core.training.health import gradient_flags, unit_flags, update_ratios

CASES = [
    (["tanh", "relu", "sigmoid"], "bce", 1),
    (["sigmoid", "tanh", "sigmoid"], "mse", 1),
    (["leaky_relu", "tanh", "softmax"], "cross_entropy", 3),
    (["tanh", "sigmoid", "softmax"], "mse", 3),
    (["relu", "linear", "linear"], "mse", 2),
]


@pytest.mark.parametrize("acts, loss, n_out", CASES)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_breakdown_adds_up_to_the_engine_gradient_for_every_parameter(acts, loss, n_out,
                                                                      reduction):
    rng = np.random.default_rng(0)
    net = bc.Network([3, 5, 4, n_out], acts, seed=1, init="normal")
    X = rng.normal(size=(7, 3))
    Y = (np.eye(n_out)[rng.integers(0, n_out, 7)] if loss != "mse" or n_out > 1
         else rng.normal(size=(7, 1)))
    if loss == "bce":
        Y = rng.integers(0, 2, size=(7, 1)).astype(float)
    cache = net.forward(X)
    grads = net.backward(cache, Y, loss, reduction, "l2", 0.01)
    for layer in range(net.n_layers):
        for j in range(net.layer_sizes[layer + 1]):
            b = breakdown(net, cache, grads, Y, loss, reduction, layer, j, None, "l2", 0.01)
            assert b.total == pytest.approx(grads.biases[layer][j], abs=1e-12)
            for k in range(net.layer_sizes[layer]):
                b = breakdown(net, cache, grads, Y, loss, reduction, layer, j, k, "l2", 0.01)
                assert b.total == pytest.approx(grads.weights[layer][k, j], abs=1e-12)
                if b.f_prime is not None:  # the factors multiply to δ exactly
                    np.testing.assert_array_equal(b.f_prime * b.dC_dy, b.delta)


def test_fused_output_says_so_and_hidden_terms_sum_to_dC_dy():
    rng = np.random.default_rng(1)
    net = bc.Network([2, 4, 3, 1], ["tanh", "tanh", "sigmoid"], seed=0)
    X, Y = rng.normal(size=(5, 2)), rng.integers(0, 2, size=(5, 1)).astype(float)
    cache = net.forward(X)
    grads = net.backward(cache, Y, "bce", "mean")
    out = breakdown(net, cache, grads, Y, "bce", "mean", 2, 0, 1)
    assert out.fused and out.f_prime is None
    full = dC_dy(net, cache, grads, Y, "bce", "mean", 1)
    for sample in range(5):
        for j in range(3):
            _, _, terms = backprop_terms(net, grads, 1, j, sample)
            assert terms.sum() == pytest.approx(full[sample, j], abs=1e-15)


def test_single_sample_walk_is_a_batch_of_one():
    net = bc.Network([2, 3, 2], ["relu", "softmax"], seed=4)
    x, t = np.array([0.3, -1.2]), np.array([0.0, 1.0])
    walk = single_sample_walk(net, x, t, "cross_entropy")
    cache = net.forward(x[None])
    grads = net.backward(cache, t[None], "cross_entropy", "sum")
    for i in range(net.n_layers):
        np.testing.assert_array_equal(walk.z[i], cache.z[i][0])
        np.testing.assert_array_equal(walk.delta[i], grads.deltas[i][0])
    assert walk.cost == pytest.approx(bc.loss_value(cache.output, t[None], "cross_entropy",
                                                    "sum"))


def test_health_flags():
    assert [f.kind for f in gradient_flags((1.0, 1e-5, 2.0))] == ["vanishing"]
    assert [f.kind for f in gradient_flags((5e3, 100.0))] == ["exploding"]
    assert gradient_flags(None) == []
    net = bc.Network([2, 3, 3, 1], ["relu", "tanh", "sigmoid"], seed=0)
    net.biases[0][1] = -100.0  # neuron 1 of layer 1 never fires
    net.weights[1][:, 2] = 0.0
    net.biases[1][2] = 50.0  # neuron 2 of layer 2 is stuck at tanh ≈ 1
    flags = unit_flags(net, net.forward(np.random.default_rng(0).normal(size=(20, 2))))
    found = {(f.kind, f.layer, f.unit) for f in flags}
    assert found == {("dead_relu", 0, 1), ("saturated", 1, 2)}


def test_update_ratios_follow_history():
    _, tr = bc.build(bc.RunConfig())
    tr.run_steps(3)
    ratios = update_ratios(tr.history)
    assert ratios[0] is None
    rec = tr.history[2]
    assert ratios[2][0] == pytest.approx(rec.update_norms[0] / rec.weight_norms[0])


def test_double_sigmoid_bug_changes_gradients_and_article_net_keeps_per_sample_biases():
    p = bc.get_preset("article")
    net = bc.Network(p.layer_sizes, p.activations, seed=0)
    cache = net.forward(p.X)
    right = net.backward(cache, p.Y, "mse", "sum")
    wrong = gradients_with_double_sigmoid(net, cache, p.Y)
    assert not np.allclose(right.weights[1], wrong.weights[1], rtol=0.05)
    art = ArticleNet.like(net, derivative_bug=False)
    first = art.train_step(p.X, p.Y, 0.1)
    assert first.sum() == pytest.approx(right.biases[1][0], abs=1e-14)
    assert art.bho.shape == (1, 10) and art.bih.shape == (10, 10)


def test_walk_boxes_the_layer_it_just_computed():
    from ui.texts import walk_phase
    L = 3
    assert walk_phase(0, L)[1] == 0
    assert [walk_phase(p, L)[1] for p in range(1, 2 * L + 1)] == [1, 2, 3, 3, 2, 1]
    assert "δ of layer 3" in walk_phase(4, L)[0]  # the output layer comes first back
    assert "reached layer 1" in walk_phase(6, L)[0]


def test_a_parameter_is_spelled_one_way_everywhere():
    """One spelling, from ``param_name``: the diagram's hover, the live view's tooltips,
    the gradient check, the loss surface's parameter list, the computation graph and the
    chain rule's formula (before: W[3,0], W[0→0], w0→0, "weight 3→0", w_kj)."""
    from backprop_core.analyses import surface as sf
    from backprop_core.analyses.compgraph import build_graph
    from backprop_core.analyses.explain import param_name
    from backprop_core.analyses.gradcheck import grad_check
    from ui.latex import breakdown_latex
    from viz.compgraph import node_name, short_label
    from viz.live_frames import network_scene
    from viz.network import DiagramData, network_figure

    net = bc.Network([2, 4, 3, 1], ["tanh", "tanh", "sigmoid"], seed=0)
    X, Y = np.random.default_rng(0).normal(size=(5, 2)), np.ones((5, 1))
    cache = net.forward(X)
    grads = net.backward(cache, Y, "mse", "mean")
    layer, k, j = 1, 3, 2
    name = param_name(layer, k, j)
    assert name == "w₃,₂ of layer 2" and param_name(layer, None, j) == "b₂ of layer 2"
    assert param_name(0, 12, 10) == "w₁₂,₁₀ of layer 1"  # two digits stay readable

    hover = network_figure(net, DiagramData(["x₁", "x₂"]))["data"]
    weights = next(t for t in hover if t.get("name") == "weights")
    at = weights["customdata"].index([layer, k, j])
    assert weights["text"][at].startswith(f"<b>{name}</b>: w = ")
    neurons = next(t for t in hover if t.get("name") == "neurons")
    at = neurons["customdata"].index([layer + 1, j, -1])
    assert f"bias {param_name(layer, None, j)} = " in neurons["text"][at]

    names = network_scene(net, ["x₁", "x₂"], 400)["geometry"]["names"]
    offset = net.weights[0].size
    assert names[offset + k * 3 + j] == name
    assert names[sum(W.size for W in net.weights) + 4 + j] == param_name(layer, None, j)

    checks = {(c.layer, c.kind, c.index): c.name for c in grad_check(net, X, Y)}
    assert checks[(layer, "W", (k, j))] == name
    assert checks[(layer, "b", (j,))] == param_name(layer, None, j)

    labels = sf.param_labels(net.layer_sizes)
    w_at, b_at = sf.param_slices(net.layer_sizes)[layer]
    assert labels[w_at.start + k * 3 + j] == name
    assert labels[b_at.start + j] == param_name(layer, None, j)

    graph = build_graph(net, cache, grads, Y, "mse", "mean", 0)
    weight = graph.find("weight", layer, (k, j))
    assert node_name(weight, net.n_layers) == name
    assert short_label(weight) == "w₃,₂"
    from ui.compgraph_latex import symbol

    assert symbol(weight, graph) == r"w^{(2)}_{3,2}"  # its layer as the graph's superscript

    b = breakdown(net, cache, grads, Y, "mse", "mean", layer, j, k)
    assert param_name(layer, k, j, latex=True) in breakdown_latex(b, grads.weights[layer][k, j])
    assert r"\partial w_{3,2}}" in breakdown_latex(b, grads.weights[layer][k, j])

    from viz.gradients import clickable, matrix_heatmap  # the Gradients page's heatmaps

    fig = clickable(matrix_heatmap(grads.weights[layer], "∂C/∂W", layer=layer))
    assert fig["data"][0]["text"][k][j] == name
    cells = fig["data"][1]
    assert cells["text"][cells["customdata"].index([k, j, grads.weights[layer][k, j]])] == name


def test_negative_numbers_are_numbers_with_parentheses_only_after_an_operator():
    """"= -0.02464", not "= (-0.02464)"; but "0.98·(-0.01)" and "+ (-3.6)·0.6"."""
    import re

    from ui.latex import breakdown_latex, hidden_latex, num, value

    assert value(-0.3168) == "{-0.3168}" and num(-0.3168) == "({-0.3168})"
    assert value(0.5) == num(0.5) == "0.5"
    assert value(-2.5e-7) == r"{-2.5\times 10^{-7}}"
    y_k, f_prime, dc_dy = np.array([-8.0, 3.0, -0.5]), np.array([0.5, -0.25, 1.0]), \
        np.array([0.25, 0.5, 1.0])
    b = bc.analyses.explain.Breakdown(0, "W", 1, 0, y_k, f_prime, dc_dy, f_prime * dc_dy,
                             y_k * f_prime * dc_dy, penalty=-0.01, fused=None)
    text = breakdown_latex(b, b.total)
    lines = text.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}").split(r"\\ ")
    assert lines[1] == r"&= {-8}\cdot 0.5\cdot 0.25"  # first in its line: stands alone
    assert lines[2] == r"&\quad + ({-0.5})\cdot 1\cdot 1"  # after + : in parentheses
    assert lines[3] == r"&\quad + \dots\ (1\text{ more})"
    assert lines[4] == r"&\quad + ({-0.01})_{\text{penalty}}"
    assert lines[5] == r"&= {-1.885} \qquad \text{(engine: }{-1.885}\text{)}"
    b = bc.analyses.explain.Breakdown(0, "W", 1, 0, y_k, f_prime, dc_dy, f_prime * dc_dy,
                             y_k * f_prime * dc_dy, penalty=0.0, fused=None)
    assert breakdown_latex(b, b.total, shown=3).split(r"\\ ")[3] == \
        r"&\quad + 3\cdot ({-0.25})\cdot 0.5"  # after · : in parentheses
    # No number right after "=" is in parentheses, on any line of either formula.
    w, delta = np.array([-0.5, 0.2, -0.3]), np.array([0.1, -0.2, 0.3])
    for latex in (text, hidden_latex(0, w, delta, w * delta)):
        assert not re.search(r"=\s*\(", latex), latex
    hidden = hidden_latex(0, w, delta, w * delta)
    assert r"&= \underbrace{{-0.3}\cdot0.3}_{m=2}" in hidden
    assert r"\underbrace{({-0.5})\cdot0.1}_{m=0}" in hidden
    assert hidden.endswith(r"&= {-0.18}\end{aligned}")


@pytest.mark.parametrize("n_next", [1, 2, 4, 5, 8])
def test_long_sums_are_written_two_terms_a_line(n_next):
    """∂C/∂y with 8 next-layer neurons was one 969 px line; now at most two terms a line
    (the browser test measures the page)."""
    from ui.latex import breakdown_latex, hidden_latex

    rng = np.random.default_rng(n_next)
    w, delta = rng.normal(size=n_next), rng.normal(size=n_next)
    text = hidden_latex(3, w, delta, w * delta)
    assert text.startswith(r"\begin{aligned}") and text.endswith(r"\end{aligned}")
    rows = text.split(r"\\ ")
    assert all(row.count(r"\underbrace") <= 2 for row in rows)
    assert sum(row.count(r"\underbrace") for row in rows) == min(n_next, 4)
    net = bc.Network([2, 8, 1], ["tanh", "sigmoid"], seed=0)
    X, Y = rng.normal(size=(10, 2)), np.ones((10, 1))
    cache = net.forward(X)
    grads = net.backward(cache, Y, "bce", "mean")
    b = breakdown(net, cache, grads, Y, "bce", "mean", 0, 3, 1)
    rows = breakdown_latex(b, grads.weights[0][1, 3]).split(r"\\ ")
    assert len(rows) == 5 and all(row.count(r"\cdot") <= 2 for row in rows)


def test_the_computation_graph_writes_a_result_as_a_number():
    """The graph walk on Step-through: "x₀ = -2.545", not "x₀ = (-2.545)"."""
    import re

    from backprop_core.analyses.compgraph import build_graph
    from ui.compgraph_latex import backward_latex, forward_latex

    net = bc.Network([2, 3, 1], ["tanh", "sigmoid"], seed=3)
    X, Y = np.array([[-2.5, 1.0], [0.5, -0.75]]), np.array([[1.0], [0.0]])
    cache = net.forward(X)
    grads = net.backward(cache, Y, "bce", "mean")
    graph = build_graph(net, cache, grads, Y, "bce", "mean", 0)
    # A negative number in parentheses standing alone: after "=", before the end or a gap.
    negative = re.compile(r"=\s*\(\{?-[\d.]+\}?\)\s*(\\qquad|\\end|$)")
    texts = [f(node, graph) for node in graph.nodes for f in (forward_latex, backward_latex)]
    assert any("{-2.5}" in t for t in texts)  # the input, standing alone
    assert [t for t in texts if negative.search(t)] == []
