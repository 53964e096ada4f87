"""Lesson: the seed article's derivation, every symbol filled in with a live network's
numbers, and its two coding mistakes demonstrated."""

import numpy as np
import pandas as pd
import streamlit as st

import backprop_core as bc
from backprop_core.analyses import paths as sp
from backprop_core.analyses import surface as sf
from backprop_core.analyses.explain import param_name, param_symbol
from backprop_core.analyses.mistakes import ArticleNet
from ui import panel, session
from ui.gradcheck_view import gradient_check_section
from ui.inspect import Snapshot
from ui.latex import num, value
from ui.page_previews import Previews
from ui.stepping import in_fragment
from ui.stepping_bar import stepping_bar
from viz.numbers import sig
from viz.surface import surface_figure

PRESET_NAME = "article"
PRESET = bc.get_preset(PRESET_NAME)


def lesson_trainer(seed: int = 0) -> bc.Trainer:
    return PRESET.trainer(seed)


def state() -> dict:
    return session.lesson() or session.open_lesson_net(PRESET_NAME)


@session.exclusive
def _step(n: int) -> None:
    state()["trainer"].run_steps(n)


@session.exclusive
def _reset() -> None:
    state()["trainer"].reset()


# The lesson's own network has a stepping bar of its own: every click counts here too.
BUTTONS = (("step", "Step", "One epoch: all 10 samples, one gradient-descent update."),
           ("steps", "100 steps", "A hundred epochs at once.", 100),
           ("reset", "Reset", "The lesson's network as it started."))
ACTIONS = {"step": lambda _arg: _step(1), "steps": lambda _arg: _step(100),
           "reset": lambda _arg: _reset()}


def epoch_line(tr: bc.Trainer) -> list[dict]:
    rec = tr.history[tr.step]
    return [panel.markdown(f"**Epoch {tr.step}** · cost C = {rec.train_loss:.5g} · "
                           f"{rec.train_accuracy:.0%} of samples on the right side of 0.5")]


def data_table(tr: bc.Trainer) -> list[dict]:
    out = tr.net.predict(PRESET.X)[:, 0]
    df = pd.DataFrame(PRESET.X.astype(int), columns=[f"x{i + 1}" for i in range(5)])
    df["target t"] = PRESET.Y[:, 0].astype(int)
    df["output y"] = out
    return [panel.table(df, {"output y": ".4f"}, height=220, label="The 10 samples")]


def gradients(tr: bc.Trainer):
    """The forward pass and the gradients of the whole batch (the article's sum)."""
    cache = tr.net.forward(PRESET.X)
    return cache, tr.net.backward(cache, PRESET.Y, "mse", "sum")


def derivation_parts(tr: bc.Trainer, k: int, s: int) -> list[dict]:
    """The cost, the chain rule for w_kj on sample s, the sum and the update rule."""
    net, T = tr.net, PRESET.Y
    cache, grads = gradients(tr)
    y, yk = cache.output[:, 0], cache.a[1]
    t = T[s, 0]
    cost = 0.5 * np.sum((T[:, 0] - y) ** 2)
    d1, d2, d3 = yk[s, k], y[s] * (1 - y[s]), -(t - y[s])
    per_sample = yk[:, k] * y * (1 - y) * -(T[:, 0] - y)
    gw = grads.weights[1][k, 0]
    w, eta = net.weights[1][k, 0], tr.optimizer.lr
    return [
        panel.markdown("**The cost.** Half the squared error, summed over the output neurons "
                       "j (here one) and over the 10 samples:"),
        panel.latex(rf"C = \tfrac12\sum_s \sum_j (t_j - y_j)^2 = {value(cost)}"),
        panel.markdown(f"**The chain rule** for the weight from hidden neuron k = {k} to the "
                       f"output neuron j, written for sample {s}: a change in w_kj changes "
                       "z_j, which changes y_j, which changes C."),
        panel.latex(r"\frac{\partial C}{\partial w_{kj}} = \frac{\partial z_j}{\partial w_{kj}}"
                    r"\,\frac{\partial y_j}{\partial z_j}\,\frac{\partial C}{\partial y_j}"),
        panel.latex(rf"(1)\ \ \frac{{\partial z_j}}{{\partial w_{{kj}}}} = y_k = {value(d1)}"
                    rf"\qquad(2)\ \ \frac{{\partial y_j}}{{\partial z_j}} = y_j(1-y_j) = "
                    rf"{value(y[s])}\,(1-{num(y[s])}) = {value(d2)}"),
        panel.latex(rf"(3)\ \ \frac{{\partial C}}{{\partial y_j}} = -(t_j - y_j) = -({t:g} - "
                    rf"{num(y[s])}) = {value(d3)}"),
        panel.latex(rf"(4)\ \ \frac{{\partial C_s}}{{\partial w_{{kj}}}} = {value(d1)}\cdot"
                    rf"{num(d2)}\cdot{num(d3)} = {value(d1 * d2 * d3)}\qquad (5)\ \ "
                    rf"\frac{{\partial C_s}}{{\partial b_j}} = {value(d2)}\cdot{num(d3)} = "
                    rf"{value(d2 * d3)}"),
        panel.markdown("Summed over the 10 samples (the article's code sums them too):"),
        panel.latex(rf"\frac{{\partial C}}{{\partial w_{{kj}}}} = -\sum_s (t_j-y_j)\,"
                    rf"y_j(1-y_j)\,y_k = {value(per_sample.sum())}\quad(\text{{engine: }}"
                    rf"{value(gw)})"),
        panel.markdown("**The update rule.** Gradient descent moves the weight against its "
                       "gradient:"),
        panel.latex(rf"w_{{kj}} \leftarrow w_{{kj}} - \eta\,\frac{{\partial C}}"
                    rf"{{\partial w_{{kj}}}} = {value(w)} - {eta:g}\cdot{num(gw)} = "
                    rf"{value(w - eta * gw)}"),
    ]


