"""A simulated student: the lessons it clicks through (minimax, Conditional GAN, live 1-D GAN), and a class
of them (run_students)."""
from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import websockets
from streamlit.proto.WidgetStates_pb2 import WidgetState

from classroom.client import TIMEOUT_S, Client, Results, TrainingVisit

# The pages (their url paths) and widget keys a student uses; a key that is missing from its page
# is reported as an error, so the benchmark notices when a lesson renames a widget.
MINIMAX, CGAN, GAUSSIAN = "minimax", "conditional_gan", "gaussian_gan"
MM_SLIDER, CGAN_DIGIT, CGAN_NEW = "mm_mu_g", "cgan_digit", "cgan_new"
G1_START, G1_PAUSE = "g1_run_start", "g1_run_pause"
TICK = "1-D GAN: live tick (fragment)"


class Student(Client):
    """A person clicking through the lessons, reduced to what the server sees (see Client)."""

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
        await self.train_live(blip)
        if self.time_left():
            await self.rerun("1-D GAN: Pause", widget=(G1_PAUSE, WidgetState(trigger_value=True)))

    async def train_live(self, blip: bool) -> None:
        """Keep the live fragment ticking as the browser's timer does, for --train-seconds, and record the
        ticks that came back per second of this training (a visit cut short by a failed tick included)."""
        t_start, step0, arrivals, timers = time.monotonic(), self.last_step, [], []
        train_s = 2 if self.warmup else self.args.train_seconds
        train_end = min(t_start + train_s, self.deadline)
        next_tick = t_start
        try:
            while self.auto_rerun and time.monotonic() < train_end:
                fid, interval = next(iter(self.auto_rerun.items()))
                next_tick += interval
                now = time.monotonic()
                if next_tick < now:  # the timer fired while the last tick was running: wait for the next one
                    next_tick += interval * ((now - next_tick) // interval + 1)
                await asyncio.sleep(next_tick - now)
                await self.rerun(TICK, fragment_id=fid)
                arrivals.append(time.monotonic() - t_start)
                timers.append(interval)
                if blip and time.monotonic() - t_start >= train_s / 2:  # a network blip mid-training:
                    blip = False  # reconnect, which must resume the same session (and its trainer)
                    await self.reconnect()
        finally:
            trained = time.monotonic() - t_start
            if not self.warmup and trained > 0:
                known = self.last_step is not None and step0 is not None
                self.res.visits.append(TrainingVisit(self.idx, trained, arrivals, timers,
                                                     self.last_step - step0 if known else None))

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
