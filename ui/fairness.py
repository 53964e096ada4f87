"""Sharing one server process fairly: what a user clicks goes first, Play's frames take
turns.

Streamlit runs each session's script in a thread of one process, and Python runs one
thread at a time. Left alone, every playing session's thread competes for that one lock
with every Step click, so with five sessions playing a 40 ms Step took 240 ms. Here:
- interactive runs (page loads, Step, phases, settings; anything but making Play's frames)
  mark themselves while they run;
- a frame of Play is made only when no interactive run is waiting (or after at most
  ``MAX_YIELD_S``, so Play never stops), and one session's frame at a time, so playing
  sessions take turns frame by frame and slow down evenly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

MAX_YIELD_S = 0.25  # the longest a frame waits for interactive work to finish
_POLL_S = 0.002

_frames = threading.Lock()  # one frame of Play being made at a time
_count = threading.Lock()  # guards _interactive
_interactive = 0  # interactive runs in progress, process-wide
_local = threading.local()  # this thread's nesting of interactive()


@contextmanager
def interactive() -> Iterator[None]:
    """Around work a user is waiting for (re-entrant within a thread)."""
    global _interactive
    depth = getattr(_local, "depth", 0)
    _local.depth = depth + 1
    if depth == 0:
        with _count:
            _interactive += 1
    try:
        yield
    finally:
        _local.depth = depth
        if depth == 0:
            with _count:
                _interactive -= 1


def others_interacting() -> bool:
    mine = 1 if getattr(_local, "depth", 0) else 0
    return _interactive - mine > 0


@contextmanager
def frame_turn() -> Iterator[None]:
    """Around making one frame of Play: after others' clicks, one session at a time.
    Inside an interactive run (Play's first frames, a page load) it does not wait."""
    if getattr(_local, "depth", 0):
        yield
        return
    deadline = time.perf_counter() + MAX_YIELD_S
    while others_interacting() and time.perf_counter() < deadline:
        time.sleep(_POLL_S)  # sleeping releases the interpreter to the clicked run
    with _frames:
        yield
