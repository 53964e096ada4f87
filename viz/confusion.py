"""Confusion matrices (train and test side by side) and the accuracy curves over steps."""

from __future__ import annotations

import numpy as np

from backprop_core.analyses.confusion import accuracy, row_shares

from .curves import CURRENT_LINE, MAX_POINTS
from .user_text import short_labels  # class names may come from an uploaded file

BLUES = [[0, "#ffffff"], [1, "#0877bd"]]
TRAIN_ACCURACY = {"color": "#0877bd", "width": 2}
TEST_ACCURACY = {"color": "#f59322", "width": 2, "dash": "dot"}


def _title(name: str, counts: np.ndarray) -> str:
    acc = accuracy(counts)
    return f"<b>{name}</b><br>{'no samples' if acc is None else f'accuracy {acc:.1%}'}"


def confusion_figure(matrices: dict[str, np.ndarray], class_names: list[str],
                     height: int = 320) -> dict:
    """One heatmap per set ({"train": counts, "test": counts}, counts (k, k), rows the true
    class): each cell shows its count, its colour the share of its row (so a rare class
    reads as clearly as a common one)."""
    names = short_labels(class_names)  # distinct, short: ticks and hovers stay on the page
    n = len(matrices)
    gap = 0.06  # the rows are the same classes: only the first matrix names them
    width = (1 - gap * (n - 1)) / n
    traces, layout = [], {"height": height, "meta": "confusion",
                          "margin": {"l": 10, "r": 10, "t": 45, "b": 40},
                          "plot_bgcolor": "white", "annotations": []}
    for k, (name, counts) in enumerate(matrices.items()):
        suffix = "" if k == 0 else str(k + 1)
        left = k * (width + gap)
        layout[f"xaxis{suffix}"] = {"domain": [left, left + width], "title": {
            "text": "predicted class"}, "side": "bottom", "type": "category",
            "anchor": f"y{suffix}"}
        layout[f"yaxis{suffix}"] = {"title": {"text": "true class" if k == 0 else ""},
                                    "autorange": "reversed", "type": "category",
                                    "anchor": f"x{suffix}", "automargin": True,
                                    "showticklabels": k == 0, "ticks": "" if k else None}
        layout["annotations"].append({"text": _title(name, counts), "showarrow": False,
                                      "xref": "paper", "yref": "paper", "x": left + width / 2,
                                      "y": 1.0, "yanchor": "bottom", "font": {"size": 13}})
        shares = row_shares(counts)
        traces.append({
            "type": "heatmap", "z": shares.round(4).tolist(), "x": names, "y": names,
            "text": counts.tolist(), "texttemplate": "%{text}", "zmin": 0, "zmax": 1,
            "colorscale": BLUES, "showscale": k == n - 1, "name": name,
            "xaxis": f"x{suffix}", "yaxis": f"y{suffix}", "xgap": 2, "ygap": 2,
            "colorbar": {"title": {"text": "share of<br>the row"}, "thickness": 10,
                         "tickformat": ".0%"},
            "hovertemplate": f"{name}: true %{{y}}, predicted %{{x}}<br>%{{text}} samples "
                             "(%{z:.1%} of the row)<extra></extra>"})
    return {"data": traces, "layout": layout}


def _thinned(columns: dict, names: tuple[str, ...]) -> dict[str, list]:
    """Every step, or every k-th (and the last) beyond MAX_POINTS, as the loss curve."""
    steps = columns["step"]
    stride = max(1, -(-len(steps) // MAX_POINTS))
    keep = list(range(0, len(steps), stride))
    if keep[-1] != len(steps) - 1:
        keep.append(len(steps) - 1)
    return {name: [columns[name][i] for i in keep] for name in ("step", *names)}


def accuracy_figure(history_columns: dict, current_step: int | None = None,
                    height: int = 320) -> dict:
    """Train and test accuracy over the recorded steps (``History.columns``); a dashed line
    at ``current_step`` when the trainer is back at an earlier step."""
    series = _thinned(history_columns, ("train_accuracy", "test_accuracy"))
    traces = [{"type": "scatter", "mode": "lines", "x": series["step"],
               "y": series["train_accuracy"], "name": "train accuracy",
               "line": TRAIN_ACCURACY}]
    if any(v is not None for v in series["test_accuracy"]):
        traces.append({"type": "scatter", "mode": "lines", "x": series["step"],
                       "y": series["test_accuracy"], "name": "test accuracy",
                       "line": TEST_ACCURACY})
    shapes = []
    if current_step is not None and current_step != history_columns["step"][-1]:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": current_step,
                       "x1": current_step, "y0": 0, "y1": 1, "line": CURRENT_LINE})
    return {"data": traces, "layout": {
        "height": height, "meta": "accuracy", "margin": {"l": 50, "r": 10, "t": 30, "b": 40},
        "xaxis": {"title": {"text": "step"}, "rangemode": "tozero"},
        "yaxis": {"title": {"text": "accuracy"}, "range": [0, 1.02], "tickformat": ".0%"},
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        "plot_bgcolor": "white", "shapes": shapes}}
