"""Playground: step or play training and watch every part of the network live."""

import streamlit as st

from ui import classroom, controls, live, session
from ui.texts import plain

# The live area should fit one projector screen: less padding, smaller metric values. With
# the sidebar collapsed (a tablet's first look) Streamlit's header is an opaque 3.75rem band
# with the sidebar's arrow: the page then starts below it, or the header hides its top.
COMPACT = """<style>
[data-testid="stMainBlockContainer"] {padding-top: 1.5rem; padding-bottom: 1rem;}
.stApp:has([data-testid="stExpandSidebarButton"]) [data-testid="stMainBlockContainer"]
{padding-top: 4rem;}
[data-testid="stMetricValue"] {font-size: 1.6rem;}
</style>"""


def header() -> None:
    st.markdown(COMPACT, unsafe_allow_html=True)


def main() -> None:
    if session.following_class():  # the teacher sets the run: no settings to change here
        st.sidebar.caption("Following the teacher: the settings are the teacher's. "
                           "Explore on your own to change them.")
    else:
        session.apply_config(controls.sidebar())  # the live area then mirrors the address
    header()
    notice = session.take_notice()  # news (problems stay above the page until dismissed)
    if notice:
        st.toast(plain(notice[1]))
    live.run()
    classroom.compare_section()


main()
