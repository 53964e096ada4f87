"""Backprop Playground: Streamlit entry point (page config, navigation, shared state)."""

import zlib
from pathlib import Path

import streamlit as st

from ui import class_teacher, class_view, fairness, lesson_player, session, share_io
from ui.classroom import apply_presenter_style
from ui.live_component import ensure_static_files, preload
from ui.navigation import PAGES
from ui.texts import RECONNECTED, plain

FOCUS_CSS = Path(__file__).parent / "ui" / "focus.css"  # the focus ring of every page


def reconnect_notice() -> None:
    """After the server this page was on went away: say so, until the user has read it."""
    if session.reconnected():
        st.warning(RECONNECTED)
        st.button("OK", key="b_reconnected_ok", on_click=session.dismiss_reconnected)


def warnings_notice() -> None:
    """Problems with what a link or a file asked for, or where a run stopped: each stays on
    every page until dismissed (a replay arriving or a rerun never takes it away)."""
    for k, text in enumerate(session.warnings()):
        st.warning(plain(text))  # may quote a link's or a file's text: shown as text
        st.button("Dismiss", key=f"b_dismiss_warning_{k}_{zlib.crc32(text.encode())}",
                  on_click=session.dismiss_warning, args=(k,))


def main() -> None:
    with fairness.interactive(), session.run_lock():  # before others' frames of Play; and
        run_page()  # never beside another thread of this session (see session.run_lock)


def run_page() -> None:
    st.set_page_config(page_title="Backprop Playground", page_icon="🧠", layout="wide")
    st.html(FOCUS_CSS)  # style only: Streamlit puts it out of the page's flow
    ensure_static_files()
    preload()  # the page's scripts and plotly.js, fetched while the server runs the rest
    session.init()
    lesson_player.from_address()  # a new session's address naming a lesson: its stop
    class_view.from_address()  # a join link: the class code, ready to join
    apply_presenter_style()
    reconnect_notice()
    warnings_notice()
    share_io.mirror_url()  # the address bar is the run on screen (clicks ran before this)
    # The page scripts live in app_pages/, not pages/: Streamlit runs a file of a folder
    # named pages/ by itself (its older multipage mode) when a page's address is the first
    # one a fresh server is asked for, without this script, so the session is not set up.
    pages = {title: st.Page(script, title=title, default=title == "Playground")
             for title, script in PAGES.items()}
    # Presenting, the sidebar is collapsed: the pages stay one click away at the top.
    menu = st.navigation(list(pages.values()),
                         position="top" if session.view().presenter else "sidebar")
    class_teacher.publish(menu.title)  # a teacher's screen (run, stop, page) to the class
    class_view.draw(pages, menu)  # a live class: the teacher's or a student's bar
    lesson_player.draw(pages, menu)  # a lesson being played: its stop, above every page
    class_view.sidebar()
    menu.run()


main()
