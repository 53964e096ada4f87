"""What the live view is sent: the scene when it changed, the loss curve when it changed,
and frames (while playing, several per rerun, each an exact trainer state).

Built from the session's trainer, data and view; no Streamlit calls here, so a bench or a
test can build packets without a page.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import time
from dataclasses import dataclass, field

import numpy as np

import backprop_core as bc
from backprop_core.network.schedules import Schedule
from backprop_core.policy import budget
from backprop_core.training.stopping import StopCondition
from viz import live_frames as lf
from viz.colors import DEFAULT_PALETTE, PALETTES
from viz.legend import legend
from viz.projector import PRESENTER_SCALE
from viz.wire import pack

from . import fairness
from .live_component import plotly_bundle
from .planes import BoundaryGeometry

GRID = 100  # boundary resolution; thumbnails use every 5th point (20×20)
MAX_FRAMES = 30  # frames one rerun may carry
FRAME_BUDGET_S = 0.3  # ...and the work they may take: a round trip per packet idles the server,
# so a packet holds a good share of frames (each made in its turn: others still go first)


@dataclass
class Frame:
    """One displayed frame: the numbers for the metrics row and the arrays to paint."""

    meta: dict
    grid: np.ndarray  # (R, R) uint8 palette indices, row 0 at the top
    thumbs: np.ndarray  # (n_neurons, r, r) uint8
    params: np.ndarray  # (3, n_params): values, gradients, last updates


@dataclass
class LiveInput:
    """Everything a packet is made from (the page collects it from the session)."""

    trainer: bc.Trainer
    data: bc.Dataset
    config: bc.RunConfig
    geometry: BoundaryGeometry
    feature_names: list[str]
    edge_mode: str
    show_test: bool
    discretize: bool
    log_scale: bool
    presenter: bool
    steps_per_frame: int | str  # a speed of SPEEDS
    selected_text: str
    gradient_of: str = "last"  # between steps, paused: "next" shows the next batch's
    palette: str = DEFAULT_PALETTE  # the colours of sign and class (viz.colors.PALETTES)
    shapes: bool = False  # sign and class shown by a shape too (dashes, marker symbols)
    problems: list = field(default_factory=list)  # a link's changes that could not be made
    stop: StopCondition = field(default_factory=StopCondition)  # Play until...
    stopped: str | None = None  # ...reached: what to tell the user


def _fmt(v: float | None) -> str:
    return "–" if v is None else f"{v:.4g}"


def metric_labels(tr: bc.Trainer) -> list[dict]:
    how = "averaged over" if tr.reduction == "mean" else "summed over"
    train = {"label": "Train loss",
             "help": f"Data loss {how} the whole training set, after the last update."}
    if tr.regularization != "none":  # the cost minimised is the data loss plus this
        name = tr.regularization.upper()
        train = {"label": f"Train loss + {name} penalty",
                 "help": f"Data loss {how} the training set, plus the {name} penalty on "
                         "the weights: together, the cost the optimizer minimises."}
    labels = [{"label": "Step"}, {"label": "Epochs done"}, train,
              {"label": "Test loss", "help": f"Data loss {how} the test set."}]
    if tr.task != "regression":
        labels.append({"label": "Accuracy (train / test)"})
    else:
        labels.append({"label": "Samples (train / test)"})
    return labels


def metric_values(tr: bc.Trainer) -> list[str]:
    """The metrics row for the trainer's state (same formats as ``st.metric`` had)."""
    rec = tr.history[tr.step]
    train = _fmt(rec.train_loss)
    if tr.regularization != "none":
        train += f" + {rec.penalty:.3g}"
    values = [str(tr.step), str(tr.epoch), train, _fmt(rec.test_loss)]
    if tr.task != "regression":
        test = "" if rec.test_accuracy is None else f" / {rec.test_accuracy:.1%}"
        values.append(f"{rec.train_accuracy:.1%}{test}")
    else:
        n_test = 0 if tr.X_test is None else len(tr.X_test)
        values.append(f"{len(tr.X)} / {n_test}")
    return values


