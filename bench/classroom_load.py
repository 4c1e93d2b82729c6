"""Classroom load test: N simulated students on the GAN Classroom for a bounded time, then a table.

Each student is a light websocket client that speaks Streamlit's own protocol (the protobuf
classes shipped in the installed streamlit package), not a browser: 30 Chromium tabs would eat
the 2 cores the server needs, while 30 protocol clients cost a few per cent. A student does what
a browser does for a person clicking through the lessons:

  GET /  ->  websocket /_stcore/stream  ->  rerun_script BackMsgs (page hash, widget states, cached
  message hashes)  ->  new_session, deltas, ..., script_finished;  images fetched from /media/...;
  a `run_every` fragment re-requested by a client timer (rerun_script with fragment_id), as the
  browser's setInterval does, but only once the previous tick has finished.

What the students do: --lesson NAME (bench/classroom/student.py LESSONS; each a loop until the deadline):
  mixed (default)      each student goes around the minimax page (move the generator-mean slider), the
                       Conditional GAN page (move the digit slider, "New handwriting", fetch the images) and
                       the 1-D GAN page (Start, live ticks, Pause), neighbours starting on different pages.
The others put every student on the SAME lesson at once:
  gaussian_gan         1-D GAN: open, Start, live ticks, Pause.
  inside_game          Play, live ticks; while it trains, G's manifold on and the arrows off (next visit:
                       back); Pause; Step x3; "Slow motion: next phase" x3.
  mode_collapse        pick a random cure (Reset when the run has trained), Start, live ticks, Pause.
  dcgan_mnist          Start, watch the live view for most of the run, Pause.
  semi_supervised_gan  Start, watch, Pause.
  cyclegan             New sample, the other direction, New sample, the other model, the batch tab and its 8
                       the other way, the tab with one iteration step by step, back (no live training;
                       drawing is left out: see student.py).
Defaults per lesson: --seconds 90; --train-seconds (live training per visit) 10, inside_game 15,
dcgan_mnist and semi_supervised_gan 60 (training time is what those measure), cyclegan none.
During its first training (CycleGAN: after its first click) each student has one network blip: a
websocket reconnect that must resume the same session. Latency of an interaction = BackMsg sent ->
script_finished received ("interaction to updated chart"). Errors: Exception elements in deltas,
websocket failures, timeouts (> 30 s), missing widgets, media GETs that fail, a session id that changes
across reruns or a reconnect.

Next to each interaction's latency it prints the server's own time for it: the servers it starts get
$GAN_TIMING_LOG, so the app logs the script thread's CPU and wall ms of every run and live tick
(ui/timing.py), matched here to the click of the same session. Live training is shown per lesson and
student: ticks that came back per second of that student's training (mean and minimum over students), the
longest wait for an update, and how many students got fewer than 1 update/s; and per live update the bytes
of the websocket messages that answered the tick (mean, p95), with the images it loaded apart. For the
image lessons (dcgan_mnist, semi_supervised_gan): the training each student got, steps per student-minute
(from the page's "Step N" caption), the step after 2 minutes of training and the metrics the page shows;
for dcgan_mnist also when each page first showed an MNIST score >= 6, and the minutes it would take at the
class's rate (STEPS_TO_SCORE_6 steps for a student alone). Server RSS and CPU for every lesson. The parts:
bench/classroom/ (client.py: the protocol; student.py: the lessons; servers.py: start and watch the servers;
server_time.py; report.py).

Run (from the repository root):
  python bench/classroom_load.py                            # 30 students, 90 s, one server it starts
  python bench/classroom_load.py --sessions 3 --seconds 15  # a quick check
  python bench/classroom_load.py --lesson dcgan_mnist       # 30 students train the DCGAN at once
  python bench/classroom_load.py --replicas 2 --proxy       # deploy/run_replicas.sh: 2 replicas + nginx
  python bench/classroom_load.py --url http://127.0.0.1:8080  # a server or proxy already running
It only ever talks to 127.0.0.1 / localhost, and stops what it started. Logs: logs/load/ (the servers' time
log: logs/load/timing-PID.jsonl).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
import urllib.parse

from app_server import streamlit_server  # bench/ is on sys.path when run as python bench/x.py
from classroom import server_time
from classroom.client import Results
from classroom.report import report
from classroom.servers import LOG_DIR, Monitor, start_targets, stop
from classroom.student import LESSONS, run_students

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=30, help="simulated students (default 30)")
    ap.add_argument("--lesson", choices=list(LESSONS), default="mixed",
                    help="what every student does: one lesson for all at once, or mixed (default)")
    ap.add_argument("--seconds", type=float, help="how long the class runs (default: the lesson's, 90)")
    ap.add_argument("--url", help="an existing server or proxy on this machine, e.g. http://127.0.0.1:8080")
    ap.add_argument("--replicas", type=int, default=1, help="servers to start (default 1)")
    ap.add_argument("--proxy", action="store_true", help="start them with deploy/run_replicas.sh behind nginx")
    ap.add_argument("--ramp", type=float, default=10, help="students arrive over this many seconds (default 10)")
    ap.add_argument("--think", type=float, default=1.0, help="mean pause between a student's clicks, s (default 1)")
    ap.add_argument("--train-seconds", type=float,
                    help="live training per visit (default: the lesson's; 10 for mixed)")
    ap.add_argument("--linger", type=float, default=0,
                    help="after the class, watch memory this long, then make one fresh visit (default 0)")
    args = ap.parse_args()
    lesson = LESSONS[args.lesson]
    args.seconds = lesson.seconds if args.seconds is None else args.seconds
    args.train_seconds = lesson.train_seconds if args.train_seconds is None else args.train_seconds
    if args.url and (args.proxy or args.replicas > 1):
        ap.error("--url talks to a running server; --replicas/--proxy start their own")
    if args.url and urllib.parse.urlparse(args.url).hostname not in LOCAL_HOSTS:
        ap.error("--url must point at this machine (127.0.0.1 / localhost)")
    return args


def after_class(args, urls: list[str], mon: Monitor, marks: dict) -> None:
    """Memory once the students are gone (and, with --linger, after a wait and one fresh visit)."""
    time.sleep(2)
    marks["end_rss"] = sum(mon.sample()[1].values())
    if args.linger > 0:
        print(f"lingering {args.linger:.0f} s to watch memory after the sessions ended...", flush=True)
        time.sleep(args.linger)
        probe = Results()
        asyncio.run(run_students([urls[0]], argparse.Namespace(**{**vars(args), "sessions": 1}), probe, warmup=True))
        time.sleep(3)
        marks["linger_rss"] = sum(mon.sample()[1].values())
    mon.stop_event.set()
    mon.join(2)


def run_class(args, started: list[subprocess.Popen]) -> Results:
    """Start the servers, warm them up, run the class, stop the servers, print the report."""
    timing_log = LOG_DIR / f"timing-{os.getpid()}.jsonl"
    timing_log.unlink(missing_ok=True)
    servers, ports, urls, nginx_log = start_targets(args, started, {server_time.ENV_VAR: str(timing_log)})
    mon = Monitor(servers, ports) if servers else None
    if mon:
        mon.start()
    marks = {"target": (f"{args.replicas} replicas behind nginx {urls[0]}" if args.proxy else ", ".join(urls))}
    res = Results()
    print("warming up (one student visits every page once on each server: imports, weights, caches)...", flush=True)
    for url in ([f"http://{name}" for name in servers] or urls):  # replicas directly: each gets warm
        asyncio.run(run_students([url], args, res, warmup=True))
    time.sleep(2)
    if mon:
        marks["idle_rss"] = sum(mon.sample()[1].values())
    res.latency.clear()
    print(f"{args.sessions} students for {args.seconds:.0f} s...", flush=True)
    marks["load_start"] = time.monotonic()
    elapsed = asyncio.run(run_students(urls, args, res))
    marks["load_end"] = time.monotonic()
    if mon:
        after_class(args, urls, mon, marks)
    for proc in started:  # stop first, so nginx writes the websocket lines of its access log
        stop(proc)
    server = server_time.match(res.windows, server_time.read_log(timing_log)) if servers else None
    report(args, res, elapsed, mon, marks, nginx_log, server)
    return res


def main() -> None:
    args = parse_args()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # under `timeout`: still stop our servers
    started: list[subprocess.Popen] = []
    try:
        res = run_class(args, started)
        if sum(res.errors.values()):
            sys.exit(1)
    except streamlit_server.NotHealthy as e:
        raise SystemExit(str(e)) from None
    finally:
        for proc in started:
            stop(proc)


if __name__ == "__main__":
    main()
