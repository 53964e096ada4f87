"""A live class in the app (AppTest, a teacher's session and students' sessions in one
process): follow, explore and back, a question asked of everyone, answered, counted and
revealed with each student's verdict; nothing a student does moves the teacher; the same
on a real Redis server, which goes away and comes back mid-class."""

import numpy as np
import pytest
from app_helpers import nav, on_page, open_panel, opened, press, started_app

from backprop_core.analyses.questions import question
from data_io import class_store
from deploy.redis_server import RedisServer
from ui import class_state, class_teacher


def use_store(monkeypatch, server: RedisServer | None) -> None:
    """The class store the app picks: its own memory, or Redis (BACKPROP_REDIS_URL)."""
    if server is not None:
        monkeypatch.setenv(class_store.REDIS_URL_ENV, server.url)
    else:
        monkeypatch.delenv(class_store.REDIS_URL_ENV, raising=False)
    class_state.store.clear()  # the process's store, chosen again from the configuration


@pytest.fixture(params=["memory", "redis"])
def store_kind(request, monkeypatch, tmp_path):
    server = RedisServer(tmp_path).start() if request.param == "redis" else None
    use_store(monkeypatch, server)
    yield server
    class_state.store.clear()
    if server is not None:
        server.stop()


@pytest.fixture
def redis_store(monkeypatch, tmp_path):
    server = RedisServer(tmp_path).start()
    use_store(monkeypatch, server)
    yield server
    class_state.store.clear()
    server.stop()


def teacher_app():
    at = started_app()
    open_panel(at, "x_class")
    at.button(key="b_class_start").click().run()
    assert not at.exception, at.exception
    return at, at.session_state["live_class"]["code"]


def student_app(code: str, name: str):
    at = opened({"class": code})  # a join link: the code is filled in
    assert at.text_input(key="w_class_code").value == code
    at.text_input(key="w_class_name").input(name).run()
    at.button(key="b_class_join").click().run()
    assert not at.exception, at.exception
    assert at.session_state["live_class"]["role"] == "student"
    return at


