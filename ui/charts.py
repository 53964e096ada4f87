"""Drawing a figure on a page: the same chart everywhere, ``PRESENTER_SCALE``× for a
projector, redrawn in place across reruns (``ui.plot_component``)."""

from __future__ import annotations

import streamlit as st

from viz.projector import PRESENTER_SCALE, scaled

from . import plot_component, session
from .plot_component import plot

CONFIG = {"displayModeBar": False}


def _shown(fig: dict) -> dict:
    """``fig`` as this session's view draws it (larger in presenter view)."""
    return scaled(fig, PRESENTER_SCALE) if session.view().presenter else fig


def chart(fig: dict, key: str, where=st, config: dict | None = None) -> None:
    """``fig`` drawn under ``key`` in ``where`` (a column, a container, or the page)."""
    plot(_shown(fig), key, where, config=config or CONFIG)


def message(fig: dict, key: str, config: dict | None = None, select: bool = False) -> bytes:
    """What :func:`chart` (``select``: :func:`picked_cell`) would send for ``fig``, whole,
    for a page's preview."""
    return plot_component.message(_shown(fig), key, config=config or CONFIG, select=select)


def picked_cell(fig: dict, key: str, where=st) -> tuple[int, int] | None:
    """Draw a ``viz.gradients.clickable`` figure; the (row, column) the user clicked in this
    rerun, or None. A click is an event of its rerun alone: a later click elsewhere (the
    diagram) is never overridden by it."""
    points = plot(_shown(fig), key, where, config=CONFIG, on_select=True) or []
    points = [p for p in points if p.get("customdata")]
    return tuple(int(v) for v in points[0]["customdata"][:2]) if points else None
