"""Lessons in the app (AppTest): every shipped lesson played through stop by stop, every
question answered and judged as the engine judges it, the run then taken where the
engine said; links to a stop, a reload, a lesson file."""

import json
from pathlib import Path

import numpy as np
import pytest
from app_helpers import lesson_nav, nav, on_page, opened, panel_text, panels, press, started_app

import backprop_core as bc
from backprop_core.analyses import live_text
from backprop_core.analyses.questions import question
from data_io import lesson_file

LESSONS = lesson_file.shipped(("Playground", "Lesson", "Gradients", "Step-through",
                               "Hidden space", "Loss surface", "Lessons"))


def player_text(at) -> str:
    """The player's head and question (Markdown) and its stop's text (a panel)."""
    text = " ".join(m.value for m in at.markdown)
    return text + " " + (panel_text(at, "lesson_text") if "lesson_text" in panels(at) else "")


def stop_trainer(at, stop) -> bc.Trainer:
    return at.session_state["lesson"]["trainer"] if stop.preset else at.session_state["trainer"]


def answer_for(at, stop, kind, truth):
    """The engine's own answer where the kind has one; for a point, one that turned orange
    when any did (else the middle of the plane, which is then judged wrong)."""
    if truth.answer is not None:
        return truth.answer
    data = at.session_state["dataset"]
    x0, x1, y0, y1 = bc.dataset_extent(data.X_all)
    for x in np.linspace(x0, x1, 40):
        for y in np.linspace(y0, y1, 40):
            if kind.grade((x, y), truth).correct:
                return (float(x), float(y))
    return ((x0 + x1) / 2, (y0 + y1) / 2)


def give(at, spec, k: int, answer) -> None:
    key = f"w_lesson_answer_{k}"
    if spec["kind"] in ("direction", "diverges"):
        at.radio(key=key).set_value(answer).run()
    elif spec["kind"] == "largest_gradient":
        at.selectbox(key=key).set_value(answer).run()
    elif spec["kind"] == "gradient":
        at.text_input(key=key).input(repr(answer)).run()
    else:
        at.text_input(key=key + "_x1").input(repr(answer[0])).run()
        at.text_input(key=key + "_x2").input(repr(answer[1])).run()


@pytest.mark.parametrize("name", sorted(LESSONS))
def test_a_shipped_lesson_plays_through(name):
    lesson = LESSONS[name]
    at = started_app()
    on_page(at, "app_pages/lessons.py")
    at.button(key=f"b_start_{name}").click().run()
    assert not at.exception, at.exception
    for k, stop in enumerate(lesson.stops):
        assert f"stop {k + 1} of {len(lesson.stops)}" in player_text(at)
        assert at.session_state["lesson_run"]["stop"] == k
        tr = stop_trainer(at, stop)
        if not stop.preset:  # the stop's run, at its step
            assert tr.step == (stop.decoded().step or 0)
            assert at.session_state["config"] == stop.decoded().config
        if stop.question is not None:
            spec = stop.question
            kind = question(spec)
            args = ((at.session_state["config"].features,
                     bc.dataset_extent(at.session_state["dataset"].X_all))
                    if spec["kind"] == "turns_orange" else ())
            truth = kind.truth(spec, tr, *args)
            expected = tr.fork()
            kind.advance(spec, expected)
            answer = answer_for(at, stop, kind, truth)
            give(at, spec, k, answer)
            at.button(key="b_lesson_answer").click().run()
            assert not at.exception, at.exception
            verdict = kind.grade(answer, truth)
            shown = [e.value for e in (at.success if verdict.correct else at.error)]
            assert any(verdict.text in v for v in shown), (shown, verdict.text)
            after = stop_trainer(at, stop)  # the run taken where the engine said
            assert after.step == expected.step and after.phase_index == expected.phase_index
            assert np.array_equal(after.net.theta, expected.net.theta)
        if k + 1 < len(lesson.stops):
            nav(at, "next")
            assert not at.exception, at.exception
    assert lesson_nav(at)["stop"] == lesson_nav(at)["stops"] - 1  # Next: drawn disabled


