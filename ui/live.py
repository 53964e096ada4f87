"""The live part of the Playground: stepping bar, history, view options and the live view.

Two nested fragments. The outer one holds the Streamlit widgets: a Step click reruns it
(and the live view inside it), never the sidebar. The inner one holds only the live view
(``ui.live_component``): while playing, the view asks for frames and only it reruns, so
no Streamlit widget is redrawn per frame. Play and Pause are the view's own buttons;
they rerun the whole page once, since the stepping bar is disabled while playing.
"""

from __future__ import annotations

import functools

import streamlit as st

import backprop_core as bc
from backprop_core.analyses.explain import param_name
from backprop_core.training.stopping import STOPS, StopCondition
from viz.colors import PALETTES

from . import (
    actions,
    chart_tables,
    class_state,
    class_student,
    class_teacher,
    fairness,
    live_packet,
    session,
    share_io,
)
from .classroom import shown
from .edit_param import edit_panel
from .live_component import live_view
from .planes import boundary_geometry, plane_for
from .stepping import gradient_choice
from .stepping_bar import stepping_bar
from .texts import plain


def speed_control(view: session.View) -> None:
    view.steps_per_frame = st.select_slider(
        "Speed (per frame)", live_packet.SPEEDS, key="w_speed", value=view.steps_per_frame,
        format_func=live_packet.speed_label,
        help="Steps trained between two pictures while playing; 1 epoch: every batch of "
             "the training set, as TF Playground plays.")


def view_controls(view: session.View) -> None:
    """What the edges show."""
    labels = {"weights": "weights w", "gradients": "gradients ∂C/∂w", "updates": "updates Δw"}
    view.edge_mode = st.radio("Edges show", list(labels), format_func=labels.get,
                              index=list(labels).index(view.edge_mode), horizontal=True,
                              key="w_edge_mode")


def chart_options(tr: bc.Trainer, view: session.View) -> None:
    with st.popover("Chart options", width="content"):
        gradient_choice(tr, view)  # what the hovers and gradient edges show between steps
        view.show_test = st.toggle("Show test data", key="w_show_test", value=view.show_test)
        view.discretize = st.toggle("Discretise the output", key="w_discretize",
                                    value=view.discretize)
        view.log_scale = st.toggle("Log-scale loss", key="w_log_scale", value=view.log_scale)
        colour_controls(view)


def colour_controls(view: session.View) -> None:
    """The colours of sign and class, and a shape for them too (links carry both)."""
    view.palette = st.selectbox("Colours", list(PALETTES), key="w_palette",
                                index=list(PALETTES).index(view.palette),
                                format_func=lambda name: PALETTES[name].label)
    view.shapes = st.toggle("Shapes too (dashed − weights, a shape per class)",
                            key="w_shapes", value=view.shapes,
                            help="Sign and class told apart without colour.")


def stop_control(view: session.View) -> None:
    """Play until an epoch, a loss or an accuracy is reached (checked after every step)."""
    label = "Play until…" if not view.stop.active else (
        f"Play until {STOPS[view.stop.kind]} {view.stop.value:g}")
    with st.popover(label, width="content"):
        kind = st.selectbox("Stop Play when", list(STOPS), format_func=STOPS.get,
                            key="w_stop_kind", index=list(STOPS).index(view.stop.kind))
        if kind == "epoch":
            value = st.number_input("Epochs", 1, 100_000, key="w_stop_epoch",
                                    value=max(1, int(view.stop.value or 10)))
        elif kind == "loss":
            value = st.number_input("Loss", 0.0, 100.0, key="w_stop_loss", format="%.4g",
                                    value=float(view.stop.value or 0.05), step=0.01)
        elif kind == "accuracy":
            value = st.slider("Accuracy (%)", 50, 100, key="w_stop_acc",
                              value=int(round((view.stop.value or 0.95) * 100))) / 100
        else:
            value = 0.0
        view.stop = StopCondition(kind, float(value))
        st.caption("Checked after every step: Play stops on the step that reaches it.")


def custom_legend(data: bc.Dataset) -> str:
    """Which colour is which class of an uploaded file, and what its axes are."""
    meta = session.custom_meta() or {}
    text = "Inputs are standardised (z-scores: training mean 0, standard deviation 1)."
    names = meta.get("class_names") or []
    if data.task != "regression" and names:
        colours = PALETTES[session.view().palette].class_names
        text += " Classes: " + ", ".join(f"{colours[k % len(colours)]} = {name}"
                                         for k, name in enumerate(names)) + "."
    elif data.task == "regression":
        text += f" Targets of “{meta.get('target', 'the target')}” are scaled to [−1, 1]."
    return text


def selected_text() -> str:
    layer, k, j = session.selected()
    what = param_name(layer, k, j)
    return (f"Selected for Step-through: {what}. Click any weight or neuron in the diagram "
            "to select it.")


def live_input() -> live_packet.LiveInput:
    tr, data, c, view = session.trainer(), session.dataset(), session.config(), session.view()
    names = session.feature_names()
    # The plane stays fitted to the generated data: drawn points never move it.
    geometry = boundary_geometry(tr, session.base_dataset(), c, view.plane,
                                 view.plane_features, names)
    return live_packet.LiveInput(
        tr, data, c, geometry, names, view.edge_mode, view.show_test, view.discretize,
        view.log_scale, view.presenter, view.steps_per_frame, selected_text(),
        view.gradient_of, stop=view.stop, palette=view.palette, shapes=view.shapes)


def live_charts() -> None:
    """The inner fragment: only the live view (while playing, a rerun per batch of frames,
    each frame made in its turn; otherwise a click someone waits for)."""
    if session.playing():
        draw_live_charts()
    else:
        with fairness.interactive():
            draw_live_charts()


