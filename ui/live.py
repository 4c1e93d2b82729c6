"""Live training in the browser: one trainer per student, advanced by a `run_every` fragment.

Each tick trains a short time box (`train_for`) under the session's lock and redraws, so the
page stays responsive and several students can share one server.
"""
from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass, field
from typing import Any, Callable

import streamlit as st

from gan_core import workers
from ui import timing, words

TICK_SECONDS = 0.15  # training time per tick
TICK_EVERY = 0.25  # seconds between ticks: about 4 redraws per second
# Image GANs tick less often (a redraw ships two image grids and charts) and train longer per tick: a
# student alone trains two thirds of the wall clock, so the DCGAN page's CPU default shows a score of 6
# within a minute of Start (bench/bench_live_dcgan.py). Clicks wait at most one tick's training; when
# several students train, tick_seconds splits the cores between them and the gap grows.
IMAGE_TICK_SECONDS, IMAGE_TICK_EVERY = 0.4, 0.6
# The 2-D plane ("Inside the game"): five redraws a second, each after a short burst of training
# (bench/bench_inside_game.py measures what a redraw costs).
PLANE_TICK_SECONDS, PLANE_TICK_EVERY = 0.06, 0.2
# When a class trains at once, ticks come less often, but every training student gets at least one
# update a second: the server's process spends at most DRAW_SHARE of its time on live redraws (each
# costs about DRAW_COST_S of its script thread: 5-9 ms for a 2-D or 1-D tick under a class's load,
# bench/classroom_load.py --lesson), the rest is for clicks. The timer stops at MAX_TICK_EVERY, half a
# second, because a tick's own latency (its training, queued at a busy worker: about 0.5 s with 30
# students on two cores) adds to it before the next one is asked for.
MAX_TICK_EVERY = 0.5
DRAW_COST_S, DRAW_SHARE = 0.01, 0.5
# Training shares what runs it: the worker processes (gan_core.workers), or, without them, at most
# TRAINING_SHARE of the server's own process, split between the runs that are training right now. A
# worker is kept WORKER_SHARE busy, not full: the cores also run the server's process, and a worker
# queue near saturation makes every student's tick wait behind everyone else's.
TRAINING_SHARE, WORKER_SHARE = 0.6, 0.6
STALE_S = 10.0  # a running run that has not ticked for this long belongs to a closed tab
_TRAINING: "weakref.WeakSet[LiveRun]" = weakref.WeakSet()  # runs of every session of this process
_POOL: dict[str, Any] = {}
_POOL_LOCK = threading.Lock()


def pool():
    """The process's trainer pool (started on first use), or None where trainers stay in this process."""
    with _POOL_LOCK:
        if "pool" not in _POOL:
            size = workers.default_size()
            _POOL["pool"] = workers.TrainerPool(size) if size else None
        return _POOL["pool"]


