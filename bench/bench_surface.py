"""Loss surface speed: the cost on a 41×41 grid of weight settings for a 6×8 network on 250
training points, vectorised (batched matmuls), against the same grid evaluated one point at
a time with the engine's own forward pass and ``loss_value`` (the anchor), and what the
Loss surface page does in total.

Run from the repo root: ``python bench/bench_surface.py``. Prints medians of several runs;
the target (< 1 s for the 41×41 grid) is printed beside it.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import backprop_core as bc  # noqa: E402
from backprop_core.analyses import paths as sp  # noqa: E402
from backprop_core.analyses import surface as sf  # noqa: E402

TARGET_S = 1.0


def deep_trainer() -> bc.Trainer:
    """2-8-8-8-8-8-8-1 tanh, sigmoid + BCE, L2, 250 training points, 100 steps trained."""
    c = bc.RunConfig(dataset="spiral", hidden=(8,) * 6, activations=("tanh",) * 6,
                     n_samples=500, train_fraction=0.5, batch_size=10,
                     regularization="l2", reg_rate=0.001)
    tr = bc.build(c)[1]
    tr.run_steps(100)
    return tr


def median_time(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def loop_grid(tr: bc.Trainer, plane: sf.ParamPlane, extent, resolution: int) -> np.ndarray:
    """The anchor: every grid point on its own, as one would without batching."""
    net = bc.Network(tr.net.layer_sizes, tr.net.activation_names)
    _, _, coords = sf.grid_coords(extent, resolution)
    out = np.empty(len(coords))
    for g, theta in enumerate(plane.params(coords)):
        net.set_params(*sf.unpack(theta, net.layer_sizes))
        cache = net.forward(tr.X)
        out[g] = (bc.loss_value(cache.output, tr.Y, tr.loss, tr.reduction, logits=cache.z[-1])
                  + bc.penalty(net.weights, tr.regularization, tr.reg_rate))
    return out.reshape(resolution, resolution)


def main(runs: int = 5) -> None:
    tr = deep_trainer()
    cost = sf.CostFunction.of(tr)
    plane = sf.random_plane(tr.net, np.random.default_rng(0))
    extent = sf.square_extent(1.0)
    print(f"network {'-'.join(map(str, tr.net.layer_sizes))} tanh, {tr.net.n_params} "
          f"parameters, {len(tr.X)} training points; median of {runs} runs")

    fast, surface = median_time(lambda: sf.evaluate_surface(cost, plane, extent, 41), runs)
    slow, looped = median_time(lambda: loop_grid(tr, plane, extent, 41), max(1, runs // 2))
    worst = float(np.max(np.abs(surface.cost - looped) / np.abs(looped)))
    ok = "ok" if fast < TARGET_S else "MISSED"
    print(f"41x41 grid, vectorised:          {fast * 1e3:8.1f} ms  (target < "
          f"{TARGET_S * 1e3:.0f} ms: {ok})")
    print(f"41x41 grid, Python loop (anchor): {slow * 1e3:8.1f} ms  -> vectorised is "
          f"{slow / fast:.1f}x faster; largest relative difference {worst:.1e}")
    for r in (21, 81):
        t, _ = median_time(lambda r=r: sf.evaluate_surface(cost, plane, extent, r), runs)
        print(f"{r}x{r} grid, vectorised:          {t * 1e3:8.1f} ms")

    t_path, path = median_time(lambda: sp.training_path(tr), runs)
    print(f"training path (100 steps replayed, {len(path.steps)} points): {t_path * 1e3:.1f} ms")
    hp = {"sgd": {"lr": 0.03}, "momentum": {"lr": 0.03, "momentum": 0.9},
          "adam": {"lr": 0.03}}
    t_cmp, _ = median_time(lambda: sp.optimizer_paths(tr, 50, hp), runs)
    print(f"SGD, Momentum, Adam 50 steps each:  {t_cmp * 1e3:.1f} ms")
    from ui.surface_view import Settings, compute

    t_page, _ = median_time(lambda: compute(tr, Settings(), []), runs)
    print(f"the page's default view (41x41, the run's path, 3 x 50 optimizer steps): "
          f"{t_page * 1e3:.1f} ms")
    long = deep_trainer()
    long.run_steps(9900)  # 10,000 steps: keyframes thinned to every 200
    t_long, long_path = median_time(lambda: sp.training_path(long), 3)
    print(f"training path of a 10,000-step run ({len(long_path.steps)} points, replay "
          f"bounded): {t_long * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
