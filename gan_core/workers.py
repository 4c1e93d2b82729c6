"""Trainers hosted in worker processes, so that one app server trains on every core.

A Streamlit server runs every student's script in one Python process. Trainers that live there share
its interpreter with every redraw and click. A `TrainerPool` starts one worker process per core
(spawned, one torch thread each); `pool.host(factory, settings)` builds `factory(settings)` in the least
busy worker (the fewest runs that trained lately) and returns a `RemoteTrainer`, a handle with the trainer's
calls that pages use (`train_for`, `step`, `snapshot`, ...). Snapshots come back as plain data (pickled
dataclasses), and a trainer's `constants()` (what never changes, e.g. the plane's range) are read once, as
attributes.

A worker serves one request at a time, in the order they come: the trainers it hosts share it fairly.
Students who train the same network at the same time are batched (core/batcher.py): one student's
`train_for` trains the whole group in one vectorised step.
A worker that dies is replaced at once; calls to the runs it hosted raise `WorkerLost`, so the page can
say so and offer Reset, and nothing hangs.
"""
from __future__ import annotations

import itertools
import multiprocessing as mp
import os
import sys
import threading
import time
import types
import weakref
from contextlib import contextmanager
from typing import Any, Callable

ENV_VAR = "GAN_WORKERS"  # worker processes; 0 trains in the app's own process
TRAINING_CALLS = frozenset({"train_for", "step", "train_steps"})  # a run that asked one lately is busy
BUSY_S = 10.0  # ... for this long: a new trainer goes to the worker with the fewest busy runs
REMOTE_CALLS = TRAINING_CALLS | frozenset({
    "snapshot", "learned_map", "generator_curve", "step_part", "layers", "slow_half", "surface", "state_dict",
    "load_state_dict", "evaluate_live", "doubt_report", "checkpoint_bytes", "sample_images", "two_heads_example"})


class WorkerLost(RuntimeError):
    """The process that hosted a trainer stopped; the trainer is gone."""


def default_size() -> int:
    """Workers for this machine: $GAN_WORKERS, else one per core when there are several, else none."""
    value = os.environ.get(ENV_VAR, "").strip()
    if value:
        return max(0, int(value))
    cores = os.cpu_count() or 1
    return cores if cores > 1 else 0


def _serve(conn, threads: int) -> None:
    """A worker's loop: build, call and drop trainers, one request at a time."""
    import torch

    from gan_core.core.batcher import Batcher

    torch.set_num_threads(threads)
    hosted = Batcher()
    while True:
        try:
            op, run_id, payload, drops = conn.recv()
        except (EOFError, OSError):
            return
        for gone in drops:
            hosted.drop(gone)
        try:
            if op == "create":
                factory, settings = payload
                trainer = factory(settings)
                hosted.add(run_id, trainer)
                result = trainer.config, trainer.constants() if hasattr(trainer, "constants") else {}
            elif op == "call":
                result = hosted.call(run_id, *payload)
            elif op == "hosted":
                result = len(hosted.trainers)
            elif op == "cohorts":
                result = hosted.cohort_sizes()
            else:
                raise ValueError(f"unknown request {op!r}")
            conn.send(("ok", result))
        except Exception as exc:  # the trainer's error travels to the caller, the worker goes on
            conn.send(("error", exc))


@contextmanager
def _bare_main():
    """A spawned child first re-imports its parent's `__main__`. In a Streamlit server that is the app
    script itself (Streamlit points `__main__` at the script it runs), and a worker must not run the
    app: the children start with an empty `__main__` instead."""
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = saved


