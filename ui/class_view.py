"""A live class in the app, above every page (data_io/live_class.py holds its rules): the
sidebar's "Live class" panel starts one (teacher) or joins one with its code (student);
the bar above the page is the teacher's (ui/class_teacher.py) or the student's
(ui/class_student.py); a teacher's reload keeps the class (ui/class_keeper.py). When the
class store does not answer (Redis gone away), both keep what they have and say "class
paused"; it resumes by itself when the store is back.
"""

from __future__ import annotations

import ipaddress
import secrets

import streamlit as st

from data_io import live_class
from data_io.class_store import StoreDown
from data_io.live_class import JOIN_KEY, ClassError

from . import session
from .class_keeper import keeper
from .class_state import store, student_state, teacher_state
from .class_student import student_bar
from .class_teacher import teacher_bar
from .lazy import lazy_expander


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


def _start() -> None:
    try:
        t = live_class.start(store())
    except (ClassError, StoreDown) as exc:
        session.set_notice(f"No class was started: {exc}", "warning")
        return
    session.set_live_class(teacher_state(t))


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
    session.set_live_class(student_state(code, student, name))


def _leave() -> None:
    me = session.live_class()
    session.set_live_class(None)
    if me is not None and me["role"] == "teacher":
        session.set_notice("The class has ended for you.", "toast")
        session.forget_class_in_browser()


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


def draw(pages: dict, current) -> None:
    """The class's bar above the page, for the teacher or a student (nothing otherwise)."""
    me = session.live_class()
    if me is None:
        return
    if me["role"] == "teacher":
        teacher_bar(me)
    else:
        student_bar(me, pages, current)
