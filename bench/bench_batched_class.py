"""Benchmark: a class of students training the same toy GAN, batched into one step (gan_core.core.cohort)
against one trainer per student, on one CPU thread.

For 1, 10 and 30 students it builds each student's trainer with the lesson's default settings and a
seed, learning rates and (2-D) shape of its own, as a class varies them. The students' live ticks take
turns for --seconds of wall clock, each a `train_for` of the page's time box with the student's snapshot,
as a worker process serves them: separately, each tick trains its own student; batched (core/batcher.py,
what the workers run), each tick trains the whole class as one cohort and snapshots the student who
asked. It prints the iterations per second per student, the class's total, and the batched/separate ratio.
Run: python bench/bench_batched_class.py [--seconds 6] [--lessons inside_game,gaussian_gan] [--sizes 1,10,30]
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import time

import torch

from gan_core.core.batcher import Batcher
from gan_core.families.toy import playground as pg
from gan_core.families.toy.config import PRESETS_1D
from gan_core.families.toy.inside import InsideTrainer
from gan_core.families.toy.presets import SHAPES
from gan_core.families.toy.trainer import DistributionTrainer
from ui import live

LR_CHOICES = (5e-4, 1e-3, 2e-3)  # a class's students pick different rates
PRESETS_1D_LESSONS = {"gaussian_gan": "Seed paper", "gaussian_gan_fast": "Fast"}  # the 1-D page's default, and Fast
TICKS = {"inside_game": live.PLANE_TICK_SECONDS, "gaussian_gan": live.TICK_SECONDS,
         "gaussian_gan_fast": live.TICK_SECONDS}


def class_of(lesson: str, n: int) -> list:
    """n students' trainers for a lesson: its default settings, each with its own seed, rates and shape."""
    if lesson == "inside_game":
        base = pg.make_config(pg.defaults())
        shapes = list(SHAPES)
        return [InsideTrainer(dataclasses.replace(base, seed=i, target=shapes[i % len(shapes)],
                                                  lr_d=LR_CHOICES[i % 3], lr_g=LR_CHOICES[(i // 3) % 3]))
                for i in range(n)]
    if lesson in PRESETS_1D_LESSONS:
        base = PRESETS_1D[PRESETS_1D_LESSONS[lesson]].config
        return [DistributionTrainer(dataclasses.replace(base, seed=i, lr_d=base.lr_d * (1 + i % 3),
                                                        lr_g=base.lr_g * (1 + (i // 3) % 3))) for i in range(n)]
    raise SystemExit(f"unknown lesson {lesson!r}")


def class_rate(trainers: list, tick: float, seconds: float, batched: bool) -> float:
    """Iterations per second per student, the students' ticks taking turns."""
    hosted = Batcher()
    for i, t in enumerate(trainers):
        hosted.add(i, t)
    start = [t.step_count for t in trainers]
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for i, t in enumerate(trainers):
            hosted.train_for(i, tick) if batched else t.train_for(tick)
    wall = time.perf_counter() - t0
    hosted.drop(0)  # releases the cohort
    return sum(t.step_count - s for t, s in zip(trainers, start)) / len(trainers) / wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=6.0, help="wall clock per measurement (default 6)")
    ap.add_argument("--lessons", default="inside_game,gaussian_gan,gaussian_gan_fast")
    ap.add_argument("--sizes", default="1,10,30")
    args = ap.parse_args()
    torch.set_num_threads(1)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; torch {torch.__version__}, "
          f"1 thread; {args.seconds:g} s per measurement, live time boxes {TICKS}")
    print(f"{'lesson':18s} {'students':>8s} {'separate it/s/student':>22s} {'batched it/s/student':>21s} "
          f"{'class total sep.':>17s} {'class total batched':>20s} {'ratio':>6s}")
    for lesson in args.lessons.split(","):
        for n in (int(s) for s in args.sizes.split(",")):
            tick = TICKS[lesson]
            class_rate(class_of(lesson, n), tick, 0.5, batched=True)  # warm-up: first calls, the allocator
            sep = class_rate(class_of(lesson, n), tick, args.seconds, batched=False)
            bat = class_rate(class_of(lesson, n), tick, args.seconds, batched=True)
            print(f"{lesson:18s} {n:8d} {sep:22,.0f} {bat:21,.0f} {sep * n:17,.0f} {bat * n:20,.0f} "
                  f"{bat / sep:5.1f}x", flush=True)


if __name__ == "__main__":
    main()
