"""A lesson's text with live numbers: ``{{name}}`` or ``{{name param}}`` filled in from the
run, e.g. "the cost is {{loss}}, and ∂C/∂w₁,₀ is {{grad w2:1,0}}".

Names (``NUMBERS``): step, loss, test_loss, accuracy, test_accuracy, lr; value and grad take a
parameter spelled as ``questions.Param`` does (w2:1,0, b1:3). grad is ∂C/∂θ for the
mini-batch of the step in progress, or of the next step at a step boundary
(``questions.batch_gradients``). Numbers are written to 4 significant digits.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from ..training.trainer import Trainer
from .questions import Param, QuestionError, batch_gradients

_SLOT = re.compile(r"\{\{\s*([a-z_]+)(?:\s+([^{}\s]+))?\s*\}\}")


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


# name -> (takes a parameter, value of the run, how it is written)
NUMBERS = MappingProxyType({
    "step": (False, lambda tr, p: tr.step, str),
    "loss": (False, lambda tr, p: tr.evaluate()["train_loss"], lambda v: f"{v:.4g}"),
    "test_loss": (False, lambda tr, p: tr.evaluate()["test_loss"],
                  lambda v: "n/a" if v is None else f"{v:.4g}"),
    "accuracy": (False, lambda tr, p: tr.evaluate()["train_accuracy"], _percent),
    "test_accuracy": (False, lambda tr, p: tr.evaluate()["test_accuracy"], _percent),
    "lr": (False, lambda tr, p: tr.current_lr(), lambda v: f"{v:.4g}"),
    "value": (True, lambda tr, p: p.of(tr.net), lambda v: f"{v:.4g}"),
    "grad": (True, lambda tr, p: p.grad(batch_gradients(tr)), lambda v: f"{v:.4g}"),
})


def check(text: str, layer_sizes: tuple[int, ...]) -> None:
    """QuestionError naming the first slot that is not a number of ``NUMBERS`` (with its
    parameter, when it takes one, in the network of ``layer_sizes``), or a stray ``{{``."""
    for m in _SLOT.finditer(text):
        name, arg = m.group(1), m.group(2)
        if name not in NUMBERS:
            raise QuestionError(f"{{{{{name}}}}} is not one of {', '.join(NUMBERS)}")
        takes = NUMBERS[name][0]
        if takes != (arg is not None):
            raise QuestionError(f"{m.group(0)[:40]}: {name} "
                                + ("needs a parameter, e.g. w2:1,0" if takes else
                                   "takes no parameter"))
        if takes:
            Param.parse(arg).check(layer_sizes)
    if "{{" in _SLOT.sub("", text):
        raise QuestionError("a '{{' that does not open a live number")


def fill(text: str, tr: Trainer) -> str:
    """``text`` with every slot replaced by its number in ``tr`` now (``check`` it first)."""
    def one(m: re.Match) -> str:
        takes, value, written = NUMBERS[m.group(1)]
        return written(value(tr, Param.parse(m.group(2)) if takes else None))
    return _SLOT.sub(one, text)
