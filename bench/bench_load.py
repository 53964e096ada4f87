"""A class on one machine: N protocol-level sessions (no browsers) against the balancer
and its replicas on loopback; some play, the others click Step every few seconds.

    python bench/bench_load.py                       # 1 replica, then 2: 30 sessions each
    python bench/bench_load.py --replicas 2 --sessions 30 --playing 10 --seconds 40
    python bench/bench_load.py --link-steps 100000   # plus one visitor opening such a link
    python bench/bench_load.py --soak 600 --playing 1   # RSS of a playing session, 10 min

Prints per-session frames/s, Step latency p50/p95 (per session and overall), server CPU
and RSS per replica, bytes per frame, errors. Everything is bounded in count and time and
talks to 127.0.0.1 only (deploy/local_cluster.py starts HAProxy and the replicas).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.protocol_client import Session, play_for  # noqa: E402
from deploy.local_cluster import LocalCluster  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


@dataclass
class Tally:
    steps: dict[int, list[float]] = field(default_factory=dict)  # session -> latencies
    fps: dict[int, float] = field(default_factory=dict)
    bytes_per_frame: list[float] = field(default_factory=list)
    batches: list[tuple[float, float]] = field(default_factory=list)  # frames, seconds
    errors: list[str] = field(default_factory=list)
    link: dict = field(default_factory=dict)


async def stepper(k: int, url: str, every: float, until: float, tally: Tally) -> None:
    s = Session(url)
    try:
        await s.connect()
        await asyncio.sleep(random.uniform(0, every))  # not all in step
        lat = tally.steps.setdefault(k, [])
        while time.perf_counter() < until:
            t = time.perf_counter()
            run = await s.step()  # a click on the stepping bar: its log of clicks
            lat.append(run.seconds)
            if run.step is None:
                tally.errors.append(f"session {k}: a Step rerun brought no frame")
            await asyncio.sleep(max(0.0, every - (time.perf_counter() - t)))
        tally.errors += [f"session {k}: {e}" for e in s.errors]
    except Exception as exc:  # a lost session is a result, not a crash of the bench
        tally.errors.append(f"session {k}: {type(exc).__name__}: {exc}")
    finally:
        await s.close()


async def player(k: int, url: str, seconds: float, tally: Tally) -> None:
    s = Session(url)
    try:
        await s.connect()
        got = await play_for(s, seconds, play_id=1000 + k)
        tally.fps[k] = got["fps"]
        tally.bytes_per_frame.append(got["bytes_per_frame"])
        tally.batches.append((got["frames_per_batch"], got["batch_seconds"]))
        tally.errors += [f"session {k}: {e}" for e in s.errors]
    except Exception as exc:
        tally.errors.append(f"session {k}: {type(exc).__name__}: {exc}")
        tally.fps[k] = 0.0
    finally:
        await s.close()


async def link_visitor(url: str, steps: int, seconds: float, tally: Tally) -> None:
    """Opens a share link asking for ``steps`` steps: the live view plays up to it in
    slices; here the client asks for slice after slice as the browser would."""
    s = Session(url, query=f"step={steps}")
    try:
        first = await s.connect()
        t0, seq, last = time.perf_counter(), 0, first.step or 0
        while time.perf_counter() - t0 < seconds:
            seq += 1
            run = await s.want(0, 30, seq)  # the link's play id is the session's own
            last = (s.last_header or {}).get("frames", [{}])[-1].get("step", last)
            if not run.playing:
                break
        tally.link = {"reached": last, "of": steps, "seconds": time.perf_counter() - t0}
    except Exception as exc:
        tally.errors.append(f"link: {type(exc).__name__}: {exc}")
    finally:
        await s.close()


async def run_class(url: str, n_sessions: int, n_playing: int, every: float, seconds: float,
                    link_steps: int) -> Tally:
    tally, until = Tally(), time.perf_counter() + seconds + 3
    tasks = [player(k, url, seconds, tally) for k in range(n_playing)]
    tasks += [stepper(k, url, every, until, tally) for k in range(n_playing, n_sessions)]
    if link_steps:
        tasks.append(link_visitor(url, link_steps, seconds, tally))
    await asyncio.gather(*tasks)
    return tally


def measure(replicas: int, args) -> dict:
    with LocalCluster(replicas=replicas) as cluster:
        pids = [cluster.pid(i) for i in range(replicas)]
        asyncio.run(run_class(cluster.url, 2, 1, 1.0, 3, 0))  # warm up (imports, caches)
        cpu0, t0 = [cpu_seconds(p) for p in pids], time.perf_counter()
        own0 = time.process_time()
        tally = asyncio.run(run_class(cluster.url, args.sessions, args.playing,
                                      args.step_every, args.seconds, args.link_steps))
        wall = time.perf_counter() - t0
        own = (time.process_time() - own0) / wall
        cpu = [(cpu_seconds(p) - c) / wall for p, c in zip(pids, cpu0, strict=True)]
        rss = [rss_mb(p) for p in pids]
        spread = cluster.server_stats()
    return {"tally": tally, "cpu": cpu, "rss": rss, "wall": wall, "client_cpu": own,
            "spread": {name: int(row["stot"]) for name, row in spread.items()}}


def report(replicas: int, m: dict, args) -> float:
    t: Tally = m["tally"]
    all_steps = [x for lat in t.steps.values() for x in lat]
    fps = sorted(t.fps.values())
    total = sum(fps)
    print(f"\n{replicas} replica(s): {args.sessions} sessions, {args.playing} playing, "
          f"{args.sessions - args.playing} stepping every {args.step_every:g} s, "
          f"{args.seconds:g} s")
    if fps:
        print(f"  Play: frames/s per session min {fps[0]:.1f}  median "
              f"{statistics.median(fps):.1f}  max {fps[-1]:.1f}   total {total:.1f}")
        print(f"  bytes per frame on the websocket: {statistics.median(t.bytes_per_frame):,.0f};"
              f" frames per batch {statistics.median(b[0] for b in t.batches):.1f}, a batch "
              f"every {1000 * statistics.median(b[1] for b in t.batches):.0f} ms")
    if all_steps:
        worst = max(pct(lat, 95) for lat in t.steps.values() if lat)
        print(f"  Step (click -> rerun finished): p50 {1000 * pct(all_steps, 50):.0f} ms  "
              f"p95 {1000 * pct(all_steps, 95):.0f} ms  worst session's p95 "
              f"{1000 * worst:.0f} ms  ({len(all_steps)} clicks)")
    if t.link:
        print(f"  link: reached step {t.link['reached']:,} of {t.link['of']:,} in "
              f"{t.link['seconds']:.0f} s (in slices, cancellable by Pause)")
    for i, (c, r) in enumerate(zip(m["cpu"], m["rss"], strict=True)):
        print(f"  replica r{i + 1}: CPU {100 * c:.0f} % of a core, RSS {r:.0f} MB")
    print(f"  connections per replica: {m['spread']}; this client (all sessions): "
          f"CPU {100 * m['client_cpu']:.0f} % of a core")
    print(f"  errors: {len(t.errors)}" + "".join(f"\n    {e}" for e in t.errors[:10]))
    return total


def soak(args) -> None:
    """One replica, ``--playing`` sessions playing for ``--soak`` seconds: RSS over time."""
    with LocalCluster(replicas=1) as cluster:
        pid = cluster.pid(0)
        base = rss_mb(pid)
        print(f"soak: RSS at start {base:.0f} MB")

        async def go():
            sessions = [Session(cluster.url) for _ in range(args.playing)]
            for s in sessions:
                await s.connect()
            t0 = time.perf_counter()
            for k, s in enumerate(sessions):
                await s.play(500 + k)
            seq, next_print = 0, 60.0
            while time.perf_counter() - t0 < args.soak:
                seq += 1
                await asyncio.gather(*(s.want(500 + k, 30, seq)
                                       for k, s in enumerate(sessions)))
                if time.perf_counter() - t0 >= next_print:
                    step = sessions[0].last_header["frames"][-1]["step"]
                    print(f"  {next_print:4.0f} s: step {step:,}, RSS {rss_mb(pid):.0f} MB")
                    next_print += 60
            for s in sessions:
                await s.close()

        asyncio.run(go())
        print(f"soak: RSS at end {rss_mb(pid):.0f} MB ({args.playing} playing session(s))")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--replicas", type=int, default=0, help="0: 1 then 2, and the ratio")
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--playing", type=int, default=10)
    ap.add_argument("--step-every", type=float, default=2.0)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--link-steps", type=int, default=0)
    ap.add_argument("--soak", type=float, default=0.0, help="seconds of Play, RSS report")
    args = ap.parse_args()
    if args.soak:
        soak(args)
        return
    if args.replicas:
        report(args.replicas, measure(args.replicas, args), args)
        return
    one = report(1, measure(1, args), args)
    two = report(2, measure(2, args), args)
    print(f"\ntotal frames/s, 2 replicas / 1 replica: {two / max(one, 1e-9):.2f} "
          "(target >= 1.7)")


if __name__ == "__main__":
    main()
