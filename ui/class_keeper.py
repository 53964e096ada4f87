"""A teacher's class kept across a reload: a reload is a new session, so the browser keeps
the class's code and secret (localStorage, never in an address or a link) and hands them
to the new session, which checks them with the store before it is the teacher again."""

from __future__ import annotations

import json

import streamlit as st

from data_io import live_class
from data_io.class_store import StoreDown
from data_io.live_class import ClassError, Teacher

from . import session
from .class_state import store, teacher_state

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
    session.set_live_class(teacher_state(teacher))
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
