"""The one module that reads and writes Streamlit session state: one key per concept.

Pages and widgets call these functions; nothing else touches ``st.session_state`` except
widget keys (``w_...``), which Streamlit itself owns.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace

import streamlit as st

import backprop_core as bc
from backprop_core.policy.config import apply_live_settings, needs_rebuild, with_trainer_settings
from backprop_core.training import catch_up
from backprop_core.training.changes import check_log
from backprop_core.training.stopping import StopCondition
from data_io import follow_state, link_open, session_file, share
from data_io.lesson_file import LESSON_KEY, STOP_KEY
from data_io.live_class import JOIN_KEY
from viz.colors import DEFAULT_PALETTE, PALETTES

from .play_ahead import Ahead

# Session keys, one per concept.
CONFIG, DATA, TRAINER = "config", "dataset", "trainer"
PLAYING, VIEW, NOTICE = "playing", "view", "notice"
SELECTED, WALK, LESSON = "selected_param", "walk", "lesson"
SNAPSHOTS, CUSTOM_META, RESULTS = "snapshots", "custom_meta", "results"
LIVE, RECONNECTED = "live", "reconnected"
PAGE_STATE = "page_state"  # each page's own view state (never the run): a dict per page
WARNINGS = "warnings"  # problems shown until dismissed
LOCK = "run_lock"  # see run_lock()
PREVIOUS = "previous_runs"  # runs replaced by a new network, data, Reset or a file
NEXT = "next_runs"  # runs Undo replaced by the one before them, which Redo brings back
LESSON_RUN = "lesson_run"  # the lesson being played: its file, its stop, the answers given
LESSON_DRAFT = "lesson_draft"  # a lesson being written in the app: title, summary, stops
LIVE_CLASS = "live_class"  # this session's part in a live class (teacher or student), if any
FORGET_CLASS = "forget_class"  # the browser is to forget the class it keeps for a reload
LESSON_ADDRESS = "lesson_address"  # a new session's address named a lesson: (name, stop, run?)


@dataclass
class View:
    """How things are shown (never changes the run)."""

    edge_mode: str = "weights"  # weights | gradients | updates
    gradient_of: str = "last"  # between steps: the last step's gradient | the next batch's
    show_test: bool = True
    discretize: bool = False
    log_scale: bool = False
    steps_per_frame: int | str = 30  # a speed of live_packet.SPEEDS: steps, or "epoch"
    presenter: bool = False
    hidden_panels: set = field(default_factory=set)
    draw_label: float | None = None  # a click on the boundary plot adds a point of this label
    plane: str = "features"  # uploaded data: "features" (two of them) or "pca"
    plane_features: tuple[int, int] = (0, 1)
    stop: StopCondition = field(default_factory=StopCondition)  # Play until...
    palette: str = DEFAULT_PALETTE  # the colours of sign and class (viz.colors.PALETTES)
    shapes: bool = False  # sign and class shown by a shape too: dashed negative weights,
    # a marker shape per class


@dataclass
class Live:
    """The live view's side of Play: which play the browser started, how many frames it
    asked for, and what it already has (so a packet carries only what changed)."""

    play_id: int = 0
    want: int = 4
    scene_sent: str | None = None
    loss_sent: str | None = None
    app_rerun: bool = False  # a browser event that changes more than the live view
    target: int | None = None  # playing up to this step (a share link's), then pausing
    target_what: str = "link"  # ...for a "link" or to finish an "epoch"
    events: tuple = ()  # the link's settings changes still to make on the way there
    phase: int = 0  # ...and the phases to run of the step after it
    reseed_widgets: bool = False  # settings changed under the widgets: write them all
    ahead: Ahead = field(default_factory=Ahead)  # Play's frames made between requests




def run_lock() -> threading.RLock:
    """One session's run, one thread at a time. A click outside a fragment makes Streamlit
    (runner.fastReruns) start a new script thread at once while the one it stops is still
    running until its next Streamlit call: both would change the same trainer (fast Step
    clicks on Step-through or Loss surface left its step and history apart: "history
    expects step 50, got 51"). Callbacks, the page and fragments take this lock.
    Whatever runs stops Play's frames made ahead first (``ui.play_ahead``: they are made
    under this lock too); the live view starts them again when it has sent a batch."""
    live().ahead.stop()
    return st.session_state.setdefault(LOCK, threading.RLock())


def exclusive(fn: Callable) -> Callable:
    """``fn`` (a widget's callback) run under the session's ``run_lock``."""
    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        with run_lock():
            return fn(*args, **kwargs)

    return wrapped


def init() -> None:
    """Create the session's run once (each browser session gets its own), from the share
    link's settings when the address has them. A link's steps are not trained here: the
    live view plays up to them in short slices, with progress, and Pause stops it."""
    if CONFIG in st.session_state:
        return
    params = {key: st.query_params.get_all(key) for key in st.query_params
              if key not in (LESSON_KEY, STOP_KEY, JOIN_KEY)}
    if LESSON_KEY in st.query_params:  # the lesson player opens it (ui/lesson_player.py)
        # a run of its own (a reload of a stop's run, stepped on): an address with a step
        st.session_state[LESSON_ADDRESS] = (st.query_params.get(LESSON_KEY, ""),
                                            st.query_params.get(STOP_KEY, "1"),
                                            share.STEP_KEY in params)
    decoded = share.decode(params) if params else None
    warnings = list(decoded.warnings) if decoded else []
    config = decoded.config if decoded else bc.RunConfig()
    if decoded and decoded.needs_upload:
        warnings.append("the link is for uploaded data, which it cannot carry: upload the "
                        "same CSV (sidebar, Data), then train again; the other settings "
                        "are the link's")
        config = link_open.without_upload(config)
    _rebuild(config)
    st.session_state[PLAYING] = False
    st.session_state[VIEW] = View(presenter=bool(decoded and decoded.presenter),
                                  hidden_panels=set(decoded.hidden) if decoded else set(),
                                  palette=decoded.palette if decoded else DEFAULT_PALETTE,
                                  shapes=bool(decoded and decoded.shapes))
    step = decoded.step if decoded and not decoded.needs_upload else None
    if step is not None:  # step 0 too: changes made at it, phases run of its first step
        events, step, phase = link_open.checked_log(decoded, config, trainer(), warnings)
        step, events = link_open.affordable(step, events, trainer(), warnings)
        if step or events or phase:
            live().target, live().events, live().target_what = step, tuple(events), "link"
            live().phase = phase if step == decoded.step else 0
            st.session_state[PLAYING] = True
    st.session_state[NOTICE] = None
    st.session_state[RECONNECTED] = _lost_its_session()
    if warnings:
        add_warning("Some link settings were not used: " + "; ".join(warnings) + ".")


def _lost_its_session() -> bool:
    """A browser that was connected to a session this server does not have: its server went
    away (stopped, restarted, or a balancer moved the browser to another replica). The
    frontend names its last session in the websocket's subprotocol list (third entry)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    entries = [e.strip() for e in (st.context.headers.get("Sec-Websocket-Protocol") or "")
               .split(",")]
    ctx = get_script_run_ctx()
    previous = entries[2] if len(entries) >= 3 else ""
    return bool(previous) and ctx is not None and previous != ctx.session_id


