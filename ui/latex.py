"""LaTeX for the chain rule with the current numbers substituted (article's notation)."""

from __future__ import annotations

import numpy as np

from backprop_core.explain import Breakdown
from viz.numbers import sig


def num(v: float) -> str:
    """A number for LaTeX, 4 significant digits, negative numbers in parentheses."""
    text = sig(v)  # never "-0"
    if "e" in text:
        mantissa, exp = text.split("e")
        text = rf"{mantissa}\times 10^{{{int(exp)}}}"
    return f"({text})" if v < 0 else text


def _term(b: Breakdown, s: int) -> str:
    parts = [] if b.y_k is None else [num(b.y_k[s])]
    if b.f_prime is not None:
        parts += [num(b.f_prime[s]), num(b.dC_dy[s])]
    else:
        parts.append(num(b.delta[s]))
    return r"\cdot ".join(parts)


def breakdown_latex(b: Breakdown, engine_value: float, shown: int = 2) -> str:
    """∂C/∂w_kj (or ∂C/∂b_j) = Σ_s factors, then the largest samples' numbers, the total,
    and the engine's value beside it."""
    target = r"w_{kj}" if b.kind == "W" else r"b_{j}"
    lhs = rf"\frac{{\partial C}}{{\partial {target}}}"
    y_k = "" if b.y_k is None else r"y_k\,"
    if b.f_prime is not None:
        general = rf"\sum_{{s}} {y_k} f'(z_j)\,\frac{{\partial C}}{{\partial y_j}}"
    else:
        general = rf"\sum_{{s}} {y_k}\delta_j"
    order = b.ranked()
    terms = [_term(b, int(s)) for s in order[:shown]]
    rest = len(order) - shown
    numbers = " + ".join(terms) + (rf" + \dots\ ({rest}\text{{ more}})" if rest > 0 else "")
    if b.penalty:
        numbers += rf" + {num(b.penalty)}_{{\text{{penalty}}}}"
    where = rf"k={b.k},\ j={b.j}" if b.kind == "W" else rf"j={b.j}"
    return (rf"\begin{{aligned}}{lhs} &= {general} \qquad ({where},\ \text{{layer }}"
            rf"{b.layer + 1})\\ &= {numbers}\\ &= {num(b.total)}"
            rf"\qquad \text{{(engine: }}{num(engine_value)}\text{{)}}\end{{aligned}}")


def hidden_latex(j: int, w: np.ndarray, delta: np.ndarray, terms: np.ndarray,
                 shown: int = 4) -> str:
    """∂C/∂y_j = Σ_m w_jm δ_m with the largest terms written out."""
    order = np.argsort(-np.abs(terms), kind="stable")
    parts = [rf"\underbrace{{{num(w[m])}\cdot{num(delta[m])}}}_{{m={m}}}" for m in
             order[:shown]]
    rest = len(order) - shown
    tail = rf" + \dots\ ({rest}\text{{ more}})" if rest > 0 else ""
    return (rf"\frac{{\partial C}}{{\partial y_{{{j}}}}} = \sum_m w_{{{j}m}}\,\delta_m = "
            + " + ".join(parts) + tail + rf" = {num(float(np.sum(terms)))}")
