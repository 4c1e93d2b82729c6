"""Server time per interaction, for the load test: with $GAN_TIMING_LOG naming a file, every script run
(app.py, around page.run()) and every live-fragment tick (ui.live.live_view) appends one JSON line:

    {"t": 1760000000.123, "session": "...", "page": "gaussian_gan", "kind": "tick", "cpu_ms": 4.1, "wall_ms": 9.8}

t: when it ended (time.time(), so that bench/classroom_load.py can match it to the student's click);
cpu_ms: time.thread_time() of the script thread (Streamlit runs each session's script in a thread of its own),
which neither other sessions nor the trainer worker processes add to; wall_ms: its wall time, waits included.
A tick drawn inside a full run belongs to that run and writes no line of its own. Unset, nothing is written
and a run pays one environment look-up.
"""
from __future__ import annotations

import functools
import json
import os
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from streamlit.runtime.scriptrunner import get_script_run_ctx

ENV_VAR = "GAN_TIMING_LOG"
_WRITE = threading.Lock()  # sessions' script threads append to one file
_DEPTH = threading.local()  # timed blocks open on this thread: only the outermost one writes


def page_name() -> str:
    """The url name of the page this script thread is running ("home" for the default page), or ""."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return ""
    info = ctx.pages_manager.get_pages().get(ctx.page_script_hash)
    if info is None:
        return ""
    return info.get("url_pathname") or "home"


@contextmanager
def timed(kind: str, page: str = "") -> Iterator[None]:
    """Log the block's CPU and wall time as one line of $GAN_TIMING_LOG (kind: "run" or "tick"; page: the
    page's url name, found from the script's context when empty). Logs even when the block ends with
    st.rerun() or st.stop(): that time was spent on the student's click too."""
    path = os.environ.get(ENV_VAR)
    depth = getattr(_DEPTH, "n", 0)
    if not path or depth:
        yield
        return
    _DEPTH.n = 1
    cpu0, wall0 = time.thread_time(), time.perf_counter()
    try:
        yield
    finally:
        cpu, wall = time.thread_time() - cpu0, time.perf_counter() - wall0
        _DEPTH.n = 0
        ctx = get_script_run_ctx()
        line = json.dumps({"t": round(time.time(), 4), "session": ctx.session_id if ctx else "",
                           "page": page or page_name(), "kind": kind,
                           "cpu_ms": round(1000 * cpu, 3), "wall_ms": round(1000 * wall, 3)})
        with _WRITE, open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")


def timed_fn(kind: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """fn, with each call logged as `timed(kind)` (for a fragment body: ui.live's tick)."""
    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        with timed(kind):
            return fn(*args, **kwargs)
    return call