def reconnected() -> bool:
    """Whether to tell the user their page started afresh after a lost server."""
    return bool(st.session_state.get(RECONNECTED))


def dismiss_reconnected() -> None:
    st.session_state[RECONNECTED] = False


def config() -> bc.RunConfig:
    return st.session_state[CONFIG]


def set_config(c: bc.RunConfig) -> None:
    """Record settings the trainer already uses (e.g. after a rewind); ``apply_config``
    is for settings that should change the run."""
    st.session_state[CONFIG] = c


def trainer() -> bc.Trainer:
    return st.session_state[TRAINER]


def dataset() -> bc.Dataset:
    """The data as the run holds it at its current step: points drawn on the plane or
    removed from it by hand are in (or out of) its training part."""
    data, tr = st.session_state[DATA], trainer()
    if tr.X_raw is None or tr.X is tr.base_data[0]:
        return data
    return replace(data, X_train=tr.X_raw, Y_train=tr.Y)


def base_dataset() -> bc.Dataset:
    """The data as generated (what the plane's extent is fitted to)."""
    return st.session_state[DATA]


def view() -> View:
    return st.session_state[VIEW]


def look() -> dict:
    """The view's colours and shapes, as viz's figure builders take them."""
    v = view()
    return {"palette": PALETTES[v.palette], "shapes": v.shapes}


