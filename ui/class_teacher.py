"""A live class's teacher's side: what the teacher's screen shows (the run, the lesson's
stop, the page, the Lesson page's network) published at every change and while Play runs
(with the run's state handed over), and the teacher's bar above every page: the class
code, its link and QR code, how many joined, the open question's answers as they arrive,
Reveal."""

from __future__ import annotations

import functools
import io
import time

import streamlit as st

from backprop_core.analyses.questions import QuestionError, prompt, question, significant
from data_io import follow_state, live_class
from data_io.class_store import StoreDown
from data_io.lesson_file import LESSON_KEY, STOP_KEY
from data_io.live_class import JOIN_KEY, ClassError

from . import lesson_player, session
from .class_state import PLAY_PUBLISH_S, POLL_S, store, teacher_of
from .navigation import app_url
from .texts import plain

HISTOGRAM_BARS = 6  # the most given values of a number asked for, each with its count


@functools.lru_cache(maxsize=64)
def qr_png(text: str) -> bytes:
    """The QR code of ``text`` as a PNG (a class's link: drawn on every teacher's rerun)."""
    import segno

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=5, border=2)
    return out.getvalue()


def _screen(page_title: str) -> dict:
    """What the class follows: the run as the address holds it (its lesson and stop too),
    the page, and the Lesson page's own network (a worked example: no address holds it)."""
    params = {k: v for k, v in st.query_params.items() if k != JOIN_KEY}
    screen = {"params": params, "page": page_title}
    net = session.lesson()
    if net is not None:
        tr = net["trainer"]
        screen["lesson_net"] = {"preset": net["preset"], "step": tr.step,
                                "events": [list(e) for e in tr.events if e[0] <= tr.step]}
    return screen


def _publish(me: dict, screen: dict, handed: dict | None = None) -> None:
    """``screen`` to the class if it changed (``handed``: the run's state with it, while
    Play runs); "paused" while the store does not answer (and the class resumed once it
    does)."""
    if screen == me["published"] and not me["paused"]:
        return
    try:
        if me["paused"]:
            live_class.resume(store(), teacher_of(me))
        live_class.publish(store(), teacher_of(me), screen, handed)
    except StoreDown:
        me["paused"] = True
        return
    except ClassError as exc:
        session.set_notice(f"The class ended: {exc}", "warning")
        session.set_live_class(None)
        return
    me["published"], me["paused"] = screen, False


def publish(page_title: str | None = None) -> None:
    """The teacher's screen to the class, once the address shows the run (share_io's
    mirror_url, on every page and in fragments); ``page_title``: the page now (app.py
    knows it; a fragment's rerun keeps the last)."""
    me = session.live_class()
    if me is None or me["role"] != "teacher":
        return
    if page_title is not None:
        me["page_title"] = page_title
    _publish(me, _screen(me.get("page_title", "Playground")))


def publish_playing(params: dict) -> None:
    """While the teacher plays (the live view's fragment): the run at its step, at most
    every PLAY_PUBLISH_S, with its state handed over (``follow_state``: a student takes it
    instead of training the steps since the last look; the records of the steps since the
    teacher's publish before last go with it, for their loss curves)."""
    me = session.live_class()
    if me is None or me["role"] != "teacher" or me["published"] is None:
        return
    now = time.monotonic()
    if now - me["last_play"] < PLAY_PUBLISH_S:
        return
    me["last_play"] = now
    screen = dict(me["published"])
    screen["params"] = {**params, **{k: v for k, v in screen["params"].items()
                                     if k in (LESSON_KEY, STOP_KEY)}}
    screen["playing"] = True
    tr = session.trainer()
    sent = me.setdefault("play_steps", [])  # the steps handed over lately
    handed = None
    if tr.step > 0 and tr.phase_index == 0 and tr.diverged is None:
        handed = follow_state.pack(tr, since=sent[0] if len(sent) > 1 else 0)
        sent[:] = [*sent[-1:], tr.step]
    _publish(me, screen, handed)


def _ask(spec: dict, options: dict) -> None:
    me = session.live_class()
    try:
        me["qid"] = live_class.ask(store(), teacher_of(me), spec, prompt(spec), options)
        me["revealed"] = None
    except (StoreDown, ClassError) as exc:
        session.set_notice(f"Not asked: {exc}", "warning")


