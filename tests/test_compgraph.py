"""One sample's computation graph: values from the engine's cache, gradients from its
deltas (the sample's share of the batch cost), checked against the engine's ∂C/∂W and
against finite differences at every node."""

import numpy as np
import pytest

import backprop_core as bc
from backprop_core.analyses.compgraph import build_graph, focus, recompute
from ui.compgraph_latex import backward_latex, forward_latex
from ui.latex import num, value
from viz.compgraph import compgraph_figure, node_name, positions

SMOOTH = [
    (["tanh", "tanh", "sigmoid"], "bce", 1),
    (["sigmoid", "tanh", "linear"], "mse", 2),
    (["tanh", "sigmoid", "softmax"], "cross_entropy", 3),
    (["sigmoid", "tanh", "softmax"], "mse", 3),
]
CASES = [*SMOOTH, (["relu", "leaky_relu", "sigmoid"], "mse", 1)]


def batch(acts, loss, n_out, n=6):
    rng = np.random.default_rng(3)
    net = bc.Network([3, 4, 3, n_out], acts, seed=2, init="normal")
    X = rng.normal(size=(n, 3))
    if loss == "mse":
        Y = rng.normal(size=(n, n_out))
    elif loss == "bce":
        Y = rng.integers(0, 2, size=(n, 1)).astype(float)
    else:
        Y = np.eye(n_out)[rng.integers(0, n_out, n)]
    cache = net.forward(X)
    return net, cache, Y


def graph_and_grads(acts, loss, n_out, reduction, n=6, reg=None, sample=0):
    net, cache, Y = batch(acts, loss, n_out, n)
    grads = net.backward(cache, Y, loss, reduction, reg, 0.05 if reg else 0.0)
    return net, cache, grads, Y, build_graph(net, cache, grads, Y, loss, reduction, sample)


