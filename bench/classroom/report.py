"""The load test's printout: errors, latency and server time per interaction, live training per student and
the bytes of a live update, the training each student of an image lesson got, server memory and CPU, and
(with replicas) sessions per replica and nginx's stickiness."""
from __future__ import annotations

import math
import os
import re
import statistics
from collections import Counter, defaultdict
from itertools import accumulate
from pathlib import Path

import streamlit

from classroom.client import Results, metric_value
from classroom.server_time import ServerTime
from classroom.servers import Monitor
from classroom.student import LESSONS, Lesson

HORIZON_S = 120  # image lessons: the step each student reached after this much training of its own

ROW = "{:44s} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}"
SIZE_ROW = "{:44s} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8}"


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    s = sorted(values)
    return s[max(0, math.ceil(q / 100 * len(s)) - 1)]


def mb(x: float) -> str:
    return f"{x / 2**20:,.0f} MB"


def report(args, res: Results, elapsed: float, mon: Monitor | None, marks: dict, nginx_log: Path | None,
           server: ServerTime | None) -> None:
    header(args, res, elapsed, marks)
    latency_table(res, server)
    live_training(res)
    update_sizes(res)
    lesson = LESSONS[args.lesson]
    if lesson.images:
        image_training(res, lesson)
    per_student_kbs = res.bytes_in / 2**10 / max(1, args.sessions) / elapsed
    print(f"received {res.bytes_in / 2**20:,.1f} MB in total, {per_student_kbs:,.0f} "
          f"KB/s per student; media GETs {res.media_gets}; new_session messages {res.new_sessions} "
          f"(session id never changed unless listed above); reconnects that resumed the same session "
          f"{res.reconnects_same_session}")
    if mon is None or not mon.samples:
        print("server memory/CPU: not measured (the server was not started by this script)")
        return
    load = mon.window(marks["load_start"], marks["load_end"])
    server_usage(args, mon, load, marks, server)
    if len(mon.servers) > 1 or mon.ports:
        replica_table(res, mon, load)
    if res.replicas_seen:
        multi = [i for i, v in res.replicas_seen.items() if len(v) > 1]
        print(f"stickiness: {len(res.replicas_seen) - len(multi)} of {len(res.replicas_seen)} students had every "
              f"GET, websocket and reconnect answered by one replica"
              + (f"; NOT sticky: students {multi}" if multi else ""))
    if nginx_log is not None and nginx_log.exists():
        nginx_summary(nginx_log)


def header(args, res: Results, elapsed: float, marks: dict) -> None:
    n_inter = sum(len(v) for v in res.latency.values())
    n_err = sum(res.errors.values())
    print()
    train = f"train {args.train_seconds:.0f} s per visit" if LESSONS[args.lesson].train_seconds else "no training"
    print(f"GAN Classroom load test, lesson {args.lesson}: {args.sessions} students, {elapsed:.0f} s "
          f"(ramp {args.ramp:.0f} s, think {args.think:.1f} s, {train}); "
          f"target {marks['target']}; streamlit {streamlit.__version__}; {os.cpu_count() or 1} CPU cores")
    print(f"sessions {len(res.session_ids)}   interactions {n_inter}   errors {n_err}"
          + (f"  ({', '.join(f'{k}: {v}' for k, v in res.errors.items())})" if n_err else ""))
    for e in res.error_examples:
        print("   ", e)
    for text, count in res.error_alerts.items():
        print(f"    st.error shown {count}x: {text}")


