"""A simulated student: the lessons it clicks through, and a class of them (run_students).

With --lesson mixed (the default) each student goes around the minimax page, the Conditional GAN page and the
live 1-D GAN; with any other lesson of LESSONS every student of the class does that lesson's scenario, in a loop
until the deadline."""
from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import websockets
from streamlit.proto.WidgetStates_pb2 import WidgetState

from classroom.client import TIMEOUT_S, Client, Results, TrainingVisit
from gan_core.challenges import STEPS_TO_SCORE_6  # measured by bench/bench_live_dcgan.py

# The pages (their url paths) and widget keys a student uses; a key that is missing from its page
# is reported as an error, so the benchmark notices when a lesson renames a widget.
MINIMAX, CGAN = "minimax", "conditional_gan"
MM_SLIDER, CGAN_DIGIT, CGAN_NEW = "mm_mu_g", "cgan_digit", "cgan_new"
IG_STEP, IG_PHASE, IG_LAYER = "ig_step", "ig_phase", "ig_layer_{}"  # layers: gan_core/families/toy/inside.py
MC_METHOD = "mc_method"  # its first option is vanilla, the others are cures
CG_NEW, CG_DIRECTION, CG_MODEL, CG_BATCH = "cyclegan_new", "cyclegan_dir", "cyclegan_model", "cyclegan_batch_dir"
CG_TAB = "cyclegan_tab"  # lessons/cyclegan.py: only the open tab runs


@dataclass(frozen=True)
class Lesson:
    """A lesson page as the load test drives it, and its defaults for --seconds and --train-seconds."""

    page: str  # url path
    title: str  # what its interactions are called: "inside game: Play"
    run_key: str = ""  # live.controls(RUN_KEY, ...): buttons <run_key>_start, _pause, _reset; "" = no live training
    start_label: str = "Start"
    train_seconds: float = 10  # live training per visit
    seconds: float = 90  # how long the class runs
    watch: tuple = ()  # st.metric labels the report reads (the first is the one `goal` is about)
    goal: float | None = None  # a value of watch[0] the report times: "minutes to score 6"
    goal_steps: int | None = None  # the step at which a student alone first saw it (the estimate from the rate)
    images: bool = False  # an image GAN: the report shows the training each student got


LESSONS = {
    "mixed": Lesson("", "mixed"),  # minimax, CGAN and gaussian_gan's live training, in turn
    "gaussian_gan": Lesson("gaussian_gan", "1-D GAN", "g1_run"),
    "inside_game": Lesson("inside_game", "inside game", "ig_run", "Play", train_seconds=15),
    "mode_collapse": Lesson("mode_collapse", "mode collapse", "mc_single"),
    "dcgan_mnist": Lesson("dcgan_mnist", "DCGAN", "dcgan", train_seconds=60, watch=("MNIST score",), goal=6.0,
                          goal_steps=STEPS_TO_SCORE_6, images=True),
    "semi_supervised_gan": Lesson("semi_supervised_gan", "SGAN", "sgan", train_seconds=60,
                                  watch=("SGAN test accuracy", "Baseline test accuracy"), images=True),
    "cyclegan": Lesson("cyclegan", "CycleGAN", train_seconds=0),  # translates with the shipped models: no training
}


