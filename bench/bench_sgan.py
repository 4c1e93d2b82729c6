"""SGAN against its baseline: test accuracy against CPU minutes, with N labels per class.

    python bench/bench_sgan.py                              # 100 labels, the shipped recipe, 30 CPU minutes each
    python bench/bench_sgan.py --minutes 5 --every 30 --preset live_cpu
    python bench/bench_sgan.py --labels-per-class 1 5 10 60 --minutes 10

For each label budget it trains the SGAN (without its lockstep baseline) for `--minutes` of CPU time, then
the baseline alone (the same network, initial weights, noise, labelled batches and optimiser) for the same
CPU time, measuring both on `--test` MNIST test digits every `--every` CPU seconds. It prints the curves,
the CPU minutes each took to reach 90% and 95%, and a summary table. CPU time is the training thread's
own (`time.thread_time`, one torch thread), so a busy machine does not inflate it; wall time is shown too.
"""
from __future__ import annotations

import argparse
import time
from dataclasses import replace

import torch

from gan_core.families.sgan.baseline import BaselineTrainer
from gan_core.families.sgan.evaluate import judge, test_images
from gan_core.families.sgan.presets import PRESETS
from gan_core.families.sgan.trainer import SGANTrainer

CHUNK = 25  # steps between clock readings


def curve(train_steps, model, minutes: float, every: float, test) -> list[tuple[float, float, int, float]]:
    """(CPU minutes, wall minutes, steps, accuracy of `model`) every `every` CPU seconds, up to `minutes`."""
    points, cpu, wall0, steps = [], 0.0, time.perf_counter(), 0
    while cpu < minutes * 60:
        start = time.thread_time()
        while time.thread_time() - start < every:
            train_steps(CHUNK)
            steps += CHUNK
        cpu += time.thread_time() - start
        points.append((cpu / 60, (time.perf_counter() - wall0) / 60, steps, judge(model, *test)["accuracy"]))
        print(f"  {points[-1][0]:6.2f} CPU min ({points[-1][1]:6.2f} wall) step {steps:6,d}: {points[-1][3]:.4f}",
              flush=True)
    return points


def minutes_to(points, level: float) -> str:
    return next((f"{cpu:.1f}" for cpu, _, _, acc in points if acc >= level), "not reached")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--preset", default="shipped", choices=sorted(PRESETS))
    p.add_argument("--labels-per-class", type=int, nargs="+", default=[10])
    p.add_argument("--minutes", type=float, default=30.0, help="CPU minutes per model")
    p.add_argument("--every", type=float, default=60.0, help="CPU seconds between accuracy measurements")
    p.add_argument("--test", type=int, default=10_000, help="test digits measured (the first N)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    torch.set_num_threads(1)
    test = test_images(args.test)
    rows = []
    for n in args.labels_per_class:
        config = replace(PRESETS[args.preset].config, labels_per_class=n, baseline=False, seed=args.seed,
                         check_every=10**9)
        print(f"SGAN, {n} labels per class ({args.preset}):", flush=True)
        sgan = SGANTrainer(config)
        s = curve(sgan.train_steps, sgan.D, args.minutes, args.every, test)
        print(f"baseline, {n} labels per class:", flush=True)
        base = BaselineTrainer.alone(config)
        b = curve(base.train_steps, base.model, args.minutes, args.every, test)
        rows.append((n, s, b))
    print(f"\n{'labels/class':>12} | {'SGAN final':>10} {'to 90%':>12} {'to 95%':>12} | {'baseline':>8} "
          f"{'to 90%':>12} {'to 95%':>12}   (CPU minutes; accuracy on {args.test:,} test digits)")
    for n, s, b in rows:
        print(f"{n:>12} | {s[-1][3]:>10.4f} {minutes_to(s, .9):>12} {minutes_to(s, .95):>12} | {b[-1][3]:>8.4f} "
              f"{minutes_to(b, .9):>12} {minutes_to(b, .95):>12}")


if __name__ == "__main__":
    main()