@pytest.mark.parametrize("acts, loss, n_out", CASES)
def test_values_are_the_engines_cache_and_the_scalar_forward_agrees(acts, loss, n_out):
    net, cache, _, Y, g = graph_and_grads(acts, loss, n_out, "mean", sample=2)
    for node in g.nodes:
        if node.kind == "input":
            assert node.value == cache.a[0][2, node.index[0]]
        elif node.kind == "z":
            assert node.value == cache.z[node.layer][2, node.index[0]]
        elif node.kind == "a":
            assert node.value == cache.a[node.layer + 1][2, node.index[0]]
        elif node.kind == "weight":
            assert node.value == net.weights[node.layer][node.index]
    cost = bc.per_sample_cost(cache.output[2:3], Y[2:3], loss, cache.z[-1][2:3])[0]
    assert g.root.value == (1.0 / 6) * cost and g.cost == cost
    values = np.array([n.value for n in g.nodes])
    np.testing.assert_allclose(recompute(g), values, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("acts, loss, n_out", CASES)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_gradients_are_the_engines_deltas_and_add_up_to_its_dC_dW(acts, loss, n_out,
                                                                  reduction):
    """z nodes carry the engine's δ row exactly; a weight's gradients summed over the batch
    are the engine's ∂C/∂W without the penalty (which is the batch's, not a sample's)."""
    n = 5
    net, cache, grads, Y, _ = graph_and_grads(acts, loss, n_out, reduction, n, reg="l2")
    graphs = [build_graph(net, cache, grads, Y, loss, reduction, s) for s in range(n)]
    for s, g in enumerate(graphs):
        assert g.scale == (1 / n if reduction == "mean" else 1.0) and g.root.grad == 1.0
        for node in g.nodes:
            if node.kind in ("z", "bias", "product"):
                assert node.grad == grads.deltas[node.layer][s, node.index[-1]]
    for i in range(net.n_layers):
        summed_w = np.zeros_like(net.weights[i])
        summed_b = np.zeros_like(net.biases[i])
        for g in graphs:
            for node in g.nodes:
                if node.layer == i and node.kind == "weight":
                    summed_w[node.index] += node.grad
                elif node.layer == i and node.kind == "bias":
                    summed_b[node.index] += node.grad
        data_part = grads.weights[i] - grads.penalty_weights[i]
        np.testing.assert_allclose(summed_w, data_part, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(summed_b, grads.biases[i], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("acts, loss, n_out", CASES)
def test_a_batch_of_one_is_the_engines_gradient_bit_for_bit(acts, loss, n_out):
    net, cache, grads, _, g = graph_and_grads(acts, loss, n_out, "sum", n=1)
    for node in g.nodes:
        if node.kind == "weight":
            assert node.grad == grads.weights[node.layer][node.index]
        elif node.kind == "bias":
            assert node.grad == grads.biases[node.layer][node.index]


@pytest.mark.parametrize("acts, loss, n_out", CASES)
def test_every_gradient_is_the_chain_rule_over_its_children(acts, loss, n_out):
    _, _, _, _, g = graph_and_grads(acts, loss, n_out, "mean", sample=1)
    for node in g.nodes[:-1]:
        children = g.children(node.id)
        assert children, node
        total = sum(local * child.grad for child, local in children)
        assert total == pytest.approx(node.grad, rel=1e-9, abs=1e-15), node


@pytest.mark.parametrize("acts, loss, n_out", SMOOTH)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_every_node_gradient_matches_finite_differences(acts, loss, n_out, reduction):
    """Nudge any node (a weight, an input, a product, a z, an activation), recompute
    what depends on it scalar by scalar, and read the root: five-point central stencil."""
    _, _, _, _, g = graph_and_grads(acts, loss, n_out, reduction, sample=3)
    root = g.root.id
    for node in g.nodes[:-1]:
        h = 1e-4 * max(1.0, abs(node.value))

        def at(shift, node=node, h=h):
            return recompute(g, {node.id: node.value + shift * h})[root]

        numeric = (8 * (at(1) - at(-1)) - (at(2) - at(-2))) / (12 * h)
        assert numeric == pytest.approx(node.grad, rel=1e-7, abs=1e-11), node


def test_nodes_are_in_forward_order_and_named_plainly():
    net, _, _, _, g = graph_and_grads(["tanh", "tanh", "softmax"], "cross_entropy", 3,
                                      "mean")
    for node in g.nodes:
        assert all(p < node.id for p in node.parents)
    counts = {kind: sum(n.kind == kind for n in g.nodes) for kind in
              ("input", "weight", "product", "bias", "z", "a", "cost")}
    assert counts == {"input": 3, "weight": 12 + 12 + 9, "product": 33, "bias": 10,
                      "z": 10, "a": 10, "cost": 1}
    softmax_a = g.find("a", 2, (1,))
    assert len(softmax_a.parents) == 3  # every output's z
    assert node_name(g.find("weight", 0, (2, 1)), 3) == "w₂,₁ of layer 1"
    assert node_name(g.find("z", 2, (0,)), 3) == "output z 0"
    assert "value=" in repr(g.root) and "grad=1" in repr(g.root)


def test_latex_shows_the_local_step_with_the_numbers():
    _, _, _, _, g = graph_and_grads(["tanh", "tanh", "sigmoid"], "bce", 1, "mean")
    w = g.find("weight", 1, (2, 0))
    product = g.nodes[g.children(w.id)[0][0].id]
    text = backward_latex(w, g)
    assert num(g.nodes[product.parents[1]].value) in text and num(product.grad) in text
    assert text.endswith(f"= {value(w.grad)}\\end{{aligned}}")  # a result stands alone
    z = g.find("z", 0, (1,))
    text = backward_latex(z, g)
    assert "f'" in text and value(z.grad) in text
    out = g.find("z", 2, (0,))
    assert "directly" in backward_latex(out, g)  # sigmoid + BCE: the engine's fused δ
    assert value(z.value) in forward_latex(z, g) and r"\tanh" in forward_latex(
        g.find("a", 0, (1,)), g)
    assert r"\tfrac{1}{6}" in forward_latex(g.root, g)
    for node in g.nodes:  # every node has both sides
        assert forward_latex(node, g) and backward_latex(node, g)


def test_figure_lays_nodes_out_by_layer_and_rings_the_selected():
    _, _, _, _, g = graph_and_grads(["tanh", "tanh", "sigmoid"], "bce", 1, "mean")
    x, y = positions(g)
    column = {"input": 0, "weight": 1, "bias": 1, "product": 2, "z": 3, "a": 4}
    for node in g.nodes[:-1]:
        assert x[node.id] == (0 if node.kind == "input" else 4 * node.layer +
                              column[node.kind])
        assert 0 < y[node.id] < 1
    assert x[g.root.id] == 13
    z = g.find("z", 1, (2,))
    reached = np.zeros(len(g.nodes), dtype=bool)
    reached[: z.id + 1] = True
    fig = compgraph_figure(g, z.id, "forward", reached, 3)
    ring = next(t for t in fig["data"] if t["name"] == "selected")
    assert (ring["x"][0], ring["y"][0]) == (x[z.id], y[z.id])
    lit = next(t for t in fig["data"] if t["name"] == "its edges")
    assert lit["x"].count(None) == len(z.parents)  # forward: the edges it is computed from
    shown = next(t for t in fig["data"] if t["name"] == "value")
    assert sorted(shown["customdata"]) == list(range(z.id + 1))
    assert shown["marker"]["color"] == [g.nodes[i].value for i in shown["customdata"]]
    fig = compgraph_figure(g, z.id, "backward", ~reached, 3)
    lit = next(t for t in fig["data"] if t["name"] == "its edges")
    assert lit["x"].count(None) == len(g.children(z.id))  # backward: to its children
    shown = next(t for t in fig["data"] if t["name"] == "gradient ∂C/∂node")
    assert shown["marker"]["color"] == [g.nodes[i].grad for i in shown["customdata"]]


def keys(g, mask) -> set:
    return {(n.kind, n.layer, n.index) for n in g.nodes if mask[n.id]}


def test_focus_on_a_neuron_keeps_its_terms_its_inputs_and_where_its_output_goes():
    """Neuron 1 of weight layer 1 (3-4-3-1): its four weights and w·a, its bias, z and a,
    the four activations it reads, and the one w·a it feeds with that w·a's weight and the
    output z it adds into. Nothing else."""
    _, _, _, _, g = graph_and_grads(["tanh", "tanh", "sigmoid"], "bce", 1, "mean")
    want = {("weight", 1, (k, 1)) for k in range(4)} | {
        ("product", 1, (k, 1)) for k in range(4)} | {
        ("bias", 1, (1,)), ("z", 1, (1,)), ("a", 1, (1,))} | {
        ("a", 0, (k,)) for k in range(4)} | {
        ("weight", 2, (1, 0)), ("product", 2, (1, 0)), ("z", 2, (0,))}
    assert keys(g, focus(g, "neuron", 1, 1)) == want
    # The first layer reads the inputs; the output neuron's a goes to the cost.
    assert {("input", -1, (k,)) for k in range(3)} <= keys(g, focus(g, "neuron", 0, 2))
    out = keys(g, focus(g, "neuron", 2, 0))  # 3 weights, 3 w·a, b, z, a, 3 a read, cost
    assert ("cost", 3, ()) in out and ("a", 1, (2,)) in out and len(out) == 3 + 3 + 3 + 3 + 1


def test_focus_on_a_layer_keeps_all_it_computes_and_what_it_reads():
    _, _, _, _, g = graph_and_grads(["tanh", "tanh", "sigmoid"], "bce", 1, "mean")
    hidden = keys(g, focus(g, "layer", 1, 0))
    assert hidden == {(n.kind, n.layer, n.index) for n in g.nodes
                      if n.layer == 1 or (n.kind == "a" and n.layer == 0)}
    assert len(hidden) == 12 + 12 + 3 + 3 + 3 + 4
    assert ("cost", 3, ()) in keys(g, focus(g, "layer", 2, 0))
    assert focus(g, "all", 0, 0).all()
    # A softmax output reads every z of its layer: its neuron keeps them all.
    _, _, _, _, g = graph_and_grads(["tanh", "tanh", "softmax"], "cross_entropy", 3, "mean")
    assert {("z", 2, (i,)) for i in range(3)} <= keys(g, focus(g, "neuron", 2, 1))
    with pytest.raises(ValueError):
        focus(g, "path", 0, 0)
    with pytest.raises(ValueError):
        focus(g, "neuron", 1, 9)


def test_a_focused_figure_draws_the_kept_nodes_closed_up():
    _, _, _, _, g = graph_and_grads(["tanh", "tanh", "sigmoid"], "bce", 1, "mean")
    keep = focus(g, "neuron", 1, 1)
    z = g.find("z", 1, (1,))
    fig = compgraph_figure(g, z.id, "forward", np.zeros(len(g.nodes), bool), 3, keep=keep)
    drawn = [i for t in fig["data"] if t["name"] in ("not reached yet", "value")
             for i in t["customdata"]]
    assert sorted(drawn) == np.flatnonzero(keep).tolist()
    edges = next(t for t in fig["data"] if t["name"] == "edges")
    n_kept_edges = sum(keep[p] for n in g.nodes if keep[n.id] for p in n.parents)
    assert edges["x"].count(None) == n_kept_edges
    x, y = positions(g, keep)
    assert sorted(set(x[keep])) == list(range(8))  # a, w, w·a, z, a, w, w·a, z: no gaps
    assert ((0 < y[keep]) & (y[keep] < 1)).all()
    assert f"({keep.sum()} of its {len(g.nodes)} nodes)" in fig["layout"]["title"]["text"]
