"""The snapshots a rewind starts from: step 0's, then one every ``interval`` steps. When
they exceed ``max_count``, every other one is dropped and the interval doubles, so memory
stays bounded for any run length while a replay never exceeds one interval of steps."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from .snapshot import Snapshot


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