def test_a_wrong_answer_shows_the_engines_beside_it():
    at = opened({"lesson": "why_depth", "stop": "2"})  # w₀,₀ of layer 1 goes down there
    truth = question({"kind": "direction"}).truth(
        LESSONS["why_depth"].stops[1].question, at.session_state["trainer"])
    wrong = "up" if truth.answer != "up" else "down"
    at.radio(key="w_lesson_answer_1").set_value(wrong).run()
    at.button(key="b_lesson_answer").click().run()
    (error,) = at.error
    assert error.value.startswith("Not this time. You said " + wrong)
    assert f"went {truth.answer}" in error.value
    at.button(key="b_lesson_again").click().run()  # the same question, of the run now
    assert not at.error and at.radio(key="w_lesson_answer_1").value is None


def test_a_link_opens_a_stop_and_a_reload_keeps_its_run():
    stop = LESSONS["why_depth"].stops[3]
    at = opened({"lesson": "why_depth", "stop": "4"})
    assert not at.exception, at.exception
    assert at.session_state["config"] == stop.decoded().config
    assert at.session_state["trainer"].step == stop.decoded().step
    assert f"stop 4 of {len(LESSONS['why_depth'].stops)}" in player_text(at)
    loss = at.session_state["trainer"].evaluate()["train_loss"]
    assert f"{loss:.4g}" in player_text(at)  # the text's live numbers
    press(at, "step")
    address = dict(at.query_params)
    assert address["lesson"] == "why_depth" and address["stop"] == "4"
    assert address["step"] == str(stop.decoded().step + 1)
    again = opened(address)  # a reload: the run on screen
    assert np.array_equal(again.session_state["trainer"].net.theta,
                          at.session_state["trainer"].net.theta)
    assert again.session_state["lesson_run"]["stop"] == 3


def test_an_unknown_lesson_is_said_and_the_app_opens():
    at = opened({"lesson": "nope", "stop": "2"})
    assert not at.exception
    assert any("no lesson called nope" in w.value for w in at.warning)
    assert "lesson_run" not in at.session_state  # no lesson is played


def test_a_lesson_file_is_refused_by_name_or_played():
    at = started_app()
    on_page(at, "app_pages/lessons.py")
    bad = json.loads(Path(lesson_file.SHIPPED / "why_depth.json").read_text())
    bad["stops"][2]["text"] = "{{nope}}"
    at.file_uploader(key="w_lesson_file").set_value(
        ("bad.json", json.dumps(bad).encode(), "application/json")).run()
    (error,) = at.error
    assert ("stop 3 ('XOR with one hidden layer'): {{nope}} is not one of"
            in error.value.replace("\\", ""))  # shown as text: Markdown's marks escaped
    good = lesson_file.write(LESSONS["learning_rate"])
    at.file_uploader(key="w_lesson_file").set_value(
        ("mine.json", good, "application/json")).run()
    at.button(key="b_start_upload").click().run()
    assert at.session_state["lesson_run"]["name"] is None  # no address for a file's lesson
    assert "lesson" not in at.query_params


def test_live_numbers_follow_the_run():
    at = opened({"lesson": "learning_rate", "stop": "5"})
    stop = LESSONS["learning_rate"].stops[4]
    before = live_text.fill(stop.text, at.session_state["trainer"])
    assert panel_text(at, "lesson_text") == before
    press(at, "step")
    after = live_text.fill(stop.text, at.session_state["trainer"])
    assert after != before and panel_text(at, "lesson_text") == after


