"""Write an HAProxy configuration for N app replicas behind one sticky balancer.

    python deploy/haproxy_cfg.py --replicas 2 --base-port 8501 --listen 8080 > haproxy.cfg
    python deploy/haproxy_cfg.py --compose --replicas 2 > deploy/haproxy.compose.cfg

Loopback (default): replica i listens on 127.0.0.1:(base-port + i - 1). Compose: replica i is
the compose service ``app<i>`` on port 8501, found through Docker's DNS.
``deploy/haproxy.cfg`` and ``deploy/haproxy.compose.cfg`` are this script's output for two
replicas (a test checks that they are).

Why each setting (HAProxy 2.6 and later):
- ``cookie BPSRV insert indirect nocache``: the first response names the replica in a cookie;
  the page, its uploads (which must reach the replica holding the session) and its websocket
  then stay there. ``leastconn``: a new browser goes to the replica with the fewest open
  connections, i.e. the fewest open tabs, since every tab holds one websocket.
- Health checks ``GET /_stcore/health``; ``observe layer4`` marks a replica down at its first
  refused connection, not only after the next failed checks.
- ``option redispatch 1`` + ``retries 3``: a browser whose cookie names a dead replica is
  sent to a live one (and gets a new cookie), so Streamlit's automatic reconnect lands on a
  live server; the app then says "Reconnected to another server".
- ``timeout tunnel 1h``: once upgraded, a websocket is a tunnel and stays on its replica; an
  idle tab keeps it alive with Streamlit's 30 s pings. No ``option http-server-close``:
  HAProxy's default keep-alive mode handles the upgrade.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

COOKIE = "BPSRV"
APP_PORT = 8501


@dataclass(frozen=True)
class Replica:
    name: str  # server name in HAProxy's stats, and the cookie's value
    host: str
    port: int


def loopback_replicas(count: int, base_port: int, host: str = "127.0.0.1") -> list[Replica]:
    return [Replica(f"r{i}", host, base_port + i - 1) for i in range(1, count + 1)]


def compose_replicas(count: int) -> list[Replica]:
    return [Replica(f"r{i}", f"app{i}", APP_PORT) for i in range(1, count + 1)]


def render(replicas: list[Replica], listen: str, *, stats: str | None = None,
           stats_socket: str | None = None, docker_dns: bool = False,
           header: str = "") -> str:
    """The configuration text. ``listen`` and ``stats`` are HAProxy bind addresses
    (``127.0.0.1:8080``, ``:8080``); ``stats_socket`` a path for the admin socket."""
    if not replicas:
        raise ValueError("at least one replica")
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    lines += ["global", "    maxconn 4096"]
    if stats_socket:
        lines.append(f"    stats socket {stats_socket} mode 600 level admin")
    lines += [
        "",
        "defaults",
        "    mode http",
        "    option forwardfor",
        "    timeout connect 5s",
        "    timeout client 60s",
        "    timeout server 60s",
        "    timeout http-request 10s",
        "    timeout http-keep-alive 10s",
        "    timeout queue 30s",
        "    # A websocket, once upgraded, is a tunnel: it lives on its replica this long idle.",
        "    timeout tunnel 1h",
        "    timeout client-fin 10s",
        "    timeout server-fin 10s",
        "    # A refused connection is retried on another replica (redispatch at every retry).",
        "    retries 3",
        "    option redispatch 1",
    ]
    if docker_dns:
        lines += [
            "",
            "# Docker's embedded DNS: replicas are compose services, re-resolved if restarted.",
            "resolvers docker",
            "    nameserver dns 127.0.0.11:53",
            "    hold valid 10s",
        ]
    lines += [
        "",
        "frontend app",
        f"    bind {listen}",
        "    default_backend replicas",
        "",
        "backend replicas",
        "    balance leastconn",
        f"    cookie {COOKIE} insert indirect nocache httponly attr SameSite=Lax",
        "    option httpchk",
        "    http-check send meth GET uri /_stcore/health",
        "    http-check expect status 200",
    ]
    default_server = ("    default-server check inter 2s fall 2 rise 2"
                      " observe layer4 error-limit 1 on-error mark-down")
    if docker_dns:
        default_server += " resolvers docker init-addr last,libc,none"
    lines.append(default_server)
    lines += [f"    server {r.name} {r.host}:{r.port} cookie {r.name}" for r in replicas]
    if stats:
        lines += [
            "",
            "listen stats",
            f"    bind {stats}",
            "    stats enable",
            "    stats uri /",
            "    stats refresh 5s",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--replicas", type=int, default=2)
    p.add_argument("--base-port", type=int, default=APP_PORT,
                   help="first replica's port on loopback (default 8501)")
    p.add_argument("--listen", default="8080",
                   help="port (or ADDR:PORT) the balancer serves on (default 8080, all "
                        "interfaces)")
    p.add_argument("--stats", default="127.0.0.1:8404",
                   help="ADDR:PORT of the stats page, '' for none (default 127.0.0.1:8404)")
    p.add_argument("--stats-socket", default="", help="path of an admin socket (none)")
    p.add_argument("--compose", action="store_true",
                   help="replicas are compose services app1..appN on port 8501")
    a = p.parse_args(argv)
    if a.replicas < 1:
        p.error("--replicas must be at least 1")
    listen = a.listen if ":" in a.listen else f":{a.listen}"
    if a.compose:
        replicas = compose_replicas(a.replicas)
        # Inside the container the stats page listens on all interfaces; compose.yaml
        # publishes it on the host's loopback only.
        stats = a.stats.replace("127.0.0.1", "") if a.stats else None
    else:
        replicas = loopback_replicas(a.replicas, a.base_port)
        stats = a.stats or None
    argv_text = " ".join(sys.argv[1:] if argv is None else argv)
    header = f"Generated by: python deploy/haproxy_cfg.py {argv_text}".rstrip()
    sys.stdout.write(render(replicas, listen, stats=stats, stats_socket=a.stats_socket or None,
                            docker_dns=a.compose, header=header))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
