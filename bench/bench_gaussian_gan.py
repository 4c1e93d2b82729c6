"""Benchmark: the 1-D 'Fast' preset on this machine.

Prints training iterations/s, then per seed: the seconds (training only) until the fit first holds
(|mean err| < 0.05, |std err| < 0.05 and W1 < 0.05 against N(4, 1.25)), and the share of the later
checks (one every 10 iterations, up to --iterations) that stay inside; then the median and the slowest
seed. Run: python bench/bench_gaussian_gan.py [--seeds 10]
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from dataclasses import replace

import torch

from gan_core.families.toy.config import PRESETS_1D
from gan_core.families.toy.trainer import DistributionTrainer


def fits(snap, tol: float) -> bool:
    m = snap.fake_moments
    return abs(m["mean"] - 4.0) < tol and abs(m["std"] - 1.25) < tol and snap.w1 < tol


def first_touch_and_holding(seed: int, tol: float, iterations: int, every: int = 10
                            ) -> tuple[float | None, float | None]:
    """(training seconds until the fit first holds, or None; share of the later checks inside it, or None)."""
    trainer = DistributionTrainer(replace(PRESETS_1D["Fast"].config, seed=seed))
    touched, later = None, []
    while trainer.step_count < iterations:
        inside = fits(trainer.step(every), tol)
        if touched is None and inside:
            touched = trainer.elapsed
        elif touched is not None:
            later.append(inside)
    return touched, (sum(later) / len(later) if later else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--tol", type=float, default=0.05)
    parser.add_argument("--iterations", type=int, default=3000, help="iterations per seed")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"torch {torch.__version__}, {torch.get_num_threads()} thread(s)")

    trainer = DistributionTrainer(PRESETS_1D["Fast"].config)
    trainer.train_steps(50)  # warm-up
    start, steps = time.perf_counter(), 1000
    trainer.train_steps(steps)  # training only: no snapshot in the timed part
    rate = steps / (time.perf_counter() - start)
    c = trainer.config
    print(f"Fast preset: {rate:,.0f} iterations/s ({rate * (c.d_steps + c.g_steps):,.0f} updates/s, "
          f"batch {c.batch_size}), training only: a history point every 25 iterations, no snapshot")

    touches = []
    for seed in range(args.seeds):
        seconds, holding = first_touch_and_holding(seed, args.tol, args.iterations)
        touches.append(seconds)
        shown = f"first within {args.tol} after {seconds:.2f} s" if seconds is not None else "never within"
        held = f"stays inside {holding:.0%} of the later checks" if holding is not None else "no later check"
        print(f"  seed {seed}: {shown}, {held}")
    reached = [s for s in touches if s is not None]
    median = statistics.median(s if s is not None else float("inf") for s in touches)
    print(f"{len(reached)}/{args.seeds} seeds reach the fit within {args.iterations:,} iterations; median "
          f"{median:.2f} s, slowest {max(reached) if len(reached) == len(touches) else float('inf'):.2f} s")

if __name__ == "__main__":
    main()