FIRST_BUDGET_S = 0.03  # Play's first packet: a few frames, soon (the browser is waiting)


def draw_live_charts() -> None:
    live = session.live()
    tr = session.trainer()
    playing = session.playing() and tr.diverged is None
    app_rerun, live.app_rerun = live.app_rerun, False
    if app_rerun and not playing:
        st.rerun(scope="app")
    sent = live_packet.Sent(live.scene_sent, live.loss_sent)
    events = list(live.events)
    inp = live_input()
    plain = playing and live.target is None and not events and not inp.stop.active
    key = live_packet.ahead_key(inp, live.play_id)
    packet, _ = live_packet.build(inp, playing, live.play_id, live.want, sent,
                                  send_loss=not playing or live.loss_sent is None,
                                  until=live.target, events=events,
                                  target_what=live.target_what,
                                  budget_s=FIRST_BUDGET_S if app_rerun
                                  else live_packet.FRAME_BUDGET_S,
                                  ready=live.ahead.take(key, live.want) if plain else None,
                                  play_preview=not session.following_class())
    live.events = tuple(events)  # what is left of a link's settings log
    if inp.stopped:  # Play until...: reached
        session.set_notice(inp.stopped)
        session.set_playing(False)
        st.rerun(scope="app")
    if inp.problems:  # a change the link asked for does not fit this run: stop there
        session.set_notice(f"The link's run stopped at step {tr.step:,}: "
                           f"{'; '.join(inp.problems)}.", "warning")
        session.set_playing(False)
        st.rerun(scope="app")
    live.scene_sent, live.loss_sent = sent.scene, sent.loss
    live_view(packet, actions.LIVE_EVENTS)
    if playing:  # a teacher's class sees Play too, a few times a second
        class_teacher.publish_playing(share_io.run_params_or_settings(tr.step))
    if plain and tr.diverged is None:  # the next frames, made while these are on screen
        live.ahead.start(key, functools.partial(live_packet.next_frame, inp),
                         session.run_lock())
    if app_rerun:  # Play's first frames are on their way: now the buttons (disabled)
        st.rerun(scope="app")
    arrived = live.target is not None and tr.step >= live.target and not live.events
    if playing and arrived:
        session.arrived_at_link_step()
        st.rerun(scope="app")  # the link's step, its settings in the widgets, the buttons
    if playing and tr.diverged is not None:
        session.set_playing(False)
        st.rerun(scope="app")  # show the divergence and enable the stepping bar


def live_area() -> None:
    """The outer fragment: everything of the live area that Streamlit draws (a Step click
    reruns it: interactive work, which goes before others' frames of Play)."""
    with fairness.interactive():
        if class_student.following_play():
            class_student.live_poll()
        draw_live_area()


def draw_live_area() -> None:
    """Presenting, the charts come right after the stepping bar and the options go below
    them, so the charts get the screen."""
    read_view_widgets(session.view())  # the address carries some of them (colours, shapes)
    share_io.mirror_url()  # a click here reruns only this fragment: the address follows it
    tr, c, view = session.trainer(), session.config(), session.view()
    playing = session.playing()
    top, charts, below = st.container(), st.container(), st.container()
    with charts:  # filled first: the live view's packet leaves before the widgets above it
        st.fragment(session.exclusive(live_charts))()
    with top:
        stepping_row(tr, view, playing)
    if not class_student.following_play():  # a class watching the teacher's Play: its
        with top if not view.presenter else below:  # options come back when it pauses
            options_row(tr, view, playing)
    if c.is_custom:
        plane = plane_for(tr, view.plane, view.plane_features, session.feature_names())
        st.caption(plain(f"Boundary view: {plane.description} "
                         f"{custom_legend(session.dataset())}"))
    chart_tables.section()  # the charts' numbers, for screen readers and the curious


VIEW_WIDGETS = {"w_speed": "steps_per_frame", "w_edge_mode": "edge_mode",
                "w_palette": "palette", "w_shapes": "shapes",
                "w_show_test": "show_test", "w_discretize": "discretize",
                "w_log_scale": "log_scale", "w_gradient_of": "gradient_of"}


def read_view_widgets(view: session.View) -> None:
    """The view options as their widgets hold them now: the live view is made before the
    widgets are drawn (so its packet leaves first) and must already see a change."""
    for key, attribute in VIEW_WIDGETS.items():
        if key in st.session_state:
            setattr(view, attribute, st.session_state[key])


def stepping_row(tr: bc.Trainer, view: session.View, playing: bool) -> None:
    """Speed, and the stepping bar with the history slider and what happens next."""
    notice = session.take_notice()  # e.g. after Reset, which reruns only this fragment
    if notice:
        st.toast(plain(notice[1]))
    speed, buttons = st.columns([1, 4], vertical_alignment="top")
    with speed:
        speed_control(view)
    with buttons:
        stepping_bar(tr, playing, live=True, history=True, phase_text=True)


def options_row(tr: bc.Trainer, view: session.View, playing: bool) -> None:
    """The view options (nothing at all when they are hidden)."""
    if shown("view"):
        with st.container(horizontal=True, gap="medium", wrap=True,
                          vertical_alignment="bottom"):
            view_controls(view)
            chart_options(tr, view)
            stop_control(view)
            with st.popover("Edit a weight", width="content",
                            help="Click a line or box of the diagram to choose it."):
                edit_panel(disabled=playing)


def run() -> None:
    # A full page run: the browser's view may have been mounted anew, so send it all.
    session.live().scene_sent = session.live().loss_sent = None
    # A class's student following the teacher's Play: the area looks for the news itself.
    every = class_state.PLAY_POLL_S if class_student.following_play() else None
    st.fragment(session.exclusive(live_area), run_every=every)()
