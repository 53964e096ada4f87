"""A live class under load: one teacher and N students (protocol-level sessions, no
browsers, as bench_load.py) on replicas behind HAProxy, the class's state in Redis.

    python bench/bench_class.py [--students 30] [--replicas 2] [--changes 12]

Every session is a websocket through the balancer (students land on either replica). Each
student's page does what the browser does: it reruns the class's polling fragment at the
interval the server asked for (ui/class_state.POLL_S). Three phases:

1. follow: the teacher clicks Step every 2 s; for each click, the time from sending it to
   each student's page showing that step (its live view's step) → p50 / p95 / max; then
   the teacher plays for 10 s: each second, the step the teacher's page shows, and the time
   until each student's page shows it or a later one → p50 / p95 / max;
2. stepping while following: the teacher goes on stepping, and every student also clicks
   Step every ~2 s: click → rerun finished, p50 / p95;
3. a question: the teacher asks the class (a lesson stop's question), every student answers
   once (a random choice), and the count the teacher's page shows, and Redis holds, must be
   exactly N; then the teacher reveals, and every student's page shows the verdict.

Prints the figures and the targets beside them; no timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from protocol_client import Session, play_for  # noqa: E402

from data_io import live_class  # noqa: E402
from data_io.class_store import RedisStore  # noqa: E402
from deploy.local_cluster import LocalCluster  # noqa: E402

QUESTION_STOP = "lesson=why_depth&stop=2"  # asks which way a weight moves: up/down/stays


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def reach(shown: list[tuple[float, int]], t: float, step: int) -> float:
    """Seconds from ``t`` (the teacher's page showed ``step``) until a student's page
    (``shown``: its (time, step) in order) showed that step or a later one: 0 when it
    already did at ``t`` (the teacher publishes the step trained, a little ahead of the
    frame on its screen); inf: never, within the run."""
    before = [s for when, s in shown if when <= t]
    if before and before[-1] >= step:
        return 0.0
    later = [when for when, s in shown if when > t and s >= step]
    return min(later) - t if later else float("inf")


class Student:
    def __init__(self, url: str, code: str, k: int):
        self.s = Session(url, query=f"class={code}")
        self.k, self.seen, self.step_seconds = k, {}, []  # seen: step -> first time shown
        self.shown: list[tuple[float, int]] = []  # (time, step) of every page drawn
        self.stepping, self.stop = False, False

    def shows(self, step: int | None) -> None:
        if step is not None:
            self.shown.append((time.perf_counter(), step))
            self.seen.setdefault(step, self.shown[-1][0])

    async def start(self) -> None:
        await self.s.connect()
        run = await self.s.click("b_class_join")
        self.shows(run.step)

    def interval(self) -> float:
        """The page's poll as the server asks for it now (the fragment its last whole run
        drew: the class bar's, or the live area's while the teacher plays)."""
        return list(self.s.auto_reruns.values())[-1] if self.s.auto_reruns else 0.5

    async def live(self) -> None:
        """The page's poll at the interval asked for; Step every ~2 s while ``stepping``."""
        next_poll = time.perf_counter() + random.uniform(0, self.interval())
        next_step = time.perf_counter() + random.uniform(0, 2.0)
        while not self.stop:
            now = time.perf_counter()
            if self.stepping and now >= next_step:
                t0 = time.perf_counter()
                await self.s.step()
                self.step_seconds.append(time.perf_counter() - t0)
                next_step = now + random.uniform(1.5, 2.5)
            if now >= next_poll:
                run = await self.s.auto_rerun()
                self.shows(run.step if run else None)
                next_poll = max(next_poll + self.interval(), time.perf_counter())
            await asyncio.sleep(max(0.0, min(next_poll, next_step if self.stepping
                                             else next_poll) - time.perf_counter()))