def update_of(tr: bc.Trainer, k: int) -> tuple[float, float, float]:
    """(w_kj, η, ∂C/∂w_kj) now."""
    return tr.net.weights[1][k, 0], tr.optimizer.lr, gradients(tr)[1].weights[1][k, 0]


def matrix_parts(tr: bc.Trainer) -> list[dict]:
    delta = gradients(tr)[1].deltas[1][:, 0]
    shown = ", ".join(value(v) for v in delta[:4])
    # Two lines (the output layer's, then the hidden layer's): one is wider than a tablet.
    return [panel.latex(rf"\begin{{gathered}}\delta = \big[{shown},\ \dots\big]^T,\qquad "
                        rf"\nabla W_{{ho}} = Y_h^T\,\delta,\\ "
                        rf"\delta_h = (\delta\,W_{{ho}}^T)\odot Y_h\odot(1-Y_h),\qquad "
                        rf"\nabla W_{{ih}} = X^T\delta_h\end{{gathered}}")]


def derivation(ahead: Previews) -> None:
    cols = st.columns(2)
    k = cols[0].selectbox("Hidden neuron k", range(10), key="w_lesson_k")
    s = cols[1].selectbox("Sample", range(10), key="w_lesson_s")
    ahead.panel("lesson_derivation", lambda t: derivation_parts(t, k, s))
    by_hand(ahead, k)
    st.markdown("**The matrix form** does this for every weight at once. With δ = ∂C/∂z of "
                "the output for each sample (a column of 10) and Y_h the hidden activations "
                "(10 samples × 10 neurons):")
    ahead.panel("lesson_matrix", matrix_parts)
    st.caption("The hidden layer's δ_h reuses the output δ: that reuse is what makes "
               "backpropagation cheap.")


def shown_error(x: float, digits: int = 4) -> float:
    """Half a unit in the last digit of ``x`` written with ``digits`` significant digits
    (as ``num`` and ``:g`` write it): how far the number shown may be from ``x``."""
    shown = float(f"{x:.{digits}g}")
    if shown == 0 or not np.isfinite(shown):
        return 0.0
    return 0.5 * 10.0 ** (np.floor(np.log10(abs(shown))) - digits + 1)


def by_hand_tolerance(w: float, eta: float, gw: float) -> float:
    """How far from w − η·g an answer worked out from the numbers shown may be: each shown
    number is off by up to half a unit in its last digit (w and g to 4 digits, η to 6),
    carried through w − η·g to first order, plus the same for the result if it is rounded
    to 4 digits in turn (typing the result shown is right too)."""
    target = w - eta * gw
    carried = shown_error(w) + abs(eta) * shown_error(gw) + abs(gw) * shown_error(eta, 6)
    return carried + shown_error(target) + 1e-12 * max(1.0, abs(target))  # + rounding


@session.exclusive
def _set_by_hand(k: int, key: str) -> None:
    tr = state()["trainer"]
    typed = st.session_state.get(key)
    if typed is None:
        return
    w, eta, gw = update_of(tr, k)
    target, tol = w - eta * gw, by_hand_tolerance(w, eta, gw)
    tr.set_param(1, "weights", (k, 0), float(typed))
    done = state().get("by_hand") or {}
    state()["by_hand"] = {"k": k, "value": float(typed), "target": target, "tol": tol,
                          "step": tr.step, "events": len(tr.events),
                          "box": done.get("box", 0) + 1}  # a fresh, empty box


