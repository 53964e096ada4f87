"""Stop conditions for Play: until an epoch, a training loss or an accuracy is reached.

Checked after every step, so Play stops on the very step that reaches the target.
"""

from __future__ import annotations

from dataclasses import dataclass

STOPS = {"none": "never (until Pause)", "epoch": "epochs done ≥",
         "loss": "train loss ≤", "accuracy": "train accuracy ≥"}


@dataclass(frozen=True)
class StopCondition:
    """``kind`` one of STOPS; ``value`` epochs (a whole number), a loss, or an accuracy in
    [0, 1]. The loss is the data loss over the training set (as the metrics row shows it,
    without an L1/L2 penalty)."""

    kind: str = "none"
    value: float = 0.0

    def __post_init__(self):
        if self.kind not in STOPS:
            raise ValueError(f"stop condition: one of {list(STOPS)}")
        if self.kind == "accuracy" and not 0 <= self.value <= 1:
            raise ValueError("stop condition: an accuracy is in [0, 1]")
        if self.value < 0:
            raise ValueError("stop condition: the target cannot be negative")

    @property
    def active(self) -> bool:
        return self.kind != "none"

    def reached(self, tr) -> bool:
        """Whether trainer ``tr`` has reached the target at its current step."""
        if self.kind == "epoch":
            return tr.epoch >= self.value
        rec = tr.history[tr.step]
        if self.kind == "loss":
            return rec.train_loss <= self.value
        if self.kind == "accuracy":
            return rec.train_accuracy is not None and rec.train_accuracy >= self.value
        return False

    def message(self, tr) -> str:
        what = {"epoch": f"{tr.epoch} epochs done",
                "loss": f"train loss {tr.history[tr.step].train_loss:.4g} ≤ {self.value:g}",
                "accuracy": f"train accuracy {tr.history[tr.step].train_accuracy or 0:.1%} "
                            f"≥ {self.value:.1%}"}.get(self.kind, "")
        return f"Play stopped at step {tr.step:,}: {what}."
