"""A run's state handed over as JSON (data_io.follow_state), as a class's teacher hands it
to the students while Play runs: taken over and trained one step, the student's run is the
teacher's bit for bit; its size stays small for the 6x8 network; anything else handed over
(fuzzed) is refused by name, never half-taken."""

import json

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from json_fuzz import JSON, VALUES, mutated, paths

import backprop_core as bc
from backprop_core.training import catch_up
from data_io import follow_state, live_class
from tests.test_catch_up import CONFIG, ahead_run, params, same_arrays


def through_json(value):
    return json.loads(json.dumps(value, allow_nan=False))


def teacher_and_student(config=CONFIG, ahead=60, behind=7):
    _, teacher = bc.build(config)
    _, student = bc.build(config)
    ahead_run(teacher, ahead)
    ahead_run(student, behind)
    return teacher, student


def test_a_student_taking_the_handed_state_is_the_teachers_run():
    teacher, student = teacher_and_student()
    handed = through_json(follow_state.pack(teacher, since=7))
    snap, records = follow_state.unpack(handed, student, teacher.events)
    assert snap.step == 59 and records[-1].step == 59 and len(records) <= 64
    catch_up.take_over(student, snap, [e for e in teacher.events if e[0] <= 59], records)
    student.finish_step()
    same_arrays(params(student), params(teacher))
    assert student.history[60] == teacher.history[60]
    assert all(student.history[r.step] == teacher.history[r.step] for r in records)


def test_the_records_handed_are_on_a_doubling_grid_of_at_most_64_ending_at_the_step():
    teacher, _ = teacher_and_student(ahead=500, behind=0)
    steps = follow_state.pack(teacher, since=100)["records"]["step"]
    assert steps[-1] == 499 and len(steps) <= follow_state.MAX_RECORDS
    assert all(s % 8 == 0 for s in steps[:-1]) and steps[0] == 104  # 8: the finest that fits
    assert follow_state.pack(teacher, since=490)["records"]["step"] == list(range(491, 500))


def test_the_6x8_networks_state_fits_what_a_class_hands_over():
    c = bc.RunConfig(hidden=(8,) * 6, activations=("tanh",) * 6, optimizer="adam")
    teacher, _ = teacher_and_student(c, ahead=300, behind=0)
    text = json.dumps(follow_state.pack(teacher, since=0), separators=(",", ":"))
    assert len(text) < live_class.MAX_HANDED_CHARS / 4


# --- hostile states: refused by name (bc.StateError), or taken whole --------------------
TEACHER, STUDENT = teacher_and_student(ahead=40, behind=3)
VALID = through_json(follow_state.pack(TEACHER, since=3))
PATHS = paths(VALID)


def check_contract(value) -> None:
    try:
        snap, records = follow_state.unpack(value, STUDENT, TEACHER.events)
    except bc.StateError as exc:
        assert str(exc).startswith(("handed state", "handed records")), str(exc)
        return
    assert isinstance(snap, bc.Snapshot) and all(np.isfinite(w).all() for w in snap.weights)
    assert [r.step for r in records] == sorted({r.step for r in records})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), VALUES)
def test_a_handed_state_mutated_in_one_field(path, value):
    check_contract(mutated(VALID, path, value))


@settings(max_examples=60, deadline=None)
@given(JSON)
def test_random_json_handed_over(value):
    check_contract(value)
