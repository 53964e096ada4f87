"""The live part of the Playground: stepping buttons, metrics, history and the three charts.

It runs as one ``st.fragment``: a click on Step reruns only this, and while playing the
fragment reruns itself every frame (``run_every``), training ``steps_per_frame`` steps
before drawing. Play/Pause lives outside, since it changes ``run_every``.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

import backprop_core as bc
from viz.boundary import boundary_figure
from viz.curves import loss_figure
from viz.network import DiagramData, network_figure

from . import session
from .chart_component import live_charts
from .classroom import shown
from .planes import boundary_view, plane_for
from .texts import phase_message

GRID = 100  # boundary resolution; thumbnails use every 5th point (20×20)
FPS = 15


# --- button callbacks: one change to the trainer each ----------------------------------
def _phase() -> None:
    session.trainer().run_phase()


def _step() -> None:
    session.trainer().finish_step()


def _epoch() -> None:
    session.trainer().run_epoch()


def _undo() -> None:
    tr = session.trainer()
    if tr.diverged is not None:
        tr.restore_last_good()
    else:
        tr.undo()
    session.after_rewind()
    session.set_playing(False)


def _reset() -> None:
    session.restart_with_current_settings()
    session.set_playing(False)
    session.set_notice("Reset: the same initial weights again (same seed), history cleared.")


def _goto() -> None:
    session.trainer().goto(st.session_state["w_history"])
    session.after_rewind()


def _play() -> None:
    session.set_playing(True)
    session.set_notice(None)


def _pause() -> None:
    session.set_playing(False)


SPEEDS = [1, 2, 5, 10, 25, 50, 100, 200]


def play_controls(tr: bc.Trainer, playing: bool, view: session.View) -> None:
    cols = st.columns([1, 2.2], vertical_alignment="bottom")
    # Two buttons with their own keys, each setting (not toggling) the state: Streamlit can
    # replay a click's trigger in a later rerun when reruns overlap, as they do while
    # playing, and a replayed toggle would undo itself.
    if playing:
        cols[0].button("Pause", key="b_pause", on_click=_pause, type="primary",
                       width="stretch")
    else:
        cols[0].button("Play", key="b_play", on_click=_play, type="primary",
                       width="stretch", disabled=tr.diverged is not None)
    view.steps_per_frame = cols[1].select_slider(
        "Speed (steps per frame)", SPEEDS, key="w_speed", value=view.steps_per_frame)


def toolbar(tr: bc.Trainer, playing: bool) -> None:
    busy = playing or tr.diverged is not None
    cols = st.columns([1, 1, 1, 0.25, 1, 1, 0.25, 1, 1])
    for col, phase in zip(cols[:3], bc.PHASES if shown("phases") else (), strict=False):
        col.button(phase.capitalize(), key=f"b_{phase}", on_click=_phase,
                   disabled=busy or tr.next_phase != phase, width="stretch",
                   type="primary" if tr.next_phase == phase and not busy else "secondary")
    cols[4].button("Step", key="b_step", on_click=_step, disabled=busy,
                   width="stretch", help="Finish the current mini-batch step.")
    cols[5].button("Epoch", key="b_epoch", on_click=_epoch, disabled=busy,
                   width="stretch", help="Run until the next epoch starts.")
    cols[7].button("Undo", key="b_undo", on_click=_undo,
                   disabled=playing or (tr.step == 0 and tr.phase_index == 0),
                   width="stretch", help="Back to the start of this step, or one "
                   "step back; after divergence, back to the last good step.")
    cols[8].button("Reset", key="b_reset", on_click=_reset, disabled=playing,
                   width="stretch", help="Same seed, same initial weights again.")


def metrics(tr: bc.Trainer) -> None:
    rec = tr.history[tr.step]
    cols = st.columns(5)
    cols[0].metric("Step", tr.step)
    cols[1].metric("Epochs done", tr.epoch)
    how = ("averaged over" if tr.reduction == "mean" else "summed over")
    cols[2].metric("Train loss", f"{rec.train_loss:.4g}",
                   help=f"Data loss {how} the whole training set, after the last update.")
    cols[3].metric("Test loss", "–" if rec.test_loss is None else f"{rec.test_loss:.4g}",
                   help=f"Data loss {how} the test set.")
    if rec.train_accuracy is not None:
        test = "" if rec.test_accuracy is None else f" / {rec.test_accuracy:.1%}"
        cols[4].metric("Accuracy (train / test)", f"{rec.train_accuracy:.1%}{test}")
    elif tr.regularization != "none":
        cols[4].metric("Penalty", f"{rec.penalty:.4g}")
    else:
        n_test = 0 if tr.X_test is None else len(tr.X_test)
        cols[4].metric("Samples (train / test)", f"{len(tr.X)} / {n_test}")


PAUSED_HISTORY = ('<div style="height:62px;padding-top:4px;color:#666">History: pause to '
                  'go back or forward to any step.</div>')


def history_slider(tr: bc.Trainer) -> None:
    last = max(tr.history.last_step, 1)
    st.session_state["w_history"] = tr.step
    st.slider("History: go back or forward to any step", 0, last,
              key="w_history", on_change=_goto, disabled=tr.history.last_step < 1)


def figures(tr: bc.Trainer, data: bc.Dataset, c: bc.RunConfig, view: session.View,
            names: list[str]) -> dict:
    """The three live figures (Plotly dicts) for the trainer's current state; ``names``
    label the network's inputs."""
    bv = boundary_view(tr, data, c, view.plane, view.plane_features, names, GRID)
    mid_step = tr.phase_index != 0 and tr.batch_idx is not None
    batch = bv.to_2d(data.X_train[tr.batch_idx]) if mid_step else None
    thumbs = [layer[::5, ::5] for layer in bv.grid.layers]
    font = 16 if view.presenter else 12
    diagram = DiagramData(
        feature_labels=names, thumbs=thumbs, grads=tr.grads,
        update=tr.last_update, opt_state=tr.optimizer.state or None, font_size=font)
    X_test = bv.to_2d(data.X_test) if view.show_test else None
    return {
        "network": network_figure(tr.net, diagram, view.edge_mode,
                                  height=diagram_height(tr.net, view.presenter)),
        "boundary": boundary_figure(
            bv.grid.output, bv.extent, data.task, bv.to_2d(data.X_train), data.Y_train,
            X_test, data.Y_test if view.show_test else None,
            batch=batch, discretize=view.discretize, font_size=font,
            height=400 if view.presenter else 340, axis_titles=bv.titles),
        "loss": loss_figure(tr.history.columns, data.task, view.log_scale,
                            height=280 if view.presenter else 230, font_size=font,
                            current_step=tr.step),
    }


