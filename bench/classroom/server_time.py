"""The server's own time per interaction. The load test sets $GAN_TIMING_LOG for the servers it starts; the app
then logs one JSON line per script run and per live tick (ui/timing.py: session id, end time, the script
thread's CPU ms and wall ms). Each line is matched to the click of the same session whose window (request
sent -> script_finished received, both time.time() on this machine) holds its end time, so a click that
reruns the script (Start: the click's run, then st.rerun()'s) counts both runs."""
from __future__ import annotations

import bisect
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ENV_VAR = "GAN_TIMING_LOG"  # what ui/timing.py reads
SLACK_S = 0.005  # the two processes read one clock; this only absorbs the log's rounding


@dataclass
class ServerTime:
    cpu_ms: dict = field(default_factory=lambda: defaultdict(list))  # interaction -> [script CPU ms per click]
    wall_ms: dict = field(default_factory=lambda: defaultdict(list))  # interaction -> [script wall ms per click]
    lines: int = 0  # lines of the load's sessions
    matched: int = 0  # of them, inside a click's window
    cpu_s: float = 0.0  # script-thread CPU of every matched line


def read_log(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:  # a line cut short by a server that was killed
            pass
    return out


def match(windows: list[tuple], lines: list[dict]) -> ServerTime:
    """Sum each click's logged runs and ticks. windows: (session id, interaction, sent, answered)."""
    by_session = defaultdict(list)
    for i, (session, _, sent, answered) in enumerate(windows):
        by_session[session].append((sent, answered, i))
    for spans in by_session.values():
        spans.sort()
    starts = {s: [w[0] for w in spans] for s, spans in by_session.items()}
    cpu, wall, result = defaultdict(float), defaultdict(float), ServerTime()
    for line in lines:
        spans = by_session.get(line.get("session"))
        if spans is None:  # the warm-up's session, or another visitor's
            continue
        result.lines += 1
        k = bisect.bisect_right(starts[line["session"]], line["t"] + SLACK_S) - 1
        if k >= 0 and line["t"] <= spans[k][1] + SLACK_S:
            i = spans[k][2]
            cpu[i] += line["cpu_ms"]
            wall[i] += line["wall_ms"]
            result.matched += 1
            result.cpu_s += line["cpu_ms"] / 1000
    for i in cpu:
        result.cpu_ms[windows[i][1]].append(cpu[i])
        result.wall_ms[windows[i][1]].append(wall[i])
    return result
