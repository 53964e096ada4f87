"""Playground: step or play training and watch every part of the network live."""

import streamlit as st

from ui import classroom, controls, live, session, share_io

COMPACT = """<style>
[data-testid="stMainBlockContainer"] {padding-top: 2.2rem; padding-bottom: 1rem;}
[data-testid="stMetricValue"] {font-size: 1.9rem;}
</style>"""


def header() -> None:
    st.markdown(COMPACT, unsafe_allow_html=True)
    st.markdown("## Backprop Playground")


def main() -> None:
    session.apply_config(controls.sidebar())
    share_io.mirror_url()
    header()
    if session.notice():
        st.info(session.notice())
    live.run()
    classroom.compare_section()


main()
