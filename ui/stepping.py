"""What the inspection pages share besides the stepping bar (``ui.stepping_bar``): the
metrics row, the choice of gradient and the batch they inspect."""

from __future__ import annotations

import streamlit as st

import backprop_core as bc

from . import session
from .inspect import GRADIENT_OF, snapshot
from .live_packet import metric_labels, metric_values
from .stepping_bar import stepping_bar


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
    stepping_bar(tr, playing=False)  # says so when training diverged
    metrics(tr)
    if tr.diverged is not None:
        return None
    view = session.view()
    gradient_choice(tr, view)
    return tr, snapshot(tr, view.gradient_of)