def _exact(v):
    """A loss or accuracy for the loss chart, every bit of it: rounded to decimals, a loss
    of 1e-4 was 0.44 % off the metric beside it, and one under 5e-7 became 0 (off a log
    scale)."""
    return None if v is None or not np.isfinite(v) else float(v)


def capture(inp: LiveInput, exact: bool, tr: bc.Trainer | None = None) -> Frame:
    """The state of ``tr`` (default: the session's trainer) as a frame; ``exact`` keeps
    float64 (paused), else float32."""
    tr, g = tr or inp.trainer, inp.geometry
    grid = bc.evaluate_grid(tr.net, inp.config.features, g.extent, GRID, plane=g.plane)
    rec = tr.history[tr.step]
    meta = {"step": tr.step, "epoch": tr.epoch, "phase": tr.phase_index,
            "metrics": metric_values(tr),
            "loss": [tr.step, _exact(rec.train_loss), _exact(rec.test_loss),
                     _exact(rec.train_accuracy)]}
    if exact and tr.phase_index != 0 and tr.batch_idx is not None:  # the ringed mini-batch
        meta["batch"] = g.to_2d(inp.data.X_train[tr.batch_idx]).round(4).ravel().tolist()
    grads = tr.grads
    if exact and inp.gradient_of == "next" and tr.phase_index == 0:
        grads = next_batch_gradient(tr)
        meta["grad_of"] = "next"
    params = lf.param_rows(tr.net, grads, tr.last_update)
    return Frame(meta, lf.output_index(grid.output, tr.task, inp.discretize),
                 lf.thumb_index(grid.layers, tr.net.activation_names),
                 params if exact else params.astype(np.float32))


def next_batch_gradient(tr: bc.Trainer) -> bc.Gradients | None:
    """What the next Backward will compute, at the current weights (None after divergence:
    nothing sound to preview)."""
    if tr.diverged is not None:
        return None
    fork = tr.fork()
    with np.errstate(all="ignore"):
        fork.run_phase()
        fork.run_phase()
    return fork.grads if fork.diverged is None else None


def previews(inp: LiveInput, with_play: bool = True) -> dict[str, Frame]:
    """What the next phase and the next Step will show, computed on a fork of the trainer
    (the same engine, the same numbers): the browser shows them the moment the button is
    clicked, and the rerun that really runs the phase brings the identical state."""
    out: dict[str, Frame] = {}

    def see(kind: str, fork: bc.Trainer) -> None:
        if kind == "step" and "phase" in out and fork.step == out["phase"].meta["step"] \
                and fork.phase_index == 0:
            out["step"] = out["phase"]  # the phase was the step's Update: one frame
        else:
            out[kind] = capture(inp, exact=True, tr=fork)

    inp.trainer.ahead(see)
    play = play_preview(inp) if with_play else None
    if play is not None:
        out["play"] = play
    return out


PLAY_PREVIEW_S = 0.08  # the first Play frame is made ahead when it costs at most this
# (one epoch of batch size 1 on 500 points, 250 steps, takes ~40-60 ms on the 2-core machine)


def play_preview(inp: LiveInput) -> Frame | None:
    """The first frame Play will show, made on a fork while paused (when quick enough):
    the browser shows it the moment Play is clicked, and the server's Play brings the
    identical frame first (which the browser, already showing it, skips)."""
    tr = inp.trainer
    if tr.diverged is not None or tr.phase_index != 0:
        return None
    steps = frame_steps(tr, inp.steps_per_frame)
    # The budget's estimate errs high (it bounds work): far past the limit, not tried;
    # else tried, and dropped at the limit.
    if steps * budget.trainer_step_seconds(tr) > 4 * PLAY_PREVIEW_S:
        return None
    fork, deadline = tr.fork(), time.perf_counter() + PLAY_PREVIEW_S
    with np.errstate(all="ignore"):
        while fork.step - tr.step < steps and fork.diverged is None:
            run_steps(inp, min(32, steps - (fork.step - tr.step)), watch=False, tr=fork)
            if time.perf_counter() > deadline:
                return None
    return capture(inp, exact=False, tr=fork) if fork.diverged is None else None


