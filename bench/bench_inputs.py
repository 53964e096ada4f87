"""The most expensive input of each kind the app accepts, and what it costs the server.

- share link: the heaviest network and data a link may ask for, with a million steps;
  its steps are capped up front by the budget, then trained in slices the browser asks
  for (each within the frame budget), so the page answers between slices;
- session file: the largest history under the upload limit, with a single keyframe, so
  loading replays all of it (the replay bound refuses anything costlier);
- session file with the longest log (10,000 changes) over the longest history one keyframe
  may have, one with points drawn up to the most samples a run takes, one carrying
  uploaded data of the most rows: loaded, then one Undo (each replays from the keyframe);
- CSV: 5,000 rows × 50 columns at the size limit, parsed, turned into a run, one frame.

Prints seconds of server CPU (process time, so other load on the machine does not count).

    python bench/bench_inputs.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import backprop_core as bc  # noqa: E402
from backprop_core.policy import budget  # noqa: E402
from backprop_core.policy.offered import MAX_DATA_ROWS  # noqa: E402
from backprop_core.training.serialize import MAX_EVENTS, MAX_REPLAY_S  # noqa: E402
from data_io import csv_data, session_file, share  # noqa: E402
from data_io.link_open import LINK_BUDGET_S  # noqa: E402
from ui import live_packet  # noqa: E402
from ui.planes import boundary_geometry  # noqa: E402

HEAVY = {"v": "1", "n": "1000", "train": "0.9", "h": "8,8,8,8,8,8",
         "feat": ",".join(bc.FEATURES), "step": "1000000"}


def cpu(fn):
    t = time.process_time()
    out = fn()
    return time.process_time() - t, out


def live_input(tr, data, c):
    names = [bc.FEATURES[f].label for f in c.features] if not c.is_custom else \
        [f"c{k}" for k in range(tr.net.layer_sizes[0])]
    g = boundary_geometry(tr, data, c, "pca", (0, 1), names)
    return live_packet.LiveInput(tr, data, c, g, names, "weights", True, False, False,
                                 False, 30, "")


def link() -> None:
    opened, (decoded, data, tr) = cpu(lambda: (d := share.decode(HEAVY), *bc.build(d.config)))
    per_step = budget.trainer_step_seconds(tr)
    steps = budget.affordable_steps(LINK_BUDGET_S, per_step)
    inp = live_input(tr, data, decoded.config)
    slices = []
    for _ in range(5):
        t, _ = cpu(lambda: live_packet.build(inp, True, 0, 30, live_packet.Sent(),
                                             send_loss=False, until=steps))
        slices.append(t)
    done = tr.step
    print(f"share link  {HEAVY}")
    print(f"  decode + build: {opened:.2f} s; capped to {steps:,} steps (budget "
          f"{LINK_BUDGET_S:.0f} s estimated at {per_step * 1e3:.2f} ms a step)")
    print(f"  one slice (the longest the page waits): {max(slices):.3f} s for "
          f"{done // len(slices):,} steps; all {steps:,} steps: about "
          f"{steps * done and steps * sum(slices) / done:.0f} s of CPU, in "
          f"{steps // max(1, done // len(slices)):,} slices (cancellable)")


def session() -> None:
    c = bc.RunConfig(n_samples=1000, hidden=(8,) * 6, activations=("tanh",) * 6,
                     features=tuple(bc.FEATURES))
    _, tr = bc.build(c)
    size, steps = 0, 0
    while size < 4_700_000:  # the upload limit is 5 MB
        tr.run_steps(500)
        steps += 500
        saved = bc.trainer_to_dict(tr, extra={"config": c.to_dict()})
        size = len(json.dumps(saved))
    saved["keyframes"] = saved["keyframes"][:1]
    saved["settings"]["keyframe_interval"] = steps
    raw = json.dumps(saved).encode()
    t, result = cpu(lambda: _try_read(raw))
    print(f"session file  {len(raw) / 1e6:.1f} MB, {steps:,} steps of history, one keyframe "
          f"(replay bound {MAX_REPLAY_S:.0f} s estimated)")
    print(f"  {result}: {t:.2f} s of CPU")


def _try_read(raw: bytes) -> str:
    try:
        loaded = session_file.read(raw)
    except ValueError as exc:
        return f"refused ({str(exc)[:90]})"
    return f"loaded at step {loaded.trainer.step:,}"


def _file(c: bc.RunConfig, tr: bc.Trainer) -> dict:
    """``tr`` saved as the app saves it, with only the keyframe of step 0 and the history's
    first and last records (so every load, Undo or history move replays from step 0: the
    costliest file of its length, and a small one)."""
    saved = bc.trainer_to_dict(tr, extra={"config": c.to_dict()})
    saved["keyframes"] = saved["keyframes"][:1]
    saved["history"] = {name: [v[0], v[-1]] for name, v in saved["history"].items()}
    saved["settings"]["keyframe_interval"] = max(tr.step, 1)
    return saved


def _load_and_undo(raw: bytes) -> str:
    """CPU of loading, then of one Undo (a rewind replays from the keyframe)."""
    t_load, result = cpu(lambda: _try_read(raw))
    if not result.startswith("loaded"):
        return f"{result}: {t_load:.2f} s of CPU"
    loaded = session_file.read(raw).trainer
    t_undo, _ = cpu(loaded.undo)
    return f"{result} in {t_load:.2f} s of CPU; one Undo {t_undo:.2f} s"


def event_log() -> None:
    """The longest log a file may hold (MAX_EVENTS freezes) over the longest history the
    replay bound accepts with a single keyframe."""
    c = bc.RunConfig()
    _, tr = bc.build(c)
    per_step = budget.trainer_step_seconds(tr)
    log_s = budget.log_seconds([(0, "freeze", {})] * MAX_EVENTS, len(tr.X))
    steps = int((MAX_REPLAY_S - log_s) / per_step) // 1000 * 1000
    tr.run_steps(steps)
    saved = _file(c, tr)
    spread = max(1, steps // MAX_EVENTS)
    saved["events"] = [[k * spread, "freeze", {"layer": 0, "kind": "weights",
                                               "index": [0, k % 4], "frozen": k % 2 == 0}]
                       for k in range(MAX_EVENTS)]
    raw = json.dumps(saved).encode()
    print(f"session file, event log  {MAX_EVENTS:,} freezes over {steps:,} steps, one "
          f"keyframe, {len(raw) / 1e6:.1f} MB (estimated replay "
          f"{steps * per_step + log_s:.0f} s; bound {MAX_REPLAY_S:.0f} s)")
    print(f"  {_load_and_undo(raw)}")
    saved["events"].append(saved["events"][-1])
    print(f"  one more change: {_try_read(json.dumps(saved).encode())}")


def data_events() -> None:
    """Points drawn at step 0 up to the most samples a run takes (MAX_DATA_ROWS)."""
    c = bc.RunConfig()
    _, tr = bc.build(c)
    rng = np.random.default_rng(0)
    while len(tr.X) < MAX_DATA_ROWS:
        raw = rng.uniform(-5, 5, size=2)
        tr.add_sample(*bc.policy.config.point_sample(c, raw, float(rng.integers(0, 2))), raw)
    tr.run_steps(25)
    saved = _file(c, tr)
    raw = json.dumps(saved).encode()
    n = len(saved["events"])
    print(f"session file, data events  {n:,} points drawn at step 0 (training set "
          f"{MAX_DATA_ROWS:,} samples), {len(raw) / 1e6:.1f} MB")
    print(f"  {_load_and_undo(raw)}")
    t_rewind, _ = cpu(lambda: tr.goto(0))
    print(f"  going back to step 0 in the running app: {t_rewind:.2f} s")


def file_data() -> None:
    """Uploaded data carried by a session file: as many rows as a CSV may have, no more."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(MAX_DATA_ROWS, 2))
    Y = (X[:, :1] > 0).astype(float)
    half = MAX_DATA_ROWS // 2
    data = bc.Dataset("custom", "binary", X[:half], Y[:half], X[half:], Y[half:], 2)
    c = bc.RunConfig(dataset="custom", custom_task="binary")
    _, tr = bc.build(c, data)
    tr.run_steps(100)
    saved = bc.trainer_to_dict(tr, extra={"config": c.to_dict(), "custom_meta": {
        "file": "big.csv", "target": "label", "feature_names": ["a", "b"],
        "class_names": ["0", "1"], "notes": [], "center": [0.0, 0.0], "spread": [1.0, 1.0]}})
    raw = json.dumps(saved).encode()
    print(f"session file, uploaded data  {MAX_DATA_ROWS:,} rows, {len(raw) / 1e6:.1f} MB")
    print(f"  {_load_and_undo(raw)}")
    saved["data"]["X_test"].append(saved["data"]["X_test"][0])
    saved["data"]["Y_test"].append(saved["data"]["Y_test"][0])
    print(f"  one row more: {_try_read(json.dumps(saved).encode())}")


def csv() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5000, 49))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    lines = [",".join(f"c{k}" for k in range(49)) + ",label"]
    lines += [",".join(f"{v:.9f}" for v in row) + f",{t}" for row, t in zip(X, y, strict=True)]
    raw = ("\n".join(lines) + "\n").encode()
    t_parse, table = cpu(lambda: csv_data.parse_csv(raw))
    custom = csv_data.to_custom_data(table, "label", "classification",
                                     drop_bad_rows=False)
    data, _, _ = csv_data.to_dataset_and_scaling(custom, 0.5, 0)
    c = bc.RunConfig(dataset="custom", custom_task="binary")
    t_run, (_, tr) = cpu(lambda: bc.build(c, data))
    inp = live_input(tr, data, c)
    t_frame, _ = cpu(lambda: live_packet.build(inp, False, 0, 1, live_packet.Sent()))
    print(f"CSV  {len(raw) / 1e6:.1f} MB, 5,000 rows x 50 columns")
    print(f"  parse {t_parse:.2f} s (once per file: kept while it stays uploaded); "
          f"build {t_run:.2f} s; first packet {t_frame:.2f} s")


if __name__ == "__main__":
    link()
    session()
    event_log()
    data_events()
    file_data()
    csv()
