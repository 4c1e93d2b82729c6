"""The trainers one worker process hosts, with the students who train at the same time batched.

When a class presses Start together, a worker holds a dozen trainers of one network shape, and each
student's live tick asks it to `train_for` a short time box. Trained one by one, every student gets
its own share of the core. The batcher instead trains the whole group of the asking trainer, every
hosted trainer of the same batch key that asked to train within ACTIVE_S seconds, as one cohort
(core/cohort.py) for that time box, and returns the asker's snapshot. The worker's time per tick is
unchanged, but every tick trains every student of the group: each student's steps grow with the
cohort's speed-up.

The time boxes that the group's asks bring are pooled as the group's credit, and the cohort trains only
while it has some: the worker spends on a group no more than its students asked for (ui/live.py sizes
the asks so that the workers stay WORKER_SHARE busy), even when one iteration of the whole group is
longer than one ask (the seminar's 1-D network runs 40 updates an iteration). An ask that finds no
credit left answers at once with the latest snapshot.

A student who pauses asks for a plain `snapshot` (ui/live.py), which takes the trainer out of its
group at once; a closed tab stops asking and drops out after ACTIVE_S.

A cohort is kept while its members stay the same. Any call that changes a trainer outside the
cohort (a step of D's half, a loaded state...) first releases its cohort, so the trainer has its own
weights and optimiser state again; calls that only read (snapshots, layers) work on a member as it is.
"""
from __future__ import annotations

import math
import time
from typing import Any, Hashable

from gan_core.core.cohort import Cohort, batch_key

ACTIVE_S = 3.0  # a trainer that asked to train within this long is still training: it joins its group
MAX_CREDIT_ASKS = 4  # a group's credit holds at most this many asks' time boxes (no burst after a quiet spell)
READ_ONLY = frozenset({"snapshot", "layers", "learned_map", "generator_curve", "state_dict"})


class Batcher:
    """A worker's trainers by id: calls go to the trainer, `train_for` to its group's cohort."""

    def __init__(self):
        self.trainers: dict[int, Any] = {}
        self.keys: dict[int, Hashable | None] = {}
        self.asked: dict[int, float] = {}  # id -> when it last asked to train (monotonic)
        self.cohorts: dict[Hashable, tuple[tuple[int, ...], Cohort]] = {}
        self.credit: dict[Hashable, float] = {}  # seconds of training a group's asks brought, not yet spent

    def add(self, run_id: int, trainer: Any) -> None:
        self.trainers[run_id], self.keys[run_id] = trainer, batch_key(trainer)

    def drop(self, run_id: int) -> None:
        if run_id in self.trainers:
            self._leave(run_id)
            for table in (self.trainers, self.keys, self.asked):
                table.pop(run_id, None)

    def call(self, run_id: int, name: str, args: tuple, kwargs: dict) -> Any:
        if name == "train_for":
            return self.train_for(run_id, *args, **kwargs)
        if name == "snapshot":
            self.asked.pop(run_id, None)  # a run that is not ticking: its group trains on without it
        if name not in READ_ONLY:
            self._leave(run_id)
        return getattr(self.trainers[run_id], name)(*args, **kwargs)

    def train_for(self, run_id: int, seconds: float) -> Any:
        """Train the asker's group for up to `seconds` while it has credit (the asker alone for `seconds` if it
        cannot be batched or nobody else trains now); the asker's snapshot."""
        trainer, key, now = self.trainers[run_id], self.keys[run_id], time.monotonic()
        self.asked[run_id] = now
        if key is None or trainer.status == "diverged":
            return trainer.train_for(seconds)
        members = tuple(sorted(i for i, k in self.keys.items() if k == key and now - self.asked.get(i, -math.inf)
                               < ACTIVE_S and self.trainers[i].status != "diverged"))
        if len(members) == 1:  # a class of one trains faster on its own (bench/bench_batched_class.py)
            self._leave(run_id)
            return trainer.train_for(seconds)
        credit = min(self.credit.get(key, 0.0) + seconds, MAX_CREDIT_ASKS * seconds)
        if credit > 0:
            start = time.perf_counter()
            self._cohort(key, members).train_chunk(seconds=min(credit, seconds))
            credit -= time.perf_counter() - start  # below 0 when one iteration took longer: the next asks repay it
        self.credit[key] = credit
        return trainer.snapshot()

    def cohort_sizes(self) -> list[int]:
        """How many trainers each of this worker's cohorts holds (for tests and benchmarks)."""
        return sorted(len(ids) for ids, _ in self.cohorts.values())

    def _cohort(self, key: Hashable, members: tuple[int, ...]) -> Cohort:
        kept = self.cohorts.get(key)
        if kept is not None and kept[0] == members:
            return kept[1]
        if kept is not None:
            kept[1].release()
        cohort = Cohort([self.trainers[i] for i in members])
        self.cohorts[key] = (members, cohort)
        return cohort

    def _leave(self, run_id: int) -> None:
        """Release the cohort that holds this trainer: it trains, loads or steps on its own next."""
        for key, (ids, cohort) in list(self.cohorts.items()):
            if run_id in ids:
                cohort.release()
                del self.cohorts[key]
