"""Playground: step or play training and watch every part of the network live."""

import streamlit as st

from ui import controls, live, session


def _toggle_play() -> None:
    session.set_playing(not session.playing())
    session.set_notice(None)


COMPACT = """<style>
[data-testid="stMainBlockContainer"] {padding-top: 2.2rem; padding-bottom: 1rem;}
[data-testid="stMetricValue"] {font-size: 1.9rem;}
</style>"""


def header() -> None:
    view = session.view()
    st.markdown(COMPACT, unsafe_allow_html=True)
    cols = st.columns([3, 1.1, 1.6], vertical_alignment="bottom")
    cols[0].markdown("## Backprop Playground")
    playing = session.playing()
    cols[1].button("Pause" if playing else "Play", key="b_play", on_click=_toggle_play,
                   type="primary", use_container_width=True,
                   disabled=session.trainer().diverged is not None)
    view.steps_per_frame = cols[2].select_slider(
        "Speed (steps per frame)", [1, 2, 5, 10, 25, 50, 100, 200], key="w_speed",
        value=view.steps_per_frame)


def main() -> None:
    session.apply_config(controls.sidebar())
    header()
    if session.notice():
        st.info(session.notice())
    live.run()


main()
