"""Per-step training records, stored as columns so charts read them without copying."""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

COLUMNS = (
    "step",
    "epoch",
    "batch_loss",
    "train_loss",
    "test_loss",
    "train_accuracy",
    "test_accuracy",
    "penalty",
    "grad_norms",
    "update_norms",
    "weight_norms",
    "grad_w_norms",
    "update_w_norms",
    "weight_w_norms",
)
# Per-layer columns: a tuple of one number per weight layer, or None.
LAYER_COLUMNS = ("grad_norms", "update_norms", "weight_norms", "grad_w_norms",
                 "update_w_norms", "weight_w_norms")
# Weights-only norms, recorded since they were added: histories saved before have none
# (None in every record), and a record may lack them where the others are present.
OPTIONAL_COLUMNS = ("grad_w_norms", "update_w_norms", "weight_w_norms")


@dataclass
class StepRecord:
    """What one finished step leaves behind.

    ``step`` counts finished steps (the record for step 0 describes the initial network and
    has no batch, gradients or updates). Losses are data losses with the trainer's reduction;
    ``penalty`` is the regularisation term added to them. Per-layer norms (one number per
    weight layer): ``grad_norms``, ``update_norms``, ``weight_norms`` are of weights and
    biases together, ‖(∂C/∂W, ∂C/∂b)‖, ‖(ΔW, Δb)‖ and ‖(W, b)‖ after the update; the
    ``*_w_norms`` are of the weights alone, ‖∂C/∂W‖, ‖ΔW‖ and ‖W‖. Missing values are None
    (the weights-only norms also in records read from files saved before they existed).
    """

    step: int
    epoch: int
    batch_loss: float | None
    train_loss: float
    test_loss: float | None
    train_accuracy: float | None
    test_accuracy: float | None
    penalty: float
    grad_norms: tuple[float, ...] | None
    update_norms: tuple[float, ...] | None
    weight_norms: tuple[float, ...]
    grad_w_norms: tuple[float, ...] | None = None
    update_w_norms: tuple[float, ...] | None = None
    weight_w_norms: tuple[float, ...] | None = None


class PerLayer:
    """A column of per-layer rows (a tuple of ``width`` floats, or None), kept in one flat
    float64 array: 8 bytes a number instead of ~32 for a float object in a tuple, so the six
    norm columns cost 144 bytes a record at 3 layers (as tuples: ~860): a full history is
    smaller with them (15 MB) than it was with three columns of tuples (26 MB).

    Behaves as the list of rows it stands for: indexing gives a tuple or None, a slice or
    iteration the rows, and append / insert / item assignment / ``del col[k:]`` take rows.
    Values come back bit for bit as they went in.
    """

    __slots__ = ("width", "_values", "_present")

    def __init__(self, rows: Iterable = ()):
        self.width = 0  # numbers per row, fixed by the first row that is not None
        self._values = array("d")
        self._present = bytearray()
        for row in rows:
            self.append(row)

    def _numbers(self, row) -> array:
        if row is None:
            return array("d", [math.nan] * self.width)
        numbers = array("d", row)
        if not self.width:  # the first row: rows of None before it get their NaNs now
            self.width = len(numbers)
            self._values = array("d", [math.nan] * (self.width * len(self._present)))
        if len(numbers) != self.width:
            raise ValueError(f"expected {self.width} numbers per row, got {len(numbers)}")
        return numbers

    def append(self, row) -> None:
        if row is not None and len(row) == self.width:  # every step's case, kept quick
            self._values.extend(row)
            self._present.append(True)
            return
        numbers = self._numbers(row)  # first: it may set the width and fill earlier rows
        self._values += numbers
        self._present.append(row is not None)

    def insert(self, at: int, row) -> None:
        at = min(at, len(self))
        numbers = self._numbers(row)
        self._values[at * self.width:at * self.width] = numbers
        self._present.insert(at, row is not None)

    def _row(self, k: int) -> tuple[float, ...] | None:
        if not self._present[k]:
            return None
        return tuple(self._values[k * self.width:(k + 1) * self.width])

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self._row(i) for i in range(*k.indices(len(self)))]
        return self._row(range(len(self))[k])

    def __setitem__(self, k: int, row) -> None:
        k = range(len(self))[k]
        numbers = self._numbers(row)
        self._values[k * self.width:(k + 1) * self.width] = numbers
        self._present[k] = row is not None

    def __delitem__(self, k: slice) -> None:
        start, stop, step = k.indices(len(self))
        if step != 1:
            raise ValueError("only a contiguous range of rows can be deleted")
        del self._values[start * self.width:max(stop, start) * self.width]
        del self._present[start:stop]

    def __len__(self) -> int:
        return len(self._present)

    def __iter__(self):
        return (self._row(k) for k in range(len(self)))

    def __eq__(self, other) -> bool:
        return list(self) == list(other)

    def copy(self) -> PerLayer:
        new = PerLayer()
        new.width, new._values, new._present = self.width, array("d", self._values), \
            bytearray(self._present)
        return new

    def __repr__(self) -> str:
        return f"PerLayer({list(self)!r})"


