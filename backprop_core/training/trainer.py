"""Training one phase at a time: forward, backward, update, with history and rewind.

A *step* is one mini-batch: its forward pass, its backward pass, and one optimizer update.
Running the three phases one by one is exactly the same code as ``finish_step()``, so the
numbers agree bit for bit.

Rewind works by keyframes plus replay (``backprop_core.training.rewind``): a keyframe is a snapshot
of the state taken every ``keyframe_interval`` steps, and going to a step restores the one
before it and replays the steps in between, with the changes this trainer logged.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

import numpy as np

from ..network.losses import get_loss, per_sample_cost, reduction_scale
from ..network.network import ForwardCache, Gradients, Network
from ..network.optimizers import SGD, Optimizer, Update, make_optimizer
from ..network.regularization import check_regularization, penalty
from ..network.schedules import Schedule
from . import chunks, rewind
from .by_hand import data_op, frozen_masks
from .changes import Shape, check, param_key
from .evaluation import evaluate_many
from .health import first_bad
from .history import History, StepRecord
from .keyframes import Keyframes
from .snapshot import Snapshot

PHASES = ("forward", "backward", "update")
BLOWUP = 1e6  # a training loss this many times its initial value (or its value after a
# change by hand) counts as divergence
HEALTHY_RISE = 2.0  # a loss above this many times the best so far has left its normal range
TASKS = ("binary", "multiclass", "regression")


@dataclass(frozen=True)
class Divergence:
    """Where training produced a non-finite number: step (1-based), phase, layer (0-based)."""

    step: int
    phase: str
    layer: int
    quantity: str
    healthy: int | None = None  # the last step before the blow-up began (see healthy_step)

    @property
    def restore(self) -> int:
        return self.step - 1 if self.healthy is None else self.healthy

    @property
    def message(self) -> str:
        what = ("grew over a million times its starting value" if self.quantity == "loss"
                else "became NaN or infinite")
        where = "the training loss" if self.quantity == "loss" else (
            f"the {self.quantity} of layer {self.layer + 1}")
        since = ("" if self.restore == self.step - 1 else
                 f" The loss was still in its normal range at step {self.restore}; after it "
                 "the blow-up had begun.")
        return (
            f"Training diverged at step {self.step}: {where} {what} during the "
            f"{self.phase} phase.{since} Lower the learning rate, then restore step "
            f"{self.restore}."
        )


class TrainerDiverged(RuntimeError):
    """Raised when asked to run a phase after training diverged."""


def infer_task(loss: str, Y: np.ndarray) -> str:
    if loss == "cross_entropy":
        return "multiclass"
    if loss == "bce":
        return "binary"
    binary_values = np.all((Y == 0) | (Y == 1))
    if Y.shape[1] == 1 and binary_values:
        return "binary"
    if Y.shape[1] > 1 and binary_values and np.all(Y.sum(axis=1) == 1):
        return "multiclass"
    return "regression"


def correct(output: np.ndarray, Y: np.ndarray, task: str) -> np.ndarray | None:
    """Which outputs are classified right (bool): output > 0.5 for binary, per output;
    arg-max for multi-class, per sample; None for regression."""
    if task == "binary":
        return (output > 0.5) == (Y > 0.5)
    if task == "multiclass":
        return output.argmax(axis=-1) == Y.argmax(axis=-1)
    return None


def accuracy(output: np.ndarray, Y: np.ndarray, task: str) -> float | None:
    """Fraction classified right (``correct``)."""
    right = correct(output, Y, task)
    return None if right is None else float(np.count_nonzero(right) / right.size)


def _layer_norms(net: Network, params) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(‖(W_i, b_i)‖ per layer, ‖W_i‖ per layer) of ``params`` (the network, its
    gradients or an update): always from θ in one vector, so the numbers never depend on
    whether the arrays were made in one (``Layout.norms``)."""
    theta = params.theta
    if theta is None:
        theta = net.layout.flatten(params.weights, params.biases)
    return net.layout.norms(theta)


