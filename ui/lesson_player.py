"""The lesson being played, above every page: where it is (stop k of n, its title), the
stop's text with the run's live numbers, its question (the student answers first, then
the app runs the step and shows the engine's answer beside theirs), Back and Next.

A stop opens its run at once (``session.open_stop_run``) or, for a preset, the Lesson
page's own network, and switches to the page it names. The address carries the lesson's
name and stop beside the run (``share_io.mirror_url``), so a link opens a lesson at a stop.
"""

from __future__ import annotations

import functools
import zlib
from functools import partial

import streamlit as st

import backprop_core as bc
from backprop_core.analyses import live_text
from backprop_core.analyses.questions import QuestionError, prompt, question
from data_io import lesson_file
from data_io.lesson_file import LESSON_KEY, STOP_KEY, Lesson, Stop
from data_io.query_text import Bad, parse_float

from . import panel, session, stepping_bar
from .live_component import component
from .navigation import PAGES, app_url
from .texts import plain


@functools.cache
def shipped() -> dict[str, Lesson]:
    """The lessons that come with the app (``lessons/``), checked once per process."""
    return lesson_file.shipped(tuple(PAGES))


def read_upload(raw: bytes) -> Lesson:
    """A lesson file someone uploaded, checked whole (LessonError says what is wrong)."""
    return lesson_file.read(raw, tuple(PAGES))


# --------------------------------------------------------------------------- opening stops


def start(lesson: Lesson, name: str | None, stop: int = 0) -> None:
    """Play ``lesson`` (``name``: a shipped one's, for links) from ``stop`` (0-based)."""
    session.set_lesson_run({"lesson": lesson, "name": name, "stop": 0, "answers": {}})
    open_stop(stop)


def open_stop(k: int) -> None:
    """Show stop ``k``: its run (the run before is kept for Undo) on its page."""
    state = session.lesson_run()
    k = max(0, min(int(k), len(state["lesson"].stops) - 1))
    stop = state["lesson"].stops[k]
    state["stop"], state["switch"] = k, True
    state["answers"].pop(k, None)
    if stop.preset:
        session.open_lesson_net(stop.preset)
        return
    problems = session.open_stop_run(stop.decoded(), f"opened stop {k + 1} of a lesson")
    if problems:
        session.add_warning("The stop's run was not opened whole: " + "; ".join(problems))


def leave() -> None:
    session.set_lesson_run(None)


def follow(name: str | None, stop_text: str | None) -> None:
    """A class's student at the teacher's stop of a shipped lesson (its run comes from
    the teacher, not from the stop), or in no lesson."""
    lesson = shipped().get(name) if name else None
    if lesson is None:
        session.set_lesson_run(None)
        return
    k = stop_index(lesson, stop_text)
    state = session.lesson_run()
    if state is None or state["lesson"] is not lesson or state["stop"] != k:
        session.set_lesson_run({"lesson": lesson, "name": name, "stop": k, "answers": {}})


def from_address() -> None:
    """A new session's address with ``lesson=…&stop=…``: that shipped lesson at that stop
    (1-based); its run is the address's own when the address has one (a reload keeps the
    run on screen), else the stop's."""
    address = session.take_lesson_address()
    if address is not None:
        open_address(*address)


def open_address(name: str, stop_text: str, run_in_address: bool) -> None:
    lesson = shipped().get(name)
    if lesson is None:
        session.add_warning(f"lesson: there is no lesson called {plain(name[:40])!s}")
        return
    k = stop_index(lesson, stop_text)
    if run_in_address and not lesson.stops[k].preset:
        session.set_lesson_run({"lesson": lesson, "name": name, "stop": k, "answers": {}})
    else:
        start(lesson, name, k)


def stop_index(lesson: Lesson, text: str | None) -> int:
    """An address's stop (1-based text) as an index into ``lesson``'s stops: the first
    stop when it is not a number, the nearest one when it is out of range."""
    digits = str(text or "1").strip()
    k = int(digits) - 1 if digits.isdigit() and len(digits) < 6 else 0
    return max(0, min(k, len(lesson.stops) - 1))


def link(name: str, stop: int = 1) -> str:
    """The address that opens shipped lesson ``name`` at ``stop`` (1-based) on this server."""
    return app_url({LESSON_KEY: name, STOP_KEY: stop})