def by_hand_verdict(value: float, target: float, tol: float) -> str:
    """How close a typed update is: the value, the exact one, the difference, and whether
    the numbers shown account for it."""
    gap = value - target
    if gap == 0:
        return "exactly what Step computes"
    where = (f"Step computes {target:.10g}; the difference is {gap:+.3g}")
    if abs(gap) <= tol:
        return (f"right to the digits shown ({where}, within the ±{tol:.2g} that rounding "
                "the numbers above to 4 digits allows)")
    return (f"not the gradient step ({where}, more than the ±{tol:.2g} that rounding the "
            "numbers above to 4 digits allows)")


def by_hand(ahead: Previews, k: int) -> None:
    """The update of one weight done by hand: type the number the rule gives, and the
    engine's own Step is the judge (the same weight, the same gradient). Worked out from
    the 4-digit numbers shown, an answer is right within what that rounding allows. The
    box starts empty and stays as typed across Steps (a Step shows its numbers at once)."""
    tr = state()["trainer"]

    def text(t: bc.Trainer) -> list[dict]:
        w, eta, gw = update_of(t, k)
        return [panel.markdown(f"**Do it by hand.** Type the new w_kj from the line above "
                               f"(or any value) and set it: the network then has your weight, "
                               f"and the cost is computed with it. Step would set it to "
                               f"{sig(w - eta * gw)}.")]
    ahead.panel("lesson_by_hand", text)
    done = state().get("by_hand")
    key = f"w_lesson_hand_{k}_{(done or {}).get('box', 0)}"
    cols = st.columns([2, 1, 3], vertical_alignment="bottom")
    cols[0].number_input(f"New {param_name(1, k, 0)}", value=None, format="%.10g",
                         step=0.01, key=key, placeholder="w − η·∂C/∂w")
    cols[1].button("Set it", key=f"b_lesson_hand_{k}", on_click=_set_by_hand,
                   args=(k, key), width="stretch")
    if done and (done["step"], done["events"]) == (tr.step, len(tr.events)):
        verdict = by_hand_verdict(done["value"], done["target"], done["tol"])
        cols[2].markdown(f"You set {param_name(1, done['k'], 0)} = {done['value']:.10g}: "
                         f"{verdict}. Cost now {tr.history[tr.step].train_loss:.6g}.")


def landscape(tr: bc.Trainer, k: int) -> dict:
    """The cost as a function of the two parameters the derivation follows (w_kj and b_j,
    all others as they are now), with the path the run took and where the next step goes:
    the gradient step is a move downhill on exactly this surface."""
    sizes = tr.net.layer_sizes
    w_at, b_at = sf.param_slices(sizes)[1]
    i, j = w_at.start + k, b_at.start
    plane = sf.parameter_plane(tr.net, i, j)
    cost = sf.CostFunction.of(tr)
    path = sp.training_path(tr)
    fork = tr.fork()
    fork.finish_step()
    ahead = sp.Path("the next step", np.array([tr.step, tr.step + 1]),
                    np.stack([sf.param_vector(tr.net), sf.param_vector(fork.net)]))
    paths = [sp.project_path(cost, plane, p) for p in (path, ahead)]
    coords = np.vstack([p.coords for p in paths])
    extent = sf.fit_extent(coords, margin=0.6, least=1.0)
    surface = sf.evaluate_surface(cost, plane, extent, 41)
    return surface_figure(surface, plane, paths, kind="contour", height=430,
                          title=f"Cost C over {param_name(1, k, 0)} and "
                                f"{param_name(1, None, 0)}")


def landscape_caption(k: int) -> None:
    st.caption(f"Each contour is one value of C. The black path is every epoch so far seen "
               f"in these two parameters (the others moved too, so it need not follow the "
               f"contours exactly); the short one is where the next Step takes them: "
               f"−η·∂C/∂{param_symbol(k, 0)} and −η·∂C/∂{param_symbol(None, 0)}, downhill.")


def mistake_derivative(tr: bc.Trainer) -> None:
    st.markdown(
        "**1. Taking σ′ of a value that is already σ(z).** The article's helper computes "
        "σ(Z)·(1 − σ(Z)) and is then called with y = σ(z). The network output is already "
        "a sigmoid, so the code computes σ(σ(z))·(1 − σ(σ(z))): about 0.2 to 0.25 whatever "
        "z is, instead of y(1 − y). Every δ is scaled wrongly and the gradients no longer "
        "point down the cost. Pick “the article's bug” below and run the check: the finite "
        "differences disagree by tens of percent at first, by up to 200 % (some gradients "
        "with the wrong sign) once the weights have moved. Training can still move in a roughly "
        "useful direction, which is why such a bug survives in published code; the check "
        "catches it at once.")
    cache = tr.net.forward(PRESET.X)
    grads = tr.net.backward(cache, PRESET.Y, "mse", "sum")
    snap = Snapshot(PRESET.X, PRESET.Y, np.arange(10), cache, grads, "full batch", "current",
                    tr)
    gradient_check_section(tr, snap, key="lesson_gc")


