"""DCGAN benchmark: steps/s and images/s per preset, and the race: minutes of training until the MNIST
score of 2,000 samples first reaches 6, 8 and 9, for each preset of the family (its network, settings and
batch: `train dcgan --preset NAME` trains the same).

    python bench/bench_dcgan.py                      # everything (the race takes hours on a CPU)
    python bench/bench_dcgan.py --speed-only
    python bench/bench_dcgan.py --race cpu_quick_start shipped --max-minutes 60 --threads 1

Training time counts only the trainer's own time (`Snapshot.elapsed_s`), not the evaluations. The
shipped run's own periodic evaluations (its card's metrics_during_training) are the same race for its
preset: `--from-card pretrained/dcgan_mnist` prints its table without training again.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from gan_core.data.mnist import DeviceDataset
from gan_core.device import describe, pick_device
from gan_core.eval.evaluator import Evaluator
from gan_core.families.dcgan.presets import PRESETS
from gan_core.families.dcgan.trainer import ImageGANTrainer
from gan_core.io.cards import ModelCard

TARGETS = (6.0, 8.0, 9.0)
def speed(preset: str, device, dataset, steps: int) -> dict:
    config = PRESETS[preset].config
    batch = config.batch_size
    trainer = ImageGANTrainer(config, device, dataset=dataset)
    trainer.train_steps(3)  # warm-up
    if device.type == "cuda":
        torch.cuda.synchronize()
    t = time.perf_counter()
    trainer.train_steps(steps)  # training only: no snapshot in the timed part
    if device.type == "cuda":
        torch.cuda.synchronize()
    dt = time.perf_counter() - t
    return {"preset": preset, "network": config.network, "batch": batch, "steps": steps,
            "steps_per_s": steps / dt, "images_per_s": steps * batch / dt}


def first_reached(curve: list[tuple[float, int, float]]) -> dict[float, float | None]:
    """Minutes of training at which the score first reached each target, from (seconds, step, score) points."""
    return {t: next((round(sec / 60, 1) for sec, _, score in curve if score >= t), None) for t in TARGETS}


def race(preset: str, device, dataset, evaluator, max_minutes: float, every_s: float) -> dict:
    dataset.epoch, dataset._pos = 0, 0  # the speed runs shared this dataset: start the race at epoch 0
    trainer = ImageGANTrainer(PRESETS[preset].config, device, dataset=dataset)
    points = []
    while trainer.elapsed < max_minutes * 60:
        trainer.train_for(every_s)
        m = trainer.evaluate(evaluator, n=2000)
        points.append((round(trainer.elapsed, 1), trainer.step_count, round(m["mnist_score"], 3)))
        print(f"  {preset}: {trainer.elapsed:7.1f} s, step {trainer.step_count:6d}, epoch {trainer.epoch:5.2f}, "
              f"MNIST score(2000) {m['mnist_score']:.3f}", flush=True)
        if m["mnist_score"] >= TARGETS[-1]:
            break
    return {"run": f"{preset} ({trainer.config.network})", "minutes": max_minutes, "curve": points,
            "reached": first_reached(points)}


def card_race(name: str) -> dict:
    """The race table of a CLI run, from the 2,000-sample evaluations in its card (read as a typed card, so
    cards written before the network had its own field read the same)."""
    card = ModelCard.load(name)
    points = [(m["elapsed_s"], m["step"], m["mnist_score"]) for m in card.metrics_during_training
              if m.get("n_samples") == 2000]
    return {"run": f"{card.network} ({name})", "minutes": round(card.minutes, 1), "curve": points,
            "reached": first_reached(points)}


def print_table(rows: list[dict]) -> None:
    width = max(len("run"), *(len(r["run"]) for r in rows))
    print(f"{'run':{width}s}" + "".join(f"{'score ' + format(t, 'g'):>20s}" for t in TARGETS))
    for r in rows:
        cells = [f"{m:.1f} min" if m is not None else f"not in {r['minutes']:g} min" for m in r["reached"].values()]
        print(f"{r['run']:{width}s}" + "".join(f"{c:>20s}" for c in cells))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--device", default=None)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--speed-steps", type=int, default=20)
    p.add_argument("--speed-only", action="store_true")
    p.add_argument("--race", nargs="*", default=list(PRESETS), choices=list(PRESETS))
    p.add_argument("--from-card", nargs="*", default=[], help="print the race table of these CLI runs' cards")
    p.add_argument("--max-minutes", type=float, default=60.0, help="training minutes per preset in the race")
    p.add_argument("--every", type=float, default=30.0, help="seconds of training between evaluations")
    p.add_argument("--json", default=None, help="also write the results here")
    args = p.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.from_card:
        print_table([card_race(name) for name in args.from_card])
        return
    device = pick_device(args.device)
    dataset = DeviceDataset.mnist("train", device)
    print(f"device: {describe(device)}; torch {torch.__version__}")
    results = {"device": describe(device), "speed": [], "race": []}
    for preset in PRESETS:
        r = speed(preset, device, dataset, args.speed_steps)
        results["speed"].append(r)
        print(f"{preset:16s} {r['network']:12s} batch {r['batch']:3d}: {r['steps_per_s']:7.2f} steps/s "
              f"{r['images_per_s']:9.0f} images/s", flush=True)
    if not args.speed_only:
        evaluator = Evaluator(device=device)
        results["race"] = [race(preset, device, dataset, evaluator, args.max_minutes, args.every)
                           for preset in args.race]
        print_table(results["race"])
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