def address_params() -> dict[str, str]:
    """The lesson's part of the address: its name and stop (a shipped lesson only)."""
    state = session.lesson_run()
    if state is None or state["name"] is None:
        return {}
    return {LESSON_KEY: state["name"], STOP_KEY: str(state["stop"] + 1)}


# --------------------------------------------------------------------------- the box


def trainer_of(stop: Stop) -> bc.Trainer:
    """The run a stop's numbers and question are about."""
    if stop.preset:
        net = session.lesson()
        if net is None or net.get("preset") != stop.preset:
            net = session.open_lesson_net(stop.preset)
        return net["trainer"]
    return session.trainer()


def draw(pages: dict, current) -> None:
    """The lesson's box above the page ``current`` (switching first to the stop's page,
    once, when a stop has just opened)."""
    state = session.lesson_run()
    if state is None:
        return
    lesson, k = state["lesson"], state["stop"]
    stop = lesson.stops[k]
    if state.pop("switch", False) and current.title != stop.page_title:
        st.switch_page(pages[stop.page_title])
    with st.container(border=True, key="lesson_player"):
        head, nav = st.columns([5, 2], vertical_alignment="center")
        head.markdown(f"**{plain(lesson.title)}** · stop {k + 1} of {len(lesson.stops)}: "
                      f"**{plain(stop.title)}**")
        head.progress((k + 1) / len(lesson.stops))
        if not session.following_class():
            stop_list(head, lesson, k)
        if session.following_class():
            nav.caption("The teacher moves the lesson on.")
        else:
            nav_buttons(nav, k, len(lesson.stops))
        tr = trainer_of(stop)
        if stop.text:
            panel.panel([panel.file_markdown(live_text.fill(stop.text, tr))],
                        key="lesson_text")
        if stop.question is not None and session.live_class() is None:
            question_area(stop, k, tr)  # in a class, the teacher asks it of everyone


def stop_list(where, lesson: Lesson, k: int) -> None:
    """Every stop's title, to go to any. It shows no choice of its own (the stop shown is
    said above it): a value it kept could be sent back after a quick Next and take the
    lesson back; after a choice it is empty again."""
    key = f"w_lesson_goto_{zlib.crc32(lesson.title.encode()) % 10**8}_{len(lesson.stops)}"
    where.selectbox("Go to a stop", list(range(len(lesson.stops))), index=None, key=key,
                    format_func=lambda i: f"{i + 1}. {lesson.stops[i].title}"
                    + (" (here)" if i == k else ""),
                    placeholder="Go to a stop…", on_change=_go_to, args=(key,),
                    label_visibility="collapsed")


def _go_to(key: str) -> None:
    chosen, st.session_state[key] = st.session_state.get(key), None
    if chosen is not None:
        open_stop(chosen)


NAV = "lesson_nav"  # the player's click log, applied as the stepping bar's are


def _nav_step(by: int):
    def run(_arg) -> None:
        state = session.lesson_run()
        if state is not None:
            open_stop(state["stop"] + by)
    return run


NAV_ACTIONS = {"back": _nav_step(-1), "next": _nav_step(1), "leave": lambda _arg: leave()}


def nav_buttons(nav, k: int, n: int) -> None:
    """Back, Next, Leave: every quick click counts (ui/lesson_nav.js keeps a log of them)."""
    lesson = session.lesson_run()["lesson"]
    data = {"lesson": f"{zlib.crc32(lesson.title.encode())}-{n}", "stop": k, "stops": n,
            "applied": dict(stepping_bar.applied_of(NAV))}
    with nav:
        component(NAV)(key=stepping_bar.key_of(NAV), data=data,
                       on_log_change=partial(stepping_bar.apply_log, False, NAV, NAV_ACTIONS))


def question_area(stop: Stop, k: int, tr: bc.Trainer) -> None:
    spec = stop.question
    st.markdown(f"**Question.** {plain(prompt(spec))}")
    state = session.lesson_run()
    answered = state["answers"].get(k)
    if answered is not None:
        (st.success if answered["correct"] else st.error)(
            ("Right. " if answered["correct"] else "Not this time. ") + answered["text"])
        st.button("Ask again from here", key="b_lesson_again", on_click=_forget, args=(k,),
                  help="Ask the same question of the run as it is now.")
        return
    answer_widgets(spec, tr, k)
    if state.pop("unanswered", None) == k:
        st.warning("Give your answer first: the engine's comes after it.")
    # Never disabled: a number typed and not yet entered arrives with this click, so the
    # answer is read when the click is handled, not when the button was drawn.
    st.button("Answer, then run it", key="b_lesson_answer", type="primary",
              on_click=_answer, args=(k,))


