"""Going back to any step exactly: snapshots, keyframes, and the rewinds built on them.

A ``Snapshot`` is a full copy of everything a step depends on (parameters, optimizer
state, RNG state, batch position, settings), taken at a step boundary; it also owns its
JSON form in a session file. A trainer keeps one as a keyframe every ``interval`` steps
(``Keyframes``). Going to step s restores the last keyframe before s and replays the steps
in between, which reproduces them exactly because each step is deterministic given that
state. Settings changed along the way are kept in the trainer's log and replayed at the
step they were made. When keyframes exceed ``max_count``, every other one is dropped and
the interval doubles, so memory stays bounded for any run length while a replay never
exceeds one interval of steps.

The rewinds (``goto``, ``undo``, ``fork``, ...) act on a ``Trainer``, running its phases
and its log; ``Trainer`` has methods of the same names that call them.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..network.optimizers import OPTIMIZERS, Optimizer, make_optimizer
from ..network.regularization import REGULARIZERS
from ..network.schedules import Schedule
from ..policy.quote import quote
from .by_hand import data_after
from .changes import ChangeError, param_key
from .json_fields import StateError, choice, field, is_number, read_array, to_list

if TYPE_CHECKING:
    from .trainer import Trainer

BY_HAND = ("edit", "freeze", "data")  # changes Undo takes back one by one

Params = dict[str, list[np.ndarray]]  # {"weights": [W_i, ...], "biases": [b_i, ...]}


@dataclass(frozen=True, eq=False)
class Snapshot:
    """A trainer's state after ``step`` finished steps, at a step boundary.

    weights[i] (n_in, n_out) and biases[i] (n_out,) for each layer i; ``optimizer`` its
    name, ``hyperparams`` its settings, ``t`` its update count and ``optimizer_state`` its
    slots ({"velocity"|"m"|"v": {"weights": [...], "biases": [...]}}, arrays of the
    parameters' shapes; empty before the first update); ``rng`` the PCG64 bit generator's
    state dict; ``perm`` (n_train,) the current epoch's sample order, of which batch
    ``batch_index`` comes next; ``regularization`` its name and ``reg_rate`` its rate;
    ``schedule`` the schedule's dict; ``frozen`` the sorted (kind, layer, *index) keys of
    parameters not trained; ``n_data`` how many of the log's data events the data has had.

    Compared by identity (arrays have no single truth value); never changed once taken.
    """

    step: int
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    optimizer: str
    hyperparams: dict[str, float]
    t: int
    optimizer_state: dict[str, Params]
    rng: dict[str, Any]
    epoch: int
    batch_index: int
    perm: np.ndarray
    regularization: str
    reg_rate: float
    schedule: dict[str, Any]
    frozen: tuple[tuple, ...]
    n_data: int

    @classmethod
    def of(cls, tr: Trainer) -> Snapshot:
        """A copy of ``tr``'s state now (it must be at a step boundary)."""
        weights, biases = tr.net.copy_params()
        opt = tr.optimizer
        return cls(
            step=tr.step, weights=weights, biases=biases,
            optimizer=opt.name, hyperparams=opt.hyperparams(), t=opt.t,
            optimizer_state=copy.deepcopy(opt.state),
            rng=copy.deepcopy(tr.rng.bit_generator.state),
            epoch=tr.epoch, batch_index=tr.batch_index, perm=tr.perm.copy(),
            regularization=tr.regularization, reg_rate=tr.reg_rate,
            schedule=tr.schedule.to_dict(), frozen=tuple(sorted(tr.frozen)),
            n_data=tr.n_data_events,
        )

    def restore_into(self, tr: Trainer) -> None:
        """Put this state back into ``tr``: copies, so the snapshot stays as taken when
        training goes on. The data becomes the starting data plus the log's first
        ``n_data`` data events (so ``tr.events`` must already hold the log)."""
        tr.net.set_params(self.weights, self.biases)
        tr.optimizer = self._optimizer()
        tr.rng.bit_generator.state = copy.deepcopy(self.rng)
        tr.step, tr.epoch, tr.batch_index = self.step, self.epoch, self.batch_index
        tr.perm = self.perm.copy()
        tr.regularization, tr.reg_rate = self.regularization, self.reg_rate
        tr.schedule = Schedule.from_dict(self.schedule)
        tr.frozen = {tuple(k) for k in self.frozen}
        tr.n_data_events = self.n_data
        if self.n_data or tr.X is not tr.base_data[0]:
            tr._set_data(*data_after(tr.base_data, tr.events, self.n_data))

    def _optimizer(self) -> Optimizer:
        opt = make_optimizer(self.optimizer, **self.hyperparams)
        opt.t = self.t
        opt.state = copy.deepcopy(self.optimizer_state)
        return opt

    # --- JSON ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible values: floats as Python floats (their shortest repr reads back
        to the same bits), the RNG's 128-bit integers as decimal strings (JavaScript
        readers would round them)."""
        return {
            "step": self.step,
            "weights": [to_list(W) for W in self.weights],
            "biases": [to_list(b) for b in self.biases],
            "optimizer": {
                "name": self.optimizer,
                "hyperparams": dict(self.hyperparams),
                "t": self.t,
                "state": {slot: _params_to_dict(v) for slot, v in self.optimizer_state.items()},
            },
            "rng": _rng_to_dict(self.rng),
            "epoch": self.epoch,
            "batch_index": self.batch_index,
            "perm": [int(i) for i in self.perm],
            "regularization": [self.regularization, self.reg_rate],
            "schedule": dict(self.schedule),
            "frozen": [list(k) for k in self.frozen],
            "n_data": self.n_data,
        }

    @classmethod
    def from_dict(cls, value, path: str, layer_sizes: Sequence[int],
                  n_train: list[int]) -> Snapshot:
        """``to_dict``'s form read back, every field checked first (StateError naming it,
        under ``path``). ``layer_sizes``: the network's; ``n_train[k]``: the number of
        training samples after k data events (what ``n_data`` counts). Files from before
        schedules, freezing and data events lack those fields: read as none."""
        shapes = _param_shapes(layer_sizes)
        params = _read_params(value, path, shapes)
        opt_path = f"{path}.optimizer"
        name, hyperparams, raw_state, t = _read_optimizer(field(value, "optimizer", path, dict),
                                                          opt_path)
        n_data = _read_n_data(value, path, n_train)
        perm = _read_perm(field(value, "perm", path, list), f"{path}.perm", n_train[n_data])
        reg, rate = _read_regularization(field(value, "regularization", path, list),
                                         f"{path}.regularization")
        step, epoch, batch_index = _read_counts(value, path)
        return cls(  # the arguments are read in this order: a file's first error is named
            step=step, weights=params["weights"], biases=params["biases"],
            optimizer=name, hyperparams=hyperparams, t=t,
            optimizer_state={slot: _read_params(raw_state[slot], f"{opt_path}.state.{slot}",
                                                shapes) for slot in raw_state},
            rng=_read_rng(field(value, "rng", path, dict), f"{path}.rng"),
            epoch=epoch, batch_index=batch_index, perm=perm,
            regularization=reg, reg_rate=rate,
            schedule=_read_schedule(value.get("schedule", {}), f"{path}.schedule"),
            frozen=_read_frozen(value.get("frozen", []), f"{path}.frozen", layer_sizes),
            n_data=n_data,
        )


# --- a snapshot's JSON, field by field ------------------------------------------------------
def _params_to_dict(d: Params) -> dict[str, list]:
    return {kind: [to_list(a) for a in arrays] for kind, arrays in d.items()}


def _rng_to_dict(state: dict) -> dict:
    inner = state["state"]
    return {
        "bit_generator": state["bit_generator"],
        "state": {"state": str(inner["state"]), "inc": str(inner["inc"])},
        "has_uint32": int(state["has_uint32"]),
        "uinteger": int(state["uinteger"]),
    }


def _param_shapes(layer_sizes: Sequence[int]) -> dict[str, list[tuple[int, ...]]]:
    pairs = list(zip(layer_sizes[:-1], layer_sizes[1:], strict=True))
    return {"weights": [(n_in, n_out) for n_in, n_out in pairs],
            "biases": [(n_out,) for _, n_out in pairs]}


def _read_params(value, path, shapes: dict[str, list[tuple]]) -> Params:
    weights = field(value, "weights", path, list)
    biases = field(value, "biases", path, list)
    if len(weights) != len(shapes["weights"]) or len(biases) != len(shapes["biases"]):
        raise StateError(f"{path}: expected {len(shapes['weights'])} layers")
    return {kind: [read_array(a, f"{path}.{kind}[{i}]", s)
                   for i, (a, s) in enumerate(zip(arrays, shapes[kind], strict=True))]
            for kind, arrays in (("weights", weights), ("biases", biases))}


def _read_optimizer(opt: dict, path: str) -> tuple[str, dict, dict, int]:
    """(name, hyperparams, state as written, t); the state's arrays are read later."""
    name = choice(opt, "name", path, OPTIMIZERS)
    hyper = field(opt, "hyperparams", path, dict)
    for key, v in hyper.items():
        if not (is_number(v) or (key == "nesterov" and isinstance(v, bool))):
            raise StateError(f"{path}.hyperparams.{key}: expected a number, got "
                             f"{type(v).__name__}")
    try:
        optimizer = make_optimizer(name, **hyper)
    except (TypeError, ValueError) as exc:
        raise StateError(f"{path}.hyperparams: {exc}") from None
    state = field(opt, "state", path, dict)
    # An optimizer has no state until its first update (Optimizer._ensure_state).
    if state and sorted(state) != sorted(optimizer.slots):
        raise StateError(f"{path}.state: expected no slots or {list(optimizer.slots)}")
    t = field(opt, "t", path, int)
    if t < 0:
        raise StateError(f"{path}.t: must be >= 0")
    return name, optimizer.hyperparams(), state, t


