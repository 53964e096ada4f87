"""Drawing a figure on a page: the same chart everywhere, ``PRESENTER_SCALE``× for a
projector."""

from __future__ import annotations

import streamlit as st

from viz.projector import PRESENTER_SCALE, scaled

from . import session

CONFIG = {"displayModeBar": False}


def chart(fig: dict, key: str, where=st, config: dict | None = None) -> None:
    """``st.plotly_chart`` of ``fig`` in ``where`` (a column, a container, or the page)."""
    if session.view().presenter:
        fig = scaled(fig, PRESENTER_SCALE)
    where.plotly_chart(fig, config=config or CONFIG, theme=None, key=key)


def picked_cell(fig: dict, key: str, where=st) -> tuple[int, int] | None:
    """Draw a ``viz.gradients.clickable`` figure; the (row, column) the user clicked in this
    rerun, or None. A selection stays in the chart's state across reruns: only a new one
    counts, so a later click elsewhere (the diagram) is not overridden."""
    if session.view().presenter:
        fig = scaled(fig, PRESENTER_SCALE)
    event = where.plotly_chart(fig, config=CONFIG, theme=None, key=key, on_select="rerun",
                               selection_mode="points")
    points = event.selection.points if event else []
    cell = tuple(int(v) for v in points[0]["customdata"][:2]) if points else None
    if cell is None or session.result(f"picked_{key}") == cell:
        return None
    session.set_result(f"picked_{key}", cell)
    return cell