async def run(url: str, redis_url: str, n: int, changes: int) -> dict:
    teacher = Session(url, query=QUESTION_STOP)
    first = await teacher.connect()
    await teacher.open_expander("x_class")
    await teacher.click("b_class_start")
    code = next(re.search(r"Live class ([A-Z0-9]{6})", t).group(1)
                for t in teacher.texts if "Live class" in t)
    students = [Student(url, code, k) for k in range(n)]
    for s in students:
        await s.start()
    out_joined = sum(any(f"Live class {code}" in t for t in s.s.texts) for s in students)
    tasks = [asyncio.create_task(s.live()) for s in students]
    out = {"code": code, "start_step": first.step, "joined": out_joined}

    async def teacher_steps(count: int) -> dict[int, float]:
        sent = {}
        for _ in range(count):
            t0 = time.perf_counter()
            result = await teacher.step()
            sent[result.step] = t0
            await asyncio.sleep(2.0)
        return sent

    sent = await teacher_steps(changes)  # 1. following
    await asyncio.sleep(1.0)
    out["reach"] = [s.seen[step] - t0 for step, t0 in sent.items() for s in students
                    if step in s.seen]
    out["missed"] = sum(step not in s.seen for step in sent for s in students)
    for s in students:  # 2. stepping while following
        s.stepping = True
    await teacher_steps(changes // 2)
    for s in students:
        s.stepping = False
    out["steps"] = [x for s in students for x in s.step_seconds]
    # 2b. the teacher plays for a while: how far behind the students' pages are.
    before = max(max(s.seen) for s in students)
    lags = []

    samples = []  # (time, step the teacher's page shows)

    async def watch_lag() -> None:
        while not watching["stop"]:
            await asyncio.sleep(1.0)
            shown = (teacher.last_header or {}).get("frames") or [{}]
            t_step = shown[-1].get("step")
            if t_step is not None:
                samples.append((time.perf_counter(), t_step))
                lags.append([t_step - max(s.seen) for s in students])

    watching = {"stop": False}
    watcher = asyncio.create_task(watch_lag())
    played = await play_for(teacher, 10.0)
    watching["stop"] = True
    await watcher
    shown = (teacher.last_header or {}).get("frames") or [{}]
    await teacher.pause(7, shown[-1].get("step", 0))  # as a teacher does: at the frame shown
    await asyncio.sleep(2.0)  # arrivals of the last samples
    out["play"] = {"fps": played["fps"], "lags": lags, "before": before,
                   "reach": [reach(s.shown, t, step) for t, step in samples for s in students]}
    for s in students:
        s.stop = True
    await asyncio.gather(*tasks)
    # 3. the class's question: asked, answered by everyone once, counted, revealed.
    await teacher.click("b_class_ask")
    choices = []
    for s in students:
        await s.s.auto_rerun()  # the page sees the question
        choice = random.choice(["up", "down", "stays"])
        choices.append(choice)
        await s.s.click_with("b_class_send", [s.s.choice("w_lesson_answer_class", choice)])
    await asyncio.sleep(0.6)
    await teacher.auto_rerun()  # the teacher's page: the answers as they came
    shown = [t for t in teacher.texts if re.fullmatch(r"(\*\*\w+\*\*: \d+( · )?)+", t)]
    out["teacher_count"] = sum(int(x) for x in re.findall(r": (\d+)", shown[-1])) if shown \
        else 0
    store = RedisStore(redis_url)
    qid = live_class.question(store, code)["id"]
    got = live_class.answers(store, code, qid)
    out["stored"] = len(got)
    out["stored_match"] = sorted(a["answer"] for a in got.values()) == sorted(choices)
    await teacher.click("b_class_reveal")
    verdicts = 0
    for s in students:
        await s.s.auto_rerun()
        await s.s.rerun()
        verdicts += any("The engine" in a for a in s.s.alerts)
    out["verdicts"] = verdicts
    out["errors"] = teacher.errors + [e for s in students for e in s.s.errors]
    for s in students:
        await s.s.close()
    await teacher.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=30)
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--changes", type=int, default=12)
    ap.add_argument("--verbose", action="store_true", help="each Play sample's arrivals")
    args = ap.parse_args()
    with LocalCluster(replicas=args.replicas, redis=True) as cluster:
        out = asyncio.run(run(cluster.url, cluster.redis.url, args.students, args.changes))
    ms = [1000 * x for x in out["reach"]]
    steps = [1000 * x for x in out["steps"]]
    print(f"Live class: 1 teacher + {args.students} students (protocol-level), "
          f"{args.replicas} replicas behind HAProxy, Redis")
    print(f"  joined: {out['joined']} of {args.students} (all through one address)")
    print(f"  teacher's Step → every student's page shows it: p50 {statistics.median(ms):.0f} "
          f"ms, p95 {pct(ms, 95):.0f} ms, max {max(ms):.0f} ms ({len(ms)} arrivals, "
          f"{out['missed']} missed)   target p95 <= 1000 ms")
    print(f"  students' Step while following (click → rerun finished): p50 "
          f"{pct(steps, 50):.0f} ms, p95 {pct(steps, 95):.0f} ms ({len(steps)} clicks)   "
          "target p95 <= 500 ms")
    play = out["play"]
    worst = [max(row) for row in play["lags"]] or [0]
    print(f"  the teacher playing for 10 s ({play['fps']:.0f} frames/s): students' pages "
          f"behind by at most {max(worst)} steps, median {statistics.median(worst):.0f} "
          "(sampled every second)")
    play_ms = [1000 * x for x in play["reach"]]
    print(f"  teacher's Play frame → every student's page shows that step or later: p50 "
          f"{pct(play_ms, 50):.0f} ms, p95 {pct(play_ms, 95):.0f} ms, max {max(play_ms):.0f} "
          f"ms ({len(play_ms)} samples)   target p95 <= 1000 ms")
    print(f"  answers: {args.students} sent, the teacher's page counts {out['teacher_count']}, "
          f"Redis holds {out['stored']} (the very answers sent: {out['stored_match']}); "
          f"verdicts shown to {out['verdicts']} students")
    print(f"  errors: {len(out['errors'])} {out['errors'][:3]}")
    if "--verbose" in sys.argv:
        print("  play samples (reach per student, ms):",
              [[int(min(1000 * x, 1e9)) for x in play["reach"][k:k + args.students]]
               for k in range(0, len(play["reach"]), args.students)])


if __name__ == "__main__":
    main()
