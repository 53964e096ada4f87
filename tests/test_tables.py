"""No table shows the literal text "None": a missing value (no update yet, a δ the walk has
not reached) is a dash. Streamlit writes "None" for a missing cell unless the table says
what to write instead, so every table on every page must say it; a panel's table
(ui/panel) writes the dash itself."""

import numpy as np

from tests.app_helpers import click, on_page, panel, panel_table, panels

DASH = "–"


def _tables(at) -> list:
    """Streamlit's tables (st.dataframe) on the page."""
    return list(at.dataframe)


def _panel_tables(at) -> list[dict]:
    """The panels' tables on the page (ui/panel: cells as shown, and their values)."""
    return [p for parts in panels(at).values() for p in parts if p["t"] == "table"]


def _missing(table) -> int:
    value = table.value
    data = value.data if hasattr(value, "data") else value  # a Styler: its frame
    return int(data.isna().to_numpy().sum())


def _panel_missing(part: dict) -> int:
    """How many cells of a panel's table have no value; each must show the dash."""
    cells = [(shown, key) for row, keys in zip(part["rows"], part["keys"], strict=True)
             for shown, key in zip(row, keys, strict=True)]
    assert all(shown == DASH for shown, key in cells if key is None), part["columns"]
    assert not any(shown in ("None", "nan", "NaN") for shown, _ in cells)
    return sum(key is None for _, key in cells)


def test_missing_cells_are_a_dash_on_every_page(at):
    click(at, "Forward")  # no update yet: the Gradients table's "last update" is missing
    on_page(at, "app_pages/gradients.py")
    click(at, "Run gradient check")
    tables, parts = _tables(at), _panel_tables(at)
    assert len(parts) == 1 and len(tables) == 1  # the parameters' table, the check's
    assert _panel_missing(parts[0]) == at.session_state["trainer"].net.n_params
    assert [t.proto.placeholder for t in tables] == [DASH]

    on_page(at, "app_pages/step_through.py")
    next(b for b in at.button if b.label == "Next layer").click().run()
    tables, parts = _tables(at), _panel_tables(at)
    walk = panel_table(at, "walk_table")
    assert np.isnan(walk["δ = ∂C_s/∂z"]).all()  # forward so far: no δ yet
    assert _panel_missing(panel(at, "walk_table")[0]) == len(walk)
    assert len(parts) == 2  # the per-sample contributions, the walk
    for part in parts:
        _panel_missing(part)  # its missing cells (if any) show the dash
    assert [t.proto.placeholder for t in tables] == [DASH] * len(tables)

    on_page(at, "app_pages/lesson.py")
    click(at, "Train both for 1000 epochs")
    tables, parts = _tables(at), _panel_tables(at)
    assert len(parts) == 1 and _panel_missing(parts[0]) == 0  # the 10 samples: all there
    assert len(tables) == 1 and [t.proto.placeholder for t in tables] == [DASH]
