"""Engine speed against PyTorch CPU eager, in the same process and the same run; and the
boundary grid.

Run from the repo root: ``python bench/bench_core.py`` (about a minute). For each case it
builds our trainer (``bc.build``), copies its network, data, loss and learning rate into
PyTorch (float64, one thread, eager mode), then alternates, round after round:

- ours: ``Trainer.run_steps`` - forward, backward, update, and the bookkeeping every step
  does (loss and accuracy on the whole training and test sets, per-layer norms of the
  gradients, updates and weights, the history record, a keyframe every 25 steps);
- torch: forward on the mini-batch, the same loss and reduction, backward,
  ``torch.optim.SGD.step`` with the same lr, AND the same bookkeeping under
  ``torch.no_grad()`` (one forward on train + test, both losses and accuracies, the norms,
  a history record, a copy of the parameters every 25 steps);
- torch bare: the training step alone, for context.

Both sides run on one thread (NumPy's BLAS too: OPENBLAS/OMP/MKL_NUM_THREADS=1 is set
before NumPy loads, unless already set). Prints medians of the rounds, the ratio
ours/torch and the target beside it. No timing here is asserted anywhere.

    python bench/bench_core.py [--rounds 5] [--secs 0.3] [--only 6x8]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import backprop_core as bc  # noqa: E402

try:
    import torch
except ImportError as exc:  # the bench still reports our own speed
    torch, TORCH_ERROR = None, f"{type(exc).__name__}: {exc}"
else:
    TORCH_ERROR = None
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass

KEYFRAME_EVERY = 25  # the trainer's default keyframe interval


def rate(run, chunk: int, seconds: float) -> float:
    """Steps/s of ``run(chunk)`` called until ``seconds`` have passed."""
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        run(chunk)
        done += chunk
    return done / (time.perf_counter() - start)


# --------------------------------------------------------------------------- torch


class TorchRun:
    """Our trainer's run in PyTorch eager: the same network (weights copied), data, loss,
    reduction and SGD learning rate; its own shuffled order (speed only)."""

    ACTS = {"tanh": "Tanh", "relu": "ReLU", "sigmoid": "Sigmoid", "linear": "Identity"}

    def __init__(self, tr: bc.Trainer, bookkeeping: bool, seed: int = 0):
        nn = torch.nn
        net = tr.net
        layers = []
        for i, (W, b) in enumerate(zip(net.weights, net.biases, strict=True)):
            lin = nn.Linear(W.shape[0], W.shape[1], dtype=torch.float64)
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(W.T))  # ours is (n_in, n_out)
                lin.bias.copy_(torch.from_numpy(b))
            layers.append(lin)
            if i < net.n_layers - 1:
                name = net.activation_names[i]
                layers.append(nn.LeakyReLU(0.01) if name == "leaky_relu"
                              else getattr(nn, self.ACTS[name])())
        self.model = nn.Sequential(*layers)  # logits out: the output activation is the loss's
        out = net.activation_names[-1]
        if (out, tr.loss) == ("sigmoid", "bce"):
            self.loss_fn = nn.BCEWithLogitsLoss(reduction=tr.reduction)
            self.prob = torch.sigmoid
            self.targets = torch.tensor
        elif (out, tr.loss) == ("softmax", "cross_entropy"):
            self.loss_fn = nn.CrossEntropyLoss(reduction=tr.reduction)
            self.prob = lambda z: torch.softmax(z, dim=1)
            self.targets = lambda Y: torch.tensor(Y.argmax(axis=1))
        else:
            raise ValueError(f"no torch twin for {out} + {tr.loss}")
        self.binary = tr.task == "binary"
        self.lr = tr.optimizer.lr
        self.opt = torch.optim.SGD(self.model.parameters(), lr=self.lr)
        self.X, self.Y = torch.tensor(tr.X), self.targets(tr.Y)
        self.Y_acc = torch.tensor(tr.Y) > 0.5 if self.binary else self.Y
        self.n = len(tr.X)
        self.X_eval = torch.tensor(tr._X_eval)
        if tr.X_test is not None:
            self.Y_test = self.targets(tr.Y_test)
            self.Y_test_acc = torch.tensor(tr.Y_test) > 0.5 if self.binary else self.Y_test
        else:
            self.Y_test = None
        self.batch = tr.batch_size
        self.gen = torch.Generator().manual_seed(seed)
        self.perm, self.pos = torch.randperm(self.n, generator=self.gen), 0
        self.weights = [m.weight for m in self.model if isinstance(m, nn.Linear)]
        self.biases = [m.bias for m in self.model if isinstance(m, nn.Linear)]
        self.params = list(self.model.parameters())
        self.bookkeeping = bookkeeping
        self.step, self.history, self.keyframes = 0, [], []

    def run_steps(self, k: int) -> None:
        for _ in range(k):
            if self.pos >= self.n:
                self.perm, self.pos = torch.randperm(self.n, generator=self.gen), 0
            idx = self.perm[self.pos:self.pos + self.batch]
            self.pos += self.batch
            self.opt.zero_grad()
            loss = self.loss_fn(self.model(self.X[idx]), self.Y[idx])
            loss.backward()
            self.opt.step()
            self.step += 1
            if self.bookkeeping:
                with torch.no_grad():
                    self._record(loss)

    def _accuracy(self, z, Y_acc):
        if self.binary:
            return ((self.prob(z) > 0.5) == Y_acc).double().mean()
        return (self.prob(z).argmax(dim=1) == Y_acc).double().mean()

    def _norms(self, tensors_w, tensors_b):
        """(‖(W_i, b_i)‖, ‖W_i‖) per layer, as Python floats: one fused norm call over
        every tensor (what clip_grad_norm_ uses), one transfer to Python."""
        k = len(tensors_w)
        norms = torch.stack(torch._foreach_norm([*tensors_w, *tensors_b]))
        both = torch.cat([torch.hypot(norms[:k], norms[k:]), norms[:k]]).tolist()
        return both[:k], both[k:]

    def _record(self, loss) -> None:
        z = self.model(self.X_eval)
        zt = z[:self.n]
        values = [loss.detach(), self.loss_fn(zt, self.Y), self._accuracy(zt, self.Y_acc)]
        if self.Y_test is not None:
            zs = z[self.n:]
            values += [self.loss_fn(zs, self.Y_test), self._accuracy(zs, self.Y_test_acc)]
        values = torch.stack(values).tolist()
        grad, grad_w = self._norms([p.grad for p in self.weights], [p.grad for p in self.biases])
        # SGD's update is -lr·∂C/∂θ: its norms are lr times the gradient's (no update arrays
        # needed; cheaper than ours, which measures the update it applied).
        update, update_w = [self.lr * g for g in grad], [self.lr * g for g in grad_w]
        weight, weight_w = self._norms(self.weights, self.biases)
        if not all(map(math.isfinite, values + weight)):
            raise FloatingPointError(f"torch run diverged at step {self.step}")
        self.history.append({"step": self.step, "losses": values, "grad": grad,
                             "grad_w": grad_w, "update": update, "update_w": update_w,
                             "weight": weight, "weight_w": weight_w})
        if self.step % KEYFRAME_EVERY == 0:
            self.keyframes.append([p.detach().clone() for p in self.params])


# --------------------------------------------------------------------------- cases


def playground(hidden, acts, n_samples, batch, dataset="circle"):
    c = bc.RunConfig(dataset=dataset, hidden=tuple(hidden), activations=tuple(acts),
                     n_samples=n_samples, batch_size=batch)
    return lambda: bc.build(c)[1]


def case_wide():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 64))
    Y = np.eye(10)[rng.integers(0, 10, size=1000)]
    net = bc.Network([64, 128, 128, 10], ["relu", "relu", "softmax"], seed=0, init="he")
    return bc.Trainer(net, X, Y, loss="cross_entropy", optimizer=bc.SGD(0.01), batch_size=1000)


PLAYGROUND_TARGET, WIDE_TARGET = 5.0, 1.0
TANH6 = ((8,) * 6, ("tanh",) * 6)
# (label, make, ratio target); the label's points are n_samples: half train, half test.
CASES = [
    ("2-4-2-1 tanh, 10 points (5 train), batch 5", playground((4, 2), ("tanh",) * 2, 10, 10),
     PLAYGROUND_TARGET),
    ("2-8x6-1 tanh, 10 points (5 train), batch 1", playground(*TANH6, 10, 1), PLAYGROUND_TARGET),
    ("2-8-8-1 tanh, 250 points, batch 10", playground((8, 8), ("tanh",) * 2, 250, 10),
     PLAYGROUND_TARGET),
    ("2-8x4-1 relu, 250 points (default data), batch 1",
     playground((8,) * 4, ("relu",) * 4, 250, 1), PLAYGROUND_TARGET),
    ("2-8x6-1 tanh, 250 points, batch 30", playground(*TANH6, 250, 30), PLAYGROUND_TARGET),
    ("2-8x6-1 tanh, 500 spiral points, batch 10", playground(*TANH6, 500, 10, "spiral"),
     PLAYGROUND_TARGET),
    ("64-128-128-10 relu softmax CE, 1000 points, batch 1000", case_wide, WIDE_TARGET),
]


def grid_ms(repeats: int = 200) -> float:
    net = bc.Network([2, *[8] * 6, 1], ["tanh"] * 6 + ["sigmoid"], seed=0)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        bc.evaluate_grid(net, ("x1", "x2"), (-6, 6, -6, 6), 100)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3


def measure(make, rounds: int, secs: float) -> dict[str, list[float]]:
    """Steps/s per round of ours, torch (with bookkeeping) and torch bare, alternating the
    order round by round; every run starts from a fresh trainer, after a short warm-up."""
    out = {"ours": [], "torch": [], "bare": []}
    probe = make()
    chunk = max(1, min(50, int(20_000 // max(1, len(probe._X_eval)))))
    for k in range(rounds):
        order = ("ours", "torch", "bare") if k % 2 == 0 else ("torch", "bare", "ours")
        for who in order:
            if who != "ours" and torch is None:
                continue
            tr = make()
            runner = tr if who == "ours" else TorchRun(tr, bookkeeping=who == "torch", seed=k)
            runner.run_steps(min(chunk, 5))  # warm-up
            out[who].append(rate(runner.run_steps, chunk, secs))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--secs", type=float, default=0.3, help="seconds per measurement")
    ap.add_argument("--only", default="", help="run only the cases whose label contains this")
    args = ap.parse_args()
    med = statistics.median
    print(f"backprop_core vs PyTorch CPU eager (median of {args.rounds} alternating rounds, "
          f"{args.secs:g} s each)")
    if torch is None:
        print(f"  PyTorch not available ({TORCH_ERROR}): our figures only")
    else:
        print(f"  torch {torch.__version__}, float64, eager, {torch.get_num_threads()} thread; "
              f"numpy {np.__version__}, OPENBLAS_NUM_THREADS="
              f"{os.environ.get('OPENBLAS_NUM_THREADS')}")
    print("  ours = Trainer.run_steps: step + bookkeeping (train & test loss/accuracy after "
          "every step, per-layer norms of grads/updates/weights, history, keyframes);\n"
          "  torch = the same step (forward, loss, backward, SGD) + the same bookkeeping "
          "under no_grad: like for like; torch bare = the step alone, for context")
    print(f"  {'case':<56} {'ours':>9} {'torch':>9} {'bare':>9}  {'ours/torch':>10}  "
          f"{'ours/bare':>9}  target (ours/torch)")
    for label, make, target in CASES:
        if args.only and args.only not in label:
            continue
        r = measure(make, args.rounds, args.secs)
        ours = med(r["ours"])
        if torch is None:
            print(f"  {label:<56} {ours:>9,.0f}")
            continue
        t, bare = med(r["torch"]), med(r["bare"])
        met = "met" if ours / t >= target else "NOT met"
        print(f"  {label:<56} {ours:>9,.0f} {t:>9,.0f} {bare:>9,.0f}  {ours / t:>9.2f}x"
              f"  {ours / bare:>8.2f}x  >= {target:g}x ({met})", flush=True)
    print("  (steps/s; ours/torch: ours over torch with the same bookkeeping; ours/bare: ours "
          "with bookkeeping over torch's step alone)")
    if not args.only:
        ms = grid_ms()
        print(f"  {'100x100 grid, every neuron, 6x8 tanh net':<56} {ms:>9.2f} ms   "
              "(target <= 5 ms)")


if __name__ == "__main__":
    main()
