"""Where one student's clicks spend the server's time: the interactions of bench/classroom_load.py, each run
--n times in this process through streamlit.testing's AppTest (the same app.py and page scripts), measured
in the script thread (where Streamlit runs a session's script), split by cProfile.

Per interaction: wall and CPU ms without the profiler (the script thread's runs, plus serialising the
ForwardMsgs they produced, which a server does on its event loop and AppTest does not: measured here), then
the same interaction under cProfile, its time split by each function's own time (tottime) and file:
script (lessons/, ui/, app.py), engine (gan_core, torch, numpy, scipy), figures (plotly, ui/chart.py,
ui/plots.py, PIL for images), serialisation (json, orjson, protobuf, pickle, pandas/pyarrow for st.dataframe,
and the measured SerializeToString), Streamlit (the rest of streamlit), worker (blocked on the trainer
worker's pipe: multiprocessing poll/send/recv; the 1-D page trains in worker processes when
gan_core.workers.default_size() > 0), other. A built-in function counts for its module where its name says
it (torch, numpy, protobuf, ...), else for its callers' files.

Run: python bench/profile_interactions.py [--n 20] [--top 8]
"""
from __future__ import annotations

import argparse
import cProfile
import functools
import os
import platform
import pstats
import statistics
import sys
import time
from pathlib import Path

import plotly
import streamlit
import torch
from streamlit.runtime.scriptrunner import ScriptRunner
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, app_test, local_script_runner

ROOT = Path(__file__).resolve().parents[1]

CATEGORIES = ("script", "engine", "figures", "serialisation", "streamlit", "worker", "other")
PATHS = (  # first match wins
    ("figures", (f"{ROOT}/ui/chart.py", f"{ROOT}/ui/plots.py", "/plotly/", "/_plotly_utils/", "/PIL/")),
    ("script", (f"{ROOT}/lessons/", f"{ROOT}/ui/", f"{ROOT}/app.py")),
    ("engine", (f"{ROOT}/gan_core/", "/torch/", "/numpy/", "/scipy/")),
    ("worker", ("/multiprocessing/connection.py", "/selectors.py")),
    ("serialisation", ("/json/", "/orjson", "/google/protobuf/", "/pickle.py", "/copyreg.py", "/pyarrow/", "/pandas/")),
    ("streamlit", ("/streamlit/",)),
)
BUILTINS = (  # a built-in whose name says its module
    ("engine", ("torch", "numpy", "scipy")),
    ("figures", ("PIL", "'Font'", "Imaging")),
    ("serialisation", ("orjson", "_json", "json.", "_pickle", "SerializeToString", "ParseFromString", "upb", "arrow")),
)
LIVE = "g1_run"


class Probe:
    """Patches Streamlit's ScriptRunner: times each run in its script thread (CPU and wall), keeps the
    ForwardMsgs it sends, and profiles it while `profile` is set."""

    def __init__(self) -> None:
        self.profile: cProfile.Profile | None = None
        self.cpu = self.wall = 0.0
        self.msgs: list = []
        run_script, enqueue = ScriptRunner._run_script, ScriptRunner._enqueue_forward_msg

        def timed_run(runner, rerun_data):
            cpu0, wall0, prof = time.thread_time(), time.perf_counter(), self.profile
            if prof:
                prof.enable()
            try:
                return run_script(runner, rerun_data)
            finally:
                if prof:
                    prof.disable()
                self.cpu += time.thread_time() - cpu0
                self.wall += time.perf_counter() - wall0

        def kept(runner, msg):
            self.msgs.append(msg)
            return enqueue(runner, msg)

        ScriptRunner._run_script, ScriptRunner._enqueue_forward_msg = timed_run, kept

    def measure(self, action, profile: cProfile.Profile | None = None) -> tuple[float, float, float]:
        """(wall ms, CPU ms, of which serialising ms) of one interaction: its runs, then sending their messages."""
        self.cpu = self.wall = 0.0
        self.msgs, self.profile = [], profile
        try:
            action()
        finally:
            self.profile = None
        cpu0, wall0 = time.thread_time(), time.perf_counter()
        for msg in self.msgs:
            msg.SerializeToString()
        ser_cpu, ser_wall = time.thread_time() - cpu0, time.perf_counter() - wall0
        return 1000 * (self.wall + ser_wall), 1000 * (self.cpu + ser_cpu), 1000 * ser_wall