def _read_n_data(value: dict, path: str, n_train: list[int]) -> int:
    n_data = value.get("n_data", 0)  # absent in files from before data events
    if type(n_data) is not int or not 0 <= n_data < len(n_train):
        raise StateError(f"{path}.n_data: expected 0..{len(n_train) - 1} data events")
    return n_data


def _read_perm(perm: list, path: str, n: int) -> np.ndarray:
    if not all(type(i) is int for i in perm) or sorted(perm) != list(range(n)):
        raise StateError(f"{path}: not a permutation of the {n} training samples")
    return np.array(perm, dtype=np.int64)


def _read_regularization(reg: list, path: str) -> tuple[str, float]:
    if len(reg) != 2 or not isinstance(reg[0], str) or reg[0] not in REGULARIZERS \
            or not is_number(reg[1]) or not (math.isfinite(reg[1]) and reg[1] >= 0):
        raise StateError(f"{path}: expected [name, rate >= 0]")
    return reg[0], float(reg[1])


def _read_counts(value: dict, path: str) -> tuple[int, int, int]:
    """step, epoch, batch_index: each an int >= 0."""
    counts = tuple(field(value, key, path, int) for key in ("step", "epoch", "batch_index"))
    for key, v in zip(("step", "epoch", "batch_index"), counts, strict=True):
        if v < 0:
            raise StateError(f"{path}.{key}: must be >= 0")
    return counts


