"""A trainer's whole state at a step boundary, and its JSON form in a session file.

A ``Snapshot`` is a full copy of everything a step depends on (parameters, optimizer
state, RNG state, batch position, settings): restored into a trainer, training goes on
bit for bit as from the step it was taken at. It reads itself from a session file field
by field, refusing a bad one by name.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
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
