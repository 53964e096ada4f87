"""Play's frames made ahead, while the browser shows the last batch and asks for the next.

Each batch of frames is one rerun of the live view's fragment: the browser asks, the
server trains and sends, the browser shows and asks again. Between sending and the next
ask the server would sit idle (at one epoch per frame on batch size 1, about a third of
the time). Here a thread of the session goes on making frames in that gap, one at a time
under the session's run lock (so never beside a rerun of it) and in its turn
(``fairness.frame_turn``: others' clicks first), until it holds ``MAX_AHEAD`` frames. The
next rerun sends those first.

The frames are the trainer's own states, made by the same code as the rerun's; they stay
valid only for the run and the view they were made for (``key``): anything else drops
them (their steps were trained: the picture skips them, as a Pause skips unseen steps).
Every rerun of the fragment stops the thread first and starts it again at its end, so it
never outlives what made it; it also stops when nobody asked for frames for ``IDLE_S``.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Hashable

ENABLED = True  # AppTest (tests/conftest.py) turns it off: its runs must end where they end
MAX_AHEAD = 30  # frames held at most
IDLE_S = 3.0  # no request for this long: the browser went away (or paused unheard)


class Ahead:
    """One session's frames made ahead, and the thread that makes them."""

    def __init__(self) -> None:
        self.frames: deque = deque()
        self.key: Hashable | None = None
        self.asked = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def stop(self) -> None:
        """The thread makes no frame after the one it is making (the caller holds the
        run lock, so it is making none)."""
        self._stop.set()

    def take(self, key: Hashable, n: int) -> list:
        """Up to ``n`` frames made for ``key`` (any others are dropped)."""
        self.asked = time.monotonic()
        if key != self.key:
            self.frames.clear()
            return []
        return [self.frames.popleft() for _ in range(min(n, len(self.frames)))]

    def start(self, key: Hashable, make_frame: Callable[[], object | None],
              lock: threading.RLock) -> None:
        """Make frames for ``key`` with ``make_frame`` (None: no more, e.g. divergence)
        in a thread, each under ``lock``."""
        self.stop()
        if self.key != key:
            self.frames.clear()
        self.key, self._stop = key, threading.Event()
        if not ENABLED:
            return
        self._thread = threading.Thread(target=self._run, args=(make_frame, lock, self._stop),
                                        name="play-ahead", daemon=True)
        self._thread.start()

    def _run(self, make_frame, lock, stop: threading.Event) -> None:
        while not stop.is_set():
            if time.monotonic() - self.asked > IDLE_S:
                return
            if len(self.frames) >= MAX_AHEAD:
                stop.wait(0.01)
                continue
            with lock:
                if stop.is_set():
                    return
                try:
                    frame = make_frame()
                except Exception:  # noqa: BLE001 - the rerun makes its frames itself then
                    return
                if frame is None:
                    return
                self.frames.append(frame)
