"""Drawing a figure on a page: the same chart everywhere, ``PRESENTER_SCALE``× for a
projector, redrawn in place across reruns (``ui.plot_component``)."""

from __future__ import annotations

import streamlit as st

from viz.projector import PRESENTER_SCALE, scaled

from . import session
from .plot_component import plot

CONFIG = {"displayModeBar": False}


def chart(fig: dict, key: str, where=st, config: dict | None = None) -> None:
    """``fig`` drawn under ``key`` in ``where`` (a column, a container, or the page)."""
    if session.view().presenter:
        fig = scaled(fig, PRESENTER_SCALE)
    plot(fig, key, where, config=config or CONFIG)


def picked_cell(fig: dict, key: str, where=st) -> tuple[int, int] | None:
    """Draw a ``viz.gradients.clickable`` figure; the (row, column) the user clicked in this
    rerun, or None. A click is an event of its rerun alone: a later click elsewhere (the
    diagram) is never overridden by it."""
    if session.view().presenter:
        fig = scaled(fig, PRESENTER_SCALE)
    points = plot(fig, key, where, config=CONFIG, on_select=True) or []
    points = [p for p in points if p.get("customdata")]
    return tuple(int(v) for v in points[0]["customdata"][:2]) if points else None
