"""The stepping bar every page shares: phase buttons, Step, Epoch, Undo, Reset; and, on
the inspection pages, the metrics row and the batch they inspect."""

from __future__ import annotations

import streamlit as st

import backprop_core as bc

from . import actions, session
from .classroom import shown
from .live_packet import metric_labels, metric_values


def toolbar(tr: bc.Trainer, playing: bool) -> None:
    busy = playing or tr.diverged is not None
    cols = st.columns([1, 1, 1, 0.25, 1, 1, 0.25, 1, 1])
    for col, phase in zip(cols[:3], bc.PHASES if shown("phases") else (), strict=False):
        col.button(phase.capitalize(), key=f"b_{phase}", on_click=actions.phase,
                   disabled=busy or tr.next_phase != phase, width="stretch",
                   type="primary" if tr.next_phase == phase and not busy else "secondary")
    cols[4].button("Step", key="b_step", on_click=actions.step, disabled=busy,
                   width="stretch", help="Finish the current mini-batch step.")
    cols[5].button("Epoch", key="b_epoch", on_click=actions.epoch, disabled=busy,
                   width="stretch", help="Run until the next epoch starts.")
    cols[7].button("Undo", key="b_undo", on_click=actions.undo,
                   disabled=playing or (tr.diverged is None and tr.step == 0
                                        and tr.phase_index == 0),
                   width="stretch", help="Back to the start of this step, or one "
                   "step back; after divergence, back to the last good step.")
    cols[8].button("Reset", key="b_reset", on_click=actions.reset, disabled=playing,
                   width="stretch", help="Same seed, same initial weights again.")


def metrics(tr: bc.Trainer) -> None:
    """The metrics row as Streamlit metrics (the Playground's live view draws its own)."""
    cols = st.columns(5)
    for col, label, value in zip(cols, metric_labels(tr), metric_values(tr), strict=True):
        col.metric(label["label"], value, help=label.get("help"))


def inspection_start(title: str):
    """Title, stepping bar and the batch to inspect; None (with the reason shown) when
    training has diverged and there is nothing sound to inspect."""
    from .inspect import snapshot

    # Play lives on the Playground: leaving it pauses (on the step the trainer holds).
    session.set_playing(False)
    st.markdown(f"## {title}")
    tr = session.trainer()
    toolbar(tr, playing=False)
    metrics(tr)
    if tr.diverged is not None:
        st.error(tr.diverged.message + " Press Undo to go back to it.")
        return None
    return tr, snapshot(tr)