class Student(Client):
    """A person clicking through the lessons, reduced to what the server sees (see Client)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.blip_due = not self.warmup  # one network blip, during the first live training (CycleGAN: first click)
        self.visit = 0  # visits of a lesson's page so far: alternates what some scenarios pick

    async def think(self) -> None:
        await asyncio.sleep(self.args.think * self.rng.uniform(0.5, 1.5))

    def time_left(self) -> bool:
        return time.monotonic() < self.deadline

    # -- steps the lessons share -------------------------------------------------------------

    async def open(self, lesson: Lesson) -> None:
        await self.rerun(f"open {lesson.title} page", page=lesson.page)
        await self.fetch_media(f"a {lesson.title} run", new_only=True)

    async def act(self, lesson: Lesson, what: str, key: str, state: WidgetState, think: bool = True) -> None:
        """Set one widget of the lesson's page (after a pause to think) and load the run's new images."""
        if think:
            await self.think()
        await self.rerun(f"{lesson.title}: {what}", widget=(key, state))
        await self.fetch_media(f"a {lesson.title} run", new_only=True)

    async def press(self, lesson: Lesson, what: str, key: str, think: bool = True) -> None:
        await self.act(lesson, what, key, WidgetState(trigger_value=True), think)

    async def choose(self, lesson: Lesson, what: str, key: str, index: int) -> None:
        """A selectbox or radio: the browser sends the label of the option picked (string_value)."""
        options = self.options.get(key) or [""]  # not on the page: rerun reports the missing widget
        await self.act(lesson, what, key, WidgetState(string_value=options[index % len(options)]))

    async def live_lesson(self, lesson: Lesson, before_start=None, while_training: tuple = ()) -> None:
        """Open the page, (set it up), Start, keep the live view ticking for --train-seconds, Pause: what every
        live lesson does. while_training: see train_live."""
        self.visit += 1
        await self.open(lesson)
        if before_start is not None:
            await before_start()
        await self.press(lesson, lesson.start_label, f"{lesson.run_key}_start")
        if not self.auto_rerun:
            self.res.error("no live fragment after Start", f"{lesson.title}: no auto_rerun message")
            return
        await self.train_live(lesson, while_training)
        if self.time_left():
            await self.press(lesson, "Pause", f"{lesson.run_key}_pause", think=False)

    async def train_live(self, lesson: Lesson, while_training: tuple = ()) -> None:
        """Keep the live fragment ticking as the browser's timer does, for --train-seconds, and record the
        ticks that came back per second of this training (a visit cut short by a failed tick included), the
        bytes that answered each tick, and what the page showed after it. while_training: (fraction, step)
        pairs, each step done between two ticks once that fraction of the training (as far as the deadline
        allows) has passed; the first visit's network blip is one of them, at half time."""
        tick = f"{lesson.title}: live tick (fragment)"
        t_start, step0 = time.monotonic(), self.last_step
        visit = TrainingVisit(self.idx, 0.0, [], [], None, lesson.title, t_start)
        train_s = 2 if self.warmup else self.args.train_seconds
        train_end = min(t_start + train_s, self.deadline)
        todo = sorted([*while_training, *([(0.5, self.blip)] if self.blip_due else [])], key=lambda e: e[0])
        next_tick = t_start
        try:
            while self.auto_rerun and time.monotonic() < train_end:
                fid, interval = next(iter(self.auto_rerun.items()))
                next_tick += interval
                now = time.monotonic()
                if next_tick < now:  # the timer fired while the last tick was running: wait for the next one
                    next_tick += interval * ((now - next_tick) // interval + 1)
                await asyncio.sleep(next_tick - now)
                await self.rerun(tick, fragment_id=fid)
                ws_bytes = self.answer_bytes
                media_bytes = await self.fetch_media(f"a {lesson.title} live tick", new_only=True)
                visit.arrivals.append(time.monotonic() - t_start)
                visit.timers.append(interval)
                visit.steps.append(self.last_step)
                visit.shown.append({label: self.shown.get(label) for label in lesson.watch})
                if not self.warmup:
                    self.res.tick_bytes[tick].append((ws_bytes, media_bytes))
                while todo and time.monotonic() - t_start >= todo[0][0] * (train_end - t_start):
                    await todo.pop(0)[1]()
        finally:
            visit.seconds = time.monotonic() - t_start
            if not self.warmup and visit.seconds > 0:
                if self.last_step is not None and step0 is not None:
                    visit.steps_gained = self.last_step - step0
                self.res.visits.append(visit)

    async def blip(self) -> None:
        """A network blip: reconnect, which must resume the same session (and its trainer)."""
        self.blip_due = False
        old = self.session_id
        await self.close()
        await self.connect(resume=True)
        # The browser re-requests a full run on reconnect when a fragment timer was active.
        await self.rerun("reconnect: resume session")
        if not self.warmup and self.session_id == old:  # a different id is counted as "session id changed"
            self.res.reconnects_same_session += 1

    # -- the lessons --------------------------------------------------------------------------

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
        await self.fetch_media("a CGAN run")
        for _ in range(2):
            if not self.time_left():
                return
            await self.think()
            digit = float(self.rng.randrange(10))
            await self.rerun("CGAN: move digit slider",
                             widget=(CGAN_DIGIT, WidgetState(double_array_value={"data": [digit]})))
            await self.fetch_media("a CGAN run")
        if self.time_left():
            await self.think()
            await self.rerun("CGAN: New handwriting", widget=(CGAN_NEW, WidgetState(trigger_value=True)))
            await self.fetch_media("a CGAN run")

    async def inside_game(self) -> None:
        """Play; while it trains, turn G's manifold on and the arrows off (the next visit: back); Pause; then
        one iteration by hand, Step and slow motion phase by phase (both buttons work only while paused)."""
        ig = LESSONS["inside_game"]
        on = self.visit % 2 == 0

        def toggle(layer: str, value: bool):
            return partial(self.act, ig, "layer toggle", IG_LAYER.format(layer), WidgetState(bool_value=value),
                           think=False)  # the chart keeps ticking: no pause to think

        await self.live_lesson(ig, while_training=((0.3, toggle("manifold", on)), (0.6, toggle("arrows", not on))))
        for what, key in (("Step", IG_STEP), ("Slow motion: next phase", IG_PHASE)):
            for _ in range(3):
                if not self.time_left():
                    return
                await self.press(ig, what, key)

    async def mode_collapse(self) -> None:
        """Pick a cure (a run that has trained keeps its settings until Reset, so Reset then), Start, watch, Pause."""
        mc = LESSONS["mode_collapse"]

        async def pick_cure() -> None:
            cures = max(1, len(self.options.get(MC_METHOD, ())) - 1)
            await self.choose(mc, "pick a cure", MC_METHOD, 1 + self.rng.randrange(cures))
            if self.last_step:
                await self.press(mc, "Reset", f"{mc.run_key}_reset")

        await self.live_lesson(mc, before_start=pick_cure)

    async def cyclegan(self) -> None:
        """Translate digits: a new sample, the other direction, another sample, the other model; then the tab
        with a batch of 8, turned the other way; the tab with one training iteration, step by step; back to the
        first tab (the next visit picks the first options again). There is no live training. Drawing is left
        out: the canvas (streamlit_drawable_canvas, a custom component) sends the browser's rendered PNG as its
        value, which a protocol client cannot draw; "A random sample" feeds the same round trip and graders."""
        cg = LESSONS["cyclegan"]
        self.visit += 1
        other = self.visit % 2  # the first visit: each radio's second option
        await self.open(cg)
        for what, key, pick in (("New sample", CG_NEW, None), ("translate the other way", CG_DIRECTION, other),
                                ("New sample", CG_NEW, None), ("other model", CG_MODEL, other),
                                ("open the batch tab", CG_TAB, "A batch of 8, both models"),
                                ("batch of 8, other way", CG_BATCH, other),
                                ("open one training iteration", CG_TAB, "One training iteration"),
                                ("back to the first tab", CG_TAB, "Translate a digit")):
            if not self.time_left():
                return
            if pick is None:
                await self.press(cg, what, key)
            elif key == CG_TAB:  # a tab is picked by its label
                await self.act(cg, what, key, WidgetState(string_value=pick))
            else:
                await self.choose(cg, what, key, pick)
            if self.blip_due:
                await self.blip()

    def stages(self) -> list:
        """What this student does in a loop: the mixed round of pages, or its lesson's scenario (a live lesson
        without steps of its own: open, Start, watch, Pause)."""
        name = self.args.lesson
        if name == "mixed":
            return [self.minimax, self.cgan, partial(self.live_lesson, LESSONS["gaussian_gan"])]
        own = {"inside_game": self.inside_game, "mode_collapse": self.mode_collapse, "cyclegan": self.cyclegan}
        return [own.get(name) or partial(self.live_lesson, LESSONS[name])]

    async def run(self) -> None:
        stages = self.stages()
        stage = self.idx % len(stages)  # students start on different pages, as a class does
        try:
            await self.get("/")  # index.html; behind the proxy this sets the affinity cookie
            await self.connect()
            await self.rerun("open app (home)", page=None)
            if not self.warmup:
                self.res.session_ids[self.idx] = self.session_id
            while self.time_left():
                await self.think()
                await stages[stage % len(stages)]()
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
