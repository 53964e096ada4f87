"""Share links, session files and exports (sidebar panel of the Playground)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit, urlunsplit

import streamlit as st

import backprop_core as bc
from backprop_core.policy.config import with_start_settings
from data_io import exports, share

from . import class_teacher, class_view, lesson_player, session
from .lazy import lazy_expander
from .texts import plain
from .widget_values import seed_widgets

FILE_LIMIT_MB = 5


def run_params(step: int | None) -> dict[str, str]:
    """The run as link parameters: its settings and view; with ``step``, the settings of
    step 0, every change made on the way and the phases run of a step in progress, so the
    link replays this very run. LogTooLong when its log is more than a link carries."""
    view, tr, c = session.view(), session.trainer(), session.config()
    look = {"presenter": view.presenter, "hidden": tuple(view.hidden_panels),
            "palette": view.palette, "shapes": view.shapes}
    if step is None:
        return share.encode(c, **look)
    return share.encode(
        with_start_settings(c, tr), step=step, events=tuple(e for e in tr.events if e[0] <= step),
        phase=tr.phase_index if step == tr.step else 0, **look)


def run_params_or_settings(step: int) -> dict[str, str]:
    """``run_params(step)``, or the settings alone when the log is more than a link holds."""
    try:
        return run_params(step)
    except share.LogTooLong:
        return run_params(None)


def share_url(step: int | None) -> str:
    """The app's address with ``run_params(step)`` as its query."""
    url = st.context.url or "http://localhost:8501/"
    scheme, netloc, path, _, _ = urlsplit(url)
    return urlunsplit((scheme, netloc, path, share.to_query_string(run_params(step)), ""))


def mirror_url() -> None:
    """The address bar is the run on screen: its step, its log and the phases run, so a
    reload (or copying the address) brings back this very run, within a link's bounds.
    A run whose log a link cannot carry (or on uploaded data, which no link carries) keeps
    its settings there; a session file carries it whole."""
    if session.playing():  # a link still playing up to its step keeps its own address;
        return  # Play's steps are in it when it pauses (a full rerun)
    tr = session.trainer()
    fresh = tr.step == 0 and tr.phase_index == 0 and not tr.events  # no step=0 to say
    try:
        params = run_params(None if tr.diverged is not None or fresh else tr.step)
    except share.LogTooLong:
        params = run_params(None)
    params = {**params, **lesson_player.address_params(),  # and the lesson's stop, if any,
              **class_view.address_params()}  # and a student's class
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)
    class_teacher.publish()  # a teacher's class sees it too


def share_section() -> None:
    c = session.config()
    if c.is_custom:
        st.caption("A link cannot carry uploaded data: whoever opens it is asked to upload "
                   "the same CSV. Use a session file to pass on everything.")
    with_step = st.checkbox("Include the current step", value=True, key="w_share_step")
    if st.button("Share link", key="b_share", width="stretch"):
        try:
            link = share_url(session.trainer().step if with_step else None)
        except share.LogTooLong as exc:  # said plainly: never a link to another run
            link = None
            st.error(f"No link: {exc}. Save a session file instead (below): it carries "
                     "everything.")
        session.set_result("share_link", link)
    if session.result("share_link"):
        st.code(session.result("share_link"), language=None, wrap_lines=True)
        st.caption("Opening it rebuilds the same data and initial weights and, with a step, "
                   "trains to that step: every student sees the same numbers.")


def session_file_maker():
    """A function building the session file from what is on screen *now*.

    Streamlit calls a download's data function after the script run, where session state
    cannot be read, so everything it needs is captured here.
    """
    tr = session.trainer()
    extra = {"config": session.config().to_dict(), "view": {
        "presenter": session.view().presenter, "edge_mode": session.view().edge_mode}}
    if session.custom_meta():
        extra["custom_meta"] = session.custom_meta()
    return lambda: json.dumps(bc.trainer_to_dict(tr, extra=extra))


@session.exclusive
def _load_session_file() -> None:
    upload = st.session_state.get("w_load_file")
    if upload is None:
        return
    try:
        session.load_state(upload.getvalue())
    except ValueError as exc:  # StateError and bad JSON alike; nothing was changed
        session.set_result("load_error", str(exc))
    else:
        session.set_result("load_error", None)
        seed_widgets(session.config())


def save_load_section() -> None:
    tr = session.trainer()
    st.download_button("Save session file", data=session_file_maker(),
                       file_name="backprop-playground-session.json", mime="application/json",
                       key="b_save",
                       width="stretch", disabled=tr.diverged is not None,
                       help="Settings, data, weights, optimizer state and the whole history.")
    st.file_uploader("Load a session file", type=["json"], key="w_load_file",
                     on_change=_load_session_file)
    if session.result("load_error"):
        st.error(plain(f"Not loaded, nothing changed: {session.result('load_error')}"))


def exports_section() -> None:
    # Download data functions run after the script, without session state: capture now.
    tr, c, data = session.trainer(), session.config(), session.dataset()
    names, meta = session.feature_names(), session.custom_meta() or {}
    scaling = (meta["center"], meta["spread"]) if "center" in meta else None
    classes = meta.get("class_names") or None
    st.download_button("Weights (JSON)", key="b_weights",
                       data=lambda: exports.weights_json(
                           tr.net, feature_names=names, task=data.task,
                           input_scaling=scaling, class_names=classes),
                       file_name="weights.json", mime="application/json", width="stretch",
                       disabled=tr.diverged is not None)
    st.download_button("Training history (CSV)", key="b_history",
                       data=lambda: exports.history_csv(tr.history),
                       file_name="history.csv", mime="text/csv", width="stretch")
    feature_ids = list(c.features) if not c.is_custom else names
    st.download_button("NumPy script of this network", key="b_script",
                       data=lambda: exports.numpy_script(tr.net, feature_ids, data.task,
                                                         class_names=classes,
                                                         input_scaling=scaling),
                       file_name="network.py", mime="text/x-python", width="stretch",
                       disabled=tr.diverged is not None)
    st.caption("Each chart's camera button saves it as a PNG."
               + (" Uploaded data: the exports include the input scaling." if scaling else ""))


def panel() -> None:
    with lazy_expander("Share · save · export", "x_share") as is_open:
        if not is_open:
            return
        share_section()
        st.divider()
        save_load_section()
        st.divider()
        exports_section()