def playing() -> bool:
    return st.session_state[PLAYING]


def set_playing(value: bool) -> None:
    st.session_state[PLAYING] = bool(value)
    if not value:
        live().target, live().events, live().phase = None, (), 0


def arrived_at_link_step() -> None:
    """A link's run reached its step: run the phases it was left at, show the settings in
    effect there, stop."""
    tr = trainer()
    for _ in range(live().phase):
        tr.run_phase()
    _show_trainer_settings(tr)
    set_playing(False)


def live() -> Live:
    return st.session_state.setdefault(LIVE, Live())


def take_reseed() -> bool:
    """Whether the widgets must all be given the settings again (once)."""
    value, live().reseed_widgets = live().reseed_widgets, False
    return value


def start_playing(play_id: int) -> None:
    """Play, for the browser's play ``play_id`` (its frames are told apart by it)."""
    if trainer().diverged is not None:
        return
    st.session_state[PLAYING] = True
    live().play_id = int(play_id)
    set_notice(None)


def play_to(step: int, what: str) -> None:
    """Play up to ``step`` in slices (as a link's steps), with progress; Pause stops."""
    live().target, live().events, live().phase, live().target_what = step, (), 0, what
    st.session_state[PLAYING] = True
    live().app_rerun = True  # the stepping bar is disabled while it plays


def pause_at(step: int) -> None:
    """Pause on the step the screen shows: the trainer trained a little ahead of it, so it
    goes back to exactly that step (those unseen steps are dropped), and settings changed
    meanwhile apply from there on, as on screen."""
    st.session_state[PLAYING] = False
    target, live().target, live().events, live().phase = live().target, None, (), 0
    tr = trainer()
    asked = "the link asked for" if live().target_what == "link" else "the epoch ends at"
    if target is not None and step < target:
        set_notice(f"Stopped at step {step:,}; {asked} {target:,}. Press Play to go on.")
    if 0 <= step < tr.step and tr.diverged is None:
        tr.rewind_to(step)
        if target is None:
            apply_widget_settings(tr)
    if target is not None and live().target_what == "link":
        _show_trainer_settings(tr)  # a link's run: its settings log is what the widgets show


def _show_trainer_settings(tr: bc.Trainer) -> None:
    st.session_state[CONFIG] = with_trainer_settings(config(), tr)
    live().reseed_widgets = True


def apply_widget_settings(tr: bc.Trainer | None = None) -> None:
    """The settings on screen apply to the trainer from its current step on."""
    tr = tr or trainer()
    apply_live_settings(tr, with_trainer_settings(config(), tr), config())


def selected() -> tuple[int, int | None, int]:
    """The parameter under inspection: (weight layer, from-neuron or None for a bias, to)."""
    layer, k, j = st.session_state.get(SELECTED, (0, 0, 0))
    net = trainer().net
    if layer >= net.n_layers or j >= net.layer_sizes[layer + 1] or (
            k is not None and k >= net.layer_sizes[layer]):
        return (0, 0, 0)
    return layer, k, j


def set_selected(layer: int, k: int | None, j: int) -> None:
    st.session_state[SELECTED] = (int(layer), None if k is None else int(k), int(j))