def _read_rng(value, path) -> dict:
    name = field(value, "bit_generator", path, str)
    if name != "PCG64":
        raise StateError(f"{path}.bit_generator: expected 'PCG64', got {quote(name)}")
    inner = field(value, "state", path, dict)
    state = {}
    for key in ("state", "inc"):
        text = field(inner, key, f"{path}.state", str)
        if not (text.isascii() and text.isdigit() and len(text) <= 40):
            raise StateError(f"{path}.state.{key}: not a decimal integer")
        state[key] = int(text)
    rng_state = {"bit_generator": "PCG64", "state": state,
                 "has_uint32": field(value, "has_uint32", path, int),
                 "uinteger": field(value, "uinteger", path, int)}
    try:  # NumPy's own check of the values, on a generator thrown away
        np.random.default_rng().bit_generator.state = rng_state
    except (ValueError, TypeError, OverflowError) as exc:
        raise StateError(f"{path}: invalid RNG state ({exc})") from None
    return rng_state


def _read_schedule(value, path) -> dict:
    if not isinstance(value, dict) or not all(is_number(v) for k, v in value.items()
                                              if k != "name"):
        raise StateError(f"{path}: expected an object of a name and numbers")
    try:
        return Schedule.from_dict(value).to_dict()
    except (TypeError, ValueError, OverflowError) as exc:
        raise StateError(f"{path}: {exc}") from None


