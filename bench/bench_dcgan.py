"""DCGAN benchmark: steps/s and images/s per preset, and seconds of training until the MNIST score
of 2,000 samples first exceeds 8.0 (tiny and small presets).

    python bench/bench_dcgan.py                      # everything (the score race takes a while on a CPU)
    python bench/bench_dcgan.py --speed-only
    python bench/bench_dcgan.py --race tiny --max-minutes 20 --threads 1

Training time counts only the trainer's own time (`Snapshot.elapsed_s`), not the evaluations.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from gan_core.classifier import Evaluator  # noqa: E402
from gan_core.data import DeviceDataset  # noqa: E402
from gan_core.device import describe, pick_device  # noqa: E402
from gan_core.image_training import DCGANConfig, ImageGANTrainer  # noqa: E402


def speed(preset: str, device, dataset, steps: int, batch: int = 128) -> dict:
    trainer = ImageGANTrainer(DCGANConfig(preset=preset, batch_size=batch), device, dataset=dataset)
    trainer.train_steps(3)  # warm-up
    if device.type == "cuda":
        torch.cuda.synchronize()
    t = time.perf_counter()
    trainer.train_steps(steps)  # training only: no snapshot in the timed part
    if device.type == "cuda":
        torch.cuda.synchronize()
    dt = time.perf_counter() - t
    return {"preset": preset, "batch": batch, "steps": steps, "steps_per_s": steps / dt,
            "images_per_s": steps * batch / dt}


def race(preset: str, device, dataset, evaluator, target: float, max_minutes: float, every_s: float) -> dict:
    dataset.epoch, dataset._pos = 0, 0  # the speed runs shared this dataset: start the race at epoch 0
    trainer = ImageGANTrainer(DCGANConfig(preset=preset), device, dataset=dataset)
    points = []
    while trainer.elapsed < max_minutes * 60:
        trainer.train_for(every_s)
        m = trainer.evaluate(evaluator, n=2000)
        points.append((round(trainer.elapsed, 1), trainer.step_count, round(m["mnist_score"], 3)))
        print(f"  {preset}: {trainer.elapsed:7.1f} s, step {trainer.step_count:6d}, epoch {trainer.epoch:5.2f}, "
              f"MNIST score(2000) {m['mnist_score']:.3f}", flush=True)
        if m["mnist_score"] > target:
            return {"preset": preset, "seconds": round(trainer.elapsed, 1), "steps": trainer.step_count,
                    "epochs": round(trainer.epoch, 2), "score": m["mnist_score"], "curve": points}
    return {"preset": preset, "seconds": None, "steps": trainer.step_count, "note": f"not reached in {max_minutes} min",
            "curve": points}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--device", default=None)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--speed-steps", type=int, default=20)
    p.add_argument("--speed-only", action="store_true")
    p.add_argument("--race", nargs="*", default=["tiny", "small"])
    p.add_argument("--target", type=float, default=8.0)
    p.add_argument("--max-minutes", type=float, default=30.0)
    p.add_argument("--every", type=float, default=15.0, help="seconds of training between evaluations")
    p.add_argument("--json", default=None, help="also write the results here")
    args = p.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = pick_device(args.device)
    dataset = DeviceDataset.mnist("train", device)
    print(f"device: {describe(device)}; torch {torch.__version__}")
    results = {"device": describe(device), "speed": [], "race": []}
    for preset in ("tiny", "small", "book"):
        r = speed(preset, device, dataset, args.speed_steps)
        results["speed"].append(r)
        print(f"{preset:6s} batch {r['batch']}: {r['steps_per_s']:7.2f} steps/s {r['images_per_s']:9.0f} images/s", flush=True)
    if not args.speed_only:
        evaluator = Evaluator(device=device)
        for preset in args.race:
            r = race(preset, device, dataset, evaluator, args.target, args.max_minutes, args.every)
            results["race"].append(r)
            when = (f"after {r['seconds']} s of training" if r["seconds"] is not None
                    else f"not reached in {args.max_minutes:g} min of training")
            print(f"{preset}: MNIST score(2000) > {args.target} {when} ({r['steps']} steps)", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