def walk() -> dict:
    """Single-sample walk: which sample, how many layers done forward and backward."""
    return st.session_state.setdefault(WALK, {"sample": 0, "position": 0})


def lesson() -> dict | None:
    """The Lesson page's own network ({"trainer", "preset", "comparison"}), or None."""
    return st.session_state.get(LESSON)


def open_lesson_net(preset: str = "article") -> dict:
    """The Lesson page's network anew: a fresh run of ``preset`` (a worked example)."""
    st.session_state[LESSON] = {"trainer": bc.get_preset(preset).trainer(), "preset": preset,
                                "comparison": None}
    return st.session_state[LESSON]


def lesson_run() -> dict | None:
    """The lesson being played ({"lesson", "name", "stop", "answers"}), or None."""
    return st.session_state.get(LESSON_RUN)


def set_lesson_run(value: dict | None) -> None:
    st.session_state[LESSON_RUN] = value


def lesson_draft() -> dict:
    """The lesson being written ({"title", "summary", "stops": [Stop, ...]})."""
    return st.session_state.setdefault(LESSON_DRAFT, {"title": "", "summary": "", "stops": []})


def live_class() -> dict | None:
    """This session in a live class: {"role": "teacher", "code", "secret", ...} or
    {"role": "student", "code", "id", "name", "mode": "follow" | "explore", ...}."""
    return st.session_state.get(LIVE_CLASS)


def set_live_class(value: dict | None) -> None:
    st.session_state[LIVE_CLASS] = value


def forget_class_in_browser() -> None:
    st.session_state[FORGET_CLASS] = True


def take_forget_class() -> bool:
    return bool(st.session_state.pop(FORGET_CLASS, False))


def following_class() -> bool:
    """This session is a class's student who follows the teacher (whose screen moves it)."""
    me = live_class()
    return me is not None and me["role"] == "student" and me["mode"] == "follow"


def take_lesson_address() -> tuple[str, str, bool] | None:
    """The lesson a new session's address named, once."""
    return st.session_state.pop(LESSON_ADDRESS, None)


def open_stop_run(decoded: share.Decoded, why: str, handed: dict | None = None) -> list[str]:
    """Replace the run with the one a lesson's stop holds (a share link's run, built and
    trained to its step at once: a stop opens at a few thousand steps at most); the run
    before is kept for Undo. ``handed``: the state of that run a class's teacher handed
    over (``follow_state``), taken instead of training the steps it covers. Returns what
    could not be done, as a link's warnings say."""
    warnings: list[str] = []
    c = decoded.config
    data, tr = bc.build(c)
    events, step, phase = link_open.checked_log(decoded, c, tr, warnings)
    later = _take_over(tr, handed, step or 0, events)
    step, later = link_open.affordable(step or 0, later, tr, warnings)
    link_open.replay(tr, step, later, phase)
    keep_previous_run(why)
    st.session_state[CONFIG], st.session_state[DATA], st.session_state[TRAINER] = c, data, tr
    set_playing(False)
    # The stop's panels: hidden while the lesson plays (presenting or not), as it says.
    view().hidden_panels = set(decoded.hidden)
    if decoded.presenter:
        view().presenter = True
        st.session_state.pop("w_presenter", None)  # the switch is drawn anew, on
    st.session_state.pop("w_hide", None)
    _show_trainer_settings(tr)  # the settings in effect at its step, in the widgets
    live().app_rerun = True
    return warnings


def _take_over(tr: bc.Trainer, handed: dict | None, step: int, events: list) -> list:
    """``tr`` (before ``step``, its log a start of ``events``) at the state ``handed``
    over, when it fits: the changes still to make (all of ``events`` after ``tr``'s log
    when it does not; the steps are then trained, the same numbers, only slower)."""
    own = len([e for e in tr.events if e[0] <= tr.step])
    if handed is None:
        return events[own:]
    try:
        snap, records = follow_state.unpack(handed, tr, events)
        if not snap.step < step:
            return events[own:]
        catch_up.take_over(tr, snap, [e for e in events if e[0] <= snap.step], records)
    except (bc.StateError, ValueError):
        return events[own:]
    return [e for e in events if e[0] > snap.step]


