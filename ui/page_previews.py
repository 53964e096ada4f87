"""A click on Step (or a phase) shows the page it leads to at once, on every page.

The Playground's live view does this with frames (``ui.live_packet.previews``); the
inspection pages do it here. A page draws what a Step changes as *blocks*, each a function
of the trainer (and whatever the page derives from it, ``context``): a panel of text,
numbers and tables (``ui.panel``) or a chart (``ui.charts``). :class:`Previews` draws each
block for the trainer now and, once the page is drawn, computes every block again on a fork
of the trainer after its next phase and after its next Step (the same engine: the click's
rerun brings these very blocks) and sends them in one carrier component (``ui/previews.js``).
The stepping bar's click shows them before the server has heard of it; the rerun then
changes nothing on the page. Only for a click on the state the blocks were drawn for: the
bar and the carrier of one run share a token.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from contextvars import ContextVar

import streamlit as st

import backprop_core as bc

from . import charts
from .live_component import component
from .panel import panel, payload

_CURRENT: ContextVar[Previews | None] = ContextVar("page_previews", default=None)
KEY = "page_previews"


def token() -> str | None:
    """The token of this run's previews (the stepping bar sends it with a click)."""
    current = _CURRENT.get()
    return None if current is None else current.token


class Previews:
    """The blocks of one run of a page (or fragment) for ``trainer``; ``context(t)`` gives
    the arguments each block's function takes (default: the trainer alone). As a context
    manager, its token is the one the stepping bar drawn inside sends with a click."""

    def __init__(self, trainer: bc.Trainer, context: Callable[[bc.Trainer], tuple] | None
                 = None, key: str = KEY, token: str | None = None):
        self.trainer = trainer
        self.context = context or (lambda t: (t,))
        self.key = key
        # A fragment inside the one that drew the bar answers to the bar's token.
        self.token = token or secrets.token_hex(6)
        self.blocks: list[tuple[str, str, Callable, dict]] = []  # (kind, key, make, opts)
        self._now = None

    def __enter__(self) -> Previews:
        self._reset = _CURRENT.set(self)
        return self

    def __exit__(self, *exc) -> None:
        _CURRENT.reset(self._reset)

    def now(self) -> tuple:
        """The blocks' arguments for the trainer as it is (computed once a run)."""
        if self._now is None:
            self._now = self.context(self.trainer)
        return self._now

    def panel(self, key: str, make: Callable[..., list[dict]], where=st,
              of_trainer: bool = False) -> None:
        """A panel whose parts are ``make(*context)`` (``of_trainer``: ``make(trainer)``,
        e.g. above the widgets the context depends on)."""
        panel(make(self.trainer) if of_trainer else make(*self.now()), key, where)
        self.blocks.append(("panel", key, make, {"of_trainer": of_trainer}))

    def chart(self, key: str, make: Callable[..., dict | None], where=st, pick: bool = False,
              **opts):
        """A chart whose figure is ``make(*context)`` (None: no chart now, nor previewed;
        ``opts``: ``charts.chart``'s). ``pick``: a ``viz.gradients.clickable`` figure,
        whose clicked cell this returns (``charts.picked_cell``)."""
        fig = make(*self.now())
        if fig is None:
            return None
        self.blocks.append(("chart", key, make, {**opts, "select": pick}))
        if pick:
            return charts.picked_cell(fig, key, where)
        charts.chart(fig, key, where, **opts)
        return None

    def finish(self, playing: bool = False) -> None:
        """Send the blocks after the next phase and the next Step (none while playing or
        after a divergence): the carrier, drawn last."""
        ahead: dict[str, bytes] = {}
        if not playing and self.blocks:
            self.trainer.ahead(lambda kind, fork: self._see(ahead, kind, fork))
        body = b",".join(json.dumps(kind).encode() + b":" + text
                         for kind, text in ahead.items())
        data = b'{"token":' + json.dumps(self.token).encode() + b',"ahead":{' + body + b"}}"
        component("previews")(key=self.key, data=data)

    def _see(self, ahead: dict[str, bytes], kind: str, fork: bc.Trainer) -> None:
        """``rewind.ahead``'s callback: the blocks on ``fork`` after ``kind``."""
        if kind == "step" and "phase" in ahead and self.trainer.next_phase == "update":
            ahead[kind] = ahead["phase"]  # the phase was the step's Update: the same state
        else:
            ahead[kind] = self._of(fork)

    def _of(self, fork: bc.Trainer) -> bytes:
        """Every block as it would be on ``fork``: {block key: its message} as JSON."""
        args = None
        out = []
        for kind, key, make, opts in self.blocks:
            if opts.get("of_trainer"):
                made = make(fork)
            else:
                args = self.context(fork) if args is None else args
                made = make(*args)
            if made is None:  # not there after the click: the rerun takes it away
                continue
            if kind == "panel":
                text = json.dumps(payload(made, key), separators=(",", ":"),
                                  ensure_ascii=False, allow_nan=False).encode()
            else:
                text = charts.message(made, key, **opts)
            out.append(json.dumps(key).encode() + b':{"kind":"' + kind.encode() + b'","msg":'
                       + text + b"}")
        return b"{" + b",".join(out) + b"}"