class Student:
    """One browser tab, as AppTest drives it: the interactions of the load test."""

    def __init__(self, probe: Probe) -> None:
        self.probe, self.at, self.fragment = probe, None, ""

    def run(self, at=None) -> None:
        at = at or self.at
        at.run()
        if at.exception:
            raise RuntimeError(f"the page failed: {[e.value for e in at.exception]}")

    def open_home(self) -> None:
        self.at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        self.run()

    def go(self, page: str) -> None:
        if self.at is None:
            self.open_home()
        self.at.switch_page(f"lessons/{page}.py")
        self.run()

    def slider(self, key: str, value: float) -> None:
        self.at.slider(key=key).set_value(value)
        self.run()

    def pause(self) -> None:
        if self.at.session_state[LIVE].running:
            self.at.button(key=f"{LIVE}_pause").click()
            self.run()

    def start(self) -> None:
        self.at.button(key=f"{LIVE}_start").click()
        self.run()
        ids = [m.auto_rerun.fragment_id for m in self.probe.msgs if m.WhichOneof("type") == "auto_rerun"]
        self.fragment = ids[-1] if ids else self.fragment

    def tick(self) -> None:
        """The live fragment alone, as the browser's timer asks for it (AppTest has no call for this)."""
        before, tree, make = self.at.session_state[LIVE].snapshot.step, self.at._tree, local_script_runner.RerunData
        local_script_runner.RerunData = functools.partial(make, fragment_id=self.fragment, is_auto_rerun=True)
        try:
            self.run()
        finally:
            local_script_runner.RerunData, self.at._tree = make, tree  # the page's widgets stay as they were
        if self.at.session_state[LIVE].snapshot.step <= before:
            raise RuntimeError("a live tick did not train: is the run running?")


def interactions(s: Student) -> list[tuple[str, object, object]]:
    """(name, set-up before each repeat, the interaction), in the load test's words."""
    nothing = lambda i: None  # noqa: E731
    return [
        ("open app (home)", nothing, lambda i: s.open_home()),
        ("minimax: move G-mean slider", lambda i: i == 0 and s.go("minimax"),
         lambda i: s.slider("mm_mu_g", round(-4.5 + (i * 1.7) % 9, 1))),
        ("CGAN: move digit slider", lambda i: i == 0 and s.go("conditional_gan"),
         lambda i: s.slider("cgan_digit", (i * 3 + 1) % 10)),
        ("1-D GAN: Start", lambda i: s.go("gaussian_gan") if i == 0 else s.pause(), lambda i: s.start()),
        ("1-D GAN: live tick", nothing, lambda i: s.tick()),
    ]


def category(func: tuple, callers: dict, stats: dict) -> dict[str, float]:
    """{category: seconds} of one function's own time."""
    path, _, name = func
    if path != "~":
        return {next((cat for cat, parts in PATHS if any(p in path for p in parts)), "other"): 1.0}
    for cat, parts in BUILTINS:
        if any(p in name for p in parts):
            return {cat: 1.0}
    total, share = sum(c[2] for c in callers.values()) or 1.0, {}
    for caller, c in callers.items():
        cat = next(iter(category(caller, {}, stats))) if caller[0] != "~" else "other"
        share[cat] = share.get(cat, 0.0) + c[2] / total
    return share or {"other": 1.0}


