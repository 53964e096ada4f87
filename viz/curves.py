"""The loss curve (train and test loss per step, accuracy on a second axis), and the axes
every chart over steps shares."""

from __future__ import annotations

import numpy as np

MAX_POINTS = 400  # about one point per pixel of the chart; more only costs browser time


def _thin(values: list, stride: int) -> list:
    return values[::stride] if stride > 1 else list(values)


def step_axis(steps: list[int]) -> dict:
    """An x axis of step numbers: whole numbers only. Over a few steps Plotly's own ticks
    fall between them (1.5, 2.5: no step is there), so up to 10 steps get one tick each."""
    axis = {"title": {"text": "step"}, "tickformat": "d"}
    if steps and max(steps) - min(steps) <= 10:
        axis.update(tick0=0, dtick=1)
    return axis


def log_axis(values: list[float], title: str) -> dict:
    """A log y axis with at least two labelled ticks: one a decade (10⁻³, 10⁻², …) when the
    values span two decades or more; otherwise Plotly's own choice, which labels values
    inside a decade (0.2, 0.3 or 2, 5), where one tick a decade would leave one or none."""
    axis = {"title": {"text": title}, "type": "log", "exponentformat": "e"}
    positive = [v for v in values if v > 0]
    if positive and np.log10(max(positive) / min(positive)) >= 2:
        axis["dtick"] = 1
    return axis


def _exact(values) -> list:
    """Each value as recorded, None where there is none (or it is not finite). Never
    rounded to decimals: a loss of 1e-4 rounded to 6 decimals is 0.44 % off the metric
    beside the chart, and one under 5e-7 becomes 0, which a log scale cannot draw."""
    return [None if v is None or not np.isfinite(v) else float(v) for v in values]


def loss_series(history_columns: dict) -> dict[str, list]:
    """Steps and the curves' values at them: every step, or every k-th step (and the last)
    when there are more than MAX_POINTS; each point is the exact recorded value, None
    where there is none."""
    steps = history_columns["step"]
    stride = max(1, -(-len(steps) // MAX_POINTS))
    x = _thin(steps, stride)
    if stride > 1 and x[-1] != steps[-1]:
        x.append(steps[-1])

    def column(name):
        values = _thin(history_columns[name], stride)
        if stride > 1 and len(values) < len(x):
            values.append(history_columns[name][-1])
        return _exact(values)

    return {"step": x, "train_loss": column("train_loss"), "test_loss": column("test_loss"),
            "train_accuracy": column("train_accuracy")}


TRAIN_LINE = {"color": "#111", "width": 2}
TEST_LINE = {"color": "#888", "width": 2, "dash": "dot"}
ACCURACY_LINE = {"color": "#0877bd", "width": 1.5}
CURRENT_LINE = {"color": "#d62728", "dash": "dash", "width": 1.5}
SCHEDULE_LINE = {"color": "#7b3fa0", "dash": "dash", "width": 1.5}  # the lr schedule
HOVER_LINE = {"color": "#555", "dash": "dot", "width": 1}  # the step under the pointer
# What each curve is called (legend and hover).
NAMES = {"train": "train loss", "test": "test loss", "acc": "train accuracy",
         "schedule": "learning rate ÷ rate set"}


def loss_layout(task: str, log_scale: bool, height: int, font_size: int) -> dict:
    layout = {
        "height": height, "meta": "loss", "margin": {"l": 50, "r": 50, "t": 10, "b": 35},
        "xaxis": {"title": {"text": "step"}, "rangemode": "tozero"},
        # Log scale: one tick a decade (Plotly's default labels 2, 5 between them).
        "yaxis": {"title": {"text": "loss"}, "type": "log" if log_scale else "linear",
                  **({"dtick": 1} if log_scale else {}),
                  "automargin": True, "exponentformat": "e"},
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        "plot_bgcolor": "white", "font": {"size": font_size},
        "shapes": [],
    }
    if task != "regression":
        layout["yaxis2"] = {"title": {"text": "accuracy"}, "overlaying": "y", "side": "right",
                            "range": [0, 1.02], "showgrid": False, "automargin": True,
                            "tickvals": [0, 0.25, 0.5, 0.75, 1]}
    return layout


def loss_figure(history_columns: dict, task: str, log_scale: bool = False,
                height: int = 260, font_size: int = 12, current_step: int | None = None) -> dict:
    """history_columns: ``History.columns`` (step, train_loss, test_loss, accuracies...)."""
    series = loss_series(history_columns)
    x = series["step"]
    traces = [{"type": "scatter", "mode": "lines", "x": x, "y": series["train_loss"],
               "name": NAMES["train"], "line": TRAIN_LINE}]
    if any(v is not None for v in history_columns["test_loss"]):
        traces.append({"type": "scatter", "mode": "lines", "x": x, "y": series["test_loss"],
                       "name": NAMES["test"], "line": TEST_LINE})
    layout = loss_layout(task, log_scale, height, font_size)
    if task != "regression":
        traces.append({"type": "scatter", "mode": "lines", "x": x, "yaxis": "y2",
                       "y": series["train_accuracy"], "name": NAMES["acc"],
                       "line": ACCURACY_LINE})
    if current_step is not None and current_step != history_columns["step"][-1]:
        layout["shapes"].append({"type": "line", "xref": "x", "yref": "paper",
                                 "x0": current_step, "x1": current_step, "y0": 0, "y1": 1,
                                 "line": CURRENT_LINE})
    return {"data": traces, "layout": layout}


COMPARE_COLORS = ["#0877bd", "#f59322", "#2ca02c", "#9467bd", "#111111"]


def compare_figure(runs: list[dict], height: int = 300) -> dict:
    """Train-loss curves of several runs ({"name", "step", "train_loss"}), log scale."""
    traces = []
    for k, run in enumerate(runs):
        stride = max(1, -(-len(run["step"]) // MAX_POINTS))
        traces.append({"type": "scatter", "mode": "lines", "name": run["name"],
                       "x": run["step"][::stride],
                       "y": _exact(run["train_loss"][::stride]),
                       "line": {"color": COMPARE_COLORS[k % len(COMPARE_COLORS)], "width": 2,
                                "dash": "solid" if k < len(runs) - 1 else "dot"}})
    return {"data": traces, "layout": {
        "height": height, "margin": {"l": 55, "r": 10, "t": 10, "b": 35},
        "xaxis": step_axis([s for run in runs for s in run["step"]]),
        "yaxis": log_axis([v for t in traces for v in t["y"] if v is not None], "train loss"),
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        "plot_bgcolor": "white"}}
