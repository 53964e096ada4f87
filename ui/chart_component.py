"""One custom component holding the Playground's charts, updated in place.

``st.plotly_chart`` gives a chart a new identity whenever its figure changes, so the browser
rebuilds it every frame (~20-50 ms per chart); that alone kept Play under 12 frames/s. This
component mounts its Plotly charts once and hands each new figure to ``Plotly.react``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import plotly
import streamlit as st

ROOT = Path(__file__).resolve().parents[1]
STATIC_PLOTLY = ROOT / "static" / "plotly.min.js"
# The diagram takes the left column at full height; boundary and loss curve stack on the
# right, so all three fit one projector screen.
CSS = """
.bp-charts { display: grid; grid-template-columns: 3fr 2fr; gap: 4px 16px; background: white;
             align-items: start; }
.bp-chart { min-width: 0; }
.bp-network { grid-row: 1 / span 2; }
"""


def ensure_plotly_js() -> None:
    """Serve the plotly.js that ships inside the plotly package from ./static (no CDN)."""
    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not STATIC_PLOTLY.exists() or STATIC_PLOTLY.stat().st_size != source.stat().st_size:
        STATIC_PLOTLY.parent.mkdir(exist_ok=True)
        shutil.copyfile(source, STATIC_PLOTLY)


_live_charts = st.components.v2.component(
    "backprop_live_charts",
    js=(Path(__file__).with_name("charts.js")).read_text(),
    css=CSS,
    isolate_styles=False,  # Plotly puts its CSS in the document head
)


def live_charts(figures: dict[str, dict], key: str = "live_charts"):
    """Draw ``figures`` (name -> Plotly figure dict; "network", "boundary", "loss")."""
    return _live_charts(key=key, data={"figures": figures}, on_clicked_change=lambda: None,
                        on_added_change=lambda: None)
