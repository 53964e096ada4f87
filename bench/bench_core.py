"""Engine speed: full trainer steps per second (with all bookkeeping) and the boundary grid.

Run from the repo root: ``python bench/bench_core.py``. Prints medians of several runs;
targets on the 2-core reference machine are printed beside each figure.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import backprop_core as bc  # noqa: E402


def steps_per_second(trainer: bc.Trainer, seconds: float = 1.0) -> float:
    """Steps/s of ``finish_step`` (forward, backward, update, history, keyframes)."""
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        trainer.run_steps(50)
        done += 50
    return done / (time.perf_counter() - start)


def case_small():
    c = bc.RunConfig(hidden=(4, 2), activations=("tanh", "tanh"), n_samples=250, batch_size=10)
    return bc.build(c)[1]


def case_deep():
    c = bc.RunConfig(hidden=(8,) * 6, activations=("tanh",) * 6, n_samples=250, batch_size=30)
    return bc.build(c)[1]


def case_wide():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 64))
    Y = np.eye(10)[rng.integers(0, 10, size=1000)]
    net = bc.Network([64, 128, 128, 10], ["relu", "relu", "softmax"], seed=0, init="he")
    return bc.Trainer(net, X, Y, loss="cross_entropy", optimizer=bc.SGD(0.01), batch_size=1000)


def grid_ms(repeats: int = 200) -> float:
    net = bc.Network([2, *[8] * 6, 1], ["tanh"] * 6 + ["sigmoid"], seed=0)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        bc.evaluate_grid(net, ("x1", "x2"), (-6, 6, -6, 6), 100)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3


def main(runs: int = 5) -> None:
    cases = [
        ("2-4-2-1 tanh, 250 points, batch 10", case_small, 5000),
        ("2-8-8-8-8-8-8-1 tanh, 250 points, batch 30", case_deep, 1500),
        ("64-128-128-10 relu, 1000 points, batch 1000", case_wide, None),
    ]
    print(f"backprop_core benchmark (median of {runs} runs)")
    for label, make, target in cases:
        rates = [steps_per_second(make()) for _ in range(runs)]
        goal = f"target >= {target:,}" if target else "no target"
        print(f"  {label:<48} {statistics.median(rates):>9,.0f} steps/s   ({goal})")
    ms = grid_ms()
    print(f"  {'100x100 grid, every neuron, 6x8 tanh net':<48} {ms:>9.2f} ms        "
          "(target <= 5 ms)")


if __name__ == "__main__":
    main()
