"""A simulated student's connection: HTTP GETs and Streamlit's websocket protocol, as a browser tab speaks
them (the protobuf classes of the installed streamlit package), and what every student's clicks add up to
(Results). The lessons a student goes through are in student.py."""
from __future__ import annotations

import asyncio
import http.cookiejar
import random
import re
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

TIMEOUT_S = 30.0  # an interaction slower than this counts as an error
STEP_RE = re.compile(r"Step \*\*([\d,]+)\*\*")  # the live view's step counter caption
NUMBER_RE = re.compile(r"-?\d[\d,]*(?:\.\d+)?")  # the number in an st.metric's text ("6.23", "85.3%"; "–": none)


def metric_value(text: str | None) -> float | None:
    """The number an st.metric shows ("6.23", "85.3%"), None for none ("–")."""
    m = NUMBER_RE.search(text or "")
    return float(m.group().replace(",", "")) if m else None


# --------------------------------------------------------------------------------------------
# Results shared by all students (one asyncio thread writes them)


@dataclass
class TrainingVisit:
    """One visit's live training: from Start's answer to the last tick's, the ticks that came back."""

    student: int
    seconds: float
    arrivals: list  # seconds after Start's answer at which each tick came back
    timers: list  # the fragment's run_every (s) that each tick waited for: the server stretches it under load
    steps_gained: int | None  # trainer iterations, from the step caption (None: no caption seen)
    lesson: str = "1-D GAN"  # the lesson's title (bench/classroom/student.py LESSONS)
    t0: float = 0.0  # time.monotonic() of Start's answer
    steps: list = field(default_factory=list)  # the step caption after each tick (None: not shown)
    shown: list = field(default_factory=list)  # after each tick: {label: text} of the lesson's watched st.metrics

    @property
    def longest_wait(self) -> float:
        """The longest time the student's chart went without an update (the training's end included)."""
        marks = [0.0] + self.arrivals + [self.seconds]
        return max(b - a for a, b in zip(marks, marks[1:]))


@dataclass
class Results:
    latency: dict = field(default_factory=lambda: defaultdict(list))  # kind -> [seconds]
    errors: Counter = field(default_factory=Counter)  # kind -> count
    error_examples: list = field(default_factory=list)
    error_alerts: Counter = field(default_factory=Counter)  # st.error texts seen (not exceptions)
    bytes_in: int = 0
    visits: list = field(default_factory=list)  # a TrainingVisit per visit of a live lesson that trained
    new_sessions: int = 0  # new_session messages checked for an unchanged session id
    replicas_seen: dict = field(default_factory=dict)  # student -> set of X-Replica values
    session_ids: dict = field(default_factory=dict)  # student -> session id
    reconnects_same_session: int = 0
    media_gets: int = 0
    media_latency: dict = field(default_factory=lambda: defaultdict(list))  # "after ...": [seconds per GET /media/]
    # live tick kind -> [(bytes of the websocket messages that answered one tick, bytes of its media GETs)]
    tick_bytes: dict = field(default_factory=lambda: defaultdict(list))
    # (session id, interaction, time.time() when sent, when answered): matched with the server's time log
    windows: list = field(default_factory=list)

    def error(self, kind: str, detail: str = "") -> None:
        self.errors[kind] += 1
        if len(self.error_examples) < 12:
            self.error_examples.append(f"{kind}: {detail}"[:300])


# --------------------------------------------------------------------------------------------
# One simulated student's connection


class Client:
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
        self.options: dict[str, list[str]] = {}  # selectbox / radio user key -> its options' labels
        self.shown: dict[str, str] = {}  # st.metric label -> what it shows (latest), on this page
        self.auto_rerun: dict[str, float] = {}  # fragment id -> interval (the browser's timers)
        self.cache: dict[str, int] = {}  # hash of cacheable message -> run counter (browser's cache)
        self.max_cache_age = 2
        self.runs = 0
        self.pending: asyncio.Future | None = None
        self.pending_fragment = ""
        self.media: list[str] = []
        self.fetched: set[str] = set()  # media URLs loaded on this page (a browser shows them without a new GET)
        self.last_step: int | None = None
        self.bytes_seen = 0  # websocket bytes received by this client
        self.answer_bytes = 0  # of them, those that answered the last rerun (sent -> script_finished)

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
                self.bytes_seen += len(raw)
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
        elif kind == "delta" and msg.delta.WhichOneof("type") == "add_block":
            tabs = msg.delta.add_block.tab_container  # keyed tabs that rerun on a click are a widget
            if msg.delta.add_block.WhichOneof("type") == "tab_container" and tabs.id.startswith("$$ID-"):
                self.widget_ids[tabs.id.rsplit("-", 1)[-1]] = tabs.id
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
        elif which == "metric":
            self.shown[el.metric.label] = el.metric.body
        widget = getattr(el, which) if which else None
        wid = getattr(widget, "id", "") if widget is not None else ""
        if isinstance(wid, str) and wid.startswith("$$ID-"):
            key = wid.rsplit("-", 1)[-1]
            self.widget_ids[key] = wid
            if which in ("selectbox", "radio"):  # the browser sends the chosen option's label (string_value)
                self.options[key] = list(widget.options)

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
            self.options, self.shown, self.fetched = {}, {}, set()
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
        t0, sent, bytes0 = time.perf_counter(), time.time(), self.bytes_seen
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
        self.answer_bytes = self.bytes_seen - bytes0
        if not self.warmup:
            self.res.latency[kind].append(time.perf_counter() - t0)
            self.res.windows.append((self.session_id, kind, sent, time.time()))
        return True

    async def fetch_media(self, after: str, new_only: bool = False) -> int:
        """The browser loads each st.image of the last run from /media/...: it must come from this session's
        replica. new_only: skip images already loaded on this page (a redraw of the same picture keeps its
        URL, and the browser shows it without asking again). Returns the bytes loaded; latency goes under
        `after` ("a CGAN run")."""
        total = 0
        for url in self.media:
            if new_only and url in self.fetched:
                continue
            self.fetched.add(url)
            t0 = time.perf_counter()
            status, _, size = await self.get(url)
            total += size
            if self.warmup:
                continue
            self.res.media_gets += 1
            if status != 200:
                self.res.error("media GET failed", f"{status} {url}")
            else:
                self.res.media_latency[after].append(time.perf_counter() - t0)
        return total
