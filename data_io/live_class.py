"""A live class: its rules over a ``class_store`` (memory or Redis; no Streamlit).

A teacher starts a class and gets a short code (for students to type) and a secret (kept
in the teacher's session only: it never appears in a link). With the secret the teacher
publishes what the class follows (a run as a share link's query, the lesson and stop, the
page), asks a question and reveals the engine's answer. Students join with the code, read
what the teacher published and answer the open question, one answer each (a new one
replaces theirs); nothing they send can change the teacher's run or another's answer.

Codes are 6 characters from 31 that cannot be mistaken for one another (887 million
codes); wrong codes are rate-limited per client, so codes cannot be tried quickly. A class
expires CLASS_TTL_S after the teacher last published.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from backprop_core.analyses import questions

from .class_store import ClassStore

JOIN_KEY = "class"  # a join link's parameter: the class code, filled in for the student
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 6
CLASS_TTL_S = 4 * 3600
JOIN_WINDOW_S, JOIN_LIMIT = 60, 20  # wrong codes per client (address) and minute
MAX_ANSWER_CHARS = 200  # an answer as JSON
MAX_NAME = 40
MAX_STUDENTS = 300
MAX_STATE_CHARS = 20_000  # what the teacher publishes (a link is at most ~16 kB)
MAX_HANDED_CHARS = 1_000_000  # a run's state handed over (the 6x8 network's: ~100 kB)
HANDED_TTL_S = 20  # students read it within a poll of its version


class ClassError(ValueError):
    """Refused: no such class, not the teacher, a bad answer, too many tries."""


@dataclass(frozen=True)
class Teacher:
    code: str
    secret: str


def _k(code: str, part: str) -> str:
    return f"class:{code}:{part}"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normal_code(text: str) -> str:
    """A typed code as stored: capitals, no spaces or dashes; ClassError if it is none."""
    code = "".join(str(text).split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        raise ClassError(f"a class code is {CODE_LENGTH} letters and digits")
    return code


def start(store: ClassStore) -> Teacher:
    """A new class; the teacher's code and secret."""
    secret = secrets.token_urlsafe(24)
    for _ in range(20):
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if store.put_new(_k(code, "teacher"), _digest(secret), CLASS_TTL_S):
            return Teacher(code, secret)
    raise ClassError("no free class code: try again")


def resume(store: ClassStore, teacher: Teacher) -> None:
    """The class again, after its store lost it (a Redis restarted without its data): the
    teacher's session still holds the code and secret, and publishes again after this."""
    if not store.put_new(_k(teacher.code, "teacher"), _digest(teacher.secret), CLASS_TTL_S):
        _check_teacher(store, teacher)  # still there, or taken by another class meanwhile


def _check_teacher(store: ClassStore, teacher: Teacher) -> None:
    stored = store.get(_k(teacher.code, "teacher"))
    if stored is None:
        raise ClassError("this class has ended (it expired)")
    if not hmac.compare_digest(stored, _digest(teacher.secret)):
        raise ClassError("only the class's teacher can do that")


def publish(store: ClassStore, teacher: Teacher, state: dict,
            handed: dict | None = None) -> int:
    """What the class follows now; returns its version (1, 2, ...). Renews the class.
    ``handed``: the run's state for followers to take over (``follow_state``, while Play
    runs), kept HANDED_TTL_S beside this version."""
    _check_teacher(store, teacher)
    text = json.dumps(state, separators=(",", ":"))
    if len(text) > MAX_STATE_CHARS:
        raise ClassError("the run is too long to share with the class")
    handed_text = None if handed is None else json.dumps(handed, separators=(",", ":"))
    if handed_text is not None and len(handed_text) > MAX_HANDED_CHARS:
        handed_text = None  # followers train the steps instead
    version = store.incr(_k(teacher.code, "version"), CLASS_TTL_S)
    if handed_text is not None:
        store.put(_k(teacher.code, f"handed:{version}"), handed_text, HANDED_TTL_S)
    store.put(_k(teacher.code, "state"), json.dumps(
        {"version": version, "state": state, "handed": handed_text is not None}),
        CLASS_TTL_S)
    store.put(_k(teacher.code, "teacher"), _digest(teacher.secret), CLASS_TTL_S)
    return version


def handed(store: ClassStore, code: str, version: int) -> object | None:
    """The state handed over with ``version`` (JSON, to be checked by who takes it), or
    None (none was, or it expired)."""
    text = store.get(_k(code, f"handed:{version}"))
    return None if text is None else json.loads(text)


