"""Backprop Playground: Streamlit entry point (page config, navigation, shared state)."""

import streamlit as st

from ui import session


def main() -> None:
    st.set_page_config(page_title="Backprop Playground", page_icon="🧠", layout="wide")
    session.init()
    pages = [st.Page("pages/playground.py", title="Playground", icon="🎛️", default=True)]
    st.navigation(pages).run()


main()
