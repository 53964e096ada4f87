"""LaTeX for the chain rule with the current numbers substituted (article's notation).

Long sums are written one or two terms a line (``aligned``), so a formula fits a narrow
page (1024 px wide) instead of running out of its box. A number standing alone is written
as it is (``value``: -0.3168); in parentheses only where the maths needs them, after an
operator (``num``: 2·(-0.3168), + (-0.3168)).
"""

from __future__ import annotations

import numpy as np

from backprop_core.analyses.explain import Breakdown, param_name, param_symbol
from viz.numbers import sig

TERMS_PER_LINE = 2  # ∂C/∂y's written-out terms (each under a brace with its m)


def value(v: float) -> str:
    """A number standing alone (after "=", first in a line), 4 significant digits; a
    negative one in braces, so its minus is a sign, never spaced as a subtraction."""
    text = sig(v)  # never "-0"
    if "e" in text:
        mantissa, exp = text.split("e")
        text = rf"{mantissa}\times 10^{{{int(exp)}}}"
    return f"{{{text}}}" if v < 0 else text


def num(v: float) -> str:
    """A number after an operator or as a factor: negative numbers in parentheses."""
    text = value(v)
    return f"({text})" if v < 0 else text


def _term(b: Breakdown, s: int, first: bool) -> str:
    """Sample s's factors; the first factor stands alone when the term opens a line."""
    factors = [] if b.y_k is None else [b.y_k[s]]
    factors += [b.f_prime[s], b.dC_dy[s]] if b.f_prime is not None else [b.delta[s]]
    parts = [value(factors[0]) if first else num(factors[0])] + [num(f) for f in factors[1:]]
    return r"\cdot ".join(parts)


def breakdown_latex(b: Breakdown, engine_value: float, shown: int = 2) -> str:
    """∂C/∂w_{k,j} (or ∂C/∂b_j) = Σ_s factors, then the largest samples' numbers one a line,
    the total, and the engine's value beside it."""
    symbol = param_symbol(b.k, b.j, latex=True)
    lhs = rf"\frac{{\partial C}}{{\partial {symbol}}}"
    y_k = "" if b.y_k is None else r"y_k\,"
    if b.f_prime is not None:
        general = rf"\sum_{{s}} {y_k} f'(z_j)\,\frac{{\partial C}}{{\partial y_j}}"
    else:
        general = rf"\sum_{{s}} {y_k}\delta_j"
    where = rf"k={b.k},\ j={b.j}" if b.kind == "W" else rf"j={b.j}"
    name = param_name(b.layer, b.k, b.j, latex=True)
    order = b.ranked()
    lines = [rf"{lhs} &= {general} \qquad ({name}\text{{: }}{where})"]
    lines += [("&= " if n == 0 else r"&\quad + ") + _term(b, int(s), first=n == 0)
              for n, s in enumerate(order[:shown])]
    rest = len(order) - shown
    if rest > 0:
        lines.append(rf"&\quad + \dots\ ({rest}\text{{ more}})")
    if b.penalty:
        lines.append(rf"&\quad + {num(b.penalty)}_{{\text{{penalty}}}}")
    lines.append(rf"&= {value(b.total)} \qquad \text{{(engine: }}{value(engine_value)}"
                 r"\text{)}")
    return r"\begin{aligned}" + r"\\ ".join(lines) + r"\end{aligned}"


def hidden_latex(j: int, w: np.ndarray, delta: np.ndarray, terms: np.ndarray,
                 shown: int = 4) -> str:
    """∂C/∂y_j = Σ_m w_{j,m} δ_m with the largest terms written out, two a line."""
    order = np.argsort(-np.abs(terms), kind="stable")
    items = [rf"\underbrace{{{value(w[m]) if n == 0 else num(w[m])}\cdot{num(delta[m])}}}"
             rf"_{{m={m}}}" for n, m in enumerate(order[:shown])]
    rest = len(order) - shown
    if rest > 0:
        items.append(rf"\dots\ ({rest}\text{{ more}})")
    lines = [" + ".join(items[i:i + TERMS_PER_LINE])
             for i in range(0, len(items), TERMS_PER_LINE)]
    body = r"\\ &\quad + ".join(lines)
    return (r"\begin{aligned}"
            rf"\frac{{\partial C}}{{\partial y_{{{j}}}}} &= \sum_m w_{{{j},m}}\,\delta_m"
            rf"\\ &= {body}\\ &= {value(float(np.sum(terms)))}\end{{aligned}}")
