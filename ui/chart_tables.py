"""The live view's three charts as tables, for whoever cannot see them (or wants the
numbers): every weight and bias with its gradient and last update (the diagram), every
training point with its class and the network's output there (the boundary), and the
loss and accuracy of the recorded steps (the loss curve). Drawn only while open; a Step
redraws them with the run (they are in the live area's fragment)."""

from __future__ import annotations

import pandas as pd

import backprop_core as bc
from viz import live_frames as lf

from . import panel, session
from .lazy import lazy_expander

LOSS_ROWS = 200  # the latest recorded steps the loss table lists


def parameters(tr: bc.Trainer) -> pd.DataFrame:
    """One row a weight or bias: its name, value, ∂C/∂· (of the last step's batch) and Δ."""
    rows = lf.param_rows(tr.net, tr.grads, tr.last_update)
    return pd.DataFrame({"parameter": lf.param_names(tr.net), "value": rows[0],
                         "∂C/∂ (last batch)": rows[1], "Δ (last update)": rows[2]})


def points(tr: bc.Trainer, names: list[str]) -> pd.DataFrame:
    """One row a training point: its inputs (``names``), its target, the network's output."""
    out = tr.net.predict(tr.X)
    if len(names) != tr.X.shape[1]:
        names = [f"input {k + 1}" for k in range(tr.X.shape[1])]
    df = pd.DataFrame(tr.X, columns=names)
    if tr.task == "multiclass":
        df["class"] = tr.Y.argmax(axis=1)
        df["network's class"] = out.argmax(axis=1)
    elif tr.task == "binary":
        df["class"] = (tr.Y[:, 0] > 0.5).astype(int)
        df["output (P class 1)"] = out[:, 0]
    else:
        df["target"] = tr.Y[:, 0]
        df["output"] = out[:, 0]
    return df


def losses(tr: bc.Trainer) -> pd.DataFrame:
    """The latest LOSS_ROWS recorded steps: losses and accuracies."""
    cols = tr.history.columns
    keep = slice(-LOSS_ROWS, None)
    df = pd.DataFrame({"step": cols["step"][keep], "train loss": cols["train_loss"][keep],
                       "test loss": cols["test_loss"][keep]})
    if tr.task != "regression":
        df["train accuracy"] = cols["train_accuracy"][keep]
        df["test accuracy"] = cols["test_accuracy"][keep]
    return df.astype({c: float for c in df.columns if c != "step"})


def section() -> None:
    """The expander under the live view: the three tables, labelled."""
    with lazy_expander("Show the charts as tables", "x_chart_tables") as is_open:
        if not is_open:
            return
        tr = session.trainer()
        panel.panel([
            panel.markdown("**The network diagram**: every weight and bias."),
            panel.table(parameters(tr), {"value": ".4g", "∂C/∂ (last batch)": ".4g",
                                         "Δ (last update)": ".4g"},
                        label="Weights and biases with their gradients and updates"),
            panel.markdown("**The decision boundary**: the training points and the "
                           "network's output at each."),
            panel.table(points(tr, session.feature_names()),
                        label="Training points and outputs"),
            panel.markdown(f"**The loss curve**: the latest {LOSS_ROWS} recorded steps."),
            panel.table(losses(tr), {"train loss": ".5g", "test loss": ".5g",
                                     "train accuracy": ".1%", "test accuracy": ".1%"},
                        label="Loss and accuracy by step"),
        ], key="chart_tables")

