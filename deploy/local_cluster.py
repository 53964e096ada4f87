"""HAProxy and N app replicas as local processes: the balanced set-up on one machine.

    python deploy/local_cluster.py --replicas 2 --port 8600        # until Ctrl-C
    python deploy/local_cluster.py --replicas 3 --port 8080 --bind 0.0.0.0   # for a class

Each replica is ``deploy/serve.sh`` (the very command the image runs) on a free loopback
port; HAProxy runs the configuration of ``deploy/haproxy_cfg.py`` in front of them, with an
admin socket that :meth:`LocalCluster.server_stats` reads. From Python::

    from deploy.local_cluster import LocalCluster
    with LocalCluster(replicas=2) as c:
        c.url, c.replica_urls, c.stats_url
        c.server_session_counts()   # {"r1": 1, "r2": 0}: open connections per replica
        c.kill(0)                   # SIGKILL replica r1 (a crash); c.start_replica(0) again

With ``redis=True`` (the command's default) it also runs a Redis server (deploy/
redis_server.py) and gives every replica its address, so a live class is one class
whichever replica its students land on; ``c.redis.stop()`` / ``.start()`` at will.

Every wait is bounded; ``stop()`` (also on leaving the ``with``) ends every process it
started, and only those; on Linux they also get SIGTERM if the thread that started them
ends first (start a cluster from a thread that outlives it, e.g. the main one).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `deploy` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data_io.class_store import REDIS_URL_ENV  # noqa: E402
from deploy.haproxy_cfg import COOKIE, Replica, render  # noqa: E402
from deploy.redis_server import RedisServer  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
SERVE = REPO_ROOT / "deploy" / "serve.sh"
BACKEND = "replicas"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def find_haproxy() -> str:
    for candidate in (shutil.which("haproxy"), "/usr/sbin/haproxy"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise RuntimeError("haproxy not found: apt-get install -y haproxy")


def healthy(url: str, timeout: float = 2.0) -> bool:
    """Whether ``url``/_stcore/health answers ``ok``."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as resp:
            return resp.status == 200 and resp.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _die_with_parent() -> None:
    """In a child before exec (Linux): get SIGTERM when the thread that started us ends,
    so no replica outlives a Python killed before it could call ``stop()``."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _end(proc: subprocess.Popen | None, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
    """Signal a process we started (its own process group) and wait for it, bounded."""
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=timeout)


class LocalCluster:
    """``replicas`` app processes plus HAProxy, all on this machine.

    ``port`` is the balancer's (0: a free one), ``bind`` its address (loopback unless you
    serve a class from this machine). Replicas always listen on 127.0.0.1 only.
    ``log_dir``: where each process's output goes (default: a temporary folder, removed
    by ``stop()``).
    """

    def __init__(self, replicas: int = 2, port: int = 0, *, bind: str = "127.0.0.1",
                 stats_port: int = 0, log_dir: str | os.PathLike | None = None,
                 start_timeout: float = 60.0, extra_args: tuple[str, ...] = (),
                 redis: bool = False) -> None:
        if replicas < 1:
            raise ValueError("replicas must be at least 1")
        self.count = replicas
        self.bind = bind
        self.port = port or free_port()
        self.stats_port = stats_port or free_port()
        self.start_timeout = start_timeout
        self.extra_args = tuple(extra_args)
        self._own_log_dir = log_dir is None
        self.log_dir = Path(log_dir or tempfile.mkdtemp(prefix="bp-cluster-"))
        self.log_dir.mkdir(parents=True, exist_ok=True)
        # A short path: unix socket paths are limited to ~107 bytes.
        self._sock_dir = Path(tempfile.mkdtemp(prefix="bp-hap-"))
        self.stats_socket = self._sock_dir / "admin.sock"
        self.replica_ports = [free_port() for _ in range(replicas)]
        self._procs: list[subprocess.Popen | None] = [None] * replicas
        self._haproxy: subprocess.Popen | None = None
        self.config_path = self.log_dir / "haproxy.cfg"
        # A live class's state, shared by every replica (BACKPROP_REDIS_URL in their env).
        self.redis = RedisServer(self.log_dir) if redis else None

    # -- addresses ----------------------------------------------------------------------
    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.bind in ("0.0.0.0", "", "*") else self.bind
        return f"http://{host}:{self.port}"

    @property
    def replica_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.replica_ports]

    @property
    def replica_names(self) -> list[str]:
        """HAProxy's server names, which are also the values of the sticky cookie."""
        return [f"r{i}" for i in range(1, self.count + 1)]

    @property
    def stats_url(self) -> str:
        return f"http://127.0.0.1:{self.stats_port}/"

    cookie_name = COOKIE

    # -- life cycle ---------------------------------------------------------------------
    def __enter__(self) -> LocalCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> LocalCluster:
        """Start every replica, wait for their health, then HAProxy, until it sees all up."""
        try:
            if self.redis is not None:
                self.redis.start()
            for i in range(self.count):
                self._spawn_replica(i)
            for i in range(self.count):
                self.wait_replica_healthy(i)
            self._start_haproxy()
            self.wait_until(lambda: set(self.server_status().values()) == {"UP"},
                            self.start_timeout, "HAProxy to see every replica UP")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """End HAProxy and every replica (SIGTERM, then SIGKILL after 10 s)."""
        _end(self._haproxy)
        self._haproxy = None
        for i in range(self.count):
            _end(self._procs[i])
            self._procs[i] = None
        if self.redis is not None:
            self.redis.stop()
        shutil.rmtree(self._sock_dir, ignore_errors=True)
        if self._own_log_dir:
            shutil.rmtree(self.log_dir, ignore_errors=True)

    def _spawn_replica(self, i: int) -> None:
        env = dict(os.environ, PORT=str(self.replica_ports[i]), ADDRESS="127.0.0.1",
                   PYTHON=sys.executable)
        if self.redis is not None:
            env[REDIS_URL_ENV] = self.redis.url
        with open(self.replica_log_path(i), "ab") as log:
            self._procs[i] = subprocess.Popen(
                ["sh", str(SERVE), *self.extra_args], cwd=REPO_ROOT, env=env,
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, preexec_fn=_die_with_parent)

    def _start_haproxy(self) -> None:
        servers = [Replica(name, "127.0.0.1", port)
                   for name, port in zip(self.replica_names, self.replica_ports, strict=True)]
        self.config_path.write_text(render(
            servers, f"{self.bind}:{self.port}", stats=f"127.0.0.1:{self.stats_port}",
            stats_socket=str(self.stats_socket),
            header="Written by deploy/local_cluster.py"))
        with open(self.log_dir / "haproxy.log", "ab") as log:
            # -db: stay in the foreground; -W is not needed for one process.
            self._haproxy = subprocess.Popen(
                [find_haproxy(), "-db", "-f", str(self.config_path)], cwd=self.log_dir,
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, preexec_fn=_die_with_parent)
        self.wait_until(lambda: self.stats_socket.exists() and _port_open(self.port),
                        15, "HAProxy to listen", self._haproxy, self.log_dir / "haproxy.log")

    # -- replicas -----------------------------------------------------------------------
    def _index(self, replica: int | str) -> int:
        return self.replica_names.index(replica) if isinstance(replica, str) else replica

    def replica_log_path(self, replica: int | str) -> Path:
        return self.log_dir / f"replica-{self.replica_names[self._index(replica)]}.log"

    def replica_log(self, replica: int | str) -> str:
        try:
            return self.replica_log_path(replica).read_text(errors="replace")
        except OSError:
            return ""

    def pid(self, replica: int | str) -> int | None:
        proc = self._procs[self._index(replica)]
        return proc.pid if proc is not None and proc.poll() is None else None

    def kill(self, replica: int | str, sig: int = signal.SIGKILL) -> None:
        """Stop a replica at once (SIGKILL: a crash; SIGTERM: a clean stop) and wait."""
        i = self._index(replica)
        _end(self._procs[i], sig)
        self._procs[i] = None

    def start_replica(self, replica: int | str) -> None:
        """(Re)start a stopped replica on its port and wait until it answers health."""
        i = self._index(replica)
        if self.pid(i) is None:
            self._spawn_replica(i)
        self.wait_replica_healthy(i)

    def wait_replica_healthy(self, replica: int | str) -> None:
        i = self._index(replica)
        self.wait_until(lambda: healthy(self.replica_urls[i]), self.start_timeout,
                        f"replica {self.replica_names[i]} to be healthy", self._procs[i],
                        self.replica_log_path(i))

    # -- HAProxy's view -----------------------------------------------------------------
    def _admin(self, command: str, timeout: float = 5.0) -> str:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(str(self.stats_socket))
            s.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def server_stats(self) -> dict[str, dict[str, str]]:
        """HAProxy's ``show stat`` row of each replica: ``status`` (UP/DOWN/...), ``scur``
        (connections open now: one per websocket), ``stot`` (connections so far), ..."""
        text = self._admin("show stat").lstrip("# ")
        rows = csv.DictReader(io.StringIO(text))
        return {r["svname"]: r for r in rows
                if r["pxname"] == BACKEND and r["svname"] not in ("FRONTEND", "BACKEND")}

    def server_session_counts(self) -> dict[str, int]:
        """Connections open now on each replica, e.g. ``{"r1": 1, "r2": 1}``."""
        return {name: int(row["scur"]) for name, row in self.server_stats().items()}

    def server_status(self) -> dict[str, str]:
        """Each replica's state as HAProxy's health checks see it (``UP``, ``DOWN``...)."""
        return {name: row["status"] for name, row in self.server_stats().items()}

    # -- waiting ------------------------------------------------------------------------
    def wait_until(self, condition: Callable[[], bool], timeout: float,
                   what: str | Callable[[], str], proc: subprocess.Popen | None = None,
                   log: Path | None = None) -> None:
        """Poll ``condition`` every 0.2 s for at most ``timeout`` s; raise if it never
        holds or ``proc`` exits first, saying ``what`` (a text, or a function giving one
        at that moment) and the end of ``log``."""
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError):
                if condition():
                    return
            tail = ""
            if callable(what):
                what = what()
            if log is not None and log.exists():
                tail = "\n" + log.read_text(errors="replace")[-3000:]
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"exited (code {proc.returncode}) waiting for {what}{tail}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {what} after {timeout:.0f} s{tail}")
            time.sleep(0.2)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="HAProxy + N app replicas on this machine, "
                                            "until Ctrl-C.")
    p.add_argument("--replicas", type=int, default=2)
    p.add_argument("--port", type=int, default=8600, help="the balancer's port (8600)")
    p.add_argument("--bind", default="127.0.0.1",
                   help="the balancer's address (127.0.0.1; 0.0.0.0 to serve a class)")
    p.add_argument("--stats-port", type=int, default=0,
                   help="port of the stats page on 127.0.0.1 (a free one)")
    p.add_argument("--no-redis", action="store_true",
                   help="no Redis: each replica keeps its own live classes")
    a = p.parse_args(argv)
    state = {"started": False, "stop": False}

    def on_signal(signum, frame) -> None:
        state["stop"] = True
        if not state["started"]:
            raise KeyboardInterrupt  # while starting: LocalCluster.start() cleans up

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    cluster = LocalCluster(replicas=a.replicas, port=a.port, bind=a.bind,
                           stats_port=a.stats_port, redis=not a.no_redis)
    with cluster:
        state["started"] = True
        print(f"Balancer: {cluster.url}  (bound to {a.bind}:{a.port})", flush=True)
        print(f"Stats:    {cluster.stats_url}", flush=True)
        for name, url in zip(cluster.replica_names, cluster.replica_urls, strict=True):
            print(f"Replica {name}: {url}", flush=True)
        if cluster.redis is not None:
            print(f"Redis:    {cluster.redis.url}  (live classes, shared)", flush=True)
        print(f"Logs:     {cluster.log_dir}  (Ctrl-C stops everything)", flush=True)
        while not state["stop"]:
            time.sleep(0.5)
        print("Stopping...", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
