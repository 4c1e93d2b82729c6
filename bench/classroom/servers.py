"""What the load test starts (one server, K servers, or K replicas behind nginx, via scripts/streamlit_server.py
and deploy/run_replicas.sh) and what they use: RSS, CPU and connections, read from /proc."""
from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

from app_server import streamlit_server  # bench/ is on sys.path when run as python bench/x.py

ROOT = Path(__file__).resolve().parents[2]
LOG_DIR = ROOT / "logs" / "load"
HEALTHY_WITHIN_S = 180  # a server (or the proxy) that does not answer /_stcore/health by then is an error

try:  # optional: streamlit does not need psutil; /proc does the same job on Linux
    import psutil
except ImportError:
    psutil = None


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


def start_targets(args, started: list, env: dict[str, str]) -> tuple[dict, dict, list, Path | None]:
    """Start what the class talks to: one server, K servers, or K replicas behind nginx, with `env` added
    to their environment (the load test's $GAN_TIMING_LOG).

    Returns the server processes to watch (name -> root pid), ports whose connections to count,
    the URLs students use, and nginx's access log. Every process goes into `started` at once,
    so the caller stops it even if a later start fails.
    """
    if args.url:
        return {}, {}, [args.url.rstrip("/")], None
    if args.proxy:
        return start_proxy(args.replicas, started, env)
    servers, urls, launched = {}, [], []
    for _ in range(args.replicas):  # all start at once, then each is waited for
        port = streamlit_server.free_port()
        server = streamlit_server.launch(port, log=LOG_DIR / f"server-{port}.log", own_group=True, env=env)
        started.append(server.proc)
        launched.append(server)
        servers[f"127.0.0.1:{port}"] = server.pid
        urls.append(server.url)
    for server in launched:
        server.wait_healthy(timeout=HEALTHY_WITHIN_S, interval=0.25)
    ports = {name: int(name.rsplit(":", 1)[1]) for name in servers} if args.replicas > 1 else {}
    return servers, ports, urls, None


def start_proxy(replicas: int, started: list, env: dict[str, str]) -> tuple[dict, dict, list, Path]:
    """deploy/run_replicas.sh: `replicas` servers behind nginx on a free port (see start_targets)."""
    proxy_port = streamlit_server.free_port()
    base = random.Random().randrange(20000, 30000, 10)
    while any(streamlit_server.port_in_use(base + i) for i in range(replicas)):
        base += 10
    run_dir = LOG_DIR / f"deploy-{proxy_port}"
    env = os.environ | env | {"BASE_PORT": str(base), "RUN_DIR": str(run_dir), "PYTHON": sys.executable}
    log = LOG_DIR / f"run_replicas-{proxy_port}.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(["bash", str(ROOT / "deploy" / "run_replicas.sh"), str(replicas), str(proxy_port)],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    started.append(proc)
    url = f"http://127.0.0.1:{proxy_port}"
    streamlit_server.wait_healthy(url, proc, timeout=HEALTHY_WITHIN_S, interval=0.25, log=log)
    time.sleep(1)
    servers, ports = {}, {}
    for i in range(replicas):  # the replica processes, found by their port
        port = base + i
        pid = next(p for p in descendants(proc.pid) if f"--server.port\x00{port}\x00" in cmdline(p))
        servers[f"127.0.0.1:{port}"], ports[f"127.0.0.1:{port}"] = pid, port
    return servers, ports, [url], run_dir / "nginx_access.log"
