"""Figures for a projector: every font and the height scaled by one factor, so a chart
drawn for a laptop reads from the back of a classroom (presenter view)."""

from __future__ import annotations

import copy

PRESENTER_SCALE = 1.5  # presenter view: text, charts and the page's rem alike
PLOTLY_FONT = 12  # Plotly's default size where a figure sets none
FONT_KEYS = ("font", "textfont", "tickfont", "titlefont")


def _scale_fonts(node, factor: float) -> None:
    """Every ``{"size": n}`` under a font key, anywhere in the figure, times ``factor``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in FONT_KEYS and isinstance(value, dict) and "size" in value:
                value["size"] = round(value["size"] * factor, 1)
            else:
                _scale_fonts(value, factor)
    elif isinstance(node, list):
        for item in node:
            _scale_fonts(item, factor)


def scaled(fig: dict, factor: float) -> dict:
    """A copy of ``fig`` (a Plotly figure dict) with its text and height ``factor`` times
    larger; margins grow with the text so axis labels keep their room."""
    out = copy.deepcopy(fig)
    layout = out.setdefault("layout", {})
    _scale_fonts(out, factor)
    font = layout.setdefault("font", {})
    font.setdefault("size", round(PLOTLY_FONT * factor, 1))
    if "height" in layout:
        layout["height"] = round(layout["height"] * factor)
    for side, value in layout.get("margin", {}).items():
        if side in "lrtb" and isinstance(value, int | float):
            layout["margin"][side] = round(value * factor)
    return out