def hosted(factory: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`make_trainer` for live_view that builds factory(settings) in a worker process when there are
    workers (factory: a class or module-level function, settings: picklable), else in this process."""
    def make(settings: Any) -> Any:
        p = pool()
        return p.host(factory, settings) if p else factory(settings)
    return make


def training_now() -> int:
    """Runs of this process that are training: running, and ticked (or started) recently."""
    now = time.monotonic()
    return sum(1 for run in list(_TRAINING) if run.running and now - run.last_tick < STALE_S)


def tick_interval(every: float) -> float:
    """Seconds between ticks: `every`, stretched so that the redraws of every training run fit in
    DRAW_SHARE of the server's time, but never past MAX_TICK_EVERY (nor below `every`)."""
    return min(max(every, training_now() * DRAW_COST_S / DRAW_SHARE), max(every, MAX_TICK_EVERY))


def training_capacity() -> float:
    """Seconds of training per second of wall clock that all live runs together may take: the workers
    (WORKER_SHARE each), or TRAINING_SHARE of the server's process."""
    p = pool()
    return WORKER_SHARE * p.size if p else TRAINING_SHARE


def tick_seconds(seconds: float, every: float) -> float:
    """Training time of one tick: at most `seconds`, and this run's share of the training capacity."""
    return min(seconds, training_capacity() * every / max(1, training_now()))


@dataclass(eq=False)  # identity: runs are kept in a WeakSet
class LiveRun:
    """A student's training run: the trainer, whether it is running, its latest snapshot."""

    trainer: Any
    settings: Any  # the settings it was built from, to notice when the widgets change
    running: bool = False
    snapshot: Any = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_tick: float = field(default_factory=time.monotonic)
    lost: bool = False  # the worker process that hosted the trainer stopped: only Reset helps

    def pause(self) -> None:
        """Stop ticking, with the run's latest state (a worker may have trained it on a classmate's tick since
        its last one; the plain snapshot also takes it out of its class's batch: gan_core/core/batcher.py)."""
        with self.lock:
            self.running = False
        self.update("snapshot")

    def ask(self, call: str, *args: Any, **kwargs: Any) -> Any:
        """trainer.call(*args, **kwargs) under the run's lock; None, and the run stopped and marked lost, when the
        worker process that hosted it stopped (the page then says so and offers Reset)."""
        with self.lock:
            try:
                return getattr(self.trainer, call)(*args, **kwargs)
            except workers.WorkerLost:
                self.running, self.lost = False, True
                return None

    def update(self, call: str, *args: Any, **kwargs: Any) -> Any:
        """As `ask`, for a call that answers with the run's snapshot: kept as its latest; the latest when lost."""
        snap = self.ask(call, *args, **kwargs)
        with self.lock:
            if snap is not None:
                self.snapshot = snap
            return self.snapshot

    def reset(self, trainer: Any, settings: Any) -> None:
        with self.lock:
            self.trainer, self.settings = trainer, settings
            self.running, self.snapshot, self.lost = False, trainer.snapshot(), False

    @property
    def fresh(self) -> bool:
        """Never trained: no snapshot yet, or one at step 0."""
        return self.snapshot is None or self.snapshot.step == 0

    def follow(self, settings: Any, make_trainer: Callable[[Any], Any]) -> None:
        """A fresh run built from other settings is rebuilt from `settings` (stopped, at step 0)."""
        if self.fresh and settings != self.settings:
            self.reset(make_trainer(settings), settings)


def get_run(key: str, settings: Any, make_trainer: Callable[[Any], Any]) -> LiveRun:
    """The session's run under `key`, created from `settings` on first use."""
    run = st.session_state.get(key)
    if run is None:
        trainer = make_trainer(settings)
        run = LiveRun(trainer=trainer, settings=settings, snapshot=trainer.snapshot())
        st.session_state[key] = run
    return run


def following_run(key: str, settings: Any, make_trainer: Callable[[Any], Any]) -> LiveRun:
    """The session's run under `key`, as get_run; an untrained run that is not running follows the widgets
    at once (one that has trained keeps its settings until Reset)."""
    run = get_run(key, settings, make_trainer)
    if not run.running:
        run.follow(settings, make_trainer)
    return run


def controls(key: str, run: LiveRun, settings: Any, make_trainer: Callable[[Any], Any],
             start_label: str = "Start") -> None:
    """Start / Pause / Reset buttons. Reset (or Start on a fresh run) applies changed settings."""
    c1, c2, c3, c4 = st.columns([1, 1, 1, 3])
    if c1.button(start_label, key=f"{key}_start", type="primary",
                 disabled=run.running or run.snapshot.diverged or run.lost, width="stretch"):
        run.follow(settings, make_trainer)
        run.running, run.last_tick = True, time.monotonic()
        st.rerun()
    if c2.button("Pause", key=f"{key}_pause", disabled=not run.running, width="stretch"):
        run.pause()
        st.rerun()
    if c3.button("Reset", key=f"{key}_reset", width="stretch"):
        run.reset(make_trainer(settings), settings)
        st.rerun()
    if settings != run.settings and not run.fresh:
        c4.info("Settings changed: press **Reset** to train with them.", icon=":material/tune:")


def live_view(key: str, run: LiveRun, draw: Callable[[Any], None],
              seconds: float = TICK_SECONDS, every: float = TICK_EVERY) -> None:
    """Draw the run; while it is running, train up to `seconds` per tick every `every` seconds
    (both scaled down when many students train at once: see TRAINING_SHARE)."""
    _TRAINING.add(run)
    every = tick_interval(every)  # set when the page runs; ticks then re-read the training count

    def tick() -> None:
        stopped = False
        with run.lock:
            if run.running:
                run.last_tick = time.monotonic()
                try:
                    run.snapshot = run.trainer.train_for(tick_seconds(seconds, every))
                except workers.WorkerLost:
                    run.lost = True
                if run.snapshot.diverged or run.lost:
                    run.running, stopped = False, True
            snap = run.snapshot
        if run.lost:
            st.error(words.WORKER_LOST, icon=":material/error:")
        draw(snap)
        if stopped:
            st.rerun()  # full rerun: turns the timer off and enables Reset

    # timed_fn: a line per tick in $GAN_TIMING_LOG (bench/classroom_load.py); a no-op when it is unset
    st.fragment(timing.timed_fn("tick", tick), run_every=every if run.running else None, key=f"{key}_live")()


def show_status(snap: Any) -> None:
    """Step counter and speed, or the divergence explanation."""
    if snap.diverged:
        st.error(words.divergence(snap.divergence), icon=":material/error:")
    st.caption(f"Step **{snap.step:,}** · {snap.steps_per_s:,.0f} steps/s · {snap.elapsed_s:.1f} s trained")
