"""Your own data: upload a CSV, choose the target column, check it, train on it."""

from __future__ import annotations

import streamlit as st

from data_io.csv_data import (
    LIMITS,
    BadRowsError,
    CsvError,
    bad_row_count,
    parse_csv,
    to_custom_data,
    to_dataset_and_scaling,
)

from . import session
from .lazy import lazy_expander
from .texts import plain

TASKS = {"classification": "Classification (2–10 classes)", "regression": "Regression"}


def _limits_text() -> str:
    return (f"Up to {LIMITS['max_rows']:,} rows, {LIMITS['max_cols']} columns and "
            f"{LIMITS['max_bytes'] // 1_000_000} MB; numbers, with one column to predict.")


def upload_section() -> None:
    with lazy_expander("Your own data (CSV)", "x_upload",
                       expanded=session.config().is_custom) as is_open:
        if not is_open:
            return
        st.caption(_limits_text())
        upload = st.file_uploader("CSV file", type=["csv", "txt", "tsv"], key="w_csv")
        if upload is None:
            return
        table = _parsed(upload)
        if isinstance(table, CsvError):
            st.error(plain(f"Not loaded, the current data stay: {table}"))
            return
        for note in table.notes:
            st.caption(plain(note))
        columns = list(table.columns)
        target = st.selectbox("Column to predict", columns, index=len(columns) - 1,
                              key="w_csv_target")
        task = st.radio("Task", list(TASKS), format_func=TASKS.get, key="w_csv_task",
                        horizontal=True)
        try:
            n_bad = bad_row_count(table, target, task)
        except CsvError as exc:
            st.error(plain(f"Not loaded, the current data stay: {exc}"))
            return
        drop = False
        if n_bad:
            drop = st.checkbox(f"Drop the {n_bad} row(s) with missing or non-numeric values",
                               key="w_csv_drop")
        st.button("Train on this data", key="b_csv_use", type="primary", width="stretch",
                  on_click=_use, args=(table, target, task, drop, upload.name))
        problem = session.take_result("csv_problem")
        if problem and problem[0] == "rows":
            st.warning(plain(problem[1]))
        elif problem:
            st.error(plain(problem[1]))


def _parsed(upload):
    """The upload parsed once (a file at the limits takes seconds; every rerun draws this
    panel): the table, or the CsvError that refused it."""
    cached = session.result("csv_parsed")
    if cached is not None and cached[0] == upload.file_id:
        return cached[1]
    try:
        table = parse_csv(upload.getvalue(), max_bytes=LIMITS["max_bytes"])
    except CsvError as exc:
        table = exc
    session.set_result("csv_parsed", (upload.file_id, table))
    return table


@session.exclusive
def _use(table, target: str, task: str, drop: bool, name: str) -> None:
    """Button callback (runs before the widgets are drawn, so it may set them)."""
    try:
        custom = to_custom_data(table, target, task, drop_bad_rows=drop)
        c = session.config()
        data, center, spread = to_dataset_and_scaling(custom, c.train_fraction, c.data_seed)
    except BadRowsError as exc:
        session.set_result("csv_problem", ("rows", f"{exc} Tick the box above to drop them."))
        return
    except CsvError as exc:
        session.set_result("csv_problem", ("error", f"Not loaded, the current data stay: {exc}"))
        return
    meta = {"file": name, "feature_names": list(custom.feature_names),
            "target": custom.target, "class_names": [str(n) for n in custom.class_names],
            "notes": list(custom.notes), "center": [float(v) for v in center],
            "spread": [float(v) for v in spread]}
    session.use_custom_data(data, meta, custom.task)
    st.session_state["w_dataset"] = session.config().dataset
    st.session_state["w_output"] = "auto"
