"""Numbers on pages: Python's format(v, ".4g") everywhere, but never "-0" (a ReLU that is off
passes back -0.0, and "gradient -0" reads as a small negative number rounded)."""

import json
import math
import re

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import backprop_core as bc
from backprop_core.analyses.compgraph import build_graph
from viz.numbers import sig

NEGATIVE_ZERO = re.compile(r"(?<![\w.])[-−]0(?![\w.])")  # "-0" standing alone


@given(st.floats(allow_nan=True, allow_infinity=True), st.integers(1, 17))
def test_sig_is_format_but_zero_has_no_sign(v, digits):
    expected = "0" if v == 0 else format(v, f".{digits}g")
    assert sig(v, digits) == expected


def test_sig_keeps_the_sign_of_every_number_that_is_not_zero():
    assert sig(-0.0) == "0" and sig(np.float64(-0.0)) == "0"
    assert sig(-5e-324) == "-4.941e-324" and sig(-1e-300) == "-1e-300"
    assert sig(-0.00012345) == "-0.0001234" and sig(float("-inf")) == "-inf"


def test_the_shared_formatters_write_zero_without_a_sign():
    from ui.latex import num
    from viz.network import fmt

    assert fmt(-0.0) == "0" and fmt(-0.5) == "-0.5"
    assert num(-0.0) == "0" and "0.5" in num(-0.5) and num(-0.5).startswith("(")


def _relu_graph():
    """A ReLU network mid-step, where off units pass back gradients of exactly -0.0."""
    _, tr = bc.build(bc.RunConfig(activations=("relu", "relu")))
    tr.run_steps(3)
    tr.run_phase()
    tr.run_phase()
    Yb = tr.Y[tr.batch_idx]
    for s in range(len(tr.batch_idx)):
        graph = build_graph(tr.net, tr.cache, tr.grads, Yb, tr.loss, tr.reduction, s)
        if any(n.grad == 0 and math.copysign(1, n.grad) < 0 for n in graph.nodes):
            return tr, graph
    raise AssertionError("no -0.0 gradient in this run: the test needs one")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_the_computation_graph_never_says_gradient_minus_zero():
    from viz.compgraph import compgraph_figure

    tr, graph = _relu_graph()
    reached = np.ones(len(graph.nodes), dtype=bool)
    for phase in ("forward", "backward"):
        fig = json.loads(json.dumps(compgraph_figure(graph, graph.root.id, phase, reached,
                                                     tr.net.n_layers)))
        texts = [t for t in _strings(fig) if "gradient" in t or "value" in t]
        assert texts and not [t for t in texts if NEGATIVE_ZERO.search(t)]
    assert any("gradient 0" in t for t in texts)  # the -0.0 gradients, written as 0


def test_the_gradient_check_writes_a_zero_gradient_as_0(at, monkeypatch):
    import ui.gradcheck_view as gv
    from tests.app_helpers import click, on_page

    # The worst check: backprop -0.0 against a finite difference of -1e-3 (a wrong one).
    checks = [bc.ParamCheck(0, "W", (0, 0), -0.0, -1e-3), bc.ParamCheck(0, "b", (0,), 1.0, 1.0)]
    monkeypatch.setattr(gv, "run_check", lambda snap, variant: checks)
    click(at, "Step")
    on_page(at, "app_pages/gradients.py")
    click(at, "Run gradient check")
    (text,) = [e.value for e in at.error]
    assert "(backprop 0, finite difference -0.001)" in text
    assert not NEGATIVE_ZERO.search(text)
