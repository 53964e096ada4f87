"""Play's frames made ahead (ui.play_ahead): made in order under the run lock, at most
MAX_AHEAD, never after stop(), dropped for another key, and the thread ends on its own."""

import threading
import time

import pytest

from ui import play_ahead
from ui.play_ahead import Ahead


@pytest.fixture
def enabled(monkeypatch):
    monkeypatch.setattr(play_ahead, "ENABLED", True)


def counter():
    made = []

    def make():
        made.append(len(made))
        return made[-1]
    return made, make


def wait_for(condition, seconds=5.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.005)
    return False


def test_frames_are_made_in_order_up_to_the_cap_and_taken_by_their_key(enabled, monkeypatch):
    monkeypatch.setattr(play_ahead, "MAX_AHEAD", 5)
    ahead, lock = Ahead(), threading.RLock()
    made, make = counter()
    ahead.start("k", make, lock)
    assert wait_for(lambda: len(ahead.frames) == 5)
    time.sleep(0.05)
    assert len(made) == 5  # the cap holds
    assert ahead.take("k", 3) == [0, 1, 2]
    assert wait_for(lambda: len(ahead.frames) == 5)
    assert ahead.take("k", 10) == [3, 4, 5, 6, 7]
    ahead.stop()
    assert ahead.take("other", 10) == [] and not ahead.frames  # another key drops them


def test_no_frame_is_made_after_stop_and_none_while_the_lock_is_held(enabled):
    ahead, lock = Ahead(), threading.RLock()
    made, make = counter()
    with lock:  # a rerun of the session runs: the thread waits for it
        ahead.start("k", make, lock)
        time.sleep(0.05)
        assert made == []
        ahead.stop()  # what every entry of the session does first (session.run_lock)
    time.sleep(0.05)
    assert made == [] and not ahead._thread.is_alive()


def test_the_thread_ends_when_nobody_asks_or_training_stops(enabled, monkeypatch):
    monkeypatch.setattr(play_ahead, "IDLE_S", 0.05)
    ahead, lock = Ahead(), threading.RLock()
    made, make = counter()
    ahead.start("k", make, lock)
    assert wait_for(lambda: not ahead._thread.is_alive())
    ahead.start("k", lambda: None, lock)  # None: diverged, nothing more to make
    assert wait_for(lambda: not ahead._thread.is_alive())

    def broken():
        raise RuntimeError("a bug")
    ahead.start("k", broken, lock)  # the rerun makes its frames itself then
    assert wait_for(lambda: not ahead._thread.is_alive())


def test_off_makes_nothing():
    assert play_ahead.ENABLED is False  # tests/conftest.py: AppTest's runs end where they end
    ahead = Ahead()
    made, make = counter()
    ahead.start("k", make, threading.RLock())
    time.sleep(0.05)
    assert made == [] and ahead._thread is None
