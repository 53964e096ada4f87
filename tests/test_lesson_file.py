"""Lesson files: the shipped lessons read, hostile files refused by name (fuzzed: a valid
file mutated field by field, and random JSON), and anything accepted written back to the
same lesson."""

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from json_fuzz import JSON, mutated, paths

from backprop_core.analyses import live_text
from backprop_core.analyses.questions import QuestionError
from data_io import lesson_file
from data_io.lesson_file import LessonError

LESSONS = Path(__file__).resolve().parents[1] / "lessons"
SHIPPED = sorted(LESSONS.glob("*.json"))
VALID = json.loads((LESSONS / "why_depth.json").read_text())


def test_three_lessons_ship_and_read():
    assert {p.stem for p in SHIPPED} >= {"article", "why_depth", "learning_rate"}
    for path in SHIPPED:
        lesson = lesson_file.read(path.read_bytes())
        assert lesson.title and len(lesson.stops) >= 5
        assert lesson_file.read(lesson_file.write(lesson)) == lesson
    article = lesson_file.read((LESSONS / "article.json").read_bytes())
    assert {s.preset for s in article.stops} == {"article"}
    assert {s.page_title for s in article.stops} == {"Lesson"}


def refusal(data) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    with pytest.raises(LessonError) as info:
        lesson_file.read(raw)
    return str(info.value)


def with_stop(**changes) -> dict:
    data = copy.deepcopy(VALID)
    data["stops"][1].update(changes)
    return data


@pytest.mark.parametrize(("data", "named"), [
    (b"\xff", "not a lesson file"),
    (b"[" * 100_000, "nested too deeply"),
    (b" " * (lesson_file.MAX_BYTES + 1), "at most 256 kB"),
    ({"format": "x"}, "format"),
    ({**VALID, "version": 2}, "version"),
    ({**VALID, "extra": 1}, "unknown field 'extra'"),
    ({**VALID, "title": ""}, "title"),
    ({**VALID, "stops": []}, "stops"),
    ({**VALID, "stops": [1]}, "stop 1: not an object"),
    (with_stop(run="ds=nothing"), "stop 2 ('XOR with no hidden layer'): run: ds"),
    (with_stop(run="ds=xor&step=99999"), "step 99,999 is past 5,000"),
    (with_stop(run="ds=custom"), "uploaded data"),
    (with_stop(preset="article"), "a run or a preset"),
    (with_stop(run="", preset="nope"), "preset"),
    (with_stop(page="Elsewhere"), "page"),
    (with_stop(text="{{loss}} and {{gradient w1:0,0}}"), "{{gradient}} is not one of"),
    (with_stop(text="{{grad w9:0,0}}"), "layers 1 to"),
    (with_stop(text="{{value}}"), "needs a parameter"),
    (with_stop(text="{{step w1:0,0}}"), "takes no parameter"),
    (with_stop(text="an open {{ brace"), "does not open a live number"),
    (with_stop(question={"kind": "poll"}), "kind"),
    (with_stop(question={"kind": "direction", "param": "w1:5,0"}), "goes from 2 to 1"),
    (with_stop(question={"kind": "diverges", "steps": 20, "answer": "no"}),
     "unknown field 'answer'"),
    (with_stop(question={"kind": "turns_orange", "steps": 5}, run="ds=plane"), "two-class"),
    (with_stop(title="x" * 500), "stop 2: title"),
])
def test_hostile_files_are_refused_by_name(data, named):
    assert named in refusal(data)


def test_the_answer_is_never_in_the_file():
    """A question's truth comes from the engine: a spec that tries to carry its own answer
    is refused, whatever its kind."""
    from backprop_core.analyses.questions import QUESTIONS
    for kind, q in QUESTIONS.items():
        spec = {"kind": kind, **{f: VALID["stops"][0]["question"].get(f) for f in q.fields},
                "answer": 1}
        assert "unknown field 'answer'" in refusal(with_stop(question=spec))


def test_live_text_fills_in_the_run():
    lesson = lesson_file.read((LESSONS / "learning_rate.json").read_bytes())
    stop = lesson.stops[4]
    tr = stop.trainer()
    tr.run_steps(stop.decoded().step)
    text = live_text.fill(stop.text, tr)
    assert "{{" not in text and f"{tr.evaluate()['train_loss']:.4g}" in text
    assert f"{tr.net.weights[0][0, 0]:.4g}" in text
    with pytest.raises(QuestionError):
        live_text.check("{{nope}}", (2, 1))


PATHS = paths(VALID)


def check_contract(data) -> None:
    """Refused with a named reason of at most MAX_MESSAGE characters, or accepted and
    written back to the very same lesson; no other exception escapes."""
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    try:
        lesson = lesson_file.read(raw)
    except LessonError as exc:
        assert 0 < len(str(exc)) <= lesson_file.MAX_MESSAGE
        return
    assert lesson_file.read(lesson_file.write(lesson)) == lesson


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), JSON)
def test_fuzz_one_field_replaced(path, value):
    check_contract(mutated(VALID, path, value))


@settings(max_examples=100, deadline=None)
@given(JSON)
def test_fuzz_random_json(value):
    check_contract(value)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_fuzz_text_and_runs(text):
    """Any text as a stop's text, and as its run's query."""
    check_contract(with_stop(text=text))
    check_contract(with_stop(run=text))
