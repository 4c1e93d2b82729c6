"""CycleGAN figures on this machine: training steps/s, and translation latency for one digit and one photo.

    python bench/bench_cyclegan.py [--threads 1] [--steps 30]

Training: the `train cyclegan` trainer (both generators and both PatchGANs, one iteration = D step
+ G step with cycle and identity terms) at the shipped model's width and batch size, steps/s over
`--steps` iterations after a warm-up. Latency: the median wall time of `--repeats` calls after a
warm-up — G_AB on one 28×28 digit (as the page calls it: uint8 in, uint8 out), and the official
CycleGAN ResNet generator (9 blocks, 11.4 M parameters; random weights, which cost the same) on one
256×256 RGB photo. Also prints the shipped card's measured quality.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from gan_core.device import describe, pick_device
from gan_core.families.cyclegan.config import CycleGANConfig
from gan_core.families.cyclegan.evaluate import source_digits
from gan_core.families.cyclegan.official import ResnetGenerator, translate_photo
from gan_core.families.cyclegan.trainer import CycleGANTrainer, load_cyclegan, translate
from gan_core.io import checkpoints

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "pretrained" / "cyclegan_digits"


def median_ms(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - t0))
    return round(statistics.median(times), 2)


def training_rate(config: CycleGANConfig, device, steps: int) -> float:
    trainer = CycleGANTrainer(config, device)
    trainer.train_steps(3)  # warm-up
    t0 = time.perf_counter()
    trainer.train_steps(steps)  # training only: no snapshot in the timed part
    return steps / (time.perf_counter() - t0)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--repeats", type=int, default=20)
    args = p.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = pick_device()
    card = checkpoints.read_card(SHIPPED)
    c = card["config"]
    config = CycleGANConfig(width=c["width"], blocks=c["blocks"], batch_size=c["batch_size"],
                            d_patch=c.get("d_patch", "large"), typeset_train=2000)
    print(f"Device: {describe(device)}")
    rate = training_rate(config, device, args.steps)
    print(f"Training (width {config.width}, batch {config.batch_size}, {config.d_patch} patches): {rate:.2f} steps/s "
          f"= {rate * config.batch_size:.0f} image pairs/s")

    G, _, _ = load_cyclegan(SHIPPED)
    digit, _ = source_digits("AB", 1, 0)
    print(f"One digit through G_AB: {median_ms(lambda: translate(G, digit, 'AB'), args.repeats)} ms (median of "
          f"{args.repeats})")
    net = ResnetGenerator().eval()
    photo = Image.fromarray(np.random.default_rng(0).integers(0, 255, (256, 256, 3), np.uint8))
    print(f"One 256x256 photo through the official ResNet generator: "
          f"{median_ms(lambda: translate_photo(net, photo), max(3, args.repeats // 4))} ms")
    m = card.get("metrics", {})
    print("Shipped card:", json.dumps({k: m.get(k) for k in ("n_per_direction", "ab_label_kept", "ba_label_kept",
                                                             "ab_untranslated_read_as_label",
                                                             "ba_untranslated_read_as_label", "cycle_l1")}),
          f"steps {card.get('steps')}, {card.get('wall_time_s', 0) / 60:.0f} min on {card.get('device')}")


if __name__ == "__main__":
    main()
