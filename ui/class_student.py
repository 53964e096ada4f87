"""A live class's student's side: following the teacher (the teacher's run, stop, page
and Lesson-page network on this screen within a second, Play too) or exploring on their
own from there, "Back to the teacher", and the question the teacher asked, answered here,
then judged by the engine on reveal."""

from __future__ import annotations

import streamlit as st

from data_io import live_class, share
from data_io.class_store import StoreDown
from data_io.lesson_file import LESSON_KEY, STOP_KEY
from data_io.live_class import ClassError

from . import lesson_player, session
from .class_state import POLL_S, store
from .navigation import LIVE_AREA_PAGE
from .texts import plain


def _follow_now() -> None:
    me = session.live_class()
    me["mode"], me["version"] = "follow", 0  # the teacher's screen at the next look


def _explore() -> None:
    session.live_class()["mode"] = "explore"


def apply(me: dict, version: int, screen: dict, handed: bool = False) -> str:
    """The teacher's screen on this student's: the run (trained on from the one shown
    when it is the same run further back, or the state the teacher ``handed`` over
    taken), the lesson's stop, the page (switched to at the next full run). Returns what
    must be drawn again: "run" when only the run moved on (the live area draws it by
    itself), else "page"."""
    params = {k: v for k, v in screen["params"].items() if k not in (LESSON_KEY, STOP_KEY)}
    state = live_class.handed(store(), me["code"], version) if handed else None
    problems = session.follow_run(share.decode({k: [v] for k, v in params.items()}), state)
    problems += session.follow_lesson_net(screen.get("lesson_net"))
    if problems:
        session.add_warning("The teacher's run was not followed whole: " + "; ".join(problems))
    lesson = (screen["params"].get(LESSON_KEY), screen["params"].get(STOP_KEY))
    lesson_player.follow(*lesson)
    view = (lesson, screen.get("page"), bool(screen.get("playing")), screen.get("lesson_net"))
    # Only the run moved on, the teacher playing as before, no lesson's text to fill in.
    run_only = view == me.get("view") and view[2] and lesson == (None, None)
    me["version"], me["page"], me["view"] = version, screen.get("page"), view
    return "run" if run_only and not problems else "page"


def look(me: dict) -> str | None:
    """The class's news (a new screen while following; a question asked or revealed):
    None when there is none, "run" when only the teacher's run moved on (the live area
    draws it by itself: the teacher plays), "page" when this page must be drawn again (a
    lesson's stop shows the run's numbers in its text: drawn again too)."""
    try:
        news, q = live_class.news(store(), me["code"])
    except StoreDown:
        changed, me["paused"] = not me["paused"], True
        return "page" if changed else None
    what, me["paused"] = "page" if me["paused"] else None, False
    if news is not None and me["mode"] == "follow" and news[0] != me["version"]:
        got = apply(me, *news)
        what = "page" if what == "page" else got
    seen = None if q is None else (q["id"], q["revealed"] is not None)
    if seen != me["seen"]:
        me["seen"], me["question"] = seen, q
        what = "page"
    return what


def following_play() -> bool:
    """Whether this is a student following a teacher who plays: the live area looks for
    the class's news itself (``live_poll``), so each of Play's steps the teacher hands
    over moves it on without the whole page drawn again (while the teacher steps, the
    class bar's own small fragment looks, and a change draws the page again)."""
    me = session.live_class()
    return me is not None and me["role"] == "student" and me["mode"] == "follow" \
        and bool(me.get("view")) and me["view"][2]


def following_in_live_area(current_title: str) -> bool:
    return following_play() and current_title == LIVE_AREA_PAGE


def live_poll() -> None:
    """In the live area's fragment (every PLAY_POLL_S while following the teacher's Play):
    the class's news; the
    whole page again unless only the run moved on."""
    me = session.live_class()
    if me is not None and me["role"] == "student" and look(me) == "page":
        st.rerun(scope="app")


@st.fragment(run_every=POLL_S)
def poll() -> None:
    me = session.live_class()
    if me is not None and me["role"] == "student" and look(me):
        st.rerun(scope="app")


def _send(spec: dict) -> None:
    me = session.live_class()
    value = lesson_player.given(spec, "class")
    if value is None:
        me["sent"] = ("problem", "Give your answer first.")
        return
    try:
        live_class.answer(store(), me["code"], me["question"]["id"], me["id"], me["name"],
                          list(value) if isinstance(value, tuple) else value)
    except (ClassError, StoreDown) as exc:
        me["sent"] = ("problem", f"Not sent: {exc}")
        return
    me["sent"] = ("ok", me["question"]["id"], value)


def student_question(me: dict) -> None:
    q = me.get("question")
    if q is None:
        return
    spec = q["spec"]
    st.markdown(f"**The teacher asks:** {plain(q['prompt'])}")
    if q["revealed"] is not None:
        verdict = q["revealed"]["verdicts"].get(me["id"])
        text = plain(q["revealed"]["text"])
        if verdict is None:
            st.info(f"You did not answer. The engine: {text}.")
        else:
            (st.success if verdict else st.error)(
                ("Right. " if verdict else "Not this time. ") + f"The engine: {text}.")
        return
    stop = lesson_player.current_stop()
    tr = lesson_player.trainer_of(stop) if stop is not None else session.trainer()
    lesson_player.answer_widgets(spec, tr, "class")
    sent = me.get("sent")
    if sent and sent[0] == "ok" and sent[1] == q["id"]:
        st.caption(plain(f"Sent: {sent[2]}. You may change it until the teacher reveals."))
    elif sent and sent[0] == "problem":
        st.warning(plain(sent[1]))
    st.button("Send my answer", key="b_class_send", type="primary", on_click=_send,
              args=(spec,))


def student_bar(me: dict, pages: dict, current) -> None:
    if me.get("page") and me["mode"] == "follow" and me["page"] != current.title \
            and me["page"] in pages:
        page, me["page"] = me["page"], None
        st.switch_page(pages[page])
    with st.container(border=True, key="class_bar"):
        line, act = st.columns([5, 2], vertical_alignment="center")
        following = me["mode"] == "follow"
        line.markdown(f"**Live class {me['code']}** · "
                      + ("following the teacher" if following else "exploring on your own"))
        if following:
            act.button("Explore on my own", key="b_class_explore", on_click=_explore,
                       width="stretch", help="Go on from here yourself; the teacher's "
                       "screen waits for you.")
        else:
            act.button("Back to the teacher", key="b_class_back", on_click=_follow_now,
                       type="primary", width="stretch")
        if me["paused"]:
            st.warning("Class paused: the class cannot be reached now. You keep what you "
                       "have; it resumes by itself.")
        student_question(me)
        if not following_in_live_area(current.title):
            poll()
