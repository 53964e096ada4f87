"""The stepping bar every page shares: phase buttons, Step, Epoch, Undo, Reset; and, on
the inspection pages, the metrics row and the batch they inspect."""

from __future__ import annotations

import streamlit as st

import backprop_core as bc

from . import actions, session
from .classroom import shown
from .inspect import GRADIENT_OF, snapshot
from .live_packet import metric_labels, metric_values


def toolbar(tr: bc.Trainer, playing: bool, live: bool = False) -> None:
    """One row of buttons at their own width, wrapping onto a second row when the page is
    narrow (a projector at 1024×768): a label is never cut short."""
    busy = playing or tr.diverged is not None
    with st.container(horizontal=True, gap="small", wrap=True):
        if shown("phases"):
            for phase in bc.PHASES:
                st.button(phase.capitalize(), key=f"b_{phase}", on_click=actions.phase,
                          disabled=busy or tr.next_phase != phase,
                          type="primary" if tr.next_phase == phase and not busy
                          else "secondary")
            st.space("small")
        st.button("Step", key="b_step", on_click=actions.step, disabled=busy,
                  help="Finish the current mini-batch step.")
        st.button("Epoch", key="b_epoch", on_click=actions.epoch, disabled=busy,
                  kwargs={"sliced": live},  # the live view can play a long one in slices
                  help="Run until the next epoch starts.")
        st.space("small")
        st.button("Undo", key="b_undo", on_click=actions.undo,
                  disabled=playing or not (tr.diverged is not None or tr.can_undo()
                                           or session.previous_run() is not None),
                  help="Back to the start of this step, or one step back (a change by "
                  "hand first); after divergence, back to the last good step; at step 0, "
                  "the run before a new network, data set or Reset.")
        st.button("Reset", key="b_reset", on_click=actions.reset, disabled=playing,
                  help="Same seed, same initial weights again.")


def metrics(tr: bc.Trainer) -> None:
    """The metrics row as Streamlit metrics (the Playground's live view draws its own)."""
    with st.container(horizontal=True, gap="large", wrap=True):  # whole values, never cut
        for label, value in zip(metric_labels(tr), metric_values(tr), strict=True):
            st.metric(label["label"], value, help=label.get("help"), width="content")


def gradient_choice(tr: bc.Trainer, view: session.View) -> None:
    """Which gradient the pages show between steps: the same choice on every page."""
    view.gradient_of = st.radio(
        "Gradient of", list(GRADIENT_OF), format_func=GRADIENT_OF.get, horizontal=True,
        index=list(GRADIENT_OF).index(view.gradient_of), key="w_gradient_of",
        disabled=tr.phase_index != 0,
        help="Between steps: the gradient the last step computed and applied, or the one "
             "the next mini-batch will give at the current weights. In the middle of a step "
             "there is one: the current step's.")


def inspection_start(title: str):
    """Title, stepping bar and the batch to inspect; None (with the reason shown) when
    training has diverged and there is nothing sound to inspect."""
    # Play lives on the Playground: leaving it pauses (on the step the trainer holds).
    session.set_playing(False)
    st.markdown(f"## {title}")
    tr = session.trainer()
    toolbar(tr, playing=False)
    metrics(tr)
    if tr.diverged is not None:
        st.error(tr.diverged.message + " Press Undo to go back to it.")
        return None
    view = session.view()
    gradient_choice(tr, view)
    return tr, snapshot(tr, view.gradient_of)
