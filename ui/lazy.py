"""An expander whose body runs only while it is open.

Streamlit draws a closed expander's widgets all the same: the page's first load waits for
their code and draws their DOM (the sidebar's upload, share and compare panels held most of
its ~2,000 nodes), and on an inspection page every Step redrew a closed panel's widgets,
changing the page after the Step's preview had shown it. Opening one reruns the page once.
"""

from __future__ import annotations

from contextlib import contextmanager

import streamlit as st


@contextmanager
def lazy_expander(label: str, key: str, expanded: bool = False):
    """``with lazy_expander(label, key) as is_open:`` draw the body only ``if is_open``."""
    box = st.expander(label, expanded=expanded, key=key, on_change="rerun")
    with box:
        yield bool(box.open)
