"""Mode-collapse benchmark: every method of the lesson on the ring and the grid, 5 seeds each.

    python bench/bench_mode_collapse.py                      # everything (long on a laptop CPU)
    python bench/bench_mode_collapse.py --targets ring --methods vanilla pacgan --seeds 0 1 2 3 4

Per run it prints modes captured, the high-quality share, the reverse KL (2500 samples, the
VEEGAN/PacGAN definitions), wall seconds, the training budget and the first step at which all
modes were captured; then a summary per method next to the published anchors, and the bars.
Runs with one torch thread (set GAN_BENCH_THREADS to change).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import torch

from gan_core.families.toy import mode_collapse as mc

ANCHORS = {  # published (modes, HQ %) with the same definitions
    "ring": "GAN 1/8 (99.3%) · Unrolled 7.6/8 (35.6%) · VEEGAN 8/8 (52.9%) · WGAN-GP 6.8/8 (59.6%) · "
            "GDPP 8/8 (71.7%) · PacGAN4 7.8/8 (95.9%)",
    "grid": "VEEGAN 24.6/25 (40%) · GDPP 24.8/25 (68.5%) · PacGAN4 24.8/25 (93.6%)",
}
ANCHOR_BY_METHOD = {
    ("ring", "vanilla"): "GAN 1/8, 99.3%", ("ring", "unrolled"): "Unrolled 7.6/8, 35.6%",
    ("ring", "wgan_gp"): "WGAN-GP 6.8/8, 59.6%", ("ring", "pacgan"): "PacGAN4 7.8/8, 95.9%",
    ("grid", "pacgan"): "PacGAN4 24.8/25, 93.6%",
}


def run_one(target: str, method: str, seed: int, steps: int | None):
    torch.set_num_threads(int(os.environ.get("GAN_BENCH_THREADS", "1")))
    trainer = mc.make_trainer(target, method, seed)
    budget = steps or mc.budget(target, method)
    t0 = time.perf_counter()
    snap = trainer.step(budget)
    wall = time.perf_counter() - t0
    hist = snap.history
    full = [s for s, m in zip(hist.get("step", []), hist.get("modes_captured", [])) if m == snap.n_modes]
    return dict(modes=snap.modes_captured, n=snap.n_modes, hq=snap.hq_fraction, kl=snap.reverse_kl, wall=wall,
                steps=snap.step, first_full=int(full[0]) if full else None, status=snap.status)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--targets", nargs="+", default=["ring", "grid"])
    ap.add_argument("--methods", nargs="+", default=list(mc.METHODS))
    ap.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    ap.add_argument("--steps", type=int, default=None, help="override the presets' budgets")
    ap.add_argument("--jobs", type=int, default=1, help="runs in parallel processes (1 torch thread each)")
    args = ap.parse_args(argv)
    torch.set_num_threads(int(os.environ.get("GAN_BENCH_THREADS", "1")))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), seeds {args.seeds}", flush=True)
    summary = []
    for target in args.targets:
        print(f"\n== {target}: budgets from the presets (mc.budget) · anchors: {ANCHORS.get(target, '-')}")
        print(f"{'method':<20} {'seed':>4} {'modes':>7} {'HQ %':>6} {'rev KL':>7} {'wall s':>7} {'steps':>6} "
              f"{'all modes at':>12}", flush=True)
        pool = ProcessPoolExecutor(args.jobs) if args.jobs > 1 else None
        futures = {(method, seed): pool.submit(run_one, target, method, seed, args.steps)
                   for method in args.methods for seed in args.seeds} if pool else {}
        for method in args.methods:
            rows = []
            for seed in args.seeds:
                r = futures[method, seed].result() if pool else run_one(target, method, seed, args.steps)
                rows.append(r)
                print(f"{method:<20} {seed:>4} {r['modes']:>3}/{r['n']:<3} {100 * r['hq']:>6.1f} {r['kl']:>7.3f} "
                      f"{r['wall']:>7.1f} {r['steps']:>6} {str(r['first_full'] or '-'):>12}"
                      f"{'' if r['status'] != 'diverged' else '  DIVERGED'}", flush=True)
            summary.append((target, method, rows))
        if pool:
            pool.shutdown()
    print("\n== summary (mean over seeds) ==")
    print(f"{'target':<6} {'method':<20} {'modes':>7} {'HQ %':>6} {'rev KL':>7} {'wall s':>7} {'steps':>6}   anchor")
    for target, method, rows in summary:
        m = {k: float(np.mean([r[k] for r in rows])) for k in ("modes", "hq", "kl", "wall", "steps")}
        print(f"{target:<6} {method:<20} {m['modes']:>7.1f} {100 * m['hq']:>6.1f} {m['kl']:>7.3f} {m['wall']:>7.1f} "
              f"{m['steps']:>6.0f}   {ANCHOR_BY_METHOD.get((target, method), '')}")
    print("\n== bars ==")
    results = {(t, m): rows for t, m, rows in summary}
    bars = [
        ("ring", "vanilla", "<= 4 of 8 modes", lambda r: r["modes"] <= 4),
        ("ring", mc.BEST_CURE["ring"], "8/8 modes and >= 90% HQ", lambda r: r["modes"] == 8 and r["hq"] >= 0.90),
        ("grid", mc.BEST_CURE["grid"], ">= 24/25 modes and >= 80% HQ", lambda r: r["modes"] >= 24 and r["hq"] >= 0.80),
    ]
    ok_all = True
    for target, method, text, ok in bars:
        rows = results.get((target, method))
        if rows is None:
            continue
        hits = sum(bool(ok(r)) for r in rows)
        need = max(1, int(np.ceil(0.8 * len(rows))))  # 4 of 5
        passed = hits >= need
        ok_all &= passed
        print(f"{target} {method}: {text} in {hits}/{len(rows)} seeds (need {need}) -> {'PASS' if passed else 'FAIL'}")
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