def _reveal(spec: dict) -> None:
    """The engine's answer (on a fork of the teacher's run), every student's judged by
    it, shown to the class; then the teacher's run goes there (and the class with it)."""
    me = session.live_class()
    stop = lesson_player.current_stop()
    tr = lesson_player.trainer_of(stop)
    kind = question(spec)
    try:
        truth = lesson_player.truth_of(spec, tr)
    except QuestionError as exc:
        session.set_notice(f"The engine cannot answer this now: {exc}", "warning")
        return
    try:
        given = live_class.answers(store(), me["code"], me["qid"])
        verdicts = {sid: kind.grade(_as_answer(spec, a["answer"]), truth).correct
                    for sid, a in given.items()}
        live_class.reveal(store(), teacher_of(me), me["qid"],
                          {"text": truth.text, "verdicts": verdicts,
                           "answer": None if spec["kind"] == "turns_orange" else truth.answer})
    except (StoreDown, ClassError) as exc:
        session.set_notice(f"Not revealed: {exc}", "warning")
        return
    me["revealed"] = me["qid"]
    if tr.diverged is None:
        kind.advance(spec, tr)
    me["rerun"] = True  # the whole page: the run has moved


def _as_answer(spec: dict, value):
    return tuple(value) if spec["kind"] == "turns_orange" else value


def tally(spec: dict, given: dict[str, dict]) -> str:
    """The class's answers in a line of Markdown: counts of each choice, or the numbers'
    spread, or how many points came."""
    values = [a["answer"] for a in given.values()]
    if not values:
        return "No answers yet."
    if spec["kind"] in ("direction", "diverges", "largest_gradient"):
        counts = {}
        for v in values:
            counts[v] = counts.get(v, 0) + 1
        return " · ".join(f"**{plain(str(v))}**: {n}" for v, n in sorted(
            counts.items(), key=lambda item: -item[1]))
    if spec["kind"] == "gradient":  # a histogram of the values, to 3 significant digits
        counts: dict[float, int] = {}
        for v in values:
            counts[significant(v)] = counts.get(significant(v), 0) + 1
        top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        shown = " · ".join(f"**{v:.3g}**: {n}" for v, n in top[:HISTOGRAM_BARS])
        rest = sum(n for _, n in top[HISTOGRAM_BARS:])
        return shown + (f" · others: {rest}" if rest else "")
    return f"{len(values)} points"


def teacher_bar(me: dict) -> None:
    link = app_url({JOIN_KEY: me["code"]})
    with st.container(border=True, key="class_bar"):
        info, qr = st.columns([5, 1])
        try:
            joined = live_class.students(store(), me["code"])
        except StoreDown:
            joined, me["paused"] = None, True
        info.markdown(f"**Live class {me['code']}** · join with this code on the Lessons "
                      f"page's sidebar, or at the link · "
                      f"{'?' if joined is None else joined} joined")
        info.code(link, language=None)
        qr.image(qr_png(link), caption="Join", width=120)
        if me["paused"]:
            st.warning("Class paused: the class store does not answer. Students keep what "
                       "they have; the class resumes when it is back.")
        stop = lesson_player.current_stop()
        if stop is None or stop.question is None:
            st.caption("A lesson's stop with a question can be asked of the whole class.")
            return
        spec = stop.question
        asked = me.get("qid") is not None and me.get("asked") == spec
        if not asked:
            tr = lesson_player.trainer_of(stop)
            if st.button("Ask the class", key="b_class_ask", type="primary"):
                _ask(spec, question(spec).options(spec, tr))
                me["asked"] = spec
                st.rerun()
            return
        answers_view(me, spec)


@st.fragment(run_every=POLL_S)
def answers_view(me: dict, spec: dict) -> None:
    """The open question's answers as they arrive (every POLL_S), and Reveal."""
    if me.pop("rerun", False):
        st.rerun(scope="app")
    st.markdown(f"**Asked:** {plain(prompt(spec))}")
    try:
        given = live_class.answers(store(), me["code"], me["qid"])
    except StoreDown:
        st.warning("Class paused: the class store does not answer.")
        return
    st.markdown(tally(spec, given))
    if me.get("revealed") == me["qid"]:
        st.success("Revealed to the class.")
        return
    st.button("Reveal the engine's answer", key="b_class_reveal", on_click=_reveal,
              args=(spec,), disabled=not given)