def diagram_height(net, presenter: bool) -> int:
    """As tall as the boundary and loss charts stacked beside it."""
    return 700 if presenter else 580


def view_controls(view: session.View) -> None:
    """What the edges show, and the chart options behind one small popover."""
    labels = {"weights": "weights w", "gradients": "gradients ∂C/∂w", "updates": "updates Δw"}
    view.edge_mode = st.radio("Edges show", list(labels), format_func=labels.get,
                              index=list(labels).index(view.edge_mode), horizontal=True,
                              key="w_edge_mode")


def chart_options(view: session.View) -> None:
    with st.popover("Chart options", width="stretch"):
        view.show_test = st.toggle("Show test data", key="w_show_test", value=view.show_test)
        view.discretize = st.toggle("Discretise the output", key="w_discretize",
                                    value=view.discretize)
        view.log_scale = st.toggle("Log-scale loss", key="w_log_scale", value=view.log_scale)


COLOUR_NAMES = ["orange", "blue", "green", "purple", "red", "brown", "pink", "grey", "olive",
                "cyan"]


def custom_legend(data: bc.Dataset) -> str:
    """Which colour is which class of an uploaded file, and what its axes are."""
    meta = session.custom_meta() or {}
    text = "Inputs are standardised (z-scores: training mean 0, standard deviation 1)."
    names = meta.get("class_names") or []
    if data.task != "regression" and names:
        text += " Classes: " + ", ".join(f"{COLOUR_NAMES[k % 10]} = {name}"
                                         for k, name in enumerate(names)) + "."
    elif data.task == "regression":
        text += f" Targets of “{meta.get('target', 'the target')}” are scaled to [−1, 1]."
    return text