class _Worker:
    def __init__(self, ctx, threads: int):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, threads), daemon=True, name="gan-trainer")
        with _bare_main():
            self.process.start()
        child.close()
        self.lock = threading.Lock()  # one request at a time on the pipe
        self.drops: list[int] = []  # runs whose handles were collected: dropped with the next request
        self.handles = 0  # live RemoteTrainers on this worker
        self.trained: dict[int, float] = {}  # run id -> when it last asked to train (monotonic)
        self.lost = False  # a request found it gone

    def busy(self) -> int:
        """Runs hosted here that asked to train within BUSY_S: what a new trainer would share this worker with."""
        now = time.monotonic()
        return sum(1 for t in list(self.trained.values()) if now - t < BUSY_S)

    @property
    def alive(self) -> bool:
        return not self.lost and self.process.is_alive()

    def request(self, op: str, run_id: int, payload: Any = None, timeout: float = 120.0) -> Any:
        with self.lock:
            if self.lost:
                raise WorkerLost(f"training process {self.process.pid} stopped")
            drops, self.drops = self.drops, []
            try:
                self.conn.send((op, run_id, payload, drops))
                deadline = time.monotonic() + timeout
                while not self.conn.poll(0.2):
                    if not self.process.is_alive() or time.monotonic() > deadline:
                        raise EOFError
                status, value = self.conn.recv()
            except (EOFError, OSError) as exc:  # a broken pipe is an OSError
                self.lost = True
                self.process.kill()  # a worker that hangs is as gone as one that died
                raise WorkerLost(f"training process {self.process.pid} stopped or stopped answering") from exc
        if status == "error":
            raise value
        return value

    def stop(self) -> None:
        self.conn.close()
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()


class RemoteTrainer:
    """A trainer in a worker process. `config` and the trainer's constants are local copies; the calls in
    REMOTE_CALLS run remotely."""

    def __init__(self, worker: _Worker, run_id: int, config: Any, constants: dict[str, Any]):
        self._worker, self._id, self.config, self._constants = worker, run_id, config, constants
        worker.handles += 1
        weakref.finalize(self, _forget, worker, run_id)

    def __getattr__(self, name: str) -> Any:
        if name in self.__dict__.get("_constants", {}):
            return self._constants[name]
        if name not in REMOTE_CALLS:
            raise AttributeError(f"{name!r} is not available on a trainer hosted in a worker process")
        if name in TRAINING_CALLS:
            self._worker.trained[self._id] = time.monotonic()
        return lambda *args, **kwargs: self._worker.request("call", self._id, (name, args, kwargs))

    @property
    def pid(self) -> int:
        return self._worker.process.pid


def _forget(worker: _Worker, run_id: int) -> None:
    worker.handles -= 1
    worker.trained.pop(run_id, None)
    worker.drops.append(run_id)  # no request here: a collector may run while the lock is held


class TrainerPool:
    """Worker processes that host trainers (see the module's docstring)."""

    def __init__(self, size: int, threads: int = 1):
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self._ctx = mp.get_context("spawn")  # the server has threads: forking it is unsafe
        self._threads = threads
        self._workers = [_Worker(self._ctx, threads) for _ in range(size)]
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        return len(self._workers)

    def host(self, factory: Callable[[Any], Any], settings: Any) -> RemoteTrainer:
        """Build factory(settings) in the least busy live worker. `factory` must be importable (a class, a
        module-level function or a partial of one) and `settings` picklable."""
        with self._lock:
            for i, w in enumerate(self._workers):
                if not w.alive:
                    self._workers[i] = _Worker(self._ctx, self._threads)
            # the fewest runs that train now (idle ones, e.g. of tabs left open, cost a worker nothing), then the
            # fewest handles
            worker = min(self._workers, key=lambda w: (w.busy(), w.handles))
            run_id = next(self._ids)
        config, constants = worker.request("create", run_id, (factory, settings))
        return RemoteTrainer(worker, run_id, config, constants)

    def hosted(self) -> list[int]:
        """How many trainers each worker holds (drops pending included until their next request)."""
        return [w.request("hosted", 0) for w in self._workers]

    def cohorts(self) -> list[list[int]]:
        """Per worker, the sizes of the cohorts its students train in (core/batcher.py)."""
        return [w.request("cohorts", 0) for w in self._workers]

    def pids(self) -> list[int]:
        return [w.process.pid for w in self._workers]

    def close(self) -> None:
        for w in self._workers:
            w.stop()
