"""A live class in the app, above every page (data_io/live_class.py holds its rules):

- the teacher's bar: the class code, the link and its QR code, how many have joined, the
  open question's answers as they arrive, Reveal; what the teacher's screen shows (the run,
  the lesson's stop, the page) is published at every change, and while Play runs;
- the student's bar: following the teacher (their screen shows the teacher's run, stop and
  page within a second) or exploring on their own from there, "Back to the teacher", and
  the question the teacher asked, answered here, then judged by the engine on reveal.

The sidebar's "Live class" panel starts or joins one. When the class store does not
answer (Redis gone away), both keep what they have and say "class paused"; it resumes by
itself when the store is back.
"""

from __future__ import annotations

import functools
import io
import ipaddress
import json
import secrets
import time

import streamlit as st

from backprop_core.analyses.questions import QuestionError, prompt, question, significant
from data_io import class_store, follow_state, live_class, share
from data_io.class_store import StoreDown
from data_io.lesson_file import LESSON_KEY, STOP_KEY
from data_io.live_class import JOIN_KEY, ClassError, Teacher

from . import lesson_player, session
from .lazy import lazy_expander
from .navigation import LIVE_AREA_PAGE, app_url
from .texts import plain

POLL_S = 0.5  # a student's screen asks for the teacher's news this often (p95 <= 1 s)
PLAY_POLL_S = 0.25  # ... and while the teacher plays (each look then has news to show)
HISTOGRAM_BARS = 6  # the most given values of a number asked for, each with its count
PLAY_PUBLISH_S = 0.2  # while the teacher plays, the class gets the run this often


@st.cache_resource
def store() -> class_store.ClassStore:
    """The class store of this process: Redis when configured, else its own memory."""
    return class_store.store_from_env()


def _client() -> str:
    """Who tries codes, for the rate limit: the connection's address; behind the balancer
    (a loopback or private address), the one it added last to X-Forwarded-For (HAProxy's
    ``option forwardfor`` appends it; the entries before are the client's to write)."""
    peer = st.context.ip_address or "local"
    header = (st.context.headers or {}).get("X-Forwarded-For", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    try:
        behind = ipaddress.ip_address(peer).is_private  # loopback counts as private
    except ValueError:
        behind = False
    return (forwarded[-1] if forwarded and behind else peer)[:64]


@functools.lru_cache(maxsize=64)
def qr_png(text: str) -> bytes:
    """The QR code of ``text`` as a PNG (a class's link: drawn on every teacher's rerun)."""
    import segno

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=5, border=2)
    return out.getvalue()


# --------------------------------------------------------------------------- sidebar


def _start() -> None:
    try:
        t = live_class.start(store())
    except (ClassError, StoreDown) as exc:
        session.set_notice(f"No class was started: {exc}", "warning")
        return
    session.set_live_class({"role": "teacher", "code": t.code, "secret": t.secret,
                            "published": None, "paused": False, "last_play": 0.0})


def _join() -> None:
    state = st.session_state
    try:
        code = live_class.join(store(), state.get("w_class_code", ""), _client())
    except (ClassError, StoreDown) as exc:
        session.set_notice(f"Not joined: {exc}", "warning")
        return
    student, name = secrets.token_hex(8), str(state.get("w_class_name", ""))
    try:
        live_class.register(store(), code, student, name)
    except StoreDown as exc:
        session.set_notice(f"Not joined: {exc}", "warning")
        return
    session.set_live_class({"role": "student", "code": code, "id": student,
                            "name": name[:live_class.MAX_NAME],
                            "mode": "follow", "version": 0, "seen": None, "sent": None,
                            "paused": False})


def _leave() -> None:
    me = session.live_class()
    session.set_live_class(None)
    if me is not None and me["role"] == "teacher":
        session.set_notice("The class has ended for you.", "toast")
        session.forget_class_in_browser()


# A teacher's reload is a new session: the browser keeps the class's code and secret
# (localStorage, never in an address or a link) and hands them to the new session, which
# checks them with the store before it is the teacher again.
KEEPER_JS = """
export default function (component) {
  const { data, parentElement, setStateValue } = component;
  if (!parentElement.querySelector(".bp-class-keeper")) {
    const mark = document.createElement("span");
    mark.className = "bp-class-keeper";
    mark.hidden = true;
    parentElement.appendChild(mark);
  }
  if (!data) return;
  const KEY = "bp-class-teacher";
  try {
    if (data.keep) localStorage.setItem(KEY, JSON.stringify(data.keep));
    else if (data.forget) localStorage.removeItem(KEY);
    else if (data.ask && !window.__bpClassAsked) {
      window.__bpClassAsked = true;
      const kept = localStorage.getItem(KEY);
      if (kept) setStateValue("kept", kept);
    }
  } catch (e) { /* storage off: a reload then ends the class for this teacher */ }
}
"""
KEEPER_KEY = "bp_class_keeper"
_KEEPER = st.components.v2.component(
    "backprop_class_keeper", js=KEEPER_JS,
    css=".st-key-bp_class_keeper { display: none; }", isolate_styles=False)


