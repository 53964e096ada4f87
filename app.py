"""Backprop Playground: Streamlit entry point (page config, navigation, shared state)."""

import streamlit as st

from ui import session
from ui.chart_component import ensure_plotly_js


def main() -> None:
    st.set_page_config(page_title="Backprop Playground", page_icon="🧠", layout="wide")
    ensure_plotly_js()
    session.init()
    pages = [
        st.Page("pages/playground.py", title="Playground", default=True),
        st.Page("pages/gradients.py", title="Gradients"),
        st.Page("pages/step_through.py", title="Step-through"),
        st.Page("pages/lesson.py", title="Lesson"),
    ]
    st.navigation(pages).run()


main()
