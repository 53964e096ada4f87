"""Loss-curve points are the recorded values, bit for bit: never rounded to decimals (a loss
of 1e-4 was 0.44 % off the metric beside the chart; one under 5e-7 became 0 and vanished
from a log scale)."""

import numpy as np

from tests.app_helpers import click, live_packet
from viz.curves import compare_figure, loss_figure, loss_series

# Losses a long run reaches, and the two cases: ~1e-4 (0.44 % off at 6 decimals)
# and below 5e-7 (0 at 6 decimals).
SMALL = [0.6931471805599453, 1.0004400000000001e-4, 1.2345678e-4, 4.9e-7, 3.1e-9, 1e-300]


def columns(losses) -> dict:
    n = len(losses)
    return {"step": list(range(n)), "train_loss": list(losses),
            "test_loss": [None, *losses[1:]], "train_accuracy": [None] + [0.5] * (n - 1)}


def test_the_loss_series_and_figures_carry_every_recorded_bit():
    cols = columns(SMALL)
    series = loss_series(cols)
    assert series["train_loss"] == SMALL  # == on floats: the same bits
    assert series["test_loss"] == [None, *SMALL[1:]]
    assert all(v > 0 for v in series["train_loss"])  # every point drawable on a log scale
    fig = loss_figure(cols, "binary", log_scale=True)
    assert fig["data"][0]["y"] == SMALL
    runs = [{"name": "a", "step": cols["step"], "train_loss": SMALL}]
    assert compare_figure(runs)["data"][0]["y"] == SMALL


def test_a_thinned_long_series_keeps_exact_values_and_the_last_step():
    losses = [1e-4 * (1 + k * 1e-7) for k in range(1001)]
    series = loss_series(columns(losses))
    assert series["step"][-1] == 1000
    assert series["train_loss"] == [losses[s] for s in series["step"]]


def test_the_live_frame_sends_the_recorded_loss_bit_for_bit(at):
    click(at, "Step")
    click(at, "Step")
    header, _ = live_packet(at)
    tr = at.session_state["trainer"]
    rec = tr.history[tr.step]
    step, train, test, acc = header["frames"][0]["loss"]
    assert step == tr.step == 2
    # JSON carries a float's shortest repr, which reads back to the same bits.
    assert (train, test, acc) == (rec.train_loss, rec.test_loss, rec.train_accuracy)
    assert f"{train:.4g}" == next(m for m, label in zip(
        header["frames"][0]["metrics"], [m["label"] for m in header["scene"]["metrics"]],
        strict=True) if label.startswith("Train"))  # the same number the metric shows
    assert np.isfinite(train) and train != round(train, 6)