def _read_frozen(value, path, layer_sizes: Sequence[int]) -> tuple[tuple, ...]:
    """(kind, layer, *index) keys, each checked by the rule edits and freezes follow."""
    if not isinstance(value, list):
        raise StateError(f"{path}: expected a list")
    out = []
    for k, item in enumerate(value):
        if not (isinstance(item, list) and len(item) >= 2):
            raise StateError(f"{path}[{k}]: expected [kind, layer, *index]")
        try:
            key = param_key(layer_sizes, item[1], item[0], item[2:])
        except ChangeError as exc:
            raise StateError(f"{path}[{k}]: {exc}") from None
        out.append((key["kind"], key["layer"], *key["index"]))
    return tuple(sorted(set(out)))


# --- keyframes --------------------------------------------------------------------------------
class Keyframes(Mapping[int, Snapshot]):
    """The snapshots a rewind starts from, by step: step 0's, then one every ``interval``
    steps. Past ``max_count`` of them, every other one is dropped and the interval
    doubles (see the module's docstring)."""

    def __init__(self, interval: int, max_count: int, snapshots: Iterable[Snapshot] = ()):
        self.interval, self.max_count = interval, max_count
        self._by_step = {snap.step: snap for snap in snapshots}

    def __getitem__(self, step: int) -> Snapshot:
        return self._by_step[step]

    def __iter__(self) -> Iterator[int]:
        return iter(self._by_step)

    def __len__(self) -> int:
        return len(self._by_step)

    def __repr__(self) -> str:
        return (f"Keyframes(steps={sorted(self._by_step)}, interval={self.interval}, "
                f"max_count={self.max_count})")

    def due(self, step: int) -> bool:
        """Whether the state after ``step`` is kept as a keyframe."""
        return step % self.interval == 0

    def add(self, snap: Snapshot) -> None:
        self._by_step[snap.step] = snap
        if len(self._by_step) > self.max_count:
            # Thin out: keep step 0 and every keyframe on the doubled grid.
            self.interval *= 2
            self._by_step = {s: k for s, k in self._by_step.items() if s % self.interval == 0}

    def nearest_at_or_before(self, step: int) -> Snapshot:
        """The keyframe a replay to a step after ``step`` starts from."""
        return self._by_step[max(s for s in self._by_step if s <= step)]

    def truncate(self, step: int) -> None:
        """Forget the keyframes after ``step``."""
        self._by_step = {s: k for s, k in self._by_step.items() if s <= step}

    def cut(self, step: int) -> list[Snapshot]:
        """``truncate``, handing back the keyframes it forgets (``paste`` puts them back)."""
        later = [k for s, k in self._by_step.items() if s > step]
        self.truncate(step)
        return later

    def paste(self, snaps: list[Snapshot]) -> None:
        """Put back what ``cut`` handed back, when nothing was added since."""
        self._by_step.update((snap.step, snap) for snap in snaps)

    def copy(self) -> Keyframes:
        """An independent set (the snapshots themselves are shared: never changed)."""
        return Keyframes(self.interval, self.max_count, self._by_step.values())


