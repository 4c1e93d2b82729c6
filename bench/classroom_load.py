"""Classroom load test: N simulated students on the GAN Classroom for a bounded time, then a table.

Each student is a light websocket client that speaks Streamlit's own protocol (the protobuf
classes shipped in the installed streamlit package), not a browser: 30 Chromium tabs would eat
the 2 cores the server needs, while 30 protocol clients cost a few per cent. A student does what
a browser does for a person clicking through the lessons:

  GET /  ->  websocket /_stcore/stream  ->  rerun_script BackMsgs (page hash, widget states, cached
  message hashes)  ->  new_session, deltas, ..., script_finished;  images fetched from /media/...;
  a `run_every` fragment re-requested by a client timer (rerun_script with fragment_id), as the
  browser's setInterval does, but only once the previous tick has finished.

Per cycle: the minimax page (move the generator-mean slider), the Conditional GAN page (move the
digit slider, press "New handwriting", fetch the images), the 1-D GAN page (Start, let the live
fragment tick, one network blip = websocket reconnect that must resume the same session, Pause).
Latency of an interaction = BackMsg sent -> script_finished received ("interaction to updated
chart"). Errors: Exception elements in deltas, websocket failures, timeouts (> 30 s), missing
widgets, media GETs that fail, a session id that changes across reruns or a reconnect.

Next to each interaction's latency it prints the server's own time for it: the servers it starts get
$GAN_TIMING_LOG, so the app logs the script thread's CPU and wall ms of every run and live tick
(ui/timing.py), matched here to the click of the same session. Live training is shown per student:
ticks that came back per second of that student's training, the longest wait for an update, and how
many students got fewer than 1 update/s. The parts: bench/classroom/ (client.py: the protocol; student.py:
the lessons; servers.py: start and watch the servers; server_time.py; report.py).

Run (from the repository root):
  python bench/classroom_load.py                            # 30 students, 90 s, one server it starts
  python bench/classroom_load.py --sessions 3 --seconds 15  # a quick check
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
from classroom.student import run_students

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=30, help="simulated students (default 30)")
    ap.add_argument("--seconds", type=float, default=90, help="how long the class runs (default 90)")
    ap.add_argument("--url", help="an existing server or proxy on this machine, e.g. http://127.0.0.1:8080")
    ap.add_argument("--replicas", type=int, default=1, help="servers to start (default 1)")
    ap.add_argument("--proxy", action="store_true", help="start them with deploy/run_replicas.sh behind nginx")
    ap.add_argument("--ramp", type=float, default=10, help="students arrive over this many seconds (default 10)")
    ap.add_argument("--think", type=float, default=1.0, help="mean pause between a student's clicks, s (default 1)")
    ap.add_argument("--train-seconds", type=float, default=10, help="live training per 1-D GAN visit (default 10)")
    ap.add_argument("--linger", type=float, default=0,
                    help="after the class, watch memory this long, then make one fresh visit (default 0)")
    args = ap.parse_args()
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
