"""Per-step training records, stored as columns so charts read them without copying."""

from __future__ import annotations

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
)


@dataclass
class StepRecord:
    """What one finished step leaves behind.

    ``step`` counts finished steps (the record for step 0 describes the initial network and
    has no batch, gradients or updates). Losses are data losses with the trainer's reduction;
    ``penalty`` is the regularisation term added to them. Per-layer norms are
    ‖(∂C/∂W, ∂C/∂b)‖, ‖(ΔW, Δb)‖ and ‖(W, b)‖ after the update. Missing values are None.
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


@dataclass
class History:
    """Column lists, one entry per recorded step (index k holds step k)."""

    columns: dict[str, list] = field(default_factory=lambda: {c: [] for c in COLUMNS})

    def append(self, record: StepRecord) -> None:
        if record.step != len(self):
            raise ValueError(f"history expects step {len(self)}, got {record.step}")
        for name in COLUMNS:
            self.columns[name].append(getattr(record, name))

    def __len__(self) -> int:
        return len(self.columns["step"])

    def __getitem__(self, step: int) -> StepRecord:
        return StepRecord(**{c: self.columns[c][step] for c in COLUMNS})

    @property
    def last_step(self) -> int:
        return len(self) - 1

    def truncate(self, last_step: int) -> None:
        """Forget every record after ``last_step``."""
        for values in self.columns.values():
            del values[last_step + 1 :]

    def to_dict(self) -> dict[str, list]:
        return {c: [list(v) if isinstance(v, tuple) else v for v in vals]
                for c, vals in self.columns.items()}

    @classmethod
    def from_dict(cls, data: dict[str, list]) -> History:
        history = cls()
        n = len(data["step"])
        for c in COLUMNS:
            if len(data[c]) != n:
                raise ValueError(f"history column {c!r} has {len(data[c])} entries, expected {n}")
        for k in range(n):
            values = {c: data[c][k] for c in COLUMNS}
            for c in ("grad_norms", "update_norms", "weight_norms"):
                if values[c] is not None:
                    values[c] = tuple(values[c])
            history.append(StepRecord(**values))
        return history
