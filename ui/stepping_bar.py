"""The stepping bar every page shares: phase buttons, Step, Epoch, Undo, Redo, Reset, what
the last phase did and (on the Playground) the history slider, as one component
(``ui/stepping_bar.js``) that keeps every click. The Lesson's own network has a bar of its
own (another ``target``, its own buttons and log).

Clicks are a log kept in the browser, ``{"id": page, "items": [[seq, kind, arg], ...]}``,
sent whole as the component's state; :func:`apply_log` applies, in order, the entries this
session has not applied yet and tells the browser how far it got. Streamlit's own buttons
fold clicks that arrive while a script runs into one; this log never loses or doubles one.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import partial

import streamlit as st

import backprop_core as bc

from . import actions, live_packet, page_previews, session
from .classroom import shown
from .live_component import component
from .texts import phase_message

KEY = "stepping_bar"
APPLIED = "stepping_bar_applied"  # {target: {page's log id: last seq applied}}, newest last
MAX_LOGS = 8  # pages (tabs, reloads) whose progress a session remembers
MAX_ITEMS = 500  # entries read from one log (the page stops queueing there too)
HISTORY_LABEL = "History: go back or forward to any step. Step"
# While playing the bar is not redrawn per frame: its step would lag behind the live view.
HISTORY_PLAYING = "History: Pause to go back or forward to any step."

# (kind, label, help): the buttons in their order; the browser draws them from this.
BUTTONS = (
    ("forward", "Forward", "Push the mini-batch through the network: z = a·W + b, a = f(z)."),
    ("backward", "Backward", "From the loss back to the inputs: δ = ∂C/∂z, then ∂C/∂w."),
    ("update", "Update", "Apply the optimizer to every weight and bias."),
    ("step", "Step", "Finish the current mini-batch step."),
    ("epoch", "Epoch", "Run until the next epoch starts."),
    ("undo", "Undo", "Back to the start of this step, or one step back (a change by hand "
     "first); after divergence, back to the last good step; at step 0, the run before a new "
     "network, data set or Reset."),
    ("redo", "Redo", "Take the last Undo back: a change by hand made again, one recorded "
     "step forward, or the run Undo replaced by the one before it."),
    ("reset", "Reset", "Same seed, same initial weights again."),
)


def bar_state(tr: bc.Trainer, playing: bool, message: dict | None) -> dict:
    """What the bar shows for ``tr``; the browser derives each button's state from it."""
    return {"step": tr.step, "last_step": tr.history.last_step,
            "phase_index": tr.phase_index, "next_phase": tr.next_phase,
            "busy": playing or tr.diverged is not None, "playing": playing,
            "undo": not playing and (tr.diverged is not None or tr.can_undo()
                                     or session.previous_run() is not None),
            "redo": not playing and actions.can_redo(tr),
            "message": message}


def status(tr: bc.Trainer, playing: bool, phases_text: bool,
           live_play: bool = True) -> dict | None:
    """The line under the buttons: divergence, the Playground's Play and its progress
    (``live_play``), or what the last phase did (``phases_text``)."""
    if tr.diverged is not None:
        return {"kind": "error", "text": tr.diverged.message + " Press Undo to go back to it."}
    live = session.live()
    if not live_play:
        playing = False
    if playing and live.target is not None:
        what = live_packet.TARGET_TEXT[live.target_what]
        return {"kind": "text", "text": f"**{what}**: training up to step {live.target:,}, "
                "in slices (other users wait for none of it). Pause stops where it is."}
    if playing:
        speed = live_packet.speed_label(session.view().steps_per_frame)
        return {"kind": "text", "text": f"**Playing**: {speed} per frame. Pause to step one "
                "phase at a time."}
    return {"kind": "text", "text": phase_message(tr)} if phases_text else None


def after_states(tr: bc.Trainer, phases_text: bool) -> dict:
    """The bar after the next phase and after the next Step, run on a fork of the trainer
    (the same engine: the click's rerun brings these very states)."""
    out: dict = {}
    tr.ahead(lambda kind, fork: out.__setitem__(
        kind, bar_state(fork, False, status(fork, False, phases_text))))
    return out


