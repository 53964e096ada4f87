"""Set a weight or bias by hand, or freeze it: the selected parameter (a click in the
diagram, a heatmap cell, the Step-through picker). Each change is a logged event of the
run, so Undo, the history slider, share links and session files go through it."""

from __future__ import annotations

import streamlit as st

import backprop_core as bc
from backprop_core.analyses.explain import param_name
from backprop_core.policy.offered import MAX_EDIT
from backprop_core.training.changes import ChangeError, check

from . import session

DRAG = 5.0  # the slider spans at least ±this (and twice the value beyond it)


def selected_param(tr: bc.Trainer) -> tuple[int, str, tuple[int, ...], str]:
    """(layer, kind, index, name) of the parameter under inspection."""
    layer, k, j = session.selected()
    if k is None:
        return layer, "biases", (j,), param_name(layer, None, j)
    return layer, "weights", (k, j), param_name(layer, k, j)


def _key(tr: bc.Trainer, what: str) -> str:
    """Widgets keyed by the parameter and the run's state: a new step, a rewind or another
    selection shows the value now, never a stale one."""
    layer, kind, index, _ = selected_param(tr)
    tag = f"{layer}_{kind}_{'_'.join(map(str, index))}_{tr.step}_{tr.phase_index}_" \
          f"{len(tr.events)}"
    return f"w_edit_{what}_{tag}"


@session.exclusive
def _set_from(key: str) -> None:
    tr = session.trainer()
    value = st.session_state.get(key)
    if value is None or tr.diverged is not None:
        return
    layer, kind, index, name = selected_param(tr)
    try:  # the one check of an edit, held to what the box offers (as a link's or a file's)
        check("edit", {"layer": layer, "kind": kind, "index": list(index),
                       "value": float(value)}, tr.shape(), offered=True)
    except ChangeError as exc:
        session.set_notice(f"{name} not set: {exc}.", "warning")
        return
    tr.set_param(layer, kind, index, float(value))
    session.set_notice(f"Set {name} to {float(value):.6g} by hand (a step of the history: "
                       "Undo takes it back).")
    session.live().app_rerun = True  # the history slider and every page show it


@session.exclusive
def _freeze_from(key: str) -> None:
    tr = session.trainer()
    layer, kind, index, name = selected_param(tr)
    frozen = bool(st.session_state.get(key))
    tr.set_frozen(layer, kind, index, frozen)
    state = "frozen: its gradient is shown, never applied" if frozen else "trained again"
    session.set_notice(f"{name} is {state}.")
    session.live().app_rerun = True


def edit_panel(disabled: bool = False) -> None:
    """Value box, drag slider and Freeze for the selected parameter."""
    tr = session.trainer()
    layer, kind, index, name = selected_param(tr)
    value = float(getattr(tr.net, kind)[layer][index])
    off = disabled or tr.diverged is not None
    st.markdown(f"**{name}** = `{value:.6g}`"
                + ("  · frozen" if tr.is_frozen(layer, kind, index) else ""))
    typed = _key(tr, "value")
    # The box offers ±MAX_EDIT (what links and files may carry too); a weight trained
    # beyond it is shown as it is, and can be typed back into range.
    limit = max(MAX_EDIT, abs(value))
    st.number_input("Type a value", min_value=-limit, max_value=limit, value=value,
                    step=0.1, format="%.6g", key=typed, on_change=_set_from, args=(typed,),
                    disabled=off)
    span = min(max(DRAG, 2 * abs(value)), limit)
    dragged = _key(tr, "drag")
    st.slider("…or drag", -span, span, value=min(max(value, -span), span), step=span / 200,
              key=dragged, on_change=_set_from, args=(dragged,), disabled=off)
    frozen = _key(tr, "frozen")
    st.toggle("Freeze (gradient shown, never applied)", key=frozen,
              value=tr.is_frozen(layer, kind, index), on_change=_freeze_from,
              args=(frozen,), disabled=off)
    if tr.frozen:
        st.caption(f"{len(tr.frozen)} parameter(s) frozen in this run.")