# --- rewinds of a trainer -----------------------------------------------------------------
def goto(tr: Trainer, step: int) -> None:
    """Restore the exact state after ``step`` finished steps (0 = the initial network).

    Any recorded step can be reached, backwards or forwards; the recorded future is kept
    until a phase runs from an earlier step. The last step's cache, gradients and update
    are recomputed, so they can be displayed.
    """
    step = int(step)
    if not 0 <= step <= tr.history.last_step:
        raise ValueError(f"step must be between 0 and {tr.history.last_step}, got {step}")
    start = tr.keyframes.nearest_at_or_before(max(step - 1, 0))
    start.restore_into(tr)
    tr._apply_events_at(start.step)
    tr.diverged = None
    tr.cache = tr.grads = tr.last_update = tr.batch_idx = None
    tr.batch_loss = None
    tr.phase_index = 0
    with np.errstate(all="ignore"):  # a replay of a run that blew up later is not warned about
        while tr.step < step:
            tr._forward(record=True)
            tr._backward(record=False)
            tr._update(record=False)
            tr._apply_events_at(tr.step)
        if step not in tr.history:  # thinned out of a long run: record it again
            tr._record_replayed()


def undoable_change(tr: Trainer) -> int | None:
    """The log index of a change by hand Undo takes back first: the last change made at
    this step, at a step boundary, if it was by hand (None otherwise)."""
    start, end = tr._events_span(tr.step)
    if tr.phase_index == 0 and end > start and tr.events[end - 1][1] in BY_HAND:
        return end - 1
    return None


def can_undo(tr: Trainer) -> bool:
    """Whether ``undo`` goes anywhere: a step or phase to go back over, a change by hand
    made at this step (at step 0 too)."""
    return tr.step > 0 or tr.phase_index > 0 or undoable_change(tr) is not None


def undo(tr: Trainer) -> None:
    """Back to the start of the current step, or one step back at a step boundary; there,
    a change by hand made after the step (an edit, a freeze, a point) is undone first,
    one at a time (and kept for ``redo``)."""
    change = undoable_change(tr)
    if change is not None:
        future = _cut_future(tr)  # trained with the change: gone with it, back with Redo
        event = tr.events.pop(change)
        goto(tr, tr.step)
        tr._record_again()
        tr.undone.append((event, future, _where(tr)))
        del tr.undone[:-MAX_UNDONE]
        while len(tr.undone) > 1 and sum(len(f[0]["step"]) for _, f, _ in tr.undone) > \
                MAX_UNDONE_RECORDS:  # the oldest go first: memory stays bounded
            del tr.undone[0]
        return
    goto(tr, tr.step if tr.phase_index else max(tr.step - 1, 0))


MAX_UNDONE = 20  # changes by hand taken back that Redo can make again...
MAX_UNDONE_RECORDS = 40_000  # ...and the recorded steps kept with them (one history's worth)


def _where(tr: Trainer) -> tuple[int, int, int, int]:
    """What tells that a run is still as an Undo left it (a phase run, a change made or a
    step gone to since, and what Undo took back is no longer what comes next)."""
    return tr.step, tr.phase_index, len(tr.events), tr.history.last_step


def _cut_future(tr: Trainer) -> tuple:
    """``forget_future``, keeping what it drops: the records, keyframes and changes after
    the current step."""
    events = [e for e in tr.events if e[0] > tr.step]
    tr.events = [e for e in tr.events if e[0] <= tr.step]
    return tr.history.cut(tr.step), tr.keyframes.cut(tr.step), events