def _restore() -> None:
    """A reloaded teacher's browser handed back its class: the teacher again if the store
    says the secret is this class's (and it has not ended)."""
    state = st.session_state.get(KEEPER_KEY)
    try:
        kept = json.loads(state["kept"])
        teacher = Teacher(str(kept["code"]), str(kept["secret"]))
    except (KeyError, TypeError, ValueError):
        return
    if session.live_class() is not None:
        return
    try:
        live_class.resume(store(), teacher)
    except (ClassError, StoreDown):
        session.forget_class_in_browser()
        return
    session.set_live_class({"role": "teacher", "code": teacher.code,
                            "secret": teacher.secret, "published": None, "paused": False,
                            "last_play": 0.0})
    session.set_notice(f"Back in class {teacher.code}.", "toast")


def keeper() -> None:
    me = session.live_class()
    if session.take_forget_class():
        data = {"forget": True}
    elif me is not None and me["role"] == "teacher":
        data = {"keep": {"code": me["code"], "secret": me["secret"]}}
    else:
        data = {"ask": me is None}
    with st.sidebar:
        _KEEPER(key=KEEPER_KEY, data=data, on_kept_change=_restore)


def address_params() -> dict[str, str]:
    """A student's part of the address: the class code (a reload has it ready to join)."""
    me = session.live_class()
    return {JOIN_KEY: me["code"]} if me is not None and me["role"] == "student" else {}


def from_address() -> None:
    """A join link (``?class=CODE``): its code in the join box, the panel open."""
    code = st.query_params.get(JOIN_KEY)
    if code and session.live_class() is None:
        st.session_state["w_class_code"] = code[:9]


def sidebar() -> None:
    """The sidebar's "Live class" panel (open when a join link brought the student)."""
    keeper()
    linked = bool(st.session_state.get("w_class_code"))  # a code typed, or from a link
    with st.sidebar, lazy_expander("Live class", "x_class", expanded=linked) as is_open:
        if is_open:
            sidebar_panel()


def sidebar_panel() -> None:
    """Start a class (teacher) or join one with its code (student)."""
    me = session.live_class()
    if me is not None:
        role = "teaching" if me["role"] == "teacher" else "in"
        st.markdown(f"You are {role} class **{me['code']}**.")
        st.button("Leave the class" if me["role"] == "student" else "End the class",
                  key="b_class_leave", on_click=_leave)
        return
    st.button("Start a class", key="b_class_start", on_click=_start,
              help="Students join with its code and follow what you show.")
    st.text_input("Class code", key="w_class_code", max_chars=9)
    st.text_input("Your name (optional)", key="w_class_name", max_chars=live_class.MAX_NAME)
    st.button("Join", key="b_class_join", on_click=_join)


# --------------------------------------------------------------------------- the teacher


def _teacher(me: dict) -> Teacher:
    return Teacher(me["code"], me["secret"])


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
            live_class.resume(store(), _teacher(me))
        live_class.publish(store(), _teacher(me), screen, handed)
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
        me["qid"] = live_class.ask(store(), _teacher(me), spec, prompt(spec), options)
        me["revealed"] = None
    except (StoreDown, ClassError) as exc:
        session.set_notice(f"Not asked: {exc}", "warning")


def _options(spec: dict, tr) -> dict:
    kind = question(spec)
    if spec["kind"] in ("direction", "diverges"):
        return {"choices": list(kind.choices)}
    if spec["kind"] == "largest_gradient":
        return {"neurons": kind.neurons(spec, tr)}
    return {}


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
        live_class.reveal(store(), _teacher(me), me["qid"],
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
                _ask(spec, _options(spec, tr))
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


# --------------------------------------------------------------------------- a student


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
        news = live_class.followed(store(), me["code"])
        q = live_class.question(store(), me["code"])
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


def draw(pages: dict, current) -> None:
    """The class's bar above the page, for the teacher or a student (nothing otherwise)."""
    me = session.live_class()
    if me is None:
        return
    if me["role"] == "teacher":
        teacher_bar(me)
    else:
        student_bar(me, pages, current)