def _forget(k: int) -> None:
    session.lesson_run()["answers"].pop(k, None)


def _key(k: int, part: str = "") -> str:
    return f"w_lesson_answer_{k}{part}"


def answer_widgets(spec: dict, tr: bc.Trainer, k: int) -> None:
    """The widgets the question's kind takes its answer with (``given`` reads them)."""
    kind = spec["kind"]
    if kind in ("direction", "diverges"):
        st.radio("Your answer", question(spec).choices, index=None, horizontal=True,
                 key=_key(k))
    elif kind == "largest_gradient":
        n = question(spec).options(spec, tr)["neurons"]
        st.selectbox("Your answer: neuron", list(range(n)), index=None, key=_key(k))
    elif kind == "gradient":
        st.text_input("Your answer", key=_key(k), placeholder="e.g. -0.0123")
    else:
        st.caption("Click your point on the Playground's boundary chart, or type it.")
        x1, x2 = st.columns(2)
        x1.text_input("x₁ of your point", key=_key(k, "_x1"), placeholder="e.g. 1.5")
        x2.text_input("x₂ of your point", key=_key(k, "_x2"), placeholder="e.g. -2")
    problem = _typed_problem(spec, k)
    if problem:
        st.caption(plain(problem))


def take_plane_click(x: float, y: float) -> bool:
    """A click on the boundary chart while the stop asks for a point: it is the answer
    (the boxes show it); False when no such question waits."""
    state = session.lesson_run()
    if state is None:
        return False
    k = state["stop"]
    spec = state["lesson"].stops[k].question
    if spec is None or spec["kind"] != "turns_orange" or k in state["answers"]:
        return False
    st.session_state[_key(k, "_x1")] = f"{x:.3f}"
    st.session_state[_key(k, "_x2")] = f"{y:.3f}"
    return True


def _typed(spec: dict, k: int) -> list[str]:
    parts = ("_x1", "_x2") if spec["kind"] == "turns_orange" else ("",)
    return [st.session_state.get(_key(k, p)) or "" for p in parts]


def _typed_problem(spec: dict, k: int) -> str | None:
    """What is wrong with a number typed so far (a number goes through the one check)."""
    if spec["kind"] not in ("gradient", "turns_orange"):
        return None
    for text in _typed(spec, k):
        try:
            if text.strip():
                parse_float(text)
        except Bad as exc:
            return f"Not a number: {exc}"
    return None


def given(spec: dict, k: int):
    """The student's answer as the question's kind takes it, or None while there is none
    (or a typed number does not read as one)."""
    if spec["kind"] not in ("gradient", "turns_orange"):
        return st.session_state.get(_key(k))
    try:
        values = [parse_float(t) for t in _typed(spec, k)]
    except Bad:
        return None
    return values[0] if len(values) == 1 else tuple(values)


def current_stop() -> Stop | None:
    state = session.lesson_run()
    return None if state is None else state["lesson"].stops[state["stop"]]


def truth_of(spec: dict, tr: bc.Trainer):
    """The engine's answer to ``spec`` for ``tr`` now, worked out on a fork (a point's
    question on the plane the Playground shows); QuestionError if it has none."""
    kind = question(spec)
    if spec["kind"] == "turns_orange":
        return kind.truth(spec, tr, session.config().features,
                          bc.dataset_extent(session.dataset().X_all))
    return kind.truth(spec, tr)


@session.exclusive
def _answer(k: int) -> None:
    """The engine's answer for the run as it is (worked out on a fork), then the run
    itself taken there, and both answers kept for the stop."""
    state = session.lesson_run()
    stop = state["lesson"].stops[k]
    spec, tr = stop.question, trainer_of(stop)
    answer = given(spec, k)
    if answer is None:
        state["unanswered"] = k
        return
    kind = question(spec)
    try:
        truth = truth_of(spec, tr)
    except QuestionError as exc:
        state["answers"][k] = {"correct": False, "text": f"The engine cannot answer: {exc}"}
        return
    graded = kind.grade(answer, truth)
    if tr.diverged is None:
        kind.advance(spec, tr)
    state["answers"][k] = {"correct": graded.correct, "text": graded.text}
    session.live().app_rerun = True
