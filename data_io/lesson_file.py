"""Lesson files: an ordered list of stops, each a run state, a text and maybe a question,
read whole and checked before any of it is used (a bad file is refused by name, never
half-loaded).

    {"format": "backprop-playground-lesson", "version": 1,
     "title": "Why depth", "summary": "…",
     "stops": [{"title": "XOR with no hidden layer",
                "run": "ds=xor&h=&step=200",
                "text": "After {{step}} steps the loss is still {{loss}}…",
                "question": {"kind": "diverges", "steps": 20}}]}

``run`` is what a share link holds (its query string: settings, change log, step and phase,
presenter and hidden panels), or ``preset`` names one of the engine's worked examples
(``backprop_core.PRESETS``: the seed article's 5-10-1 network is "article") instead;
``page`` is the page the stop shows (the Playground for a run, the Lesson page for a
preset, unless it says otherwise); ``text`` is Markdown shown as text, with live numbers
(``backprop_core.analyses.live_text``); ``question`` is a spec of
``backprop_core.analyses.questions``, answered by the engine. ``write`` gives the JSON back.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import backprop_core as bc
from backprop_core.analyses import live_text
from backprop_core.analyses.questions import QuestionError, question

from . import share
from .json_file import capped, read_object

FORMAT, VERSION = "backprop-playground-lesson", 1
MAX_BYTES = 256_000
MAX_STOPS = 60
MAX_TITLE = 120
MAX_TEXT = 4_000
MAX_RUN = 4_000  # characters of a stop's link query
MAX_STEP = 5_000  # a stop opens within seconds: the run is played up to its step
MAX_PROMPT = 300
MAX_MESSAGE = 300
LESSON_KEY, STOP_KEY = "lesson", "stop"  # an address's lesson (a shipped one's name) and stop


class LessonError(ValueError):
    """A lesson file refused: the message names the place (``stop 3 ("XOR"): run: …``)."""


RUN_PAGE, PRESET_PAGE = "Playground", "Lesson"


@dataclass(frozen=True)
class Stop:
    title: str
    run: str = ""  # a share link's query string
    text: str = ""
    question: dict | None = None
    preset: str | None = None  # instead of ``run``: one of backprop_core.PRESETS
    page: str | None = None  # None: RUN_PAGE, or PRESET_PAGE for a preset

    @property
    def page_title(self) -> str:
        return self.page or (PRESET_PAGE if self.preset else RUN_PAGE)

    def trainer(self) -> bc.Trainer:
        """A fresh run of the stop at step 0 (a preset's; a run's is built by the app)."""
        if self.preset:
            return bc.get_preset(self.preset).trainer()
        return bc.build(self.decoded().config)[1]

    def params(self) -> dict[str, list[str]]:
        return parse_qs(self.run, keep_blank_values=True, max_num_fields=100)

    def decoded(self) -> share.Decoded:
        return share.decode(self.params())

    def to_dict(self) -> dict:
        out = {"title": self.title, "run": self.run, "text": self.text}
        for name in ("question", "preset", "page"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        return out


@dataclass(frozen=True)
class Lesson:
    title: str
    stops: tuple[Stop, ...]
    summary: str = ""


def read(raw: bytes, pages: tuple[str, ...] = (RUN_PAGE, PRESET_PAGE)) -> Lesson:
    """The lesson file ``raw`` checked whole, its stops' pages among ``pages`` (the app's
    page titles); LessonError naming what is wrong (at most MAX_MESSAGE characters,
    whatever the file holds)."""
    try:
        return _read(raw, pages)
    except (LessonError, QuestionError, ValueError) as exc:
        raise LessonError(capped(str(exc), MAX_MESSAGE)) from None


def write(lesson: Lesson) -> bytes:
    """The file ``read`` reads back to ``lesson``."""
    return json.dumps({"format": FORMAT, "version": VERSION, "title": lesson.title,
                       "summary": lesson.summary,
                       "stops": [s.to_dict() for s in lesson.stops]},
                      ensure_ascii=False, indent=1).encode("utf-8")


def _read(raw: bytes, pages: tuple[str, ...]) -> Lesson:
    if not isinstance(raw, bytes | bytearray) or len(raw) > MAX_BYTES:
        raise LessonError(f"a lesson file is at most {MAX_BYTES // 1000} kB")
    data = read_object(raw, FORMAT, "lesson file")
    if data.get("version") != VERSION:
        raise LessonError(f"version: {str(data.get('version'))[:20]!r} is not {VERSION}, "
                          "the version this app reads")
    unknown = set(data) - {"format", "version", "title", "summary", "stops"}
    if unknown:
        raise LessonError(f"unknown field {sorted(map(str, unknown))[0][:30]!r}")
    title = _text(data.get("title"), "title", MAX_TITLE, required=True)
    summary = _text(data.get("summary", ""), "summary", MAX_TEXT)
    stops = data.get("stops")
    if not isinstance(stops, list) or not 1 <= len(stops) <= MAX_STOPS:
        raise LessonError(f"stops: a list of 1 to {MAX_STOPS} stops")
    return Lesson(title, tuple(_stop(s, k, pages) for k, s in enumerate(stops, start=1)),
                  summary)


def _text(value: object, where: str, limit: int, required: bool = False) -> str:
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        raise LessonError(f"{where}: {'a' if required else 'a possibly empty'} text of at "
                          f"most {limit} characters")
    return value


def _stop(data: object, k: int, pages: tuple[str, ...]) -> Stop:
    if not isinstance(data, dict):
        raise LessonError(f"stop {k}: not an object")
    unknown = set(data) - {"title", "run", "text", "question", "preset", "page"}
    if unknown:
        raise LessonError(f"stop {k}: unknown field {sorted(map(str, unknown))[0][:30]!r}")
    title = _text(data.get("title"), f"stop {k}: title", MAX_TITLE, required=True)
    where = f"stop {k} ({title[:40]!r})"
    preset, page = data.get("preset"), data.get("page")
    if preset is not None and preset not in bc.PRESETS:
        raise LessonError(f"{where}: preset: {str(preset)[:30]!r} is not one of "
                          f"{', '.join(bc.PRESETS)}")
    if page is not None and page not in pages:
        raise LessonError(f"{where}: page: {str(page)[:30]!r} is not one of {', '.join(pages)}")
    stop = Stop(title, _text(data.get("run", ""), f"{where}: run", MAX_RUN),
                _text(data.get("text", ""), f"{where}: text", MAX_TEXT),
                data.get("question"), preset, page)
    try:
        check_stop(stop)
    except (LessonError, QuestionError) as exc:
        raise LessonError(f"{where}: {exc}") from None
    return stop


def check_stop(stop: Stop) -> bc.Trainer:
    """The stop's run as a fresh trainer (at step 0) once its link, text and question fit
    it; LessonError or QuestionError saying what does not."""
    if stop.preset is not None and stop.run:
        raise LessonError("a stop has a run or a preset, not both")
    tr = _checked_run(stop) if stop.preset is None else stop.trainer()
    live_text.check(stop.text, tuple(tr.net.layer_sizes))
    if stop.question is not None:
        spec = stop.question
        kind = question(spec)
        unknown = set(spec) - {"kind", "prompt", *kind.fields}
        if unknown:
            raise QuestionError(f"question: unknown field {sorted(map(str, unknown))[0][:30]!r}")
        _text(spec.get("prompt", ""), "question: prompt", MAX_PROMPT)
        if stop.preset and spec["kind"] == "turns_orange":
            raise QuestionError("question: turns_orange needs a run on the plane, not a preset")
        kind.check(spec, tr)
    return tr


def _checked_run(stop: Stop) -> bc.Trainer:
    decoded = stop.decoded()
    if decoded.warnings:
        raise LessonError(f"run: {decoded.warnings[0]}")
    if decoded.needs_upload:
        raise LessonError("run: a lesson cannot carry uploaded data")
    if (decoded.step or 0) > MAX_STEP:
        raise LessonError(f"run: step {decoded.step:,} is past {MAX_STEP:,}, the most a "
                          "stop opens at")
    _, tr = bc.build(decoded.config)
    _, bad = share.trainer_events(decoded.events, decoded.config, tr.shape())
    if bad is not None:
        raise LessonError(f"run: change {bad.index + 1} of its log does not fit the run")
    return tr


SHIPPED = Path(__file__).resolve().parents[1] / "lessons"
NAME = re.compile(r"^[a-z0-9_]{1,40}$")  # a shipped lesson's name: its file's, in links


def shipped(pages: tuple[str, ...] = (RUN_PAGE, PRESET_PAGE)) -> dict[str, Lesson]:
    """The lessons in the repository's ``lessons/`` folder, by name (their file's stem)."""
    return {p.stem: read(p.read_bytes(), pages) for p in sorted(SHIPPED.glob("*.json"))
            if NAME.match(p.stem)}