def select_clicked(clicked) -> None:
    """A click in the diagram reports [layer, i, j] for a weight, [column, j, -1] for a
    neuron (column 0 = the inputs, which have no bias)."""
    if not clicked or len(clicked) != 3:
        return
    a, b, c = (int(v) for v in clicked)
    if c >= 0:
        session.set_selected(a, b, c)
    elif a >= 1:
        session.set_selected(a - 1, None, b)


def inspect_bar(tr: bc.Trainer) -> None:
    """Stepping buttons and metrics for the inspection pages (no Play there)."""
    toolbar(tr, playing=session.playing())
    metrics(tr)


def inspection_start(title: str):
    """Title, stepping bar and the batch to inspect; None (with the reason shown) when
    training has diverged and there is nothing sound to inspect."""
    from .inspect import snapshot

    st.markdown(f"## {title}")
    tr = session.trainer()
    inspect_bar(tr)
    if tr.diverged is not None:
        st.error(tr.diverged.message + " Press Undo to go back to it.")
        return None
    return tr, snapshot(tr)


def live_area(started_playing: bool) -> None:
    """Draw (and while playing, advance) the run. Called inside a fragment that was set up
    with a timer iff ``started_playing``; Play/Pause are inside the fragment because a
    click outside it can wait behind a backlog of timer reruns."""
    tr, data, c, view = session.trainer(), session.dataset(), session.config(), session.view()
    playing = session.playing()
    if playing != started_playing:
        st.rerun(scope="app")  # re-create the fragment with (or without) its timer
    if playing and tr.diverged is None:
        tr.run_steps(view.steps_per_frame)
    if playing and tr.diverged is not None:
        session.set_playing(False)
        st.rerun(scope="app")  # stop the fragment's timer
    notice = session.take_notice()  # e.g. after Reset, which reruns only this fragment
    if notice:
        st.toast(notice[1])
    header, buttons = st.columns([1, 2.4], vertical_alignment="bottom")
    with header:
        play_controls(tr, playing, view)
    with buttons:
        toolbar(tr, playing)
    if tr.diverged is not None:
        st.error(tr.diverged.message + " Press Undo to go back to it.")
    elif shown("phases"):
        st.markdown(phase_message(tr))
    metrics(tr)
    slider_col, edges_col, options_col = st.columns([2.2, 1.9, 0.8], vertical_alignment="bottom")
    if shown("history"):
        with slider_col:
            if playing:  # a static stand-in of the slider's height: no jump, no per-frame cost
                st.markdown(PAUSED_HISTORY, unsafe_allow_html=True)
            else:
                history_slider(tr)
    if shown("view"):
        with edges_col:
            view_controls(view)
        with options_col:
            chart_options(view)
    with np.errstate(all="ignore"):
        result = live_charts(figures(tr, data, c, view, session.feature_names()))
    select_clicked(result.clicked)
    if result.added and view.draw_label is not None and not c.is_custom:
        session.add_point(*result.added)
        st.rerun(scope="app")
    if c.is_custom:
        plane = plane_for(tr, view.plane, view.plane_features, session.feature_names())
        st.caption(f"Boundary view: {plane.description} {custom_legend(data)}")
    layer, k, j = session.selected()
    what = (f"layer {layer + 1} weight {k}→{j}" if k is not None
            else f"layer {layer + 1} bias of neuron {j}")
    st.caption(f"Selected for Step-through: {what}. Click any weight or neuron in the "
               "diagram to select it.")


def run() -> None:
    playing = session.playing()
    st.fragment(run_every=1.0 / FPS if playing else None)(live_area)(playing)