def _redoable(tr: Trainer) -> bool:
    return bool(tr.undone) and tr.undone[-1][2] == _where(tr)


def can_redo(tr: Trainer) -> bool:
    """Whether ``redo`` goes anywhere: a change by hand Undo just took back, or a
    recorded step ahead (kept until a phase runs from an earlier one)."""
    return _redoable(tr) or tr.step < tr.history.last_step


def redo(tr: Trainer) -> None:
    """Take the last Undo back: the change by hand it took back, made again at the same
    place of the log, with the steps recorded after it (bit for bit the run before the
    Undo); else one recorded step forward."""
    if _redoable(tr):
        (_, kind, payload), (records, keyframes, events), _ = tr.undone.pop()
        tr.apply_change(kind, copy.deepcopy(payload))
        tr.history.paste(records)
        tr.keyframes.paste(keyframes)
        tr.events.extend(events)
    elif tr.step < tr.history.last_step:
        goto(tr, tr.step + 1)


def reset(tr: Trainer) -> None:
    """The initial network again (same seed, same weights), with the history cleared."""
    goto(tr, 0)
    forget_future(tr)
    tr.undone.clear()


def rewind_to(tr: Trainer, step: int) -> None:
    """Go to ``step`` and forget every recorded step after it (e.g. Pause: the steps
    trained ahead of what the screen showed were never seen, so they are dropped)."""
    goto(tr, step)
    forget_future(tr)


def restore_last_good(tr: Trainer) -> None:
    """After divergence: back to the last healthy step (``Divergence.restore``)."""
    goto(tr, tr.diverged.restore if tr.diverged is not None else tr.step)


def forget_future(tr: Trainer) -> None:
    """Drop the history, keyframes and logged changes after the current step (a phase
    run or a change made from an earlier step starts a new future)."""
    tr.history.truncate(tr.step)
    tr.keyframes.truncate(tr.step)
    tr.events = [e for e in tr.events if e[0] <= tr.step]


def fork(tr: Trainer) -> Trainer:
    """An independent copy to try something on (e.g. what the next step will show): it
    shares the data, and copies everything training changes, so running phases on it
    leaves ``tr`` as it was, and gives the very numbers ``tr`` would."""
    other = copy.copy(tr)
    other.net = copy.deepcopy(tr.net)
    other.optimizer = copy.deepcopy(tr.optimizer)
    other.rng = copy.deepcopy(tr.rng)
    other.perm = tr.perm.copy()
    other.history = tr.history.copy()
    other.keyframes = tr.keyframes.copy()
    other.events = list(tr.events)
    other.undone = list(tr.undone)
    other.frozen = set(tr.frozen)
    return other


def ahead(tr: Trainer, see: Callable[[str, Trainer], None]) -> None:
    """What the next phase and the next Step lead to, on one fork of ``tr``: ``see`` is
    called with ("phase", fork) after the next phase and ("step", fork) once that step is
    finished (the same state when the phase was its Update); nothing past a divergence."""
    if tr.diverged is not None:
        return
    with np.errstate(all="ignore"):
        other = fork(tr)
        other.run_phase()
        if other.diverged is not None:
            return
        see("phase", other)
        if other.phase_index != 0:  # the step goes on: finish it on the same fork
            other.finish_step()
            if other.diverged is not None:
                return
        see("step", other)


def before_last_update(tr: Trainer) -> Trainer:
    """A fork holding the state just before the last finished step's update: the weights
    and settings its gradient was computed at, with that step's batch, cache and gradients
    (bit for bit the ones the update applied). Only between steps."""
    if tr.step == 0 or tr.phase_index != 0:
        raise ValueError("there is a last finished step only between steps, after step 0")
    other = fork(tr)
    rewind_to(other, tr.step - 1)  # its Update then takes it to this very state
    with np.errstate(all="ignore"):
        other._forward(record=False)
        other._backward(record=False)
    return other