def bar_text(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_students_follow_explore_and_come_back(store_kind):
    teacher, code = teacher_app()
    ada, bob = student_app(code, "Ada"), student_app(code, "Bob")
    for _ in range(3):
        press(teacher, "step")
    teacher.run()  # the teacher's screen, published
    for s in (ada, bob):
        s.run()  # their next look at the class
        assert s.session_state["trainer"].step == 3
        assert np.array_equal(s.session_state["trainer"].net.theta,
                              teacher.session_state["trainer"].net.theta)
    ada.button(key="b_class_explore").click().run()
    for _ in range(5):
        press(ada, "step")  # on her own: the teacher's run does not move
    assert teacher.session_state["trainer"].step == 3
    press(teacher, "epoch")
    teacher.run()
    ada.run()
    bob.run()
    assert ada.session_state["trainer"].step == 8  # exploring: her own run
    assert bob.session_state["trainer"].step == teacher.session_state["trainer"].step
    ada.button(key="b_class_back").click().run()
    ada.run()
    assert ada.session_state["trainer"].step == teacher.session_state["trainer"].step
    assert np.array_equal(ada.session_state["trainer"].net.theta,
                          teacher.session_state["trainer"].net.theta)
    assert "following the teacher" in bar_text(ada)


def test_a_question_asked_of_the_class(store_kind):
    teacher, code = teacher_app()
    students = [student_app(code, f"S{k}") for k in range(3)]
    on_page(teacher, "app_pages/lessons.py")
    teacher.button(key="b_start_why_depth").click().run()
    nav(teacher, "next")  # stop 2: which way will w moves
    teacher.run()
    stop = teacher.session_state["lesson_run"]["lesson"].stops[1]
    truth = question(stop.question).truth(stop.question, teacher.session_state["trainer"])
    for s in students:
        s.run()
        assert s.session_state["lesson_run"]["stop"] == 1  # the teacher's stop
        assert s.session_state["trainer"].step == 300
    teacher.button(key="b_class_ask").click().run()
    assert not teacher.exception, teacher.exception
    wrong = "up" if truth.answer != "up" else "down"
    for s, value in zip(students, [truth.answer, wrong, None], strict=True):
        s.run()
        assert "The teacher asks" in bar_text(s)
        if value is not None:
            s.radio(key="w_lesson_answer_class").set_value(value).run()
            s.button(key="b_class_send").click().run()
            assert not s.exception, s.exception
    teacher.run()
    assert f"**{truth.answer}**: 1" in bar_text(teacher) and f"**{wrong}**: 1" in bar_text(teacher)
    step = teacher.session_state["trainer"].step
    teacher.button(key="b_class_reveal").click().run()
    teacher.run()
    assert teacher.session_state["trainer"].step == step + 1  # the Update, run
    verdicts = []
    for s in students:
        s.run()
        verdicts.append([e.value[:14] for e in (*s.success, *s.error, *s.info)])
        assert s.session_state["trainer"].step == step + 1  # following: the run went on
    assert verdicts[0][0].startswith("Right.") and verdicts[1][0].startswith("Not this")
    assert verdicts[2][0].startswith("You did not")


def test_redis_going_away_pauses_the_class_and_it_resumes(redis_store):
    store_kind = redis_store
    teacher, code = teacher_app()
    ada = student_app(code, "Ada")
    press(teacher, "step")
    teacher.run()
    ada.run()
    assert ada.session_state["trainer"].step == 1
    store_kind.stop()
    press(teacher, "step")
    teacher.run()
    assert any("Class paused" in w.value for w in teacher.warning)
    ada.run()
    assert any("Class paused" in w.value for w in ada.warning)
    assert ada.session_state["trainer"].step == 1  # keeps what it has
    again = RedisServer(store_kind.workdir, port=store_kind.port).start()
    try:
        teacher.run()  # resumes (the class again, its screen published)
        assert not any("Class paused" in w.value for w in teacher.warning)
        ada.run()
        ada.run()
        assert ada.session_state["trainer"].step == 2
        assert not any("Class paused" in w.value for w in ada.warning)
    finally:
        again.stop()


def test_the_teachers_count_of_answers():
    """What the projector shows as answers arrive: counts per choice, a histogram of
    numbers to 3 significant digits."""
    def given(*values):
        return {f"s{k}": {"name": "", "answer": v} for k, v in enumerate(values)}
    assert class_teacher.tally({"kind": "direction"}, {}) == "No answers yet."
    assert class_teacher.tally({"kind": "direction"}, given("up", "down", "up")) == \
        "**up**: 2 · **down**: 1"
    numbers = given(-0.02081, -0.0208, -0.02079, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0)
    assert class_teacher.tally({"kind": "gradient"}, numbers) == (
        "**-0.0208**: 3 · **0.5**: 1 · **1**: 1 · **2**: 1 · **3**: 1 · **4**: 1 · others: 2")
    assert class_teacher.tally({"kind": "turns_orange"}, given([1, 2], [0, 0])) == "2 points"


def test_a_teacher_going_back_takes_the_class_back_exactly(store_kind):
    teacher, code = teacher_app()
    ada = student_app(code, "Ada")
    for _ in range(5):
        press(teacher, "step")
    teacher.run()
    ada.run()
    assert ada.session_state["trainer"].step == 5
    press(teacher, "undo")
    press(teacher, "undo")
    teacher.run()
    ada.run()
    assert ada.session_state["trainer"].step == teacher.session_state["trainer"].step == 3
    assert np.array_equal(ada.session_state["trainer"].net.theta,
                          teacher.session_state["trainer"].net.theta)


def lesson_theta(at):
    return at.session_state["lesson"]["trainer"].net.theta


def test_the_lesson_pages_network_is_followed_steps_edits_and_reset():
    """The Lesson page's worked example (no address holds it): the teacher's steps, a
    weight typed by hand and a Reset reach the students, bit for bit."""
    teacher, code = teacher_app()
    ada = student_app(code, "Ada")
    on_page(teacher, "app_pages/lesson.py")
    press(teacher, "steps")  # 100 epochs
    press(teacher, "step")
    teacher.session_state["lesson"]["trainer"].set_param(1, "weights", (2, 0), 0.25)
    press(teacher, "step")
    teacher.run()
    ada.run()
    assert ada.session_state["lesson"]["trainer"].step == 102
    assert ada.session_state["lesson"]["trainer"].events == \
        teacher.session_state["lesson"]["trainer"].events
    assert np.array_equal(lesson_theta(ada), lesson_theta(teacher))
    press(teacher, "reset")
    teacher.run()
    ada.run()
    assert ada.session_state["lesson"]["trainer"].step == 0
    assert np.array_equal(lesson_theta(ada), lesson_theta(teacher))
    assert not ada.exception and not teacher.exception