def test_a_lesson_written_in_the_app():
    """Run, add it as a stop with a question, a stop that does not fit is refused by name,
    reorder, play it, and its file reads back to the same lesson."""
    at = started_app()
    for _ in range(3):
        press(at, "step")
    theta = at.session_state["trainer"].net.theta.copy()
    on_page(at, "app_pages/lessons.py")
    at.text_input(key="w_author_lesson_title").input("Mine").run()
    at.text_input(key="w_author_title").input("Three steps in").run()
    at.text_area(key="w_author_text").input("Loss {{loss}}, ∂C/∂w {{grad w1:0,0}}").run()
    at.selectbox(key="w_author_kind").set_value("direction").run()
    at.text_input(key="w_author_param").input("w2:1,0").run()
    at.button(key="b_author_add").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    at.text_input(key="w_author_title").input("Too far").run()
    at.text_input(key="w_author_param").input("w9:0,0").run()
    at.button(key="b_author_add").click().run()
    (error,) = at.error
    assert "this stop ('Too far'): w9:0,0: the network has layers 1 to" in \
        error.value.replace("\\", "")
    at.selectbox(key="w_author_kind").set_value("diverges").run()
    at.number_input(key="w_author_steps").set_value(7).run()
    at.text_input(key="w_author_title").input("Diverges?").run()
    at.button(key="b_author_add").click().run()
    at.button(key="b_author_down_0").click().run()  # "Three steps in" second now
    draft = at.session_state["lesson_draft"]["stops"]
    assert [s.title for s in draft] == ["Diverges?", "Three steps in"]
    assert draft[1].question == {"kind": "direction", "param": "w2:1,0"}
    assert draft[0].question == {"kind": "diverges", "steps": 7}
    assert draft[1].decoded().step == 3
    at.button(key="b_author_play").click().run()
    assert not at.exception, at.exception
    assert "stop 1 of 2" in player_text(at)
    nav(at, "next")
    assert np.array_equal(at.session_state["trainer"].net.theta, theta)  # the run captured
    written = lesson_file.write(at.session_state["lesson_run"]["lesson"])
    assert lesson_file.read(written).stops == tuple(draft)


def test_a_link_to_a_stop_in_presenter_view_opens_the_stops_run():
    """View settings beside a stop (present=1) are not a run: the stop's run opens."""
    stop = LESSONS["learning_rate"].stops[4]
    at = opened({"lesson": "learning_rate", "stop": "5", "present": "1"})
    assert at.session_state["view"].presenter
    assert at.session_state["config"] == stop.decoded().config
    assert at.session_state["trainer"].step == stop.decoded().step


def test_a_stop_hides_the_panels_it_says_while_the_lesson_plays():
    from app_helpers import bar

    from data_io.lesson_file import Lesson, Stop
    lesson = Lesson("Focus", (Stop("Only Step", run="ds=xor&hide=phases,history"),
                              Stop("Everything", run="ds=xor")))
    at = started_app()
    on_page(at, "app_pages/lessons.py")
    at.file_uploader(key="w_lesson_file").set_value(
        ("focus.json", lesson_file.write(lesson), "application/json")).run()
    at.button(key="b_start_upload").click().run()
    kinds = [b["kind"] for b in bar(at)["buttons"]]
    assert "forward" not in kinds and "step" in kinds and not bar(at)["show_history"]
    assert not at.session_state["view"].presenter
    nav(at, "next")
    assert "forward" in [b["kind"] for b in bar(at)["buttons"]]
    nav(at, "back")
    nav(at, "leave")  # no lesson: every panel again
    on_page(at, "app_pages/playground.py")
    assert "forward" in [b["kind"] for b in bar(at)["buttons"]] and bar(at)["show_history"]


def test_the_stop_list_goes_to_any_stop():
    at = opened({"lesson": "why_depth", "stop": "1"})
    (box,) = [s for s in at.selectbox if s.key.startswith("w_lesson_goto_")]
    assert box.value is None and len(box.options) == len(LESSONS["why_depth"].stops)
    box.set_value(4).run()
    assert not at.exception, at.exception
    assert at.session_state["lesson_run"]["stop"] == 4
    assert at.session_state["config"] == LESSONS["why_depth"].stops[4].decoded().config
    (box,) = [s for s in at.selectbox if s.key.startswith("w_lesson_goto_")]
    assert box.value is None  # empty again: nothing to send back after a quick Next
    nav(at, "back")
    assert at.session_state["lesson_run"]["stop"] == 3


def test_quick_next_clicks_each_count():
    """Three Next clicks made before the server answers: three stops on (Streamlit's own
    buttons folded them into one)."""
    at = opened({"lesson": "why_depth", "stop": "1"})
    nav(at, "next", run=False)
    nav(at, "next", run=False)
    nav(at, "next")
    assert at.session_state["lesson_run"]["stop"] == 3
    nav(at, "back")
    assert at.session_state["lesson_run"]["stop"] == 2
    assert lesson_nav(at)["stop"] == 2