def join(store: ClassStore, code_text: str, client: str) -> str:
    """The class's code if it exists. Wrong codes are limited to JOIN_LIMIT a minute per
    ``client`` (its address): codes cannot be tried quickly, while a whole class behind
    one school address joins at once (right codes are never counted)."""
    failures = store.get(f"join-failed:{client}")
    if failures is not None and int(failures) >= JOIN_LIMIT:
        raise ClassError("too many wrong codes: wait a minute")
    try:
        code = normal_code(code_text)
        if store.get(_k(code, "teacher")) is None:
            raise ClassError("no class has this code (or it has ended)")
    except ClassError:
        store.incr(f"join-failed:{client}", JOIN_WINDOW_S)
        raise
    return code


def register(store: ClassStore, code: str, student: str, name: str) -> int:
    """A student in the class (``student``: their session's random id); how many joined."""
    return store.hset(_k(code, "students"), str(student)[:64], str(name)[:MAX_NAME],
                      CLASS_TTL_S)


def students(store: ClassStore, code: str) -> int:
    return len(store.hgetall(_k(code, "students")))


def followed(store: ClassStore, code: str) -> tuple[int, dict, bool] | None:
    """(version, state, whether a state was handed over with it) the teacher published
    last, or None (nothing yet, or ended)."""
    return _followed(store.get(_k(code, "state")))


def _followed(text: str | None) -> tuple[int, dict, bool] | None:
    if text is None:
        return None
    record = json.loads(text)
    return record["version"], record["state"], record.get("handed", False)


def news(store: ClassStore, code: str) -> tuple[tuple[int, dict, bool] | None, dict | None]:
    """A student's look, in one round trip: ``followed`` and ``question``."""
    state, q = store.get_many(_k(code, "state"), _k(code, "question"))
    return _followed(state), None if q is None else json.loads(q)


def ask(store: ClassStore, teacher: Teacher, spec: dict, prompt: str, options: dict) -> int:
    """Open a question for the class (``options``: what answers may be, e.g. the choices
    or the number of neurons); returns its number."""
    _check_teacher(store, teacher)
    qid = store.incr(_k(teacher.code, "qid"), CLASS_TTL_S)
    store.put(_k(teacher.code, "question"), json.dumps(
        {"id": qid, "spec": spec, "prompt": prompt, "options": options, "revealed": None}),
        CLASS_TTL_S)
    return qid


def question(store: ClassStore, code: str) -> dict | None:
    text = store.get(_k(code, "question"))
    return None if text is None else json.loads(text)


def checked_answer(q: dict, answer: object) -> object:
    """``answer`` as the question's kind takes it (``questions``: each kind checks its
    own); ClassError if it is not one."""
    try:
        return questions.question(q["spec"]).answer(answer, q["options"])
    except questions.QuestionError as exc:
        raise ClassError(str(exc)) from None


def answer(store: ClassStore, code: str, qid: int, student: str, name: str,
           value: object) -> None:
    """A student's answer to question ``qid`` (theirs replaced if they answer again)."""
    q = question(store, code)
    if q is None or q["id"] != qid:
        raise ClassError("this question is closed")
    if q["revealed"] is not None:
        raise ClassError("the answer has been shown: this question is closed")
    record = json.dumps({"name": str(name)[:MAX_NAME], "answer": checked_answer(q, value)})
    if len(record) > MAX_ANSWER_CHARS + MAX_NAME * 4:
        raise ClassError("the answer is too long")
    answers = store.hgetall(_k(code, f"answers:{qid}"))
    if str(student) not in answers and len(answers) >= MAX_STUDENTS:
        raise ClassError("the class is full")
    store.hset(_k(code, f"answers:{qid}"), str(student)[:64], record, CLASS_TTL_S)


def answers(store: ClassStore, code: str, qid: int) -> dict[str, dict]:
    """Every student's answer to question ``qid``, by student: {"name", "answer"} each."""
    return {s: json.loads(v) for s, v in store.hgetall(_k(code, f"answers:{qid}")).items()}


def reveal(store: ClassStore, teacher: Teacher, qid: int, truth: dict) -> None:
    """Show the engine's answer (``truth``: its text and answer) to the class."""
    _check_teacher(store, teacher)
    q = question(store, teacher.code)
    if q is None or q["id"] != qid:
        raise ClassError("this question is closed")
    q["revealed"] = truth
    store.put(_k(teacher.code, "question"), json.dumps(q), CLASS_TTL_S)
