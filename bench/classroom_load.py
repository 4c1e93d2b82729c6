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

Run (from the repository root):
  python bench/classroom_load.py                            # 30 students, 90 s, one server it starts
  python bench/classroom_load.py --sessions 3 --seconds 15  # a quick check
  python bench/classroom_load.py --replicas 2 --proxy       # deploy/run_replicas.sh: 2 replicas + nginx
  python bench/classroom_load.py --url http://127.0.0.1:8080  # a server or proxy already running
It only ever talks to 127.0.0.1 / localhost, and stops what it started. Logs: logs/load/.
"""
from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import math
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import streamlit
import websockets
from app_server import streamlit_server  # bench/ is on sys.path when run as python bench/x.py
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parents[1]
LOG_DIR = ROOT / "logs" / "load"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
TIMEOUT_S = 30.0  # an interaction slower than this counts as an error
HEALTHY_WITHIN_S = 180  # a server (or the proxy) that does not answer /_stcore/health by then is an error


# The pages (their url paths) and widget keys a student uses; a key that is missing from its page
# is reported as an error, so the benchmark notices when a lesson renames a widget.
MINIMAX, CGAN, GAUSSIAN = "minimax", "conditional_gan", "gaussian_gan"
MM_SLIDER, CGAN_DIGIT, CGAN_NEW = "mm_mu_g", "cgan_digit", "cgan_new"
G1_START, G1_PAUSE = "g1_run_start", "g1_run_pause"
STEP_RE = re.compile(r"Step \*\*([\d,]+)\*\*")  # the live view's step counter caption

try:  # optional: streamlit does not need psutil; /proc does the same job on Linux
    import psutil
except ImportError:
    psutil = None


# --------------------------------------------------------------------------------------------
# Results shared by all students (one asyncio thread writes them)


@dataclass
class Results:
    latency: dict = field(default_factory=lambda: defaultdict(list))  # kind -> [seconds]
    errors: Counter = field(default_factory=Counter)  # kind -> count
    error_examples: list = field(default_factory=list)
    error_alerts: Counter = field(default_factory=Counter)  # st.error texts seen (not exceptions)
    bytes_in: int = 0
    ticks: list = field(default_factory=list)  # per training visit: (student, ticks, seconds, steps gained)
    new_sessions: int = 0  # new_session messages checked for an unchanged session id
    replicas_seen: dict = field(default_factory=dict)  # student -> set of X-Replica values
    session_ids: dict = field(default_factory=dict)  # student -> session id
    reconnects_same_session: int = 0
    media_gets: int = 0
    media_latency: list = field(default_factory=list)  # seconds per GET /media/... (images)

    def error(self, kind: str, detail: str = "") -> None:
        self.errors[kind] += 1
        if len(self.error_examples) < 12:
            self.error_examples.append(f"{kind}: {detail}"[:300])


# --------------------------------------------------------------------------------------------
# One simulated student


class Student:
    """A browser tab, reduced to what the server sees: HTTP GETs and Streamlit's websocket protocol."""

    def __init__(self, idx: int, base_url: str, res: Results, deadline: float, args, warmup: bool = False):
        self.idx, self.base, self.res, self.deadline, self.args = idx, base_url.rstrip("/"), res, deadline, args
        self.warmup = warmup
        self.rng = random.Random(1000 + idx)
        self.jar = http.cookiejar.CookieJar()  # gets nginx's affinity cookie, like a browser
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.ws = None
        self.reader: asyncio.Task | None = None
        self.session_id = ""
        self.pages: dict[str, str] = {}  # url path -> page_script_hash (from the navigation message)
        self.page_hash = ""
        self.widget_ids: dict[str, str] = {}  # user key -> element id on the current page
        self.widget_states: dict[str, WidgetState] = {}  # element id -> value, as the browser keeps them
        self.auto_rerun: dict[str, float] = {}  # fragment id -> interval (the browser's timers)
        self.cache: dict[str, int] = {}  # hash of cacheable message -> run counter (browser's cache)
        self.max_cache_age = 2
        self.runs = 0
        self.pending: asyncio.Future | None = None
        self.pending_fragment = ""
        self.media: list[str] = []
        self.last_step: int | None = None

    # -- transport ---------------------------------------------------------------------------

    def _get(self, path: str) -> tuple[int, str, int]:
        req = urllib.request.Request(self.base + path)
        try:
            with self.opener.open(req, timeout=TIMEOUT_S) as r:
                return r.status, r.headers.get("X-Replica", ""), len(r.read())
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("X-Replica", ""), 0

    async def get(self, path: str) -> tuple[int, str, int]:
        status, replica, size = await asyncio.to_thread(self._get, path)
        self.res.bytes_in += size
        self.note_replica(replica)
        return status, replica, size

    def note_replica(self, replica: str) -> None:
        if replica and not self.warmup:
            self.res.replicas_seen.setdefault(self.idx, set()).add(replica)

    async def connect(self, resume: bool = False) -> None:
        """Open the websocket as the browser does: subprotocols [streamlit, xsrf token, session id to resume]."""
        url = self.base.replace("http://", "ws://", 1) + "/_stcore/stream"
        protocols = ["streamlit", "PLACEHOLDER_AUTH_TOKEN"] + ([self.session_id] if resume and self.session_id else [])
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.jar)
        headers = {"Origin": self.base} | ({"Cookie": cookies} if cookies else {})
        self.ws = await websockets.connect(url, subprotocols=protocols, additional_headers=headers,
                                           max_size=None, open_timeout=TIMEOUT_S)
        # Behind nginx its X-Replica header names the replica; connected directly, the server is the URL.
        self.note_replica(self.ws.response.headers.get("X-Replica") or self.base.split("//", 1)[1])
        self.reader = asyncio.create_task(self.read_loop())

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()
            await asyncio.gather(self.reader, return_exceptions=True)
        self.ws = self.reader = None

    async def read_loop(self) -> None:
        try:
            async for raw in self.ws:
                self.res.bytes_in += len(raw)
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                self.handle(msg)
        except websockets.ConnectionClosed as e:
            if self.pending is not None and not self.pending.done():
                self.pending.set_exception(e)
        except Exception as e:  # noqa: BLE001 - reported, not swallowed
            self.res.error("client could not handle a message", repr(e))
            if self.pending is not None and not self.pending.done():
                self.pending.set_exception(e)

    def handle(self, msg: ForwardMsg) -> None:
        """What the browser's App.handleMessage does, for the parts the server's load depends on."""
        if msg.metadata.cacheable:
            self.cache[msg.hash] = self.runs
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            sid = msg.new_session.initialize.session_id
            if not self.warmup:
                self.res.new_sessions += 1
            if self.session_id and sid != self.session_id:
                self.res.error("session id changed", f"student {self.idx}: {self.session_id} -> {sid}")
            self.session_id = sid
            self.max_cache_age = msg.new_session.config.max_cached_message_age or 2
            if not self.pending_fragment:
                self.auto_rerun.clear()  # a full run: the browser clears every auto-rerun timer
        elif kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self.scan_element(msg.delta.new_element)
        elif kind == "auto_rerun":
            self.auto_rerun[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                self.auto_rerun.pop(fid, None)
        elif kind == "page_not_found":
            self.res.error("page not found", msg.page_not_found.page_name)
        elif kind == "script_finished":
            status = msg.script_finished
            if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return  # st.rerun(): another run follows; the student still waits for the chart
            self.runs += 1
            self.cache = {h: r for h, r in self.cache.items() if self.runs - r <= self.max_cache_age}
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                self.res.error("script compile error", self.page_hash)
            if self.pending is not None and not self.pending.done():
                self.pending.set_result(status)

    def scan_element(self, el) -> None:
        which = el.WhichOneof("type")
        if which == "exception":
            self.res.error("exception in delta", f"{el.exception.type}: {el.exception.message}")
            return
        if which == "alert" and el.alert.format == Alert.ERROR:
            self.res.error_alerts[el.alert.body[:120]] += 1
        elif which == "imgs":
            self.media += [img.url for img in el.imgs.imgs if img.url.startswith("/media/")]
        elif which == "markdown":
            m = STEP_RE.search(el.markdown.body)
            if m:
                self.last_step = int(m.group(1).replace(",", ""))
        widget = getattr(el, which) if which else None
        wid = getattr(widget, "id", "") if widget is not None else ""
        if isinstance(wid, str) and wid.startswith("$$ID-"):
            self.widget_ids[wid.rsplit("-", 1)[-1]] = wid

    # -- interactions ------------------------------------------------------------------------

    async def rerun(self, kind: str, *, page: str | None = None, fragment_id: str = "",
                    widget: tuple[str, WidgetState] | None = None) -> bool:
        """Send one rerun_script BackMsg and wait for its script_finished; record the latency."""
        back = BackMsg()
        cs = back.rerun_script
        if page is not None:  # navigation: the browser forgets the old page's widgets
            if page not in self.pages:
                self.res.error("page missing from navigation", page)
                return False
            self.page_hash = self.pages[page]
            self.widget_ids, self.widget_states, self.auto_rerun = {}, {}, {}
        cs.page_script_hash = self.page_hash
        states = dict(self.widget_states)
        if widget is not None:
            key, state = widget
            if key not in self.widget_ids:
                self.res.error("widget missing", f"{key} on {self.page_hash}")
                return False
            state.id = self.widget_ids[key]
            states[state.id] = state
            if not state.HasField("trigger_value"):  # buttons fire once; values persist
                self.widget_states[state.id] = state
        cs.widget_states.widgets.extend(states.values())
        cs.fragment_id = fragment_id
        cs.is_auto_rerun = bool(fragment_id)
        cs.cached_message_hashes.extend(self.cache)
        cs.context_info.timezone = "UTC"
        cs.context_info.locale = "en-US"
        cs.context_info.url = self.base + "/"
        self.pending = asyncio.get_running_loop().create_future()
        self.pending_fragment = fragment_id
        self.media = []
        t0 = time.perf_counter()
        try:
            await self.ws.send(back.SerializeToString())
            await asyncio.wait_for(self.pending, TIMEOUT_S)
        except TimeoutError:
            self.res.error("timeout > 30 s", kind)
            raise
        except websockets.ConnectionClosed as e:
            self.res.error("websocket closed", f"{kind}: {e}")
            raise
        finally:
            self.pending = None
        if not self.warmup:
            self.res.latency[kind].append(time.perf_counter() - t0)
        return True

    async def fetch_media(self) -> None:
        """The browser loads each st.image from /media/...: it must come from this session's replica."""
        for url in self.media:
            t0 = time.perf_counter()
            status, _, _ = await self.get(url)
            if self.warmup:
                continue
            self.res.media_gets += 1
            if status != 200:
                self.res.error("media GET failed", f"{status} {url}")
            else:
                self.res.media_latency.append(time.perf_counter() - t0)

    async def think(self) -> None:
        await asyncio.sleep(self.args.think * self.rng.uniform(0.5, 1.5))

    def time_left(self) -> bool:
        return time.monotonic() < self.deadline

    async def minimax(self) -> None:
        await self.rerun("open minimax page", page=MINIMAX)
        for _ in range(3):
            if not self.time_left():
                return
            await self.think()
            mean = round(self.rng.uniform(-5, 5), 1)
            await self.rerun("minimax: move G-mean slider",
                             widget=(MM_SLIDER, WidgetState(double_array_value={"data": [mean]})))

    async def cgan(self) -> None:
        await self.rerun("open Conditional GAN page", page=CGAN)
        await self.fetch_media()
        for _ in range(2):
            if not self.time_left():
                return
            await self.think()
            digit = float(self.rng.randrange(10))
            await self.rerun("CGAN: move digit slider",
                             widget=(CGAN_DIGIT, WidgetState(double_array_value={"data": [digit]})))
            await self.fetch_media()
        if self.time_left():
            await self.think()
            await self.rerun("CGAN: New handwriting", widget=(CGAN_NEW, WidgetState(trigger_value=True)))
            await self.fetch_media()

    async def gaussian(self, blip: bool) -> None:
        await self.rerun("open 1-D GAN page", page=GAUSSIAN)
        await self.think()
        await self.rerun("1-D GAN: Start", widget=(G1_START, WidgetState(trigger_value=True)))
        if not self.auto_rerun:
            self.res.error("no live fragment after Start", "no auto_rerun message")
            return
        t_start, ticks, step0 = time.monotonic(), 0, self.last_step
        train_s = 2 if self.warmup else self.args.train_seconds
        train_end = min(t_start + train_s, self.deadline)
        next_tick = t_start
        while self.auto_rerun and time.monotonic() < train_end:
            fid, interval = next(iter(self.auto_rerun.items()))
            next_tick += interval
            now = time.monotonic()
            if next_tick < now:  # the timer fired while the last tick was running: wait for the next one
                next_tick += interval * ((now - next_tick) // interval + 1)
            await asyncio.sleep(next_tick - now)
            await self.rerun("1-D GAN: live tick (fragment)", fragment_id=fid)
            ticks += 1
            if blip and time.monotonic() - t_start >= train_s / 2:  # a network blip mid-training:
                blip = False  # reconnect, which must resume the same session (and its trainer)
                await self.reconnect()
        trained = time.monotonic() - t_start
        if not self.warmup and trained > 0:
            gained = (self.last_step - step0) if (self.last_step is not None and step0 is not None) else None
            self.res.ticks.append((self.idx, ticks, trained, gained))
        if self.time_left():
            await self.rerun("1-D GAN: Pause", widget=(G1_PAUSE, WidgetState(trigger_value=True)))

    async def reconnect(self) -> None:
        old = self.session_id
        await self.close()
        await self.connect(resume=True)
        # The browser re-requests a full run on reconnect when a fragment timer was active.
        await self.rerun("reconnect: resume session")
        if not self.warmup and self.session_id == old:  # a different id is counted as "session id changed"
            self.res.reconnects_same_session += 1

    async def run(self) -> None:
        stages = [self.minimax, self.cgan, self.gaussian]
        stage = self.idx % len(stages)  # students start on different pages, as a class does
        try:
            await self.get("/")  # index.html; behind the proxy this sets the affinity cookie
            await self.connect()
            await self.rerun("open app (home)", page=None)
            if not self.warmup:
                self.res.session_ids[self.idx] = self.session_id
            blip_done = False
            while self.time_left():
                await self.think()
                fn = stages[stage % len(stages)]
                if fn == self.gaussian:
                    await fn(blip=not blip_done and not self.warmup)
                    blip_done = True
                else:
                    await fn()
                stage += 1
                if self.warmup and stage >= len(stages) + self.idx % len(stages):
                    break
        except (TimeoutError, websockets.ConnectionClosed):
            pass  # already counted; this student gives up
        except (OSError, websockets.InvalidHandshake) as e:
            self.res.error("connection failed", f"student {self.idx}: {e!r}")
        finally:
            await self.close()


# --------------------------------------------------------------------------------------------
# Servers this script starts (scripts/streamlit_server.py), and what they use (RSS, CPU, connections)
# read from /proc


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM (run_replicas.sh then stops its replicas and nginx); SIGKILL the process group if it lingers."""
    streamlit_server.stop(proc, grace=20, own_group=True)


def descendants(root: int) -> list[int]:
    children = defaultdict(list)
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children[ppid].append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline") as f:
            return f.read()
    except OSError:
        return ""


def proc_usage(pid: int) -> tuple[int, float]:
    """(RSS bytes, CPU seconds) of one process."""
    if psutil is not None:
        try:
            p = psutil.Process(pid)
            t = p.cpu_times()
            return p.memory_info().rss, t.user + t.system
        except psutil.Error:
            return 0, 0.0
    try:
        with open(f"/proc/{pid}/status") as f:
            rss = next((int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS:")), 0)
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return rss, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0, 0.0


def established(port: int) -> int:
    """Established TCP connections whose local port is `port` (the replica's websockets and GETs)."""
    n = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    parts = line.split()
                    if parts[3] == "01" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                        n += 1
        except OSError:
            pass
    return n


class Monitor(threading.Thread):
    """Samples RSS and CPU of each server's process tree (and of this script) every 0.5 s."""

    def __init__(self, servers: dict[str, int], ports: dict[str, int]):
        super().__init__(daemon=True)
        self.servers, self.ports = servers, ports  # name -> root pid, name -> port to count connections on
        self.samples: list[tuple] = []  # t, rss, cpu, conns, own cpu, whole machine's busy cpu seconds
        self.stop_event = threading.Event()

    def sample(self) -> tuple:
        rss, cpu = {}, {}
        for name, root in self.servers.items():
            usage = [proc_usage(p) for p in descendants(root)]
            rss[name], cpu[name] = sum(u[0] for u in usage), sum(u[1] for u in usage)
        conns = {name: established(port) for name, port in self.ports.items()}
        own = proc_usage(os.getpid())[1]
        with open("/proc/stat") as f:  # the whole machine, to show what else competed for the cores
            ticks = [int(x) for x in f.readline().split()[1:]]
        busy = (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # all but idle, iowait
        return time.monotonic(), rss, cpu, conns, own, busy

    def run(self) -> None:
        while not self.stop_event.is_set():
            self.samples.append(self.sample())
            self.stop_event.wait(0.5)

    def window(self, t0: float, t1: float) -> list:
        return [s for s in self.samples if t0 <= s[0] <= t1]


# --------------------------------------------------------------------------------------------
# Running a class and printing the table


async def run_students(urls: list[str], args, res: Results, warmup: bool = False) -> float:
    """Start the students (spread over `--ramp` seconds) and wait until all have stopped."""
    n = 1 if warmup else args.sessions
    # HTTP GETs (index, images) run in threads: enough of them that a student never waits for one
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max(8, 2 * n)))
    t0 = time.monotonic()
    deadline = t0 + (600 if warmup else args.seconds)
    students = [Student(i, urls[i % len(urls)], res, deadline, args, warmup) for i in range(n)]

    async def delayed(s: Student, delay: float) -> None:
        await asyncio.sleep(delay)
        await s.run()

    ramp = 0 if warmup else min(args.ramp, args.seconds / 3)
    tasks = [asyncio.create_task(delayed(s, ramp * i / max(1, n))) for i, s in enumerate(students)]
    # Bounded: an in-flight interaction may finish after the deadline, but never by more than 30 s.
    _, late = await asyncio.wait(tasks, timeout=deadline - t0 + TIMEOUT_S + 10)
    for t in late:
        t.cancel()
    if late:
        res.error("student still running after the deadline", f"{len(late)} cancelled")
    await asyncio.gather(*tasks, return_exceptions=True)
    return time.monotonic() - t0


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    s = sorted(values)
    return s[max(0, math.ceil(q / 100 * len(s)) - 1)]


def mb(x: float) -> str:
    return f"{x / 2**20:,.0f} MB"


def report(args, res: Results, elapsed: float, mon: Monitor | None, marks: dict, nginx_log: Path | None) -> None:
    n_inter = sum(len(v) for v in res.latency.values())
    n_err = sum(res.errors.values())
    cores = os.cpu_count() or 1
    print()
    print(f"GAN Classroom load test: {args.sessions} students, {elapsed:.0f} s "
          f"(ramp {args.ramp:.0f} s, think {args.think:.1f} s, train {args.train_seconds:.0f} s per visit); "
          f"target {marks['target']}; streamlit {streamlit.__version__}; {cores} CPU cores")
    print(f"sessions {len(res.session_ids)}   interactions {n_inter}   errors {n_err}"
          + (f"  ({', '.join(f'{k}: {v}' for k, v in res.errors.items())})" if n_err else ""))
    for e in res.error_examples:
        print("   ", e)
    for text, count in res.error_alerts.items():
        print(f"    st.error shown {count}x: {text}")
    print()
    print(f"{'interaction (BackMsg -> script_finished)':44s} "
          f"{'count':>6s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
    for kind, vals in res.latency.items():
        ms = [1000 * v for v in vals]
        print(f"{kind:44s} {len(ms):6d} {statistics.median(ms):8.0f} {pct(ms, 95):8.0f} {max(ms):8.0f}")
    everything = [1000 * v for vals in res.latency.values() for v in vals]
    for name, ms in (("all interactions", everything),
                     ("(HTTP) GET /media/... image, after a CGAN run", [1000 * v for v in res.media_latency])):
        if ms:
            print(f"{name:44s} {len(ms):6d} {statistics.median(ms):8.0f} {pct(ms, 95):8.0f} {max(ms):8.0f}")
    per_student = defaultdict(lambda: [0, 0.0, 0, True])  # ticks, seconds, steps, steps known
    for idx, ticks, secs, gained in res.ticks:
        acc = per_student[idx]
        acc[0], acc[1] = acc[0] + ticks, acc[1] + secs
        acc[2], acc[3] = acc[2] + (gained or 0), acc[3] and gained is not None
    trained = {i: a for i, a in per_student.items() if a[1] >= 1}
    if trained:
        rates = [a[0] / a[1] for a in trained.values()]
        steps = [a[2] / a[1] for a in trained.values() if a[3]]
        print(f"\nlive training: {len(res.ticks)} visits to the 1-D GAN by {len(trained)} students, "
              f"{statistics.mean(a[1] for a in trained.values()):.0f} s of training each on average; "
              f"ticks/s per student mean {statistics.mean(rates):.2f}, min {min(rates):.2f}, max {max(rates):.2f} "
              f"(its {0.25:.2f} s timer allows 4.0)"
              + (f"; trainer iterations/s per student mean {statistics.mean(steps):,.1f}, min {min(steps):,.1f}"
                 if steps else ""))
    per_student_kbs = res.bytes_in / 2**10 / max(1, args.sessions) / elapsed
    print(f"received {res.bytes_in / 2**20:,.1f} MB in total, {per_student_kbs:,.0f} "
          f"KB/s per student; media GETs {res.media_gets}; new_session messages {res.new_sessions} "
          f"(session id never changed unless listed above); reconnects that resumed the same session "
          f"{res.reconnects_same_session}")
    if mon is None or not mon.samples:
        print("server memory/CPU: not measured (the server was not started by this script)")
        return
    load = mon.window(marks["load_start"], marks["load_end"])
    names = list(mon.servers)

    def total(sample) -> int:
        return sum(sample[1].values())
    print()
    lingered = (f", after {args.linger:.0f} s linger + 1 fresh visit {mb(marks['linger_rss'])}"
                if "linger_rss" in marks else "")
    print(f"server RSS (all server processes): cold start {mb(total(mon.samples[0]))}, "
          f"warm idle {mb(marks['idle_rss'])}, peak {mb(max(total(s) for s in load))}, "
          f"end (students gone) {mb(marks['end_rss'])}{lingered}")
    print(f"RSS growth per session: (peak - warm idle) / {args.sessions} = "
          f"{mb((max(total(s) for s in load) - marks['idle_rss']) / args.sessions)}")
    span = load[-1][0] - load[0][0]
    cpu = sum(load[-1][2].values()) - sum(load[0][2].values())
    own = load[-1][4] - load[0][4]
    machine = load[-1][5] - load[0][5]
    print(f"server CPU during the load: {100 * cpu / span:.0f} % of one core ({100 * cpu / span / cores:.0f} % of "
          f"{cores} cores); this load generator itself: {100 * own / span:.0f} % of one core; other processes "
          f"on the machine: {100 * max(0.0, machine - cpu - own) / span:.0f} % of one core (machine "
          f"{100 * machine / span / cores:.0f} % busy)")
    if len(names) > 1 or mon.ports:
        print()
        by_header = Counter(next(iter(v)) for v in res.replicas_seen.values() if len(v) == 1)
        print(f"{'replica':26s} {'sessions':>20s} {'peak conns':>10s} {'peak RSS':>9s} {'CPU %':>6s}")
        for name in names:
            peak_conn = max(s[3].get(name, 0) for s in load) if mon.ports else 0
            c = 100 * (load[-1][2][name] - load[0][2][name]) / span
            peak_rss = mb(max(s[1][name] for s in load))
            print(f"{name:26s} {by_header.get(name, 0):20d} {peak_conn:10d} {peak_rss:>9s} {c:6.0f}")
    if res.replicas_seen:
        multi = [i for i, v in res.replicas_seen.items() if len(v) > 1]
        print(f"stickiness: {len(res.replicas_seen) - len(multi)} of {len(res.replicas_seen)} students had every "
              f"GET, websocket and reconnect answered by one replica"
              + (f"; NOT sticky: students {multi}" if multi else ""))
    if nginx_log is not None and nginx_log.exists():
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


def start_targets(args, started: list) -> tuple[dict, dict, list, Path | None]:
    """Start what the class talks to: one server, K servers, or K replicas behind nginx.

    Returns the server processes to watch (name -> root pid), ports whose connections to count,
    the URLs students use, and nginx's access log. Every process goes into `started` at once,
    so the caller stops it even if a later start fails.
    """
    servers, ports, urls, nginx_log = {}, {}, [], None
    if args.url:
        return servers, ports, [args.url.rstrip("/")], None
    if args.proxy:
        proxy_port = streamlit_server.free_port()
        base = random.Random().randrange(20000, 30000, 10)
        while any(streamlit_server.port_in_use(base + i) for i in range(args.replicas)):
            base += 10
        run_dir = LOG_DIR / f"deploy-{proxy_port}"
        env = os.environ | {"BASE_PORT": str(base), "RUN_DIR": str(run_dir), "PYTHON": sys.executable}
        log = LOG_DIR / f"run_replicas-{proxy_port}.log"
        with open(log, "w") as out:
            proc = subprocess.Popen(["bash", str(ROOT / "deploy" / "run_replicas.sh"), str(args.replicas),
                                     str(proxy_port)], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        started.append(proc)
        urls = [f"http://127.0.0.1:{proxy_port}"]
        streamlit_server.wait_healthy(urls[0], proc, timeout=HEALTHY_WITHIN_S, interval=0.25, log=log)
        time.sleep(1)
        nginx_log = run_dir / "nginx_access.log"
        for i in range(args.replicas):  # the replica processes, found by their port
            port = base + i
            pid = next(p for p in descendants(proc.pid) if f"--server.port\x00{port}\x00" in cmdline(p))
            servers[f"127.0.0.1:{port}"], ports[f"127.0.0.1:{port}"] = pid, port
        return servers, ports, urls, nginx_log
    launched = []
    for _ in range(args.replicas):  # all start at once, then each is waited for
        port = streamlit_server.free_port()
        server = streamlit_server.launch(port, log=LOG_DIR / f"server-{port}.log", own_group=True)
        started.append(server.proc)
        launched.append(server)
        servers[f"127.0.0.1:{port}"] = server.pid
        urls.append(server.url)
    for server in launched:
        server.wait_healthy(timeout=HEALTHY_WITHIN_S, interval=0.25)
    if args.replicas > 1:
        ports = {name: int(name.rsplit(":", 1)[1]) for name in servers}
    return servers, ports, urls, nginx_log


def main() -> None:
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
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # under `timeout`: still stop our servers

    if args.url and (args.proxy or args.replicas > 1):
        ap.error("--url talks to a running server; --replicas/--proxy start their own")
    if args.url and urllib.parse.urlparse(args.url).hostname not in LOCAL_HOSTS:
        ap.error("--url must point at this machine (127.0.0.1 / localhost)")
    started: list[subprocess.Popen] = []
    try:
        servers, ports, urls, nginx_log = start_targets(args, started)
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
            time.sleep(2)
            marks["end_rss"] = sum(mon.sample()[1].values())
            if args.linger > 0:
                print(f"lingering {args.linger:.0f} s to watch memory after the sessions ended...", flush=True)
                time.sleep(args.linger)
                probe = Results()
                asyncio.run(run_students([urls[0]], argparse.Namespace(**{**vars(args), "sessions": 1}),
                                         probe, warmup=True))
                time.sleep(3)
                marks["linger_rss"] = sum(mon.sample()[1].values())
            mon.stop_event.set()
            mon.join(2)
        for proc in started:  # stop first, so nginx writes the websocket lines of its access log
            stop(proc)
        report(args, res, elapsed, mon, marks, nginx_log)
        if sum(res.errors.values()):
            sys.exit(1)
    except streamlit_server.NotHealthy as e:
        raise SystemExit(str(e)) from None
    finally:
        for proc in started:
            stop(proc)


if __name__ == "__main__":
    main()