def latency_table(res: Results, server: ServerTime | None) -> None:
    """Per interaction type: latency (click -> script_finished) and the server's script time per click."""
    print()
    print(ROW.format("interaction (BackMsg -> script_finished)", "count", "p50 ms", "p95 ms", "max ms",
                     "CPU p50", "CPU p95", "run p50"))

    def row(name: str, ms: list[float], cpu: list[float], wall: list[float]) -> None:
        srv = [f"{pct(cpu, 50):.1f}", f"{pct(cpu, 95):.1f}", f"{pct(wall, 50):.0f}"] if cpu else ["-"] * 3
        print(ROW.format(name, len(ms), f"{statistics.median(ms):.0f}", f"{pct(ms, 95):.0f}", f"{max(ms):.0f}", *srv))

    for kind, vals in res.latency.items():
        cpu, wall = (server.cpu_ms.get(kind, []), server.wall_ms.get(kind, [])) if server else ([], [])
        row(kind, [1000 * v for v in vals], cpu, wall)
    everything = [1000 * v for vals in res.latency.values() for v in vals]
    if everything:
        cpu = [c for v in server.cpu_ms.values() for c in v] if server else []
        wall = [w for v in server.wall_ms.values() for w in v] if server else []
        row("all interactions", everything, cpu, wall)
    for after, vals in res.media_latency.items():
        row(f"(HTTP) GET /media/... image, after {after}", [1000 * v for v in vals], [], [])
    if server is None:
        print("CPU / run: not measured (the server was not started by this script, so it kept no $GAN_TIMING_LOG)")
        return
    print(f"CPU p50/p95: the server's script-thread CPU ms per interaction (all its script runs and live ticks, "
          f"from $GAN_TIMING_LOG); run p50: their wall ms, waits for the GIL and the trainer included. "
          f"{server.matched} of {server.lines} logged runs/ticks of these sessions matched an interaction.")


def per_student(res: Results, lesson: str) -> dict[int, list]:
    """The lesson's training visits of each student who trained at least a second."""
    per = defaultdict(list)
    for visit in res.visits:
        if visit.lesson == lesson:
            per[visit.student].append(visit)
    return {i: v for i, v in per.items() if sum(x.seconds for x in v) >= 1}


def live_training(res: Results) -> None:
    """Per training student of each live lesson: updates (ticks that came back) per second of their own
    training time."""
    for lesson in dict.fromkeys(v.lesson for v in res.visits):
        trained = per_student(res, lesson)
        if trained:
            live_lesson_table(lesson, trained)


def live_lesson_table(lesson: str, trained: dict[int, list]) -> None:
    """One lesson's table: its timer is read from the ticks (each page sets its own, the server stretches it)."""
    fastest = min(t for visits in trained.values() for v in visits for t in v.timers or [math.inf])
    timer = (f"the fragment's shortest timer seen, {fastest:.2f} s, allows {1 / fastest:.1f}"
             if fastest < math.inf else "no tick came back")
    print(f"\nlive training ({lesson}): {sum(len(v) for v in trained.values())} visits by {len(trained)} students; "
          f"ticks/s = ticks that came back per second of that student's training (Start's answer to the last "
          f"tick); {timer}, the server may stretch it (timer s)")
    print(f"{'student':>7s} {'visits':>6s} {'trained s':>9s} {'ticks':>6s} {'ticks/s':>7s} {'longest wait s':>14s} "
          f"{'timer s':>7s} {'iterations/s':>12s}")
    rates = []
    for idx in sorted(trained):
        visits = trained[idx]
        secs, ticks = sum(v.seconds for v in visits), sum(len(v.arrivals) for v in visits)
        timers = [t for v in visits for t in v.timers]
        steps = (f"{sum(v.steps_gained for v in visits) / secs:,.1f}"
                 if all(v.steps_gained is not None for v in visits) else "-")
        rates.append(ticks / secs)
        print(f"{idx:7d} {len(visits):6d} {secs:9.1f} {ticks:6d} {ticks / secs:7.2f} "
              f"{max(v.longest_wait for v in visits):14.2f} {max(timers, default=0):7.2f} {steps:>12s}")
    slow = sum(1 for r in rates if r < 1)
    print(f"live updates/s per training student ({lesson}): mean {statistics.mean(rates):.2f}, "
          f"min {min(rates):.2f}, max {max(rates):.2f}; {slow} of {len(rates)} students got < 1 update/s")


