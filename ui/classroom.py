"""Classroom view: a presenter mode for projectors, and up to four runs kept side by side."""

from __future__ import annotations

import streamlit as st

from viz.curves import compare_figure
from viz.projector import PRESENTER_SCALE
from viz.user_text import chart_text

from . import session
from .charts import chart
from .lazy import lazy_expander

PANELS = {
    "data": "Data controls",
    "features": "Feature controls",
    "network": "Network controls",
    "training": "Training controls",
    "phases": "Phase buttons and text",
    "history": "History slider",
    "view": "Edge and view toggles",
}
MAX_SNAPSHOTS = 4
BROWSER_REM = 16  # px: a page's rem where nothing sets it
# PRESENTER_SCALE × everything Streamlit sizes in rem (text, buttons, metrics, widgets),
# and the page's wide margins handed to the charts.
PRESENTER_CSS = f"""<style>
html {{ font-size: {round(BROWSER_REM * PRESENTER_SCALE)}px; }}
[data-testid="stMainBlockContainer"] {{ padding: 3.9rem 1rem 1rem 1rem !important;
                                        max-width: none; }}
</style>"""


def presenter_controls() -> None:
    """Sidebar switch for presenter mode and the panels it hides."""
    view = session.view()
    view.presenter = st.toggle("Presenter view", value=view.presenter, key="w_presenter",
                               help="Larger text and charts for a projector; hides the "
                                    "panels chosen below.")
    if view.presenter:
        chosen = st.multiselect("Hide", list(PANELS), format_func=PANELS.get,
                                default=sorted(view.hidden_panels), key="w_hide")
        view.hidden_panels = set(chosen)


def read_presenter_widgets() -> None:
    """Presenter view as its switch holds it now, before anything is drawn: the style, the
    navigation's place and the live view's sizes all follow a click in the same run (the
    switch itself is drawn later, in the sidebar; it used to apply only on a reload)."""
    view, state = session.view(), st.session_state
    if "w_presenter" in state:
        view.presenter = bool(state["w_presenter"])
    if view.presenter and "w_hide" in state:
        view.hidden_panels = set(state["w_hide"])


def apply_presenter_style() -> None:
    """Larger text on every page while presenting (called by the app for all pages), and
    the sidebar out of the charts' way (its arrow brings it back)."""
    read_presenter_widgets()
    if session.view().presenter:
        st.set_page_config(initial_sidebar_state="collapsed")
        st.markdown(PRESENTER_CSS, unsafe_allow_html=True)
    else:
        st.set_page_config(initial_sidebar_state="auto")


def shown(panel: str) -> bool:
    """Whether ``panel`` is on screen: the hidden ones are hidden while presenting, and
    while a lesson plays (its stop says which)."""
    view = session.view()
    hiding = view.presenter or session.lesson_run() is not None
    return not (hiding and panel in view.hidden_panels)


def default_name() -> str:
    c, tr = session.config(), session.trainer()
    return f"{c.optimizer} lr {c.lr:g}, {c.dataset}, step {tr.step}"


@session.exclusive
def _keep() -> None:
    name = st.session_state.get("w_snapshot_name", "").strip()
    session.keep_snapshot(name or default_name())
    st.session_state["w_snapshot_name"] = ""


def compare_section() -> None:
    snapshots = session.snapshots()
    with lazy_expander(f"Compare runs ({len(snapshots)} kept)", "x_compare",
                       expanded=bool(snapshots)) as is_open:
        if not is_open:
            return
        with st.container(horizontal=True, vertical_alignment="bottom", wrap=True):
            st.text_input("Name", key="w_snapshot_name", max_chars=60,
                          placeholder="e.g. lr 0.3", width=320,
                          help="Left empty: optimizer, learning rate, data set and step.")
            full = len(snapshots) >= MAX_SNAPSHOTS
            st.button("Keep this run", key="b_keep", disabled=full, on_click=_keep,
                      help=f"Up to {MAX_SNAPSHOTS} runs.")
            st.button("Clear", key="b_clear_runs", disabled=not snapshots,
                      on_click=session.clear_snapshots)
        if snapshots:
            tr = session.trainer()
            current = {"name": "current run", "step": list(tr.history.columns["step"]),
                       "train_loss": list(tr.history.columns["train_loss"])}
            runs = [{**run, "name": chart_text(run["name"])} for run in [*snapshots, current]]
            chart(compare_figure(runs), "compare_chart")
        else:
            st.caption("Keep a run, change a setting (say the learning rate: 0.03, then 0.3, "
                       "then 3), train again, and compare their loss curves here.")