def _empty_columns() -> dict:
    return {c: PerLayer() if c in LAYER_COLUMNS else [] for c in COLUMNS}


RECENT = 20_000  # the latest steps are always all kept
MAX_RECORDS = 40_000  # beyond this, older steps are thinned (memory: ~0.4 KB a record
# at 3 weight layers, ~0.6 KB at 7, the six norm columns 8 bytes a number)


@dataclass
class History:
    """Column lists, one entry per recorded step, in step order.

    Every step is recorded as it finishes. A long run keeps all of its last ``RECENT``
    steps and, before them, every step on a grid that doubles (every 2nd, 4th, ...) as
    the run grows, so a session's history never holds more than ``MAX_RECORDS`` records
    (15 MB at the default 3 weight layers, 23 MB at 7; measured with ``sys.getsizeof``)
    however long it plays, like the keyframes. A thinned-out step can still
    be gone to exactly (the trainer replays it from a keyframe and records it again); the
    loss curves show the recorded steps, each value exact.
    """

    columns: dict[str, list] = field(default_factory=_empty_columns)
    stride: int = 1  # older steps kept: those on this grid

    def append(self, record: StepRecord) -> None:
        """The step after the last one recorded."""
        if record.step != self.last_step + 1:
            raise ValueError(f"history expects step {self.last_step + 1}, got {record.step}")
        self._push(record)
        if len(self) > MAX_RECORDS:
            self._thin()

    def _push(self, record: StepRecord) -> None:
        for name in COLUMNS:
            self.columns[name].append(getattr(record, name))

    def _thin(self) -> None:
        """Double the grid of older steps until the records fit again."""
        steps = self.columns["step"]
        recent_from = steps[-1] - RECENT
        while len(self) > MAX_RECORDS:
            self.stride *= 2
            keep = [k for k, s in enumerate(steps)
                    if s == 0 or s > recent_from or s % self.stride == 0]
            self.columns = {c: type(v)(v[k] for k in keep)
                            for c, v in self.columns.items()}
            steps = self.columns["step"]

    def extend(self, records: Iterable[StepRecord]) -> None:
        """Steps after the last one recorded, in order, with gaps where some are not
        (another trainer's records of steps this one did not train: ``catch_up``)."""
        for record in records:
            if record.step <= self.last_step:
                raise ValueError(f"history expects a step after {self.last_step}, "
                                 f"got {record.step}")
            self._push(record)
        if len(self) > MAX_RECORDS:
            self._thin()

    def insert(self, record: StepRecord) -> None:
        """A step gone to again (after thinning had dropped it), in its place."""
        steps = self.columns["step"]
        at = bisect_left(steps, record.step)
        if at < len(steps) and steps[at] == record.step:
            return
        for name in COLUMNS:
            self.columns[name].insert(at, getattr(record, name))

    def replace_last(self, record: StepRecord) -> None:
        """The last step's record again, for the same step (its weights or data changed
        after it finished: an edit, a drawn point)."""
        if record.step != self.last_step:
            raise ValueError(f"history's last step is {self.last_step}, got {record.step}")
        for name in COLUMNS:
            self.columns[name][-1] = getattr(record, name)

    def __len__(self) -> int:
        return len(self.columns["step"])

    def _position(self, step: int) -> int | None:
        steps = self.columns["step"]
        at = bisect_left(steps, step)
        return at if at < len(steps) and steps[at] == step else None

    def __contains__(self, step: int) -> bool:
        return self._position(step) is not None

    def __getitem__(self, step: int) -> StepRecord:
        at = self._position(step)
        if at is None:
            raise KeyError(f"step {step} is not recorded")
        return StepRecord(**{c: self.columns[c][at] for c in COLUMNS})

    @property
    def last_step(self) -> int:
        steps = self.columns["step"]
        return steps[-1] if steps else -1

    def upto(self, column: str, last_step: int) -> list:
        """A column's values for the recorded steps up to ``last_step``."""
        return self.columns[column][: bisect_right(self.columns["step"], last_step)]

    def truncate(self, last_step: int) -> None:
        """Forget every record after ``last_step``."""
        keep = bisect_right(self.columns["step"], last_step)
        for values in self.columns.values():
            del values[keep:]

    def cut(self, last_step: int) -> dict[str, list]:
        """``truncate``, handing back the records it forgets (``paste`` puts them back)."""
        keep = bisect_right(self.columns["step"], last_step)
        tail = {c: list(values[keep:]) for c, values in self.columns.items()}
        self.truncate(last_step)
        return tail

    def paste(self, tail: dict[str, list]) -> None:
        """Put back what ``cut`` handed back, when nothing was recorded since."""
        for c, rows in tail.items():
            for row in rows:
                self.columns[c].append(row)

    def copy(self) -> History:
        return History({k: v.copy() for k, v in self.columns.items()}, self.stride)

    def to_dict(self) -> dict[str, list]:
        return {c: [list(v) if isinstance(v, tuple) else v for v in vals]
                for c, vals in self.columns.items()}

    @classmethod
    def from_dict(cls, data: dict[str, list]) -> History:
        """Columns as ``to_dict`` wrote them: steps from 0, increasing (gaps where a long
        run was thinned). An ``OPTIONAL_COLUMNS`` column may be missing (saved before it
        existed): None in every record."""
        records = records_from_dict(data)
        if records and records[0].step != 0:
            raise ValueError(f"history steps must start at 0, got {records[0].step}")
        history = cls()
        for record in records:
            history._push(record)
        return history


def records_to_dict(records: Iterable[StepRecord]) -> dict[str, list]:
    """Records as columns, in ``History.to_dict``'s form."""
    records = list(records)
    return {c: [list(v) if isinstance(v, tuple) else v
                for v in (getattr(r, c) for r in records)] for c in COLUMNS}


def records_from_dict(data: dict[str, list]) -> list[StepRecord]:
    """The records of columns as ``History.to_dict`` writes them (of all steps or some),
    steps increasing; an ``OPTIONAL_COLUMNS`` column may be missing: None in each."""
    n = len(data["step"])
    data = {**{c: [None] * n for c in OPTIONAL_COLUMNS}, **data}
    for c in COLUMNS:
        if len(data[c]) != n:
            raise ValueError(f"history column {c!r} has {len(data[c])} entries, expected {n}")
    records: list[StepRecord] = []
    for k in range(n):
        values = {c: data[c][k] for c in COLUMNS}
        for c in LAYER_COLUMNS:
            if values[c] is not None:
                values[c] = tuple(values[c])
        if records and values["step"] <= records[-1].step:
            raise ValueError(f"history steps must increase, got {values['step']} after "
                             f"{records[-1].step}")
        records.append(StepRecord(**values))
    return records
