"""The floor of a first load with charts: bare.py plus three tiny Plotly line charts drawn
by the app's own chart component (ui/plot_component.py, the light "basic" Plotly bundle),
the fewest charts the Playground shows. Served by bench/bench_first_load.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import streamlit as st  # noqa: E402

from ui import plot_component  # noqa: E402
from ui.live_component import ensure_static_files  # noqa: E402

st.set_page_config(page_title="Streamlit and three charts", layout="wide")
ensure_static_files()  # the Plotly bundles, as app.py does
st.sidebar.title("Backprop Playground")
st.sidebar.selectbox("Dataset", ["circle", "xor"])
st.title("Playground")
st.button("Step")
for i, column in enumerate(st.columns(3)):
    figure = {"data": [{"type": "scatter", "mode": "lines", "x": [0, 1, 2], "y": [i, 2, 1]}],
              "layout": {"height": 300, "title": {"text": f"chart {i + 1}"}}}
    plot_component.plot(figure, key=f"floor_chart_{i}", where=column)
