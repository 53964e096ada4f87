"""LaTeX for one node of the computation graph: how its value is computed from its parents
(forward) and how its gradient is computed from its children (the local chain-rule step),
general form first, then the numbers."""

from __future__ import annotations

from backprop_core.analyses.compgraph import Graph, Node

from .latex import num, value

SHOWN = 4  # terms of a sum written out; the rest are counted
ACT_TEX = {"tanh": r"\tanh", "sigmoid": r"\sigma", "relu": r"\mathrm{ReLU}",
           "leaky_relu": r"\mathrm{LReLU}", "linear": r"\mathrm{id}"}
COST_TEX = {"mse": r"\tfrac12\sum_j (t_j - a_j)^2",
            "bce": r"-\left[t\log a + (1-t)\log(1-a)\right]",
            "cross_entropy": r"-\sum_j t_j \log a_j"}
OUTPUT_GRAD_TEX = {"mse": r"(a_{j} - t_{j})", "bce": r"\frac{a_{j} - t_{j}}{a_{j}(1-a_{j})}",
                   "cross_entropy": r"\left(-\frac{t_{j}}{a_{j}}\right)"}


def share(graph: Graph) -> str:
    """The root's symbol: the sample's share of the batch cost."""
    if graph.scale == 1.0:
        return "C_s"
    return rf"\tfrac{{1}}{{{round(1 / graph.scale)}}}C_s"


def symbol(node: Node, graph: Graph) -> str:
    """The node's symbol; superscripts are layers 1..L, a^{(0)} are the inputs x."""
    if node.kind == "cost":
        return share(graph)
    if node.kind == "input":
        return rf"x_{{{node.index[0]}}}"
    sup = rf"^{{({node.layer + 1})}}"
    if node.kind in ("weight", "product"):
        k, j = node.index
        w = rf"w{sup}_{{{k},{j}}}"  # w₃,₀ as on every page, its layer as a superscript
        if node.kind == "weight":
            return w
        a = rf"x_{{{k}}}" if node.layer == 0 else rf"a^{{({node.layer})}}_{{{k}}}"
        return rf"{w}{a}"
    letter = {"bias": "b", "z": "z", "a": "a"}[node.kind]
    return rf"{letter}{sup}_{{{node.index[0]}}}"


def _arg(v: float) -> str:
    """A number as a function's argument: in parentheses once (num() already puts a
    negative number in them)."""
    text = num(v)
    return text if text.startswith("(") else f"({text})"


def _wrapped(node: Node, graph: Graph) -> str:
    """The symbol, in parentheses where it is more than one factor (w·a, the share)."""
    sym = symbol(node, graph)
    return f"({sym})" if node.kind == "product" or sym.startswith(r"\tfrac") else sym


def _sum(parts: list[str], total: int) -> str:
    rest = total - len(parts)
    return " + ".join(parts) + (rf" + \dots\ ({rest}\text{{ more}})" if rest > 0 else "")


def _d(top: str, bottom: str) -> str:
    return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"


