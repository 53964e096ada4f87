"""Axes of the charts over steps: whole steps (Plotly's own ticks fall on 1.5, 2.5 over a
few steps) and log axes with more than one tick (one a decade leaves one, or none, when
the values sit inside a decade). The browser test counts the ticks Chromium draws."""

import numpy as np

from viz.curves import compare_figure, log_axis, step_axis
from viz.distributions import distribution_figure
from viz.gradients import per_layer_lines


def test_a_few_steps_get_one_tick_each_and_every_tick_is_a_whole_number():
    for steps in ([1, 2, 3], [0, 10], [5]):
        axis = step_axis(steps)
        assert axis["tickformat"] == "d" and axis["dtick"] == 1 and axis["tick0"] == 0
    long = step_axis(list(range(1, 500)))
    assert long["tickformat"] == "d" and "dtick" not in long  # Plotly's, whole by format


def test_one_tick_a_decade_only_over_two_decades_or_more():
    assert "dtick" not in log_axis([0.05, 0.4], "norm")  # inside about one decade
    assert "dtick" not in log_axis([0.011, 0.9], "norm")
    assert log_axis([1e-4, 0.5], "norm")["dtick"] == 1
    assert log_axis([], "norm")["type"] == "log"


def test_every_chart_over_steps_uses_them():
    fig = per_layer_lines([0, 1, 2, 3], [None, (0.1, 0.2), (0.15, 0.3), (0.12, 0.25)],
                          "Gradient norm per layer ‖∂C/∂W‖", "norm")
    assert fig["layout"]["xaxis"]["dtick"] == 1 and "dtick" not in fig["layout"]["yaxis"]
    assert fig["data"][0]["x"] == [1, 2, 3] and fig["data"][0]["mode"] == "lines+markers"
    dist = distribution_figure(np.array([1, 2, 3]), np.zeros((3, 2, 9)), list(range(9)),
                               ["layer 1", "layer 2"], "Distribution")
    assert dist["layout"]["xaxis"]["dtick"] == 1 and dist["layout"]["xaxis"]["tickformat"] == "d"
    runs = [{"name": "a", "step": [0, 1, 2], "train_loss": [0.7, 0.6, 0.5]}]
    assert compare_figure(runs)["layout"]["xaxis"]["dtick"] == 1
