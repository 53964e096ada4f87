"""The computation graph of one sample, micrograd style: every scalar the forward pass
computes is a node holding its value and its gradient.

Nodes, in a topological (forward) order: the inputs x_k; for each weight layer i and each
neuron j its weights w_kj, the products w_kj·a_k, the bias b_j and the sum z_j; then the
activations a_j = f(z_j) of the layer; last the sample's cost. Values are read from the
engine's ForwardCache, gradients from its deltas (δ = ∂C/∂z), so every number is the
engine's own.

Which gradient: the sample's *share of the batch cost*. The batch cost is
C = scale · Σ_s C_s (+ penalty), scale = 1/n for reduction "mean" and 1 for "sum", so the
graph's root is scale·C_s and a node's gradient is ∂(scale·C_s)/∂node: the z nodes carry
exactly the engine's δ row of that sample, and summing a weight node's gradient over the
batch gives the engine's ∂C/∂W without the penalty (a regulariser belongs to the batch,
not to a sample). With a batch of one and "sum" it is the gradient of the sample's own cost.

Each node also keeps ∂node/∂parent for each parent ("local"), so the chain rule at a node
is Σ over its children of local · child's gradient, checkable number by number.

A 6×8 network's graph has 838 nodes (more with more inputs), too many to read: ``focus``
picks the part around one neuron or one layer (see FOCI).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..network.activations import get_activation
from ..network.losses import get_loss, per_sample_cost, reduction_scale
from ..network.network import ForwardCache, Gradients, Network

LEAVES = ("input", "weight", "bias")
LAYER_KINDS = ("weight", "product", "bias", "z", "a")  # the nodes a weight layer computes
# What ``focus`` keeps, around neuron j of weight layer i (the selected weight's):
FOCI = {
    "neuron": "neuron j: its weights, w·a, bias, z and a, the values it reads, and where "
              "its a goes (the next layer's w·a with their weights and the z they add "
              "into, or the cost)",
    "layer": "every node of layer i, the values it reads, and the cost after the output",
    "all": "every node",
}


@dataclass(frozen=True)
class Node:
    """One scalar. ``layer`` is the engine's weight layer (-1 for inputs, n_layers for the
    cost); ``index`` is (k,) for an input, (k, j) for a weight or product, (j,) for a bias,
    z or a, () for the cost. ``local[p]`` = ∂self/∂parents[p]."""

    id: int
    kind: str  # input | weight | bias | product | z | a | cost
    layer: int
    index: tuple[int, ...]
    parents: tuple[int, ...]
    local: tuple[float, ...]
    value: float
    grad: float

    def __repr__(self) -> str:
        return (f"Node({self.kind}{list(self.index)} layer {self.layer + 1}, "
                f"value={self.value:.4g}, grad={self.grad:.4g})")


@dataclass(frozen=True)
class Graph:
    """The graph of sample ``sample`` (its row in the batch). ``nodes`` are in forward
    order (each after its parents); ``scale`` turns the sample's cost C_s into its share
    of the batch cost; ``fused`` names an output layer whose δ the engine takes directly
    (sigmoid + BCE, softmax + cross-entropy)."""

    nodes: tuple[Node, ...]
    sample: int
    scale: float
    cost: float  # C_s, the sample's own cost
    target: np.ndarray
    loss: str
    activations: tuple[str, ...]
    fused: str | None

    @property
    def root(self) -> Node:
        return self.nodes[-1]

    def children(self, node_id: int) -> list[tuple[Node, float]]:
        """The nodes fed by ``node_id``, each with ∂child/∂node."""
        return [(n, n.local[p]) for n in self.nodes for p, parent in enumerate(n.parents)
                if parent == node_id]

    def find(self, kind: str, layer: int, index: tuple[int, ...]) -> Node:
        return next(n for n in self.nodes
                    if n.kind == kind and n.layer == layer and n.index == index)


def focus(graph: Graph, kind: str, layer: int, j: int) -> np.ndarray:
    """Which nodes to show (a boolean mask over ``graph.nodes``): see FOCI. Every kept
    node's value is computed from kept parents only where its parents are all kept (a z
    keeps all its terms; an a its z); the cut edges are those to nodes further away."""
    keep = np.zeros(len(graph.nodes), dtype=bool)
    if kind == "all":
        keep[:] = True
        return keep
    if kind not in FOCI:
        raise ValueError(f"unknown focus {kind!r}; one of {sorted(FOCI)}")
    core = [n.id for n in graph.nodes if n.layer == layer and n.kind in LAYER_KINDS
            and (kind == "layer" or n.index[-1] == j)]
    if not core:
        raise ValueError(f"no neuron {j} in weight layer {layer}")
    keep[core] = True
    for node_id in core:  # the values it reads (a softmax output reads every z)
        keep[list(graph.nodes[node_id].parents)] = True
    outputs = [i for i in core if graph.nodes[i].kind == "a"]
    for child in (c for a in outputs for c, _ in graph.children(a)):
        if child.kind == "cost":
            keep[child.id] = True
        elif kind == "neuron":  # w·a of the next layer, its weight, the z it adds into
            keep[child.id] = True
            keep[list(child.parents)] = True
            keep[[c.id for c, _ in graph.children(child.id)]] = True
    return keep


class _Builder:
    """Appends nodes in forward order, giving each its id."""

    def __init__(self):
        self.nodes: list[Node] = []

    def add(self, kind, layer, index, parents=(), local=(), value=0.0, grad=0.0) -> int:
        node = Node(len(self.nodes), kind, layer, tuple(index), tuple(parents),
                    tuple(float(v) for v in local), float(value), float(grad))
        self.nodes.append(node)
        return node.id


def _activation_locals(name: str, z: np.ndarray, a: np.ndarray, j: int) -> np.ndarray:
    """∂a_j/∂z_i for every i of the layer: f'(z_j) on the diagonal only, except softmax,
    whose a_j depends on every z_i: a_j(δ_ij − a_i)."""
    if name == "softmax":
        return a[j] * ((np.arange(len(a)) == j) - a)
    local = np.zeros(len(z))
    local[j] = get_activation(name).prime(z[None], a[None])[0, j]
    return local


def build_graph(net: Network, cache: ForwardCache, grads: Gradients, Y: np.ndarray,
                loss: str, reduction: str, sample: int) -> Graph:
    """The graph of row ``sample`` of the batch that ``cache`` and ``grads`` came from."""
    Y = np.asarray(Y, dtype=float)
    n, L = cache.n_samples, net.n_layers
    scale = reduction_scale(reduction, n)
    spec = get_loss(loss)
    a = [row[sample] for row in cache.a]
    z = [row[sample] for row in cache.z]
    delta = [d[sample] for d in grads.deltas]
    # ∂C/∂a for every layer's activations: through the next layer's weights, or the loss.
    dC_da = [delta[i] @ net.weights[i].T for i in range(L)]
    dC_dy = spec.grad(a[L][None], Y[sample][None])[0] * scale
    dC_da.append(dC_dy)
    g = _Builder()
    prev = [g.add("input", -1, (k,), value=a[0][k], grad=dC_da[0][k])
            for k in range(len(a[0]))]
    for i, (W, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        zs = []
        for j in range(W.shape[1]):
            terms = []
            for k, a_k in enumerate(prev):
                w = g.add("weight", i, (k, j), value=W[k, j], grad=a[i][k] * delta[i][j])
                terms.append(g.add("product", i, (k, j), (w, a_k), (a[i][k], W[k, j]),
                                   W[k, j] * a[i][k], delta[i][j]))
            bias = g.add("bias", i, (j,), value=b[j], grad=delta[i][j])
            zs.append(g.add("z", i, (j,), (*terms, bias), [1.0] * (len(terms) + 1),
                            z[i][j], delta[i][j]))
        act = net.activation_names[i]
        prev = []
        for j in range(W.shape[1]):
            local = _activation_locals(act, z[i], a[i + 1], j)
            parents = zs if act == "softmax" else [zs[j]]
            prev.append(g.add("a", i, (j,), parents, local if act == "softmax" else
                              [local[j]], a[i + 1][j], dC_da[i + 1][j]))
    cost = float(per_sample_cost(cache.output[sample:sample + 1], Y[sample:sample + 1], loss,
                                 cache.z[-1][sample:sample + 1])[0])
    g.add("cost", L, (), prev, dC_dy, scale * cost, 1.0)
    fused = (f"{net.activation_names[-1]} + {loss}" if spec.fused_delta is not None
             else None)
    return Graph(tuple(g.nodes), int(sample), float(scale), cost, Y[sample].copy(), loss,
                 tuple(net.activation_names), fused)


def recompute(graph: Graph, overrides: dict[int, float] | None = None) -> np.ndarray:
    """Every node's value computed from its parents, scalar by scalar, with the values of
    ``overrides`` put in place of those nodes' (a finite difference at any node: nudge it,
    read the root). An implementation independent of the engine's matrix code."""
    overrides = overrides or {}
    v = np.zeros(len(graph.nodes))
    for node in graph.nodes:
        p = [v[i] for i in node.parents]
        if node.id in overrides:
            v[node.id] = overrides[node.id]
        elif node.kind in LEAVES:
            v[node.id] = node.value
        elif node.kind == "product":
            v[node.id] = p[0] * p[1]
        elif node.kind == "z":
            v[node.id] = sum(p)
        elif node.kind == "a":
            act = get_activation(graph.activations[node.layer])
            column = node.index[0] if act.name == "softmax" else 0
            v[node.id] = act.f(np.array([p]))[0, column]
        else:  # the cost share, from the outputs
            cost = get_loss(graph.loss).cost(np.array([p]), graph.target[None])[0]
            v[node.id] = graph.scale * cost
    return v
