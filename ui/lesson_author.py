"""Writing a lesson in the app, no code: "Add this run as a stop" captures the run on
screen (what its share link holds: settings, change log, step, phase, presenter view and
hidden panels), with a title, a text (live numbers as {{loss}}, {{grad w2:1,0}}, ...), the
page to show and a question for the engine to answer; stops are reordered or removed; the
lesson is played or downloaded as a lesson file. Every stop is checked as a file's is."""

from __future__ import annotations

import streamlit as st

from backprop_core.analyses.live_text import NUMBERS
from backprop_core.analyses.questions import MAX_STEPS, QUESTIONS
from data_io import lesson_file, share
from data_io.lesson_file import Lesson, LessonError, Stop

from . import lesson_player, session, share_io
from .navigation import PAGES
from .texts import plain

NO_QUESTION = "(no question)"
KIND_LABELS = {"direction": "Which way will a parameter move?",
               "gradient": "What is a parameter's gradient?",
               "largest_gradient": "Which neuron has the largest gradient?",
               "turns_orange": "Where will the boundary turn orange?",
               "diverges": "Will the run diverge?"}


def question_spec(kind: str) -> dict | None:
    """The question the form describes (its fields' widgets), or None."""
    if kind == NO_QUESTION:
        return None
    spec = {"kind": kind}
    fields = QUESTIONS[kind].fields
    if "param" in fields:
        spec["param"] = st.session_state.get("w_author_param", "").strip()
    if "layer" in fields:
        spec["layer"] = int(st.session_state.get("w_author_layer", 1))
    if "steps" in fields:
        spec["steps"] = int(st.session_state.get("w_author_steps", 20))
    return spec


def _run_query() -> str:
    """The run on screen as its share link's query (its settings alone when its log is
    more than a link carries)."""
    return share.to_query_string(share_io.run_params_or_settings(session.trainer().step))


def _add() -> None:
    draft = session.lesson_draft()
    kind = st.session_state.get("w_author_kind", NO_QUESTION)
    stop = Stop(title=st.session_state.get("w_author_title", "").strip(), run=_run_query(),
                text=st.session_state.get("w_author_text", ""),
                question=question_spec(kind),
                page=None if st.session_state.get("w_author_page") == lesson_file.RUN_PAGE
                else st.session_state.get("w_author_page"))
    try:
        checked = lesson_file.read(lesson_file.write(Lesson("draft", (stop,))), tuple(PAGES))
    except LessonError as exc:
        draft["problem"] = str(exc).replace("stop 1", "this stop")
        return
    draft.pop("problem", None)
    draft["stops"].append(checked.stops[0])


def _move(k: int, by: int) -> None:
    stops = session.lesson_draft()["stops"]
    j = k + by
    if 0 <= j < len(stops):
        stops[k], stops[j] = stops[j], stops[k]


def _remove(k: int) -> None:
    del session.lesson_draft()["stops"][k]


def draft_lesson() -> Lesson | None:
    draft = session.lesson_draft()
    if not draft["stops"]:
        return None
    title = st.session_state.get("w_author_lesson_title", "").strip() or "My lesson"
    return Lesson(title, tuple(draft["stops"]),
                  st.session_state.get("w_author_summary", ""))


def stop_form() -> None:
    st.markdown("**Add the run on screen as a stop** (its settings, log and step, as a "
                "share link holds them; go to the Playground to set it up).")
    st.text_input("Stop title", key="w_author_title", max_chars=lesson_file.MAX_TITLE)
    st.text_area("Text (Markdown; live numbers: "
                 + ", ".join("{{" + n + (" w2:1,0" if NUMBERS[n][0] else "") + "}}"
                             for n in NUMBERS) + ")",
                 key="w_author_text", max_chars=lesson_file.MAX_TEXT, height=120)
    page, kind = st.columns(2)
    page.selectbox("Page it shows", [t for t in PAGES if t != "Lessons"], key="w_author_page")
    chosen = kind.selectbox("Question", [NO_QUESTION, *QUESTIONS], key="w_author_kind",
                            format_func=lambda k: KIND_LABELS.get(k, k))
    if chosen != NO_QUESTION:
        fields = QUESTIONS[chosen].fields
        if "param" in fields:
            st.text_input("Parameter (w2:1,0 is the weight of layer 2 from neuron 1 to "
                          "neuron 0; b1:3 a bias)", key="w_author_param", value="w1:0,0")
        if "layer" in fields:
            st.number_input("Layer", min_value=1, max_value=9, value=1, key="w_author_layer")
        if "steps" in fields:
            st.number_input("Steps ahead", min_value=1, max_value=MAX_STEPS, value=20,
                            key="w_author_steps")
    st.button("Add this run as a stop", key="b_author_add", on_click=_add, type="primary")
    problem = session.lesson_draft().get("problem")
    if problem:
        st.error(plain(f"Not added: {problem}"))


def stops_list() -> None:
    stops = session.lesson_draft()["stops"]
    for k, stop in enumerate(stops):
        row, up, down, out = st.columns([6, 1, 1, 1], vertical_alignment="center")
        question = f" · asks: {KIND_LABELS[stop.question['kind']]}" if stop.question else ""
        row.markdown(f"{k + 1}. **{plain(stop.title)}** · {plain(stop.page_title)}"
                     f"{plain(question)}")
        up.button("Up", key=f"b_author_up_{k}", on_click=_move, args=(k, -1), disabled=k == 0)
        down.button("Down", key=f"b_author_down_{k}", on_click=_move, args=(k, 1),
                    disabled=k + 1 == len(stops))
        out.button("Remove", key=f"b_author_remove_{k}", on_click=_remove, args=(k,))


def author_section() -> None:
    """The Lessons page's "Write a lesson" section."""
    st.markdown("#### Write a lesson")
    st.text_input("Lesson title", key="w_author_lesson_title", max_chars=lesson_file.MAX_TITLE)
    st.text_area("Summary", key="w_author_summary", max_chars=lesson_file.MAX_TEXT, height=68)
    stop_form()
    stops_list()
    lesson = draft_lesson()
    if lesson is None:
        return
    play, save = st.columns(2)
    play.button("Play this lesson", key="b_author_play", on_click=lesson_player.start,
                args=(lesson, None), width="stretch")
    save.download_button("Download the lesson file", data=lesson_file.write(lesson),
                         file_name="lesson.json", mime="application/json",
                         key="b_author_download", width="stretch")

