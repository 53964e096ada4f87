"""Drawing a figure on a page: the same chart everywhere, 1.5× for a projector."""

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