def stepping_bar(tr: bc.Trainer, playing: bool, live: bool = False,
                 history: bool = False, phase_text: bool = False, target: str = "run",
                 buttons: tuple | None = None, actions: dict | None = None) -> None:
    """The bar for ``tr``, with divergence or Play's progress under it. ``live``: on the
    Playground (a long Epoch plays in slices); ``history``: with the history slider;
    ``phase_text``: with what the last phase did. Another ``target`` (e.g. the Lesson's
    own network) brings its own ``buttons`` ((kind, label, help[, arg]) each) and
    ``actions`` (kind -> function of the entry's arg), and a click log of its own."""
    phases_text = phase_text and shown("phases")
    if buttons is None:
        buttons = tuple(b for b in BUTTONS if shown("phases") or b[0] not in bc.PHASES)
    data = {"target": target,
            "buttons": [{"kind": b[0], "label": b[1], "help": b[2],
                         "arg": b[3] if len(b) > 3 else None} for b in buttons],
            "state": bar_state(tr, playing, status(tr, playing, phases_text, live)),
            "after": {} if playing else after_states(tr, phases_text),
            "applied": dict(_applied(target)), "show_history": history and shown("history"),
            "history_label": HISTORY_LABEL, "history_playing": HISTORY_PLAYING,
            "token": page_previews.token()}  # the page's previews of this very run
    table = ACTIONS if actions is None else actions
    component("stepping_bar")(key=_key(target), data=data,
                              on_log_change=partial(apply_log, live, target, table))


def key_of(target: str) -> str:
    """The component key of the click log of ``target`` (a bar's, the lesson player's)."""
    return KEY if target == "run" else f"{KEY}_{target}"


def applied_of(target: str = "run") -> OrderedDict:
    """{page's log id: last seq applied} for the click log of ``target``."""
    return st.session_state.setdefault(APPLIED, {}).setdefault(target, OrderedDict())


_key, _applied = key_of, applied_of


def _entries(value, kinds=None) -> tuple[str, list] | None:
    """(log id, entries) of a log as the browser sent it, its entries of ``kinds``
    (default: the run's bar's); None if it is not one."""
    kinds = ACTIONS if kinds is None else kinds
    if not isinstance(value, dict) or not isinstance(value.get("id"), str):
        return None
    items = value.get("items")
    if not isinstance(items, list) or len(value["id"]) > 40:
        return None
    out = []
    for item in items[:MAX_ITEMS]:
        if (isinstance(item, list) and len(item) == 3 and type(item[0]) is int
                and item[1] in kinds and (item[2] is None or type(item[2]) is int)):
            out.append(item)
    return value["id"], out


@session.exclusive
def apply_log(live: bool = False, target: str = "run", actions: dict | None = None) -> None:
    """Apply, in order, the clicks of the browser's log this session has not applied
    (``live``: on the Playground, where a long Epoch plays in slices)."""
    actions = ACTIONS if actions is None else actions
    state = st.session_state.get(_key(target))
    try:
        value = state["log"] if state is not None else None
    except (KeyError, TypeError):
        value = None
    read = _entries(value, actions)
    if read is None:
        return
    log_id, items = read
    applied = _applied(target)
    done = applied.get(log_id, 0)
    for seq, kind, arg in items:
        if seq <= done:
            continue
        actions[kind](live if kind == "epoch" else arg)
        done = seq
    applied[log_id] = done
    applied.move_to_end(log_id)
    while len(applied) > MAX_LOGS:
        applied.popitem(last=False)


def _phase(kind: str):
    def run(_arg) -> None:
        tr = session.trainer()
        # A click on a phase that is not next was on a button the page showed disabled.
        if tr.next_phase == kind and not session.playing() and tr.diverged is None:
            actions.phase()
    return run


def _busy() -> bool:
    return session.playing() or session.trainer().diverged is not None


def _step(_arg) -> None:
    if not _busy():
        actions.step()


def _epoch(sliced: bool) -> None:
    if not _busy():
        actions.epoch(sliced=sliced)


def _undo(_arg) -> None:
    if not session.playing():
        actions.undo()


def _redo(_arg) -> None:
    if not session.playing():
        actions.redo()


def _reset(_arg) -> None:
    if not session.playing():
        actions.reset()


def _goto(step) -> None:
    tr = session.trainer()
    if not session.playing() and step is not None and 0 <= step <= tr.history.last_step:
        actions.goto(step)


ACTIONS = {**{p: _phase(p) for p in bc.PHASES}, "step": _step, "epoch": _epoch,
           "undo": _undo, "redo": _redo, "reset": _reset, "goto": _goto}