def update_sizes(res: Results) -> None:
    """What one live update costs the network: the websocket messages that answered a tick, and apart from
    them the images the browser loaded for it (new /media/ URLs only)."""
    if not res.tick_bytes:
        return
    print()
    print(SIZE_ROW.format("bytes per live update (a tick's answer)", "ticks", "mean KB", "p95 KB", "max KB",
                          "media n", "media KB"))
    for kind, pairs in res.tick_bytes.items():
        ws, media = [b / 2**10 for b, _ in pairs], [m / 2**10 for _, m in pairs if m]
        print(SIZE_ROW.format(kind, len(ws), f"{statistics.mean(ws):,.1f}", f"{pct(ws, 95):,.1f}", f"{max(ws):,.1f}",
                              len(media), f"{statistics.mean(media):,.1f}" if media else "-"))
    print("KB: the websocket messages between sending the tick and its script_finished; media n: ticks that "
          "loaded images (/media/ URLs the page had not shown yet), media KB: their mean")


def image_training(res: Results, lesson: Lesson) -> None:
    """The training each student of an image lesson got, from the page's step caption and st.metrics:
    steps per minute of the student's own training (a student-minute), the step reached after HORIZON_S of
    it, the watched metrics as last shown, and when the page first showed lesson.goal."""
    trained = per_student(res, lesson.title)
    if not trained:
        return
    horizon = f"step @{HORIZON_S / 60:g} min"
    goal = f"{lesson.watch[0]} >= {lesson.goal:g} at" if lesson.goal is not None else ""
    print(f"\ntraining per student ({lesson.title}): steps/min = steps gained per minute of that student's own "
          f"training; {horizon}: the step its page showed after {HORIZON_S} s of it (est.: the rate x "
          f"{HORIZON_S / 60:g} min, for a student that trained less)"
          + (f"; {goal}: seconds after the student's first Start (of them trained, in brackets)" if goal else ""))
    cols = [horizon, *lesson.watch] + ([goal] if goal else [])
    print(f"{'student':>7s} {'trained s':>9s} {'steps':>7s} {'steps/min':>9s} " + " ".join(f"{c:>22s}" for c in cols))
    rates, hits = [], []
    for idx in sorted(trained):
        visits = sorted(trained[idx], key=lambda v: v.t0)
        secs = sum(v.seconds for v in visits)
        gained = [v.steps_gained for v in visits]
        rate = 60 * sum(gained) / secs if None not in gained else None
        ticks = [(done + a, v.t0 + a - visits[0].t0, step, shown)  # (trained s, s after the first Start, ...)
                 for done, v in zip(accumulate((v.seconds for v in visits), initial=0.0), visits)
                 for a, step, shown in zip(v.arrivals, v.steps, v.shown)]
        at = next((step for t, _, step, _ in ticks if t >= HORIZON_S and step is not None), None)
        cells = [f"{at:,}" if at is not None else f"{rate * HORIZON_S / 60:,.0f} est." if rate is not None else "-"]
        cells += [next((s[label] for *_, s in reversed(ticks) if s.get(label)), "-") for label in lesson.watch]
        if goal:
            hit = next(((t, wall) for t, wall, _, s in ticks
                        if (metric_value(s.get(lesson.watch[0])) or 0) >= lesson.goal), None)
            hits.append(hit)
            cells.append(f"{hit[1]:.0f} s ({hit[0]:.0f} s)" if hit else "not within the run")
        if rate is not None:
            rates.append(rate)
        print(f"{idx:7d} {secs:9.1f} {sum(g or 0 for g in gained):7,d} "
              f"{f'{rate:,.0f}' if rate is not None else '-':>9s} " + " ".join(f"{c:>22s}" for c in cells))
    if rates:
        print(f"steps per student-minute: mean {statistics.mean(rates):,.0f}, min {min(rates):,.0f}")
    if goal:
        seen = [h[1] / 60 for h in hits if h]
        shown = (f"shown to {len(seen)} of {len(hits)} students, after {statistics.median(seen):.1f} min (median), "
                 f"the last after {max(seen):.1f} min" if seen else f"shown to none of {len(hits)} students")
        est = (f"; estimated from the rate ({lesson.goal_steps} steps, a student alone): "
               f"{lesson.goal_steps / statistics.mean(rates):.1f} min of training at the mean rate, "
               f"{lesson.goal_steps / min(rates):.1f} at the slowest" if rates and min(rates) > 0 else "")
        print(f"minutes to {lesson.watch[0]} {lesson.goal:g}: {shown}{est}")


