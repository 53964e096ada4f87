"""What the inspection pages share besides the stepping bar (``ui.stepping_bar``): the
metrics row, the choice of gradient and the batch they inspect."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import backprop_core as bc

from . import fairness, panel, session, share_io
from .inspect import GRADIENT_OF, snapshot
from .live_packet import metric_labels, metric_values
from .page_previews import Previews
from .stepping_bar import stepping_bar


def metrics(tr: bc.Trainer) -> list[dict]:
    """The metrics row, a panel's part (the Playground's live view draws its own)."""
    return [panel.metrics([{**label, "value": value} for label, value in
                           zip(metric_labels(tr), metric_values(tr), strict=True)])]


def gradient_choice(tr: bc.Trainer, view: session.View) -> None:
    """Which gradient the pages show between steps: the same choice on every page."""
    view.gradient_of = st.radio(
        "Gradient of", list(GRADIENT_OF), format_func=GRADIENT_OF.get, horizontal=True,
        index=list(GRADIENT_OF).index(view.gradient_of), key="w_gradient_of",
        disabled=tr.phase_index != 0,
        help="Between steps: the gradient the last step computed and applied, or the one "
             "the next mini-batch will give at the current weights. In the middle of a step "
             "there is one: the current step's.")


def fragment_rerun() -> bool:
    """This run is a fragment's alone (a click inside it), not the whole page's."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def in_fragment(body: Callable[..., None], *args) -> None:
    """Draw ``body(*args)`` as a fragment: a Step (the stepping bar is inside it) or any
    widget in it reruns only it, as on the Playground, never the app around it (its
    navigation, the sidebar). A click that changed more than the fragment shows (another
    run brought back, settings in the sidebar: ``session.live().app_rerun``) reruns the
    whole page."""
    st.fragment(session.exclusive(_fragment_body))(body, *args)


def _fragment_body(body: Callable[..., None], *args) -> None:
    with fairness.interactive():  # a click someone waits for: before others' Play frames
        live = session.live()
        if live.app_rerun:
            live.app_rerun = False
            if fragment_rerun():
                st.rerun(scope="app")
        if fragment_rerun():
            share_io.mirror_url()  # the address bar follows a Step here too
        body(*args)


def inspection_page(title: str, body: Callable[[Previews], None]) -> None:
    """Title, then in one fragment the stepping bar, the metrics, the choice of gradient
    and ``body(previews)``, whose blocks take (trainer, snapshot of the batch to inspect)
    (``ui.page_previews``: a Step shows them at once); no body (the reason shown by the
    bar) when training has diverged and there is nothing sound to inspect."""
    # Play lives on the Playground: leaving it pauses (on the step the trainer holds).
    session.set_playing(False)
    st.markdown(f"## {title}")
    in_fragment(_inspection, body)


def _inspection(body: Callable[[Previews], None]) -> None:
    tr, view = session.trainer(), session.view()
    # The choice as its radio holds it now: the blocks above the radio take it too.
    view.gradient_of = st.session_state.get("w_gradient_of", view.gradient_of)
    with Previews(tr, lambda t: (t, None if t.diverged is not None
                                 else snapshot(t, view.gradient_of))) as ahead:
        stepping_bar(tr, playing=False)  # says so when training diverged
        ahead.panel("metrics", metrics, of_trainer=True)
        if tr.diverged is None:
            gradient_choice(tr, view)
            body(ahead)
        ahead.finish()
