"""A live class's state in this app: the process's class store and what a session keeps
of its class (``session.live_class()``: a teacher's code and secret, what was published;
a student's code, id, name, mode and what was seen), shared by the sidebar panel, the
keeper, the teacher's bar and the student's bar."""

from __future__ import annotations

import streamlit as st

from data_io import class_store, live_class
from data_io.live_class import Teacher

POLL_S = 0.5  # a student's screen asks for the teacher's news this often (p95 <= 1 s)
PLAY_POLL_S = 0.25  # ... and while the teacher plays (each look then has news to show)
PLAY_PUBLISH_S = 0.2  # while the teacher plays, the class gets the run this often


@st.cache_resource
def store() -> class_store.ClassStore:
    """The class store of this process: Redis when configured, else its own memory."""
    return class_store.store_from_env()


def teacher_of(me: dict) -> Teacher:
    return Teacher(me["code"], me["secret"])


def teacher_state(t: Teacher) -> dict:
    """A teacher's session's class: its code and secret, nothing published yet."""
    return {"role": "teacher", "code": t.code, "secret": t.secret, "published": None,
            "paused": False, "last_play": 0.0}


def student_state(code: str, student: str, name: str) -> dict:
    """A student's session's class, following the teacher, nothing seen yet."""
    return {"role": "student", "code": code, "id": student,
            "name": name[:live_class.MAX_NAME], "mode": "follow", "version": 0,
            "seen": None, "sent": None, "paused": False}
