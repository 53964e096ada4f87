"""Where a live class lives: one small interface, two stores.

- ``MemoryStore``: the classes of this process (the default: ``streamlit run app.py``).
- ``RedisStore``: a Redis server every replica shares (``BACKPROP_REDIS_URL`` set, e.g.
  ``redis://127.0.0.1:6379/0``), so the students of one class may land on any replica.

A store keeps texts (JSON, written by ``live_class``) under string keys, and hashes of
texts (a question's answers: one field per student); everything expires after its time to
live, renewed when written. ``StoreDown`` says the store cannot be reached now (Redis gone
away); callers keep what they have and try again later.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Protocol

REDIS_URL_ENV = "BACKPROP_REDIS_URL"
TIMEOUT_S = 0.5  # a store that does not answer within this is down for this call


class StoreDown(RuntimeError):
    """The class store cannot be reached now."""


class ClassStore(Protocol):
    def get(self, key: str) -> str | None: ...
    def get_many(self, *keys: str) -> list[str | None]: ...
    def put(self, key: str, value: str, ttl_s: int) -> None: ...
    def put_new(self, key: str, value: str, ttl_s: int) -> bool: ...
    def incr(self, key: str, ttl_s: int) -> int: ...
    def hset(self, key: str, field: str, value: str, ttl_s: int) -> int: ...
    def hgetall(self, key: str) -> dict[str, str]: ...
    def delete(self, *keys: str) -> None: ...


class MemoryStore:
    """The store of one process: a dict guarded by a lock; ``clock`` for tests."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock, self._lock = clock, threading.Lock()
        self._data: dict[str, tuple[object, float]] = {}

    def _live(self, key: str):
        item = self._data.get(key)
        if item is None:
            return None
        if item[1] <= self._clock():
            del self._data[key]
            return None
        return item[0]

    def get(self, key: str) -> str | None:
        with self._lock:
            value = self._live(key)
            return value if isinstance(value, str) else None

    def get_many(self, *keys: str) -> list[str | None]:
        return [self.get(k) for k in keys]

    def put(self, key: str, value: str, ttl_s: int) -> None:
        with self._lock:
            self._data[key] = (str(value), self._clock() + ttl_s)

    def put_new(self, key: str, value: str, ttl_s: int) -> bool:
        with self._lock:
            if self._live(key) is not None:
                return False
            self._data[key] = (str(value), self._clock() + ttl_s)
            return True

    def incr(self, key: str, ttl_s: int) -> int:
        """The counter at ``key`` plus one; a new counter lives ``ttl_s`` from now."""
        with self._lock:
            value = self._live(key)
            if value is None:
                self._data[key] = ("1", self._clock() + ttl_s)
                return 1
            n = int(value) + 1
            self._data[key] = (str(n), self._data[key][1])
            return n

    def hset(self, key: str, field: str, value: str, ttl_s: int) -> int:
        """Set one field of the hash at ``key``; returns how many fields it has."""
        with self._lock:
            fields = self._live(key)
            fields = dict(fields) if isinstance(fields, dict) else {}
            fields[str(field)] = str(value)
            self._data[key] = (fields, self._clock() + ttl_s)
            return len(fields)

    def hgetall(self, key: str) -> dict[str, str]:
        with self._lock:
            fields = self._live(key)
            return dict(fields) if isinstance(fields, dict) else {}

    def delete(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._data.pop(key, None)


class RedisStore:
    """The store on a Redis server (the ``redis`` client; every call within TIMEOUT_S)."""

    def __init__(self, url: str, prefix: str = "bp:"):
        import redis  # only a deployment with Redis needs the client

        self._redis = redis.Redis.from_url(url, socket_timeout=TIMEOUT_S,
                                           socket_connect_timeout=TIMEOUT_S,
                                           decode_responses=True)
        self._errors = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
        self._prefix = prefix

    def _call(self, fn: Callable):
        try:
            return fn(self._redis)
        except self._errors as exc:
            raise StoreDown(f"the class store does not answer ({type(exc).__name__})") \
                from None

    def get(self, key: str) -> str | None:
        return self._call(lambda r: r.get(self._prefix + key))

    def get_many(self, *keys: str) -> list[str | None]:
        """Several keys in one round trip (a student's look: the screen and the question)."""
        return list(self._call(lambda r: r.mget([self._prefix + k for k in keys])))

    def put(self, key: str, value: str, ttl_s: int) -> None:
        self._call(lambda r: r.set(self._prefix + key, value, ex=ttl_s))

    def put_new(self, key: str, value: str, ttl_s: int) -> bool:
        return bool(self._call(lambda r: r.set(self._prefix + key, value, ex=ttl_s, nx=True)))

    def incr(self, key: str, ttl_s: int) -> int:
        def run(r):
            pipe = r.pipeline()
            pipe.incr(self._prefix + key)
            pipe.expire(self._prefix + key, ttl_s, nx=True)  # a new counter's life only
            return pipe.execute()[0]
        return int(self._call(run))

    def hset(self, key: str, field: str, value: str, ttl_s: int) -> int:
        def run(r):
            pipe = r.pipeline()
            pipe.hset(self._prefix + key, field, value)
            pipe.expire(self._prefix + key, ttl_s)
            pipe.hlen(self._prefix + key)
            return pipe.execute()[2]
        return int(self._call(run))

    def hgetall(self, key: str) -> dict[str, str]:
        return dict(self._call(lambda r: r.hgetall(self._prefix + key)))

    def delete(self, *keys: str) -> None:
        if keys:
            self._call(lambda r: r.delete(*(self._prefix + k for k in keys)))


def store_from_env(env: dict | None = None) -> ClassStore:
    """RedisStore when ``BACKPROP_REDIS_URL`` is set, else a MemoryStore."""
    url = (env if env is not None else os.environ).get(REDIS_URL_ENV, "").strip()
    return RedisStore(url) if url else MemoryStore()
