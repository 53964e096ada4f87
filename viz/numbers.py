"""Numbers as pages write them: Python's ``format(v, ".4g")``, except that zero has no sign.

A ReLU that is off passes back exactly 0 times a negative number: -0.0, which Python
writes "-0" and a reader takes for a small negative number that was rounded. Every page
that writes a value or gradient goes through ``sig``, so none shows "-0".
"""

from __future__ import annotations


def sig(v: float, digits: int = 4) -> str:
    """``v`` to ``digits`` significant digits as ``format`` writes it, zero always as "0"
    (NaN and ±inf as "nan", "inf", "-inf")."""
    return format(float(v) + 0.0, f".{digits}g")  # -0.0 + 0.0 is +0.0; nothing else moves