def split(profile: cProfile.Profile) -> tuple[dict[str, float], list[tuple[float, str, str]]]:
    """Seconds per category, and every function as (seconds, its main category, file:line(name))."""
    stats = pstats.Stats(profile).stats
    cats, funcs = dict.fromkeys(CATEGORIES, 0.0), []
    for func, (_, _, tt, _, callers) in stats.items():
        shares = category(func, callers, stats)
        for cat, frac in shares.items():
            cats[cat] += tt * frac
        where = func[2] if func[0] == "~" else f"{short(func[0])}:{func[1]}({func[2]})"
        funcs.append((tt, max(shares, key=shares.get), where))
    return cats, sorted(funcs, reverse=True)


def short(path: str) -> str:
    for base in (str(ROOT) + "/", "site-packages/", "/lib/python3"):
        if base in path:
            return path.split(base, 1)[1]
    return path


def profile_one(probe: Probe, setup, action, n: int, top: int) -> tuple[list, dict, list]:
    """n plain and n profiled repeats (after 2 to warm up). (plain samples, ms per category, top functions)."""
    for i in range(2):
        setup(i)
        probe.measure(lambda: action(i))  # noqa: B023 - called at once
    plain, prof, serialise = [], cProfile.Profile(), 0.0
    for i in range(2, 2 + 2 * n):
        setup(i)
        profiled = i % 2 == 1
        sample = probe.measure(lambda: action(i), prof if profiled else None)  # noqa: B023 - called at once
        if profiled:
            serialise += sample[2]
        else:
            plain.append(sample)
    cats, funcs = split(prof)
    per = {cat: 1000 * sec / n for cat, sec in cats.items()}
    per["serialisation"] += serialise / n
    return plain, per, [(1000 * tt / n, cat, where) for tt, cat, where in funcs[:top]]


def header(n: int) -> None:
    from gan_core import workers

    print(f"GAN Classroom, one student's interactions in-process (AppTest), {n} of each; {platform.platform()}, "
          f"{os.cpu_count()} CPU cores, Python {platform.python_version()}")
    print(f"torch {torch.__version__} ({torch.get_num_threads()} thread), streamlit {streamlit.__version__}, "
          f"plotly {plotly.__version__}; trainer worker processes: {workers.default_size()}")


def table(rows: list) -> None:
    print()
    print(f"{'':30s} {'no profiler':>17s}   {'under cProfile: ms per interaction, by own time':>56s}")
    print(f"{'interaction':30s} {'wall ms':>8s} {'CPU ms':>8s}   " + " ".join(f"{c[:9]:>9s}" for c in CATEGORIES)
          + f" {'total':>8s}")
    for name, plain, per, _ in rows:
        wall, cpu = statistics.median(s[0] for s in plain), statistics.median(s[1] for s in plain)
        print(f"{name:30s} {wall:8.1f} {cpu:8.1f}   " + " ".join(f"{per[c]:9.1f}" for c in CATEGORIES)
              + f" {sum(per.values()):8.1f}")
    print("wall, CPU: medians of the script thread's runs plus serialising their ForwardMsgs. The split is wall time "
          "under the profiler, which slows Python code: its total exceeds the plain wall.")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20, help="repeats of each interaction (default 20)")
    ap.add_argument("--top", type=int, default=0, help="print each interaction's K costliest functions")
    args = ap.parse_args()
    torch.set_num_threads(1)
    shared = functools.partial(lambda cache: cache, ScriptCache())  # scripts compiled once, as a server does
    app_test.ScriptCache = local_script_runner.ScriptCache = shared
    from ui import live

    live.pool()  # the trainer workers, started from this main thread (as a test fixture does)
    header(args.n)
    probe = Probe()
    student = Student(probe)
    rows = []
    try:
        for name, setup, action in interactions(student):
            rows.append((name, *profile_one(probe, setup, action, args.n, args.top)))
            print(f"  measured: {name}", file=sys.stderr, flush=True)
    finally:
        pool = live._POOL.get("pool")
        if pool:
            pool.close()
    table(rows)
    for name, _, _, funcs in rows if args.top else []:
        print(f"\n{name}: the {len(funcs)} costliest functions (own time, ms per interaction, under cProfile)")
        for ms, cat, where in funcs:
            print(f"  {ms:8.2f}  {cat:13s} {where}")


if __name__ == "__main__":
    main()