# What playing up to a step (``until``) is doing, by ``target_what``.
TARGET_TEXT = {"link": "Opening the link", "epoch": "Finishing the epoch"}

EPOCH = "epoch"  # a speed: one epoch per frame (TF Playground's Play), whatever its steps
SPEEDS = (1, 2, 5, 10, 20, 30, 50, 100, 200, EPOCH)  # steps per frame, or EPOCH


def speed_label(speed: int | str) -> str:
    """How a speed reads: '30 steps', '1 epoch'."""
    return "1 epoch" if speed == EPOCH else f"{speed} step{'s' if speed != 1 else ''}"


def frame_steps(tr: bc.Trainer, speed: int | str) -> int:
    """Steps the next frame trains at ``speed``: EPOCH runs to the end of the epoch."""
    return tr.n_batches - tr.batch_index if speed == EPOCH else int(speed)


CATCH_UP_FRAME_S = 0.02  # playing up to a link's step: about this much training a frame


MAX_WAIT_S = 0.5  # a batch of frames is sent after at most this long, however busy


def play_frames(inp: LiveInput, n: int, budget_s: float = FRAME_BUDGET_S,
                until: int | None = None, events: list | None = None) -> list[Frame]:
    """Train ``steps_per_frame`` steps per frame, up to ``n`` frames or the time budget;
    stops early at divergence (the trainer then holds the last good step). With ``until``
    (a link's step), frames take bigger strides, and training stops exactly there;
    ``events`` (a link's settings log, consumed) are made at their steps on the way.

    Each frame is made in its turn (``fairness.frame_turn``): the budget counts this
    session's own CPU time, and a busy server sends a batch after ``MAX_WAIT_S`` at most."""
    tr, start, frames, work = inp.trainer, time.perf_counter(), [], 0.0
    catch_up = 0
    if until is not None:
        per_step = budget.trainer_step_seconds(tr)
        catch_up = budget.affordable_steps(CATCH_UP_FRAME_S, per_step)
    with np.errstate(all="ignore"):
        for _ in range(max(1, min(int(n), MAX_FRAMES))):
            spf = max(frame_steps(tr, inp.steps_per_frame), catch_up)
            steps = spf if until is None else min(spf, until - tr.step)
            if events:
                steps = min(steps, events[0][0] - tr.step)
            if events and steps <= 0:
                try:
                    apply_event(tr, events.pop(0))
                except ValueError as exc:  # a hand-made link: stop at what it cannot do
                    events.clear()
                    inp.problems.append(str(exc))
                    break
                continue
            if steps <= 0:
                break
            with fairness.frame_turn():
                # This thread's own CPU time: with other sessions' threads sharing the
                # interpreter, wall time would count their work as this frame's cost.
                t = time.thread_time()
                run_steps(inp, steps, watch=until is None)
                if tr.diverged is None:
                    frames.append(capture(inp, exact=False))
                work += time.thread_time() - t
            if tr.diverged is not None or not frames or inp.stopped:
                break
            if (work + work / len(frames) > budget_s  # the next frame would overrun
                    or time.perf_counter() - start > MAX_WAIT_S):
                break
    return frames


def next_frame(inp: LiveInput) -> Frame | None:
    """One more frame of Play, made in its turn (``play_ahead`` makes frames with it
    between requests); None once training diverged."""
    tr = inp.trainer
    if tr.diverged is not None:
        return None
    with np.errstate(all="ignore"), fairness.frame_turn():
        tr.run_steps(frame_steps(tr, inp.steps_per_frame))
        return capture(inp, exact=False) if tr.diverged is None else None


