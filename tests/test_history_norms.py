"""Per-layer norms in the history: of the weights alone and of weights with biases, each
exactly the norm it is named for; their compact column behaves as the list of rows it
stands for."""

import math
import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import backprop_core as bc
from backprop_core.training.health import gradient_norms, layer_norms, update_ratios
from backprop_core.training.history import PerLayer


def norm(arrays) -> tuple[float, ...]:
    """‖A_i‖ of each array, as a sum of squares written out here (not the engine's code)."""
    return tuple(math.sqrt(sum(float(x) ** 2 for x in np.ravel(a))) for a in arrays)


def joint(weights, biases) -> tuple[float, ...]:
    return tuple(math.sqrt(sum(float(x) ** 2 for x in np.ravel(W)) +
                           sum(float(x) ** 2 for x in b)) for W, b in zip(weights, biases,
                                                                           strict=True))


def test_default_run_records_the_weights_norm_apart_from_the_biases():
    """The issue's example: default run, 20 Steps, layer 3. ‖(∂C/∂W, ∂C/∂b)‖ = 0.2531 was
    shown as ‖∂C/∂W‖; ‖∂C/∂W‖ alone is 0.1309."""
    _, tr = bc.build(bc.RunConfig())
    tr.run_steps(20)
    rec, g = tr.history[20], tr.grads
    assert f"{rec.grad_norms[2]:.4g}" == "0.2531" and f"{rec.grad_w_norms[2]:.4g}" == "0.1309"
    np.testing.assert_allclose(rec.grad_w_norms, norm(g.weights), rtol=1e-14)
    np.testing.assert_allclose(rec.grad_norms, joint(g.weights, g.biases), rtol=1e-14)
    up = tr.last_update
    np.testing.assert_allclose(rec.update_w_norms, norm(up.weights), rtol=1e-14)
    np.testing.assert_allclose(rec.update_norms, joint(up.weights, up.biases), rtol=1e-14)
    np.testing.assert_allclose(rec.weight_w_norms, norm(tr.net.weights), rtol=1e-14)
    np.testing.assert_allclose(rec.weight_norms, joint(tr.net.weights, tr.net.biases),
                               rtol=1e-14)
    # The health helpers read the right columns, and compute what the trainer records.
    assert gradient_norms(tr.history, "weights")[20] == rec.grad_w_norms
    assert gradient_norms(tr.history, "params")[20] == rec.grad_norms
    assert layer_norms(g.weights) == rec.grad_w_norms
    assert layer_norms(g.weights, g.biases) == rec.grad_norms
    ratio = update_ratios(tr.history, "weights")[20]
    assert ratio == tuple(u / w for u, w in zip(rec.update_w_norms, rec.weight_w_norms,
                                                strict=True))
    assert update_ratios(tr.history, "weights")[0] is None


def test_every_step_and_an_edit_keep_both_kinds_of_norm():
    _, tr = bc.build(bc.RunConfig(optimizer="adam", lr=0.01, batch_size=5))
    for step in range(1, 6):
        tr.run_phase(), tr.run_phase(), tr.run_phase()
        rec = tr.history[step]
        assert rec.grad_w_norms == layer_norms(tr.grads.weights)
        assert rec.update_w_norms == layer_norms(tr.last_update.weights)
        assert rec.weight_w_norms == layer_norms(tr.net.weights)
    before = tr.history[5]
    tr.set_param(0, "weights", (0, 0), 3.0)  # after step 5: its record is made again
    after = tr.history[5]
    assert (after.grad_w_norms, after.update_w_norms) == (before.grad_w_norms,
                                                          before.update_w_norms)
    assert after.weight_w_norms == layer_norms(tr.net.weights) != before.weight_w_norms
    assert tr.history[0].grad_w_norms is None and tr.history[0].weight_w_norms is not None


def bits(rows):
    return [None if r is None else [struct.pack("<d", x) for x in r] for r in rows]


ROW = st.tuples(*[st.floats(allow_nan=False, width=64)] * 3)
OPS = st.lists(st.one_of(
    st.tuples(st.just("append"), st.one_of(st.none(), ROW)),
    st.tuples(st.just("insert"), st.integers(0, 40), st.one_of(st.none(), ROW)),
    st.tuples(st.just("set"), st.integers(-40, 40), st.one_of(st.none(), ROW)),
    st.tuples(st.just("truncate"), st.integers(0, 40)),
    st.tuples(st.just("keep"), st.integers(1, 4)),
), max_size=40)


@given(OPS)
def test_per_layer_column_is_the_list_of_rows_it_stands_for(ops):
    model, column = [], PerLayer()
    for op, *args in ops:
        if op == "append":
            model.append(args[0])
            column.append(args[0])
        elif op == "insert":
            model.insert(*args)
            column.insert(*args)
        elif op == "set" and model and -len(model) <= args[0] < len(model):
            model[args[0]] = args[1]
            column[args[0]] = args[1]
        elif op == "truncate":
            del model[args[0]:]
            del column[args[0]:]
        elif op == "keep":  # what History._thin does
            model = [r for k, r in enumerate(model) if k % args[0] == 0]
            column = PerLayer(r for k, r in enumerate(column) if k % args[0] == 0)
        assert len(column) == len(model)
        assert bits(column) == bits(model)  # bit for bit: -0.0 stays -0.0
        assert column[:3] == model[:3] and (not model or column[-1] == model[-1])
    assert bits(column.copy()) == bits(model)


def test_per_layer_column_refuses_rows_of_another_width():
    column = PerLayer([None, (1.0, 2.0)])
    assert list(column) == [None, (1.0, 2.0)] and column.width == 2
    with pytest.raises(ValueError, match="expected 2 numbers"):
        column.append((1.0,))