class Trainer:
    """Owns a network, its data, loss, optimizer, batch size and shuffle seed.

    X (n, n_in), Y (n, n_out) are the training set; X_test / Y_test optional.
    """

    def __init__(
        self,
        net: Network,
        X: np.ndarray,
        Y: np.ndarray,
        *,
        loss: str = "mse",
        optimizer: Optimizer | None = None,
        batch_size: int = 10,
        seed: int = 0,
        reduction: str = "mean",
        regularization: str = "none",
        reg_rate: float = 0.0,
        X_test: np.ndarray | None = None,
        Y_test: np.ndarray | None = None,
        task: str | None = None,
        shuffle: bool = True,
        keyframe_interval: int = 25,
        max_keyframes: int = 100,
        schedule: Schedule | None = None,
        X_raw: np.ndarray | None = None,
    ):
        self.net = net
        self.X = np.ascontiguousarray(X, dtype=np.float64)
        self.Y = np.ascontiguousarray(Y, dtype=np.float64)
        self._check_data(self.X, self.Y, "training")
        has_test = X_test is not None and len(X_test) > 0
        self.X_test = np.ascontiguousarray(X_test, dtype=np.float64) if has_test else None
        self.Y_test = np.ascontiguousarray(Y_test, dtype=np.float64) if has_test else None
        if has_test:
            self._check_data(self.X_test, self.Y_test, "test")
        get_loss(loss).check_output(net.acts[-1])
        reduction_scale(reduction, 1)
        self.loss, self.reduction = loss, reduction
        self.task = task or infer_task(loss, self.Y)
        if self.task not in TASKS:
            raise ValueError(f"unknown task {self.task!r}; choose one of {list(TASKS)}")
        self.batch_size = int(batch_size)
        if not 1 <= self.batch_size:
            raise ValueError("batch_size must be >= 1")
        self.seed, self.shuffle = int(seed), bool(shuffle)
        self.regularization = check_regularization(regularization, reg_rate)
        self.reg_rate = float(reg_rate)
        self.optimizer = optimizer if optimizer is not None else SGD(lr=0.03)
        self.schedule = schedule if schedule is not None else Schedule()
        # X_raw (n, 2): where each training sample is drawn (the data set's plane), for
        # data that can gain and lose points by hand; None for data that cannot.
        self.X_raw = None if X_raw is None else np.ascontiguousarray(X_raw, dtype=np.float64)
        if self.X_raw is not None and self.X_raw.shape != (len(self.X), 2):
            raise ValueError(f"X_raw must have shape ({len(self.X)}, 2), got {self.X_raw.shape}")
        self.base_data = (self.X, self.Y, self.X_raw)  # before any drawn or removed point
        self.rng = np.random.default_rng(self.seed)
        self._set_data(self.X, self.Y, self.X_raw)
        self._start()
        # Step 0's keyframe: a copy of the state _start has just set up.
        self.keyframes = Keyframes(int(keyframe_interval), int(max_keyframes),
                                   [Snapshot.of(self)])

    # --- set-up -------------------------------------------------------------------------
    def _check_data(self, X, Y, label):
        net_in, net_out = self.net.layer_sizes[0], self.net.layer_sizes[-1]
        if X.ndim != 2 or X.shape[1] != net_in:
            raise ValueError(f"{label} X must have shape (n, {net_in}), got {X.shape}")
        if Y.ndim != 2 or Y.shape != (X.shape[0], net_out):
            raise ValueError(f"{label} Y must have shape ({X.shape[0]}, {net_out}), got {Y.shape}")
        if X.shape[0] < 1:
            raise ValueError(f"{label} data is empty")
        if not (np.all(np.isfinite(X)) and np.all(np.isfinite(Y))):
            raise ValueError(f"{label} data contains NaN or infinite values")

    def _set_data(self, X: np.ndarray, Y: np.ndarray, X_raw: np.ndarray | None) -> None:
        self.X, self.Y, self.X_raw = X, Y, X_raw
        # Evaluate train and test in one forward pass over both, one cost over both.
        test = self.X_test is None
        self._X_eval = self.X if test else np.vstack([self.X, self.X_test])
        self._Y_eval = self.Y if test else np.vstack([self.Y, self.Y_test])

    def _start(self) -> None:
        self.frozen: set[tuple] = set()  # (kind, layer, *index) of parameters not trained
        self.n_data_events = 0  # data events applied (the data is base_data + those)
        self.step = 0
        self.epoch = 0
        self.batch_index = 0
        self.perm = self._new_order()
        self.phase_index = 0
        self.batch_idx: np.ndarray | None = None
        self.cache: ForwardCache | None = None
        self.batch_loss: float | None = None
        self.grads: Gradients | None = None
        self.last_update: Update | None = None
        self.diverged: Divergence | None = None
        self._grad_norms = self._grad_w_norms = None  # ‖(∂C/∂W, ∂C/∂b)‖, ‖∂C/∂W‖ per layer
        self.events: list[tuple[int, str, dict]] = []
        self.undone: list[tuple] = []  # changes by hand Undo took back, for Redo (rewind)
        self._base_key, self._base = None, 1.0  # _loss_base's cache, keyed by the log
        self.history = History()
        with np.errstate(all="ignore"):  # absurd settings show up as divergence, not warnings
            self.history.append(self._record(None, None))

    @property
    def keyframe_interval(self) -> int:
        """Steps between keyframes (doubled each time they are thinned out)."""
        return self.keyframes.interval

    @keyframe_interval.setter
    def keyframe_interval(self, steps: int) -> None:
        self.keyframes.interval = steps

    @property
    def max_keyframes(self) -> int:
        """Keyframes kept at most (past it they are thinned out)."""
        return self.keyframes.max_count

    @max_keyframes.setter
    def max_keyframes(self, count: int) -> None:
        self.keyframes.max_count = count

    @property
    def n_batches(self) -> int:
        return -(-len(self.X) // self.batch_size)

    def _new_order(self) -> np.ndarray:
        n = len(self.X)
        return self.rng.permutation(n) if self.shuffle else np.arange(n)

    # --- phases -------------------------------------------------------------------------
    @property
    def next_phase(self) -> str:
        return PHASES[self.phase_index]

    @property
    def last_phase(self) -> str | None:
        """The phase that ran last in the current step (None at a step boundary)."""
        return PHASES[self.phase_index - 1] if self.phase_index else None

    def run_phase(self) -> str:
        """Run the next phase; returns its name. Raises TrainerDiverged after divergence."""
        if self.diverged is not None:
            raise TrainerDiverged(self.diverged.message)
        if self.step < self.history.last_step and self.phase_index == 0:
            rewind.forget_future(self)
        phase = self.next_phase
        with np.errstate(all="ignore"):  # overflow is detected below, not warned about
            getattr(self, f"_{phase}")(record=True)
        return phase

    def _forward(self, record: bool) -> None:
        start = self.batch_index * self.batch_size
        self.batch_idx = self.perm[start : start + self.batch_size]
        Xb, Yb = self.X.take(self.batch_idx, axis=0), self.Y.take(self.batch_idx, axis=0)
        self.cache = self.net.forward(Xb)
        self.grads = None  # last_update stays: it is still the last update applied
        self.phase_index = 1
        if record:
            costs = per_sample_cost(self.cache.output, Yb, self.loss, self.cache.z[-1])
            self.batch_loss = float(costs.sum() * reduction_scale(self.reduction, len(costs)))
            if not math.isfinite(self.batch_loss):
                norms = [float(np.sum(np.abs(z))) for z in self.cache.z]
                self._diverge("forward", first_bad(norms), "pre-activation z")

    def _backward(self, record: bool) -> None:
        Yb = self.Y.take(self.batch_idx, axis=0)  # the rows X[idx] gives, without its overhead
        self.grads = self.net.backward(
            self.cache, Yb, self.loss, self.reduction, self.regularization, self.reg_rate
        )
        self.phase_index = 2
        if record:
            self._grad_norms, self._grad_w_norms = _layer_norms(self.net, self.grads)
            if first_bad(self._grad_norms) is not None:
                self._diverge("backward", first_bad(self._grad_norms), "gradient")

    def current_lr(self) -> float:
        """The rate the next update uses: the schedule's, from the ``lr`` setting."""
        return self.schedule.lr(self.optimizer.lr, self.step)

    def _update(self, record: bool) -> None:
        self._apply_update()
        if record:
            self._commit(self._record(self.grads, self.last_update))

    def _apply_update(self) -> None:
        """The optimizer's step, then the step and batch counters (a new order per epoch)."""
        lr = None if self.schedule.name == "constant" else self.current_lr()
        self.last_update = self.optimizer.step(self.net, self.grads, lr=lr,
                                               frozen=frozen_masks(self.net, self.frozen))
        self.phase_index = 0
        self.step += 1
        self.batch_index += 1
        if self.batch_index == self.n_batches:
            self.epoch, self.batch_index = self.epoch + 1, 0
            self.perm = self._new_order()

    def _commit(self, rec: StepRecord, keyframe: Snapshot | None = None) -> bool:
        """Keep a finished step's record (and its keyframe when one is due: ``keyframe``,
        or the state now), unless it diverged: then say where, and keep nothing."""
        bad = first_bad(rec.weight_norms)
        losses = (rec.train_loss, rec.test_loss or 0.0, rec.penalty)
        finite = all(map(math.isfinite, losses))
        # Long before anything overflows, a loss a million times its start says the run
        # has blown up; stopping there leaves a last good step worth going back to.
        blown_up = finite and rec.train_loss > BLOWUP * self._loss_base()
        if bad is not None or not finite or blown_up:
            self.step -= 1
            quantity = ("weights" if bad is not None else
                        "output (loss on the data)" if not finite else "loss")
            self._diverge("update", bad, quantity)
            return False
        self.history.append(rec)
        if self.keyframes.due(rec.step):
            self.keyframes.add(keyframe or Snapshot.of(self))
        return True

    def _loss_base(self) -> float:
        """What a blow-up is measured against: the training loss at the start, or just
        after a weight set or a point drawn by hand (a weight typed in large is the user's
        choice, not the next step's divergence); at least 1. Cached per state of the log."""
        key = (len(self.events), id(self.events[-1]) if self.events else None)
        if self._base_key != key:
            base = self.history[0].train_loss
            for s, kind, _ in self.events:
                if kind in ("edit", "data") and s in self.history:
                    base = max(base, self.history[s].train_loss)
            self._base_key, self._base = key, max(1.0, base)
        return self._base

    def _diverge(self, phase: str, layer: int | None, quantity: str) -> None:
        # The failing step is the one after the last finished step, whatever the phase.
        layer = self.net.n_layers - 1 if layer is None else layer
        self.diverged = Divergence(self.step + 1, phase, layer, quantity, self.healthy_step())

    def healthy_step(self) -> int:
        """The last finished step whose training loss was in its normal range: at most
        HEALTHY_RISE times the lowest loss so far. A run that blows up over several steps
        is back on track from there, not from the step just before the numbers overflowed
        (where the loss may already be 10⁴ and the gradients 10⁶)."""
        losses = self.history.upto("train_loss", self.step)
        steps = self.history.upto("step", self.step)
        best, healthy = math.inf, 0
        for k, loss in zip(steps, losses, strict=True):
            if math.isfinite(loss) and loss <= HEALTHY_RISE * best:
                healthy = k
            best = min(best, loss) if math.isfinite(loss) else best
        return healthy

    # --- whole steps --------------------------------------------------------------------
    def finish_step(self) -> None:
        """Run the remaining phases of the current step (all three at a step boundary):
        ``run_phase`` until the step is done, its checks made once (Play's hot path)."""
        self.run_phase()
        if self.phase_index == 0 or self.diverged is not None:
            return
        with np.errstate(all="ignore"):
            if self.phase_index == 1:
                self._backward(record=True)
            if self.diverged is None:
                self._update(record=True)

    def run_steps(self, n: int) -> None:
        """``n`` steps (fewer at divergence): in chunks whose evaluations run together
        (``chunks.run_chunk``) where they can, else one at a time; the same numbers either
        way."""
        n = int(n)
        while n > 0 and self.diverged is None:
            k = chunks.chunk_size(self, n)
            if k > 1 and chunks.run_chunk(self, k):
                n -= k
            else:
                self.finish_step()
                n -= 1

    def run_epoch(self) -> None:
        """Finish the current step, then run until the next epoch starts."""
        self.finish_step()
        while self.batch_index != 0 and self.diverged is None:
            self.finish_step()

    # --- bookkeeping --------------------------------------------------------------------
    def evaluate(self) -> dict[str, float | None]:
        """Data loss and accuracy on the train and test sets, and the current penalty
        (``evaluation.evaluate_many`` of this one network)."""
        return self._evaluated(self._evaluate_many(self.net.theta[None])[0])

    def _evaluate_many(self, thetas: np.ndarray) -> list[tuple]:
        return evaluate_many(self.net, thetas, self._X_eval, self._Y_eval, len(self.X),
                             self.loss, self.reduction,
                             lambda output, Y: correct(output, Y, self.task))

    def _evaluated(self, values: tuple) -> dict[str, float | None]:
        """``evaluate``'s dict from one result of ``evaluate_many`` and the network's
        penalty now."""
        return {"train_loss": values[0], "test_loss": values[1],
                "train_accuracy": values[2], "test_accuracy": values[3],
                "penalty": float(penalty(self.net.weights, self.regularization,
                                         self.reg_rate))}

    def _record(self, grads: Gradients | None, update: Update | None,
                evaluated: bool = True, norms: tuple | None = None) -> StepRecord:
        """The record of the state now; ``evaluated=False`` leaves its losses and
        accuracies None, for an evaluation to come, and ``norms`` are the update's and the
        weights' (``_layer_norms``) when already known (``chunks.run_chunk``)."""
        if norms is None:
            norms = (_layer_norms(self.net, update) if update else (None, None),
                     _layer_norms(self.net, self.net))
        updates, weights = norms
        values = self.evaluate() if evaluated else self._evaluated((None,) * 4)
        return StepRecord(
            step=self.step,
            epoch=self.epoch,
            batch_loss=self.batch_loss if grads is not None else None,
            **values,
            grad_norms=self._grad_norms if grads else None,
            update_norms=updates[0],
            weight_norms=weights[0],
            grad_w_norms=self._grad_w_norms if grads else None,
            update_w_norms=updates[1],
            weight_w_norms=weights[1],
        )

    # --- settings that change without resetting -----------------------------------------
    def shape(self) -> Shape:
        """What a change to this run is checked against (``backprop_core.training.changes``)."""
        return Shape.of(self)

    def set_hyperparams(self, **values: float) -> None:
        """Change optimizer settings such as ``lr``; state (velocity, m, v) is kept."""
        self.apply_change("hyperparams", values)

    def set_optimizer(self, name: str, **hyperparams: float) -> None:
        """Switch optimizer; the new one starts with empty state."""
        self.apply_change("optimizer", {"name": name, **hyperparams})

    def set_regularization(self, name: str, rate: float) -> None:
        self.apply_change("regularization", {"name": name, "rate": rate})

    def set_schedule(self, schedule: Schedule) -> None:
        """Change the learning-rate schedule (it scales the ``lr`` setting per update)."""
        self.apply_change("schedule", schedule.to_dict())

    # --- changes by hand: a parameter's value, a frozen parameter, the data ------------
    def set_param(self, layer: int, kind: str, index, value: float) -> None:
        """Set one weight (index (i, j)) or bias (index (j,)) to ``value``: a logged event,
        so rewinds, links and session files replay it. In the middle of a step, the
        phases already run are run again with the new value (as a replay would)."""
        self.apply_change("edit", {"layer": layer, "kind": kind, "index": index, "value": value})

    def set_frozen(self, layer: int, kind: str, index, frozen: bool = True) -> None:
        """Freeze one parameter (its gradient is still computed and shown, but updates
        leave it and its optimizer state as they are), or thaw it."""
        self.apply_change("freeze", {"layer": layer, "kind": kind, "index": index,
                               "frozen": bool(frozen)})

    def is_frozen(self, layer: int, kind: str, index) -> bool:
        key = param_key(self.net.layer_sizes, layer, kind, index)
        return (kind, key["layer"], *key["index"]) in self.frozen

    def add_sample(self, x, y, raw=None) -> None:
        """A training sample more (network inputs ``x``, target row ``y``, drawn at
        ``raw`` = (x₁, x₂) when the data has a plane): a logged data event. Training goes
        on from here with a fresh pass over the data (a step in progress starts again)."""
        self.apply_change("data", {"op": "add", "x": np.ravel(x).tolist(),
                             "y": np.ravel(y).tolist(),
                             "raw": None if raw is None else np.ravel(raw).tolist()})

    def remove_sample(self, index: int) -> None:
        """Remove training sample ``index`` (a logged data event; see ``add_sample``)."""
        self.apply_change("data", {"op": "remove", "index": index})

    def apply_change(self, kind: str, payload: dict) -> None:
        """Make one change of a kind of ``backprop_core.training.changes.KINDS`` to this run: the
        one way every setter, a link's log and a click take. Checked whole before any of it
        is used, logged at this step, applied, and then what it changes in the step in
        progress is brought in line with what a replay (which applies it first) computes."""
        payload = dict(check(kind, payload, self.shape()))
        self._log_event(kind, payload)
        self._apply_event(kind, payload)
        with np.errstate(all="ignore"):
            self._after_change(kind)

    def _after_change(self, kind: str) -> None:
        if kind == "regularization":  # the step's penalty, as a replay records it
            if self.next_phase == "update":
                self._backward(record=True)  # the gradients shown used the old penalty
            self._record_again()
        elif kind == "edit":  # the phases already run in this step, with the new value
            phases = self.phase_index
            if phases >= 1:
                self._forward(record=True)
            if phases == 2 and self.diverged is None:
                self._backward(record=True)
            self._record_again()
        elif kind == "data":  # the step in progress was on the old data: start it again
            self.phase_index = 0
            self.cache = self.grads = self.batch_idx = self.batch_loss = None
            self._record_again()

    def _record_again(self) -> None:
        """The current step's record for what changed at it (losses, accuracy, norms)."""
        if self.history.last_step != self.step:
            return
        old = self.history[self.step]
        with np.errstate(all="ignore"):
            rec = self._record(None, None)
        self.history.replace_last(StepRecord(**{
            **rec.__dict__, "batch_loss": old.batch_loss, "grad_norms": old.grad_norms,
            "update_norms": old.update_norms, "grad_w_norms": old.grad_w_norms,
            "update_w_norms": old.update_w_norms}))

    def _log_event(self, kind: str, payload: dict) -> None:
        if self.step < self.history.last_step:
            rewind.forget_future(self)
        self.events.append((self.step, kind, payload))

    def _apply_event(self, kind: str, payload: dict) -> None:
        if kind == "hyperparams":
            self.optimizer.set_hyperparams(**payload)
        elif kind == "optimizer":
            payload = dict(payload)
            self.optimizer = make_optimizer(payload.pop("name"), **payload)
        elif kind == "regularization":
            self.regularization, self.reg_rate = payload["name"], payload["rate"]
        elif kind == "schedule":
            self.schedule = Schedule.from_dict(payload)
        elif kind == "edit":
            getattr(self.net, payload["kind"])[payload["layer"]][tuple(payload["index"])] = \
                payload["value"]
        elif kind == "freeze":
            key = (payload["kind"], payload["layer"], *payload["index"])
            (self.frozen.add if payload["frozen"] else self.frozen.discard)(key)
        elif kind == "data":
            self._set_data(*data_op((self.X, self.Y, self.X_raw), payload))
            self.n_data_events += 1
            self.perm, self.batch_index = self._new_order(), 0
        else:
            raise ValueError(f"unknown event {kind!r}")

    def _events_span(self, step: int) -> tuple[int, int]:
        """[start, end) of the log's entries made at ``step``. The log is in step order:
        found by bisection (a replay visits every step; scanning the whole log at each
        would cost steps × entries)."""
        start = bisect.bisect_left(self.events, step, key=lambda e: e[0])
        return start, bisect.bisect_right(self.events, step, lo=start, key=lambda e: e[0])

    def _apply_events_at(self, step: int) -> None:
        start, end = self._events_span(step)
        for _, kind, payload in self.events[start:end]:
            self._apply_event(kind, payload)

    def _record_replayed(self) -> None:
        """Record the current step again from what a replay left (its gradients and
        update): a step that thinning had dropped from a long run's history."""
        self._grad_norms, self._grad_w_norms = _layer_norms(self.net, self.grads)
        self.history.insert(self._record(self.grads, self.last_update))

    # --- rewind: the work is in backprop_core.training.rewind ------------------------------------
    def goto(self, step: int) -> None:
        """Restore the exact state after ``step`` finished steps (``rewind.goto``)."""
        rewind.goto(self, step)

    def can_undo(self) -> bool:
        """Whether ``undo`` goes anywhere (``rewind.can_undo``)."""
        return rewind.can_undo(self)

    def undo(self) -> None:
        """Back over a change by hand, a phase or a step (``rewind.undo``)."""
        rewind.undo(self)

    def can_redo(self) -> bool:
        """Whether ``redo`` goes anywhere (``rewind.can_redo``)."""
        return rewind.can_redo(self)

    def redo(self) -> None:
        """Take the last Undo back: a change by hand, or a recorded step (``rewind.redo``)."""
        rewind.redo(self)

    def reset(self) -> None:
        """The initial network again, with the history cleared (``rewind.reset``)."""
        rewind.reset(self)

    def rewind_to(self, step: int) -> None:
        """Go to ``step`` and forget every step after it (``rewind.rewind_to``)."""
        rewind.rewind_to(self, step)

    def restore_last_good(self) -> None:
        """After divergence: back to the last healthy step (``rewind.restore_last_good``)."""
        rewind.restore_last_good(self)

    def fork(self) -> Trainer:
        """An independent copy giving the very numbers this one would (``rewind.fork``)."""
        return rewind.fork(self)

    def ahead(self, see) -> None:
        """The states after the next phase and the next Step, on a fork (``rewind.ahead``)."""
        rewind.ahead(self, see)

    def before_last_update(self) -> Trainer:
        """A fork just before the last step's update (``rewind.before_last_update``)."""
        return rewind.before_last_update(self)