def follow_run(decoded: share.Decoded, handed: dict | None = None) -> list[str]:
    """The teacher's run, as a student following a class gets it: the run on screen moved
    to it when it is the same run (``follow_on``), else opened anew (``open_stop_run``);
    ``handed``: the state the teacher handed over while playing (``follow_state``).
    Returns what could not be done."""
    tr, warnings = trainer(), []
    if decoded.config == config():
        events, step, phase = link_open.checked_log(decoded, config(), tr, warnings)
        if not warnings and follow_on(tr, events, step or 0, phase, handed, warnings):
            set_playing(False)
            _show_trainer_settings(tr)
            return warnings
    return open_stop_run(decoded, "followed the teacher", handed)


def follow_on(tr: bc.Trainer, events: list, step: int, phase: int, handed: dict | None,
              warnings: list[str]) -> bool:
    """``tr`` at ``step`` (and ``phase`` phases into the next) of the run whose log is
    ``events`` (checked), when that is ``tr``'s own run further on (only the new steps
    trained, or the state ``handed`` over taken) or further back (gone back to, exactly);
    False, ``tr`` untouched, when it is another run."""
    if tr.diverged is not None or tr.phase_index != 0:
        return False
    n = len(tr.events)  # a fresh run's address has no step: 0
    if step >= tr.step and tuple(events[:n]) == tuple(tr.events) \
            and all(e[0] >= tr.step for e in events[n:]):
        later = _take_over(tr, handed, step, events)
        step, later = link_open.affordable(step, later, tr, warnings)
        link_open.replay(tr, step, later, phase)
        return True
    if step < tr.step and tuple(e for e in tr.events if e[0] <= step) == tuple(events):
        tr.goto(step)
        for _ in range(phase):
            tr.run_phase()
        return True
    return False


def follow_lesson_net(spec: dict | None) -> list[str]:
    """The teacher's Lesson-page network (``spec``: {"preset", "step", "events"} as the
    teacher's screen says it, or None: the student's own is left as it is) on this
    student's Lesson page: followed on as ``follow_on`` does, or made anew. Returns what
    could not be done."""
    if spec is None:
        return []
    try:
        name, step = spec["preset"], int(spec["step"])
        if name not in bc.PRESETS or not 0 <= step <= share.MAX_STEP:
            raise ValueError(f"no such worked example at step {step}")
        events = check_log(spec["events"], bc.get_preset(name).trainer().shape(), step)
        net, warnings = lesson(), []
        if net is None or net.get("preset") != name \
                or not follow_on(net["trainer"], events, step, 0, None, warnings):
            follow_on(open_lesson_net(name)["trainer"], events, step, 0, None, warnings)
        return warnings
    except (KeyError, TypeError, ValueError) as exc:
        return [f"the Lesson page's network: {exc}"]


def snapshots() -> list[dict]:
    """Kept runs for comparison: name, steps and train losses (copies)."""
    return st.session_state.setdefault(SNAPSHOTS, [])


def keep_snapshot(name: str) -> None:
    cols = trainer().history.columns
    snapshots().append({"name": name, "step": list(cols["step"]),
                        "train_loss": list(cols["train_loss"])})


def clear_snapshots() -> None:
    st.session_state[SNAPSHOTS] = []


def take_notice() -> tuple[str, str] | None:
    """The pending news, once, as ("toast", text). Problems are warnings (below)."""
    return st.session_state.pop(NOTICE, None)


def set_notice(text: str | None, kind: str = "toast") -> None:
    """News for a toast; ``kind="warning"``: a problem, kept until read (``warnings``)."""
    if kind == "warning" and text is not None:
        add_warning(text)
        return
    st.session_state[NOTICE] = None if text is None else (kind, text)