def forward_latex(node: Node, graph: Graph) -> str:
    """value = its operation on the parents' values = the number."""
    sym = symbol(node, graph)
    parents = [graph.nodes[p] for p in node.parents]
    if node.kind == "input":
        return rf"{sym} = {value(node.value)}\qquad\text{{(this sample's input)}}"
    if node.kind in ("weight", "bias"):
        return rf"{sym} = {value(node.value)}\qquad\text{{(a parameter)}}"
    if node.kind == "product":
        return rf"{sym} = {num(parents[0].value)}\cdot{num(parents[1].value)} = {value(node.value)}"
    if node.kind == "z":
        products = parents[:-1]
        general = " + ".join(symbol(p, graph) for p in products[:2]) + (
            r" + \dots" if len(products) > 2 else "") + " + " + symbol(parents[-1], graph)
        numbers = _sum([num(p.value) for p in products[:SHOWN]], len(products)) + \
            f" + {num(parents[-1].value)}"
        return rf"\begin{{aligned}}{sym} &= {general}\\ &= {numbers} = {value(node.value)}" \
               r"\end{aligned}"
    if node.kind == "a":
        act = graph.activations[node.layer]
        if act == "softmax":
            z = symbol(graph.nodes[node.parents[node.index[0]]], graph)
            return (rf"{sym} = \frac{{e^{{{z}}}}}{{\sum_i e^{{z_i}}}} = "
                    rf"\frac{{e^{{{num(graph.nodes[node.parents[node.index[0]]].value)}}}}}"
                    rf"{{\sum_i e^{{z_i}}}} = {value(node.value)}")
        f = ACT_TEX[act]
        return (rf"{sym} = {f}({symbol(parents[0], graph)}) = {f}{_arg(parents[0].value)} "
                rf"= {value(node.value)}")
    targets = ", ".join(num(t) for t in graph.target)
    scale = share(graph).replace("C_s", "")
    cost = COST_TEX[graph.loss]
    if scale:
        return (rf"{sym} = {scale}\left({cost}\right) = {scale}\cdot {num(graph.cost)} = "
                rf"{value(node.value)}\qquad (t = [{targets}])")
    return rf"{sym} = {cost} = {value(node.value)}\qquad (t = [{targets}])"


def _general_backward(node: Node, graph: Graph) -> str:
    """The chain rule at this node, in symbols."""
    lhs = _d("C", _wrapped(node, graph))
    if node.kind == "cost":
        return rf"{lhs} = 1"
    children = [c for c, _ in graph.children(node.id)]
    if node.kind in ("input", "a") and children[0].kind == "product":
        w = rf"w^{{({children[0].layer + 1})}}_{{{node.index[0]},j}}"
        return rf"{lhs} = \sum_j {w}\,{_d('C', '(' + w + symbol(node, graph) + ')')}"
    if node.kind == "a":  # an output: the cost is its only child
        scale = share(graph).replace("C_s", "")
        return (rf"{lhs} = {_d(_wrapped(graph.root, graph), symbol(node, graph))}\cdot 1 = "
                rf"{scale}{OUTPUT_GRAD_TEX[graph.loss].replace('_{j}', f'_{{{node.index[0]}}}')}")
    if node.kind == "z":
        if graph.activations[node.layer] == "softmax":
            return rf"{lhs} = \sum_i {_d('a_i', symbol(node, graph))}\,{_d('C', 'a_i')}"
        a = symbol(children[0], graph)
        return (rf"\delta{symbol(node, graph)[1:]} = {lhs} = f'({symbol(node, graph)})\,"
                rf"{_d('C', a)}")
    parent_sum = symbol(children[0], graph)
    if node.kind == "weight":
        a = symbol(graph.nodes[children[0].parents[1]], graph)
        return rf"{lhs} = {a}\cdot{_d('C', '(' + symbol(children[0], graph) + ')')}"
    return rf"{lhs} = 1\cdot{_d('C', parent_sum)}"


def backward_latex(node: Node, graph: Graph) -> str:
    """∂C/∂node = Σ over its children of ∂child/∂node · ∂C/∂child, with the numbers, and
    the engine's gradient (read from its deltas) as the result."""
    general = _general_backward(node, graph)
    if node.kind == "cost":
        return general + r"\qquad\text{(the root: the batch cost adds up every share)}"
    pairs = sorted(graph.children(node.id), key=lambda cl: -abs(cl[1] * cl[0].grad))
    terms = [rf"{num(local)}\cdot{num(child.grad)}" for child, local in pairs[:SHOWN]]
    note = ""
    if node.kind == "z" and graph.fused and node.layer == graph.root.layer - 1:
        note = rf"\qquad\text{{({graph.fused}: the engine takes }}\delta = " \
               rf"{share(graph).replace('C_s', '')}(a - t)\text{{ directly)}}"
    return (rf"\begin{{aligned}}{general}\\ &= {_sum(terms, len(pairs))} = "
            rf"{value(node.grad)}{note}\end{{aligned}}").replace(" = ", " &= ", 1)
