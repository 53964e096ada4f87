"""Lessons: the ones that come with the app and any lesson file, played stop by stop above
every page (ui/lesson_player.py)."""

import streamlit as st

from data_io.lesson_file import LessonError
from ui import lesson_author, lesson_player, session
from ui.texts import plain

FILE_LIMIT_MB = 1


def lesson_card(name: str | None, lesson, key: str) -> None:
    with st.container(border=True):
        st.markdown(f"#### {plain(lesson.title)}")
        if lesson.summary:
            st.markdown(plain(lesson.summary))
        st.caption(" → ".join(plain(s.title) for s in lesson.stops))
        start, link = st.columns([1, 3], vertical_alignment="center")
        start.button("Start", key=f"b_start_{key}", type="primary",
                     on_click=lesson_player.start, args=(lesson, name))
        if name is not None:  # a shipped lesson has an address: a link opens it at stop 1
            # Wrapped: a long address would scroll in a box no keyboard reaches (a tablet).
            link.code(lesson_player.link(name), language=None, wrap_lines=True)


def upload_section() -> None:
    st.markdown("#### A lesson file")
    up = st.file_uploader("Open a lesson file (.json)", type=["json"], key="w_lesson_file",
                          max_upload_size=FILE_LIMIT_MB)
    if up is None:
        return
    try:
        lesson = lesson_player.read_upload(up.getvalue())
    except LessonError as exc:
        st.error(plain(f"This lesson file was not opened: {exc}"))
        return
    lesson_card(None, lesson, "upload")


def main() -> None:
    st.title("Lessons")
    st.markdown("A lesson walks through stops: each opens a run, says what to look at (with "
                "the run's own numbers) and may ask a question. You answer first; then the "
                "app runs the step and shows the engine's answer beside yours.")
    playing = session.lesson_run()
    if playing is not None:
        st.info(plain(f"Playing: {playing['lesson'].title}, stop {playing['stop'] + 1}."))
    for name, lesson in lesson_player.shipped().items():
        lesson_card(name, lesson, name)
    upload_section()
    lesson_author.author_section()


main()