def _compare(seed: int) -> dict:
    correct = lesson_trainer(seed)
    article = ArticleNet.like(correct.net, derivative_bug=False)
    first = article.train_step(PRESET.X, PRESET.Y, PRESET.learning_rate)
    engine_grad_b = correct.net.backward(correct.net.forward(PRESET.X), PRESET.Y,
                                         "mse", "sum").biases[1][0]
    for _ in range(PRESET.epochs - 1):
        article.train_step(PRESET.X, PRESET.Y, PRESET.learning_rate)
    correct.run_steps(PRESET.epochs)
    perm = np.random.default_rng(seed + 1).permutation(10)
    return {"article": article, "correct": correct.net, "perm": perm,
            "sum_first": float(first.sum()), "engine_grad_b": float(engine_grad_b)}


def mistake_bias() -> None:
    st.markdown(
        "**2. A bias that becomes one bias per sample.** The article starts each bias as "
        "the number 0 and subtracts an array with one entry per sample. After the first "
        "update the bias is a row of 10 values, and NumPy's broadcasting silently gives "
        "sample 1 the first, sample 2 the second, and so on. The network now has 10 output "
        "biases and 100 hidden ones where it should have 1 and 10, and each training sample "
        "can be fitted on its own. That is why the article's outputs sit so close to 0 and 1: "
        "it memorises positions, not patterns. (Below, σ′ is computed correctly, to show "
        "this bug alone.)")
    lesson = state()
    if st.button("Train both for 1000 epochs", key="b_lesson_compare"):
        lesson["comparison"] = _compare(0)
    cmp = lesson["comparison"]
    if cmp is None:
        return
    art, net, perm = cmp["article"], cmp["correct"], cmp["perm"]
    df = pd.DataFrame({"target": PRESET.Y[:, 0].astype(int),
                       "per-sample-bias code": art.forward(PRESET.X)[:, 0],
                       "correct network": net.predict(PRESET.X)[:, 0],
                       "per-sample-bias, rows shuffled": art.forward(PRESET.X[perm])[:, 0][
                           np.argsort(perm)]})
    st.dataframe(df, hide_index=True, width="stretch", placeholder="–",
                 column_config={c: st.column_config.NumberColumn(format="%.4f")
                                for c in df.columns[1:]})
    acc = np.mean((df["per-sample-bias, rows shuffled"] > 0.5) == (df["target"] > 0.5))
    st.markdown(
        f"Its biases now hold **{art.n_bias_values}** numbers instead of 11. Feed the same "
        f"10 inputs in a different order and it gets only **{acc:.0%}** right, because each "
        "bias belongs to a row position, not to the network; the correct network's "
        "answers do not depend on the order. The gradient check cannot catch this bug: on "
        "the first step, the per-sample updates add up to exactly the correct gradient of "
        f"the shared bias ({cmp['sum_first']:.4g} vs the engine's "
        f"{cmp['engine_grad_b']:.4g}). The arithmetic is right; the model is wrong.")


def main() -> None:
    st.markdown("## Lesson: backpropagation, derived with live numbers")
    st.markdown(
        "The seed article's network: 5 binary inputs, 10 sigmoid hidden neurons, 1 sigmoid "
        "output, cost ½·Σ(t − y)² summed over its 10 samples, plain gradient descent with "
        "η = 0.1 on the whole batch. Step it and watch every number below change.")
    in_fragment(stepped)


def stepped() -> None:
    """Everything its Step changes: one fragment, which a Step reruns alone; a Step shows
    its numbers at once (``ui.page_previews``)."""
    tr = state()["trainer"]
    with Previews(tr) as ahead:
        stepping_bar(tr, playing=False, target="lesson", buttons=BUTTONS, actions=ACTIONS)
        ahead.panel("lesson_epoch", epoch_line)
        ahead.panel("lesson_data", data_table)
        st.markdown("### The derivation")
        derivation(ahead)
        st.markdown("### Downhill, seen on the cost surface")
        k = st.session_state.get("w_lesson_k", 0)
        ahead.chart("lesson_landscape", lambda t: landscape(t, k))
        landscape_caption(k)
        st.markdown("### Common mistakes, caught live")
        mistake_derivative(tr)
        mistake_bias()
        ahead.finish()


main()