def ahead_key(inp: LiveInput, play_id: int) -> tuple:
    """What frames made ahead depend on besides the trainer's state: they are sent only
    to the same play of the same run, at the same speed, on the same picture."""
    g = inp.geometry
    return (id(inp.trainer), play_id, inp.steps_per_frame, inp.discretize,
            tuple(g.extent), tuple(g.titles), tuple(inp.config.features))


def run_steps(inp: LiveInput, n: int, watch: bool, tr: bc.Trainer | None = None) -> None:
    """``n`` steps of ``tr`` (default: the session's trainer), or fewer when the stop
    condition is reached (checked after each)."""
    tr, stop = tr or inp.trainer, inp.stop
    if not (watch and stop.active):
        tr.run_steps(n)
        return
    for _ in range(n):
        tr.finish_step()
        if tr.diverged is not None:
            return
        if stop.reached(tr):
            inp.stopped = stop.message(tr)
            return


def apply_event(tr: bc.Trainer, event) -> None:
    """One change of a link's log (already the trainer's kind, checked against this run
    when the link was opened), made the way a click makes it, so it is logged the same."""
    _, kind, payload = event
    tr.apply_change(kind, payload)


FONT, HEIGHTS = 12, {"network": 580, "boundary": 340, "loss": 230}
# Presenting, the charts shrink to fit the screen below the metrics row, the diagram never
# below this share of its usual height (a smaller screen scrolls instead).
MIN_FIT = 0.85


def sizes(presenter: bool) -> tuple[int, dict[str, int]]:
    """Chart font size and heights in px: PRESENTER_SCALE times larger for a projector."""
    scale = PRESENTER_SCALE if presenter else 1.0
    return round(FONT * scale), {k: round(h * scale) for k, h in HEIGHTS.items()}


def scene(inp: LiveInput) -> dict:
    """The fixed part of the view: figures, palettes, labels (changes with the view)."""
    tr, data, g = inp.trainer, inp.data, inp.geometry
    font, heights = sizes(inp.presenter)
    palette = PALETTES[inp.palette]
    net = lf.network_scene(tr.net, inp.feature_names, height=heights["network"],
                           font_size=font, palette=palette, shapes=inp.shapes)
    X_test = g.to_2d(data.X_test) if inp.show_test else None
    boundary = lf.boundary_scene(g.extent, data.task, g.to_2d(data.X_train), data.Y_train,
                                 X_test, data.Y_test if inp.show_test else None,
                                 height=heights["boundary"], font_size=font,
                                 axis_titles=g.titles, palette=palette, shapes=inp.shapes)
    n_out = tr.net.layer_sizes[-1]
    return {
        "network": net, "boundary": boundary, "mode": inp.edge_mode,
        "palettes": lf.palettes(n_out, palette).reshape(2, -1).tolist(),
        "boundary_palette": lf.PALETTE_CLASSES if data.task == "multiclass"
        else lf.PALETTE_DIVERGING,
        "thumb_palettes": lf.thumb_palettes(tr.net.activation_names, tr.net.layer_sizes),
        "metrics": metric_labels(tr), "presenter": inp.presenter, "heights": heights,
        "fit_min": round(MIN_FIT * HEIGHTS["network"]) if inp.presenter else None,
        "legend": legend(data.task, inp.edge_mode, tr.net.activation_names, n_out,
                         frozen=bool(tr.frozen), palette=palette, shapes=inp.shapes),
        "selected": inp.selected_text, "can_play": tr.diverged is None,
        "frozen": lf.frozen_indices(tr.net, tr.frozen),
        "plotly": plotly_bundle([net["figure"], boundary["figure"]]),
    }