def server_usage(args, mon: Monitor, load: list, marks: dict, server: ServerTime | None) -> None:
    def total(sample) -> int:
        return sum(sample[1].values())

    cores = os.cpu_count() or 1
    print()
    lingered = (f", after {args.linger:.0f} s linger + 1 fresh visit {mb(marks['linger_rss'])}"
                if "linger_rss" in marks else "")
    peak = max(total(s) for s in load)
    print(f"server RSS (all server processes): cold start {mb(total(mon.samples[0]))}, "
          f"warm idle {mb(marks['idle_rss'])}, peak {mb(peak)}, end (students gone) {mb(marks['end_rss'])}{lingered}")
    growth = mb((peak - marks["idle_rss"]) / args.sessions)
    print(f"RSS growth per session: (peak - warm idle) / {args.sessions} = {growth}")
    span = load[-1][0] - load[0][0]
    cpu = sum(load[-1][2].values()) - sum(load[0][2].values())
    own = load[-1][4] - load[0][4]
    machine = load[-1][5] - load[0][5]
    print(f"server CPU during the load: {100 * cpu / span:.0f} % of one core ({100 * cpu / span / cores:.0f} % of "
          f"{cores} cores); this load generator itself: {100 * own / span:.0f} % of one core; other processes "
          f"on the machine: {100 * max(0.0, machine - cpu - own) / span:.0f} % of one core (machine "
          f"{100 * machine / span / cores:.0f} % busy)")
    if server is not None and server.matched and cpu > 0:
        print(f"of the server's CPU, the script threads' runs and ticks took {server.cpu_s:,.1f} s "
              f"({100 * server.cpu_s / cpu:.0f} %); the rest: trainer workers, sending (protobuf, websocket), "
              f"Tornado, garbage collection")


def replica_table(res: Results, mon: Monitor, load: list) -> None:
    span = load[-1][0] - load[0][0]
    print()
    by_header = Counter(next(iter(v)) for v in res.replicas_seen.values() if len(v) == 1)
    print(f"{'replica':26s} {'sessions':>20s} {'peak conns':>10s} {'peak RSS':>9s} {'CPU %':>6s}")
    for name in mon.servers:
        peak_conn = max(s[3].get(name, 0) for s in load) if mon.ports else 0
        c = 100 * (load[-1][2][name] - load[0][2][name]) / span
        peak_rss = mb(max(s[1][name] for s in load))
        print(f"{name:26s} {by_header.get(name, 0):20d} {peak_conn:10d} {peak_rss:>9s} {c:6.0f}")


def nginx_summary(nginx_log: Path) -> None:
    per_aff, ws_per_up, aff_per_up = defaultdict(set), Counter(), defaultdict(set)
    for line in nginx_log.read_text().splitlines():
        aff = re.search(r"affinity=(\S+) upstream=(\S+)", line)
        if aff and not line.split('"')[1].endswith("/_stcore/health HTTP/1.1"):
            per_aff[aff.group(1)].add(aff.group(2))
            aff_per_up[aff.group(2)].add(aff.group(1))
            if '" 101 ' in line:
                ws_per_up[aff.group(2)] += 1
    split = sum(1 for ups in per_aff.values() if len(ups) > 1)
    print(f"nginx access log: {len(per_aff)} affinity cookies, {split} of them served by more than one replica; "
          f"websockets (incl. reconnects) per replica: {dict(ws_per_up)}; "
          f"students (cookies) per replica: { {u: len(a) for u, a in aff_per_up.items()} }")
