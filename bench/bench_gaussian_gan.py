"""Benchmark: the 1-D 'Fast' preset on this machine.

Prints training steps/s and the median seconds (5 seeds) until |mean err| < 0.05,
|std err| < 0.05 and W1 < 0.05 against N(4, 1.25). Run: python bench/bench_gaussian_gan.py
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


def time_to_fit(seed: int, tol: float, budget_s: float) -> tuple[float | None, int]:
    """Wall seconds of training (evaluation excluded) until the fit is within tol, else None."""
    trainer = DistributionTrainer(replace(PRESETS_1D["Fast"].config, seed=seed))
    while trainer.elapsed < budget_s:
        snap = trainer.step(25)
        m = snap.fake_moments
        if abs(m["mean"] - 4.0) < tol and abs(m["std"] - 1.25) < tol and snap.w1 < tol:
            return trainer.elapsed, snap.step
    return None, trainer.step_count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--tol", type=float, default=0.05)
    parser.add_argument("--budget", type=float, default=30.0, help="seconds of training per seed")
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

    results = []
    for seed in range(args.seeds):
        seconds, step = time_to_fit(seed, args.tol, args.budget)
        results.append(seconds)
        shown = f"{seconds:.2f} s at iteration {step}" if seconds is not None else f"not within {args.budget:g} s"
        print(f"  seed {seed}: {shown}")
    reached = [r for r in results if r is not None]
    median = statistics.median(r if r is not None else float("inf") for r in results)
    print(f"median seconds to |mean err|, |std err|, W1 < {args.tol}: {median:.2f} "
          f"({len(reached)}/{args.seeds} seeds reached it)")


if __name__ == "__main__":
    main()
