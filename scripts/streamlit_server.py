"""Start the app as a class would see it, for the browser tests and the benchmarks: `streamlit run app.py`
on a free or given port, wait until /_stcore/health answers, stop it (SIGTERM, then SIGKILL after a grace
period). The one server starter of tests/e2e/conftest.py, bench/classroom_load.py and bench/cold_start.py.

    server = streamlit_server.start(log=ROOT / "artifacts" / "e2e_server.log")  # launch + wait_healthy
    ... server.url ...
    server.stop()

How it is imported: the tests as `scripts.streamlit_server` (pytest puts the repository root on sys.path,
as for scripts/ensure_browser.py). The benchmarks are run as `python bench/x.py` (README): Python then puts
bench/, not the repository root, on sys.path, and the installed package holds gan_core and ui only, not
scripts/; so they load this file by its path (`importlib`, a few lines in each), rather than adding the
root to sys.path or moving a test helper into the app's package. It uses the standard library only.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEALTH = "/_stcore/health"
# What every start passes; `options` can add to these or override them.
DEFAULT_OPTIONS = {"server.headless": "true", "server.address": "127.0.0.1", "browser.gatherUsageStats": "false"}


class NotHealthy(RuntimeError):
    """The server exited, or did not answer /_stcore/health in time. The message names its log."""


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now (the OS picks it)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        return s.connect_ex((host, port)) == 0


def _shown(log: Path | None) -> str:
    if log is None:
        return "no log was kept"
    try:
        return f"see {log.resolve().relative_to(ROOT)}"
    except ValueError:
        return f"see {log}"


def wait_healthy(url: str, proc: subprocess.Popen | None = None, *, timeout: float = 90, interval: float = 0.2,
                 request_timeout: float = 2, log: Path | None = None) -> None:
    """Poll `url`/_stcore/health until it answers 200. Raises NotHealthy, naming `log`, when `proc` (if given)
    exits first or `timeout` seconds pass. `url` may be a proxy in front of the servers (the proxy's process
    as `proc`)."""
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise NotHealthy(f"the server for {url} exited with code {proc.returncode} before {HEALTH} answered; "
                             f"{_shown(log)}")
        try:
            with urllib.request.urlopen(url + HEALTH, timeout=request_timeout) as r:
                if r.status == 200:
                    return
        except OSError:  # not listening yet, or not healthy yet (urllib's HTTPError is an OSError)
            pass
        if time.monotonic() > deadline:
            raise NotHealthy(f"{url}{HEALTH} did not answer within {timeout:.0f} s; {_shown(log)}")
        time.sleep(interval)


def stop(proc: subprocess.Popen, grace: float = 15, *, own_group: bool = False) -> None:
    """SIGTERM, and SIGKILL if it has not exited after `grace` seconds. `own_group`: the process was started
    in a session of its own (as `launch(own_group=True)` does); the kill then reaches its children too."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(grace)
        return
    except subprocess.TimeoutExpired:
        pass
    if own_group and hasattr(os, "killpg"):
        os.killpg(proc.pid, signal.SIGKILL)
    else:
        proc.kill()
    proc.wait(5)


class StreamlitServer:
    """One `streamlit run app.py` process, started by `launch` or `start`."""

    def __init__(self, proc: subprocess.Popen, port: int, log: Path | None, own_group: bool):
        self.proc, self.port, self.log, self.own_group = proc, port, log, own_group

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_healthy(self, timeout: float = 90, interval: float = 0.2, request_timeout: float = 2) -> None:
        wait_healthy(self.url, self.proc, timeout=timeout, interval=interval, request_timeout=request_timeout,
                     log=self.log)

    def stop(self, grace: float = 15) -> None:
        stop(self.proc, grace, own_group=self.own_group)


def launch(port: int | None = None, *, log: Path | None = None, options: dict[str, object] | None = None,
           env: dict[str, str] | None = None, own_group: bool = False) -> StreamlitServer:
    """Start `streamlit run app.py` from the repository root and return at once (see `start` to also wait).

    port: a free one when None. log: the server's stdout and stderr (its folder is made), else discarded.
    options: Streamlit options ({"server.maxUploadSize": 5}) added to or overriding DEFAULT_OPTIONS.
    env: variables added to this process's environment. own_group: a session of its own, so a Ctrl-C in the
    terminal reaches only the caller, which then stops the server itself (and `stop` kills its children).
    """
    port = free_port() if port is None else port
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    for key, value in (DEFAULT_OPTIONS | (options or {})).items():
        command += [f"--{key}", str(value)]
    out = subprocess.DEVNULL
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        out = open(log, "w")  # closed below: the server writes through its own handle
    try:
        proc = subprocess.Popen(command, cwd=ROOT, env=os.environ | (env or {}), stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=own_group)
    finally:
        if log is not None:
            out.close()
    return StreamlitServer(proc, port, log, own_group)


def start(port: int | None = None, *, timeout: float = 90, interval: float = 0.2, **launch_args) -> StreamlitServer:
    """`launch`, then wait until the server is healthy. One that is not is stopped before NotHealthy is raised."""
    server = launch(port, **launch_args)
    try:
        server.wait_healthy(timeout, interval)
    except BaseException:
        server.stop(grace=5)
        raise
    return server
