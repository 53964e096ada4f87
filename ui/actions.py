"""What a click does: one change to the trainer or the view each. Streamlit runs these as
callbacks, before the page is drawn, so everything drawn afterwards shows the result."""

from __future__ import annotations

import math

import numpy as np

import backprop_core as bc
from backprop_core.policy import budget
from backprop_core.policy.config import point_sample, with_trainer_settings

from . import lesson_player, session
from .live_component import event
from .widget_values import seed_widgets


@session.exclusive
def after_rewind() -> None:
    """A rewind restored the settings in effect at that step: show them in the widgets
    (callbacks run before any widget is drawn)."""
    old = session.config()
    c = with_trainer_settings(old, session.trainer())
    session.set_config(c)
    seed_widgets(c)
    if c != old:  # the sidebar is outside the fragment this click reruns: redraw it too
        session.live().app_rerun = True


# --- stepping buttons ------------------------------------------------------------------
@session.exclusive
def phase() -> None:
    session.trainer().run_phase()


@session.exclusive
def step() -> None:
    session.trainer().finish_step()


EPOCH_AT_ONCE_S = 0.5  # a longer epoch (big data, small batches) plays in slices


@session.exclusive
def epoch(sliced: bool = False) -> None:
    """Run until the next epoch starts: at once when that is quick; on the Playground
    (``sliced``) a longer one is played up to by the live view in slices, with progress
    (Pause stops; other users never wait for it)."""
    tr = session.trainer()
    tr.finish_step()
    left = 0 if tr.batch_index == 0 else tr.n_batches - tr.batch_index
    if tr.diverged is not None or left == 0:
        return
    if not sliced or left * budget.trainer_step_seconds(tr) <= EPOCH_AT_ONCE_S:
        tr.run_epoch()
    else:
        session.play_to(tr.step + left, "epoch")


@session.exclusive
def undo() -> None:
    tr = session.trainer()
    if tr.diverged is not None:
        tr.restore_last_good()
        # The settings on screen (say, the lowered learning rate) go on from there; the
        # ones that blew up were logged later and would otherwise come back with the step.
        session.apply_widget_settings()
    elif tr.can_undo():
        tr.undo()
    elif session.previous_run() is not None:  # a new network, data or Reset: the run before
        session.back_to_previous_run()
        return
    after_rewind()
    session.set_playing(False)


@session.exclusive
def redo() -> None:
    """Undo taken back: the run Undo replaced by an earlier one, the change by hand it
    took back, or one recorded step forward (the steps Undo went back over stay recorded
    until a phase runs)."""
    tr = session.trainer()
    if session.next_run() is not None:
        session.forward_to_next_run()
        return
    if tr.can_redo():
        tr.redo()
        after_rewind()
    session.set_playing(False)


def can_redo(tr: bc.Trainer) -> bool:
    return session.next_run() is not None or tr.can_redo()


@session.exclusive
def reset() -> None:
    session.restart_with_current_settings()
    session.set_playing(False)
    session.set_notice("Reset: the same initial weights again (same seed), history cleared. "
                       "Undo brings the run back.")


@session.exclusive
def goto(step: int) -> None:
    session.trainer().goto(step)
    after_rewind()


# --- events from the live view ---------------------------------------------------------
def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@session.exclusive
def play() -> None:
    value = event("play") or {}
    session.start_playing(_int(value.get("id"), 0))
    session.live().want = 4
    session.live().app_rerun = True  # the buttons are disabled while playing


@session.exclusive
def pause() -> None:
    value = event("pause") or {}
    session.pause_at(_int(value.get("step"), -1))
    session.live().app_rerun = True


@session.exclusive
def want() -> None:
    value = event("want") or {}
    if _int(value.get("id"), -1) == session.live().play_id:
        session.live().want = max(1, min(_int(value.get("n"), 4), 30))


@session.exclusive
def clicked() -> None:
    """A click in the diagram reports [layer, i, j] for a weight, [column, j, -1] for a
    neuron (column 0 = the inputs, which have no bias)."""
    value = event("clicked")
    if not isinstance(value, list) or len(value) != 3:
        return
    a, b, c = (_int(v, -1) for v in value)
    if c >= 0:
        session.set_selected(a, b, c)
    elif a >= 1:
        session.set_selected(a - 1, None, b)
    else:
        return
    session.live().app_rerun = True  # "Edit a weight" shows the one clicked


@session.exclusive
def added() -> None:
    value = event("added")
    view, c = session.view(), session.config()
    if not (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, int | float) and math.isfinite(v) for v in value)):
        return
    if view.draw_label is not None and not c.is_custom:
        click_on_plane(float(value[0]), float(value[1]))
        session.live().app_rerun = True  # the history slider and the notice
    elif lesson_player.take_plane_click(float(value[0]), float(value[1])):
        session.live().app_rerun = True  # the lesson's question shows the point


NEAR = 0.02  # a click this close to a training point (share of the plot's width) is on it


def click_on_plane(x: float, y: float) -> None:
    """A click on the boundary plot while drawing: on a training point it removes that
    point, elsewhere it adds one with the chosen label. Either is a data event of the run
    (training goes on; Undo, the history and share links replay it)."""
    label, c, tr = session.view().draw_label, session.config(), session.trainer()
    if label is None or c.is_custom or tr.X_raw is None or tr.diverged is not None:
        return
    xmin, xmax, _, _ = bc.dataset_extent(session.base_dataset().X_all)
    distance = np.hypot(tr.X_raw[:, 0] - x, tr.X_raw[:, 1] - y)
    k = int(np.argmin(distance))
    if distance[k] <= NEAR * (xmax - xmin) and len(tr.X) > 1:
        px, py = tr.X_raw[k]
        tr.remove_sample(k)
        session.set_notice(f"Removed the training point at ({px:.2f}, {py:.2f}); "
                           f"{len(tr.X)} training points now.")
        return
    raw = (round(x, 4), round(y, 4))
    features, target = point_sample(c, raw, label)
    tr.add_sample(features, target, raw)
    session.set_notice(f"Added a point at ({raw[0]:.2f}, {raw[1]:.2f}); training goes on "
                       f"with {len(tr.X)} training points.")

@session.exclusive
def scene() -> None:
    """The browser has no scene (e.g. its view was mounted again): send it the next time."""
    session.live().scene_sent = None
    session.live().loss_sent = None


LIVE_EVENTS = {"play": play, "pause": pause, "want": want, "clicked": clicked,
               "added": added, "scene": scene}