def loss(inp: LiveInput) -> tuple[dict, dict[str, np.ndarray]]:
    tr, (font, heights) = inp.trainer, sizes(inp.presenter)
    schedule = None if tr.schedule.factor_free() else _samples(
        tr.schedule, tr.optimizer.lr, schedule_horizon(tr.history.columns["step"][-1]))
    return lf.loss_scene(tr.history.columns, inp.data.task, inp.log_scale,
                         height=heights["loss"], font_size=font, current_step=tr.step,
                         schedule=schedule)


@functools.lru_cache(maxsize=8)
def _samples(schedule: Schedule, base: float, horizon: int) -> tuple[list, list]:
    return schedule.samples(base, horizon)


def schedule_horizon(last_step: int) -> int:
    """How far the schedule's line is sent: a hundred times past the steps so far (a power
    of ten, at least 10⁵), as Play stretches the step axis before the next pause."""
    return 10 ** max(5, math.ceil(math.log10(max(last_step, 1))) + 2)


def digest(obj, arrays: dict[str, np.ndarray] | None = None) -> str:
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)
    h = hashlib.blake2b(text.encode(), digest_size=8)
    for a in (arrays or {}).values():
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


@dataclass
class Sent:
    """What this browser session already has, so a packet carries only what changed."""

    scene: str | None = None
    loss: str | None = None


def build(inp: LiveInput, playing: bool, play_id: int, want: int, sent: Sent,
          send_loss: bool = True, until: int | None = None,
          events: list | None = None, target_what: str = "link",
          budget_s: float = FRAME_BUDGET_S,
          ready: list[Frame] | None = None,
          play_preview: bool = True) -> tuple[bytes, list[Frame]]:
    """The packet (bytes for the browser) and the frames in it. Updates ``sent``.
    ``until``: playing up to that step (a share link's), shown as progress; ``budget_s``:
    the time its frames may take (Play's first packet takes little: it is awaited);
    ``ready``: frames of this Play made ahead (``play_ahead``), sent first;
    ``play_preview``: Play's first frame made ahead too (not for a class's follower, whose
    page the teacher moves: it saves a class's replicas that work on every change)."""
    tr = inp.trainer
    header: dict = {"v": 1, "playing": playing, "play_id": play_id,
                    "spf": inp.steps_per_frame, "frames": [],
                    "target": until if playing else None,
                    "target_text": TARGET_TEXT[target_what]}
    sc = scene(inp)
    header["scene_id"] = digest(sc)
    if header["scene_id"] != sent.scene:
        header["scene"], sent.scene = sc, header["scene_id"]
    arrays: dict[str, np.ndarray] = {}
    if send_loss:  # while playing the browser extends the curve from the frames instead
        meta, series = loss(inp)
        header["loss_id"] = digest(meta, series)
        if header["loss_id"] != sent.loss:
            header["loss"], sent.loss = meta, header["loss_id"]
            arrays.update(series)
    ready = list(ready or [])
    if not playing:
        frames = [capture(inp, exact=True)]
    elif len(ready) >= want:
        frames = ready
    else:
        frames = ready + play_frames(inp, want - len(ready), budget_s, until=until,
                                     events=events)
    if not playing:
        ahead = previews(inp, with_play=play_preview)
        header["previews"] = {}
        for kind, frame in ahead.items():
            index = next((i for i, f in enumerate(frames) if f is frame), None)
            if index is None:
                frames.append(frame)
                index = len(frames) - 1
            header["previews"][kind] = index
    if frames:
        header["frames"] = [f.meta for f in frames]
        arrays["grid"] = np.stack([f.grid for f in frames])
        arrays["thumbs"] = np.stack([f.thumbs for f in frames])
        arrays["params"] = np.stack([f.params for f in frames])
    if not playing:
        names, rows = lf.optimizer_rows(tr.optimizer.state or None)
        if names:
            header["opt_slots"], arrays["opt"] = names, rows
    # Compression pays while playing (many frames, bytes add up); a single paused frame is
    # small and is painted sooner without the browser's asynchronous inflate.
    return pack(header, arrays, compress=("grid", "thumbs") if playing else ()), frames
