"""No table shows the literal text "None": a missing value (no update yet, a δ the walk has
not reached) is a dash. Streamlit writes "None" for a missing cell unless the table says
what to write instead, so every table on every page must say it."""

import numpy as np

from tests.app_helpers import click, on_page

DASH = "–"


def _tables(at) -> list:
    return list(at.dataframe)


def _missing(table) -> int:
    value = table.value
    data = value.data if hasattr(value, "data") else value  # a Styler: its frame
    return int(data.isna().to_numpy().sum())


def test_missing_cells_are_a_dash_on_every_page(at):
    click(at, "Forward")  # no update yet: the Gradients table's "last update" is missing
    on_page(at, "app_pages/gradients.py")
    click(at, "Run gradient check")
    tables = _tables(at)
    assert len(tables) == 2 and _missing(tables[0]) == at.session_state["trainer"].net.n_params
    assert [t.proto.placeholder for t in tables] == [DASH] * 2

    on_page(at, "app_pages/step_through.py")
    next(b for b in at.button if b.label == "Next layer").click().run()
    tables = _tables(at)
    walk = tables[-1].value
    assert np.isnan(walk["δ = ∂C_s/∂z"]).all()  # forward so far: no δ yet
    assert tables and [t.proto.placeholder for t in tables] == [DASH] * len(tables)

    on_page(at, "app_pages/lesson.py")
    click(at, "Train both for 1000 epochs")
    tables = _tables(at)
    assert len(tables) == 2 and [t.proto.placeholder for t in tables] == [DASH] * 2