def warnings() -> list[str]:
    """Problems to tell the user (what a link or file could not do, where a run stopped):
    each stays on the page, whatever reruns, until the user dismisses it."""
    return st.session_state.setdefault(WARNINGS, [])


def add_warning(text: str) -> None:
    if text not in warnings():
        warnings().append(text)


def dismiss_warning(index: int) -> None:
    if 0 <= index < len(warnings()):
        del warnings()[index]


def _rebuild(c: bc.RunConfig, data: bc.Dataset | None = None) -> None:
    if c.is_custom and data is None:
        data = dataset()  # uploaded data has no generator: keep the current one
    data, tr = bc.build(c, data)
    st.session_state[CONFIG] = c
    st.session_state[DATA] = data
    st.session_state[TRAINER] = tr


DATA_FIELDS = ("dataset", "noise", "n_samples", "train_fraction", "n_classes", "data_seed",
               "extra_points")
LABELS = {"dataset": "dataset", "noise": "noise", "n_samples": "samples",
          "train_fraction": "training share", "n_classes": "classes", "data_seed": "data sample",
          "features": "features", "hidden": "hidden layers", "activations": "activations",
          "output": "output + loss", "init": "initialiser", "seed": "seed",
          "batch_size": "batch size", "reduction": "loss over the batch",
          "custom_task": "task", "extra_points": "drawn points"}


def apply_config(new: bc.RunConfig) -> None:
    """Take new settings: live ones go into the running trainer, others rebuild and say so."""
    old = config()
    if new == old:
        return
    if needs_rebuild(old, new):
        same_data = all(getattr(old, f) == getattr(new, f) for f in DATA_FIELDS)
        changed = [LABELS.get(f.name, f.name) for f in fields(bc.RunConfig)
                   if getattr(old, f.name) != getattr(new, f.name)]
        keep_previous_run(f"changed {', '.join(changed)}")
        _rebuild(new, dataset() if same_data else None)
        set_playing(False)  # and no link's target or changes left for the new run
        set_notice(f"Changed {', '.join(changed)}: the network was re-initialised (seed "
                   f"{new.seed}) and training starts again from step 0. Undo brings the "
                   "run before back.")
        return
    apply_live_settings(trainer(), old, new)
    st.session_state[CONFIG] = new


def restart_with_current_settings() -> None:
    """Reset: the same initial weights, trained from now on with the settings on screen
    (the run as it was is kept: Undo brings it back)."""
    tr = trainer()
    keep_previous_run("Reset", tr.fork())
    tr.reset()
    apply_widget_settings(tr)


MAX_PREVIOUS = 3  # runs replaced (new network or data, Reset, a file) that Undo brings back


def _run(why: str, tr: bc.Trainer | None = None) -> dict:
    """The run on screen, whole: its settings, data, trainer (every weight, the optimizer
    state, the step, its history and log); ``tr``: a copy when it is changed in place."""
    return {"why": why, "config": config(), "data": st.session_state[DATA],
            "trainer": tr or trainer(), "custom_meta": st.session_state.get(CUSTOM_META)}


def _bring_back(run: dict) -> None:
    st.session_state[CONFIG], st.session_state[DATA] = run["config"], run["data"]
    st.session_state[TRAINER] = run["trainer"]
    if run["custom_meta"] is not None:
        st.session_state[CUSTOM_META] = run["custom_meta"]
    set_playing(False)
    live().reseed_widgets = True  # the sidebar shows that run's settings
    live().app_rerun = True


def keep_previous_run(why: str, tr: bc.Trainer | None = None) -> None:
    """Keep the run about to be replaced (``tr``: a copy when it is changed in place), so
    Undo can bring it back exactly. A new change: nothing left to redo."""
    runs = st.session_state.setdefault(PREVIOUS, [])
    runs.append(_run(why, tr))
    del runs[:-MAX_PREVIOUS]
    st.session_state[NEXT] = []


def previous_run() -> str | None:
    """What replaced the last kept run (None when none is kept)."""
    runs = st.session_state.get(PREVIOUS) or []
    return runs[-1]["why"] if runs else None


def _untouched(tr: bc.Trainer) -> tuple:
    """What tells that a run Undo brought back has not been trained or changed since."""
    return id(tr), tr.step, tr.phase_index, len(tr.events), tr.history.last_step


def back_to_previous_run() -> None:
    """Undo of a change that replaced the run: the run before it, as it was (the run on
    screen is kept for Redo)."""
    run = st.session_state[PREVIOUS].pop()
    st.session_state.setdefault(NEXT, []).append(_run(run["why"]))
    _bring_back(run)
    st.session_state[NEXT][-1]["over"] = _untouched(run["trainer"])
    set_notice(f"Undo: the run before '{run['why']}' is back, at step {run['trainer'].step}. "
               "Redo brings the other one back.")


def next_run() -> str | None:
    """What Redo brings back: the run Undo replaced, while the one it brought back is as
    it was (trained or changed since, Redo walks that run's own steps instead)."""
    runs = st.session_state.get(NEXT) or []
    if runs and runs[-1]["over"] == _untouched(trainer()):
        return runs[-1]["why"]
    return None


def forward_to_next_run() -> None:
    """Redo of an Undo that brought back an earlier run: the later run, as it was."""
    run = st.session_state[NEXT].pop()
    runs = st.session_state.setdefault(PREVIOUS, [])
    runs.append(_run(run["why"]))
    del runs[:-MAX_PREVIOUS]
    _bring_back(run)
    set_notice(f"Redo: the run after '{run['why']}' is back, at step {run['trainer'].step}.")


def feature_names() -> list[str]:
    """Names of the network's inputs: feature labels, or the uploaded columns."""
    if config().is_custom:
        return list(st.session_state[CUSTOM_META]["feature_names"])
    return [bc.FEATURES[f].label for f in config().features]


def custom_meta() -> dict | None:
    return st.session_state.get(CUSTOM_META) if config().is_custom else None


def use_custom_data(data: bc.Dataset, meta: dict, task: str) -> None:
    """Train on uploaded data from now on (a new run, announced)."""
    c = config().with_(dataset=bc.policy.config.CUSTOM, custom_task=task, output="auto")
    keep_previous_run(f"uploaded {meta['file']}")
    _rebuild(c, data)
    st.session_state[CUSTOM_META] = meta
    set_playing(False)
    set_notice(f"Now training on {meta['file']}: {len(data.X_train)} training and "
               f"{len(data.X_test)} test rows, {len(meta['feature_names'])} inputs. "
               "The network was re-initialised.")


def load_state(raw: bytes) -> None:
    """Replace the run with a saved session file, all or nothing (ValueError if bad)."""
    loaded = session_file.read(raw)  # everything checked; nothing installed yet
    keep_previous_run("loaded a session file")
    tr = loaded.trainer
    st.session_state[CONFIG], st.session_state[DATA] = loaded.config, loaded.data
    st.session_state[TRAINER] = tr
    if loaded.custom_meta:
        st.session_state[CUSTOM_META] = loaded.custom_meta
    set_playing(False)
    set_notice(f"Session file loaded: step {tr.step}, {len(tr.history) - 1} steps of history.")


def page_state(page: str) -> dict:
    """What one page remembers of how it shows things (the Hidden space's Play and PCA
    signs, the Loss surface's saved points and last grid): one dict per page."""
    return st.session_state.setdefault(PAGE_STATE, {}).setdefault(page, {})


def result(name: str):
    """A result a page shows until it is replaced (share link, gradient check, an upload
    problem); kept together under one key."""
    return st.session_state.setdefault(RESULTS, {}).get(name)


def set_result(name: str, value) -> None:
    st.session_state.setdefault(RESULTS, {})[name] = value


def take_result(name: str):
    """The result, once (then it is gone)."""
    return st.session_state.setdefault(RESULTS, {}).pop(name, None)
