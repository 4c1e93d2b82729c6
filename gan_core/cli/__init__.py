"""Command line over the family registry: train, sample, evaluate and average any model family.

    python -m gan_core train dcgan --preset shipped --epochs 40 --out pretrained/dcgan_mnist
        (`train FAMILY --help` lists its options and presets; a flag changes the preset's setting)
    python -m gan_core train cyclegan ... --resume runs/NAME --out runs/NAME       (continue a run)
    python -m gan_core sample cgan_mnist --n 100 [--label 3] --out digits.npz     (or .png)
    python -m gan_core sample cyclegan_digits --direction AB --n 100 --out ab.npz
    python -m gan_core evaluate dcgan_mnist --n 10000 [--write]                   (metrics into the card)
    python -m gan_core average runs/a runs/b --out runs/avg                       (one run's snapshots)
    python -m gan_core predict sgan_mnist --images in.npz --out out.npz           (a reader's labels)
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import torch

from gan_core.core.config import help_of, option, settable_fields
from gan_core.device import pick_device
from gan_core.families import registry
from gan_core.io import checkpoints
from gan_core.io.cards import ModelCard
from gan_core.io.paths import PRETRAINED


@dataclass(kw_only=True)
class RunOptions:
    """How a training run is carried out (as opposed to what is trained: the family's config)."""

    out: str = option("", "checkpoint name, e.g. pretrained/dcgan_mnist (required)")
    epochs: float = option(3.0, "passes over the training set")
    eval_samples: int = option(10_000, "samples (per direction for a CycleGAN) for the final evaluation")
    eval_every_min: float = option(0.0, "evaluate on 2,000 samples every N minutes (0: never)")
    checkpoint_every_min: float = option(5.0, "write a partial checkpoint every N minutes")
    max_minutes: float = option(0.0, "stop after this wall time (0: no limit)")


def _add_flags(parser, cls, skip=(), defaults=None) -> None:
    for f in settable_fields(cls):
        if f.name in skip:
            continue
        default = (defaults or {}).get(f.name, f.default)
        kind = argparse.BooleanOptionalAction if isinstance(f.default, bool) else None
        parser.add_argument("--" + f.name.replace("_", "-"), dest=f.name, default=None, action=kind,
                            type=None if kind else type(f.default), help=f"{help_of(cls, f.name)} (default {default})")


def _given(args, cls) -> dict:
    return {f.name: getattr(args, f.name) for f in settable_fields(cls) if getattr(args, f.name, None) is not None}


def resolve(name: str) -> Path:
    """A checkpoint name: a path (with or without suffix), or a name under pretrained/."""
    p = Path(name)
    weights, card = checkpoints.paths(p)
    return p if weights.exists() or card.exists() or p.parent != Path(".") else PRETRAINED / p.name


def _checkpoint(name: str) -> tuple[Path, ModelCard, registry.Family]:
    """A checkpoint's path, its card (read once) and the family that made it."""
    path = resolve(name)
    card = ModelCard.load(path)
    return path, card, registry.get(card.kind)


def train(args) -> int:
    from gan_core.cli.runner import run

    family = registry.get(args.family)
    preset = family.presets[args.preset] if getattr(args, "preset", None) else None
    config = replace(preset.config if preset else family.config(), **_given(args, family.config))
    if args.lr is not None:
        config = replace(config, lr_g=args.lr, lr_d=args.lr)
    opts = RunOptions(**_given(args, RunOptions))
    if not opts.out:
        raise ValueError("--out is required: where to write the checkpoint")
    return run(family, config, opts, pick_device(args.device), args.resume and resolve(args.resume), preset)


def sample(args) -> int:
    from gan_core.io.images import save_samples

    path, card, family = _checkpoint(args.name)
    options = {k: getattr(args, k) for k in ("label", "direction") if getattr(args, k) is not None}
    for key in options:
        if key not in family.sample_options:
            raise ValueError(f"--{key} does not apply to {args.name} (a {family.name})")
    if family.sample is None:
        raise ValueError(f"{args.name} is a {family.name}: it reads digits, it does not draw them")
    arrays = family.sample(family.load(path), card, args.n, args.seed, **options)
    print(f"wrote {len(arrays['images'])} samples to {save_samples(arrays, args.out)}")
    return 0


def evaluate(args) -> int:
    path, card, family = _checkpoint(args.name)
    metrics = family.evaluate(family.load(path), card.config, args.n, args.seed)
    print(f"{family.report(metrics)} (n = {args.n})")
    if args.write:
        checkpoints.update_card(path, metrics=metrics, partial=False,
                                **({"bars_met": metrics["bars_met"]} if "bars_met" in metrics else {}))
        print(f"updated {checkpoints.paths(path)[1]}")
    return 0


def average(args) -> int:
    """Average the generators of several checkpoints of one run; keep the latest one's D and card."""
    paths, cards, families = zip(*(_checkpoint(n) for n in args.names))
    family = families[0]
    if family.average is None or any(f is not family for f in families):
        raise ValueError("average needs checkpoints of one CGAN or CycleGAN run")
    nets = [family.load(p) for p in paths]
    last = max(range(len(paths)), key=lambda i: cards[i].steps)
    merged = {**nets[last], "G": family.average([n["G"] for n in nets])}
    metrics = family.evaluate(merged, cards[last].config, args.eval_samples, 0)
    card = replace(cards[last], metrics=metrics, partial=False, command="python -m gan_core " + " ".join(sys.argv[1:]),
                   averaged_from=[{"name": str(n), "steps": c.steps} for n, c in zip(args.names, cards)],
                   architecture=cards[last].architecture + "; generator weights: the mean of the snapshots in "
                                                           "averaged_from", bars_met=metrics.get("bars_met"))
    w, c = checkpoints.save(args.out, merged, card.to_dict())
    print(f"{family.report(metrics)}\nwrote {w} and {c}")
    return 0


def read_digits(args) -> int:
    """`predict`: its code lives in cli/predict.py (a function named like the submodule would be shadowed by it)."""
    from gan_core.cli.predict import predict

    return predict(args)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m gan_core", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train a model and write NAME.safetensors + NAME.json").add_subparsers(
        dest="family", required=True, metavar="FAMILY")
    for name in registry.names():
        family = registry.get(name)
        f = t.add_parser(name, help=family.about, description=f"Train {family.about}.", parents=[common])
        _add_flags(f, family.config)
        _add_flags(f, RunOptions, skip={f.name for f in settable_fields(family.config)}, defaults=family.defaults)
        f.add_argument("--resume", default=None, help="continue from this checkpoint (a run of the same settings)")
        f.add_argument("--device", default=None, help="cuda | mps | cpu (default: the best there is, or $GAN_DEVICE)")
        if family.presets:
            f.add_argument("--preset", choices=sorted(family.presets), default=None,
                           help="start from a training recipe; flags given change it: " + "; ".join(
                               f"{p.name}: {p.description}" for p in family.presets.values()))
        if hasattr(family.config, "lr_g"):
            f.add_argument("--lr", type=float, default=None, help="set both learning rates")
        f.set_defaults(run=train, **{k: v for k, v in family.defaults.items()})
    s = sub.add_parser("sample", help="samples of a generator as a .png grid or .npz", parents=[common])
    s.add_argument("name")
    s.add_argument("--n", type=int, default=64)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--label", type=int, default=None, help="CGAN: the digit to draw (default: N/10 of each)")
    s.add_argument("--direction", default=None, help="CycleGAN: AB (handwritten -> typeset) or BA")
    s.add_argument("--out", required=True)
    s.set_defaults(run=sample)
    e = sub.add_parser("evaluate", help="re-measure a checkpoint as its card does", parents=[common])
    e.add_argument("name")
    e.add_argument("--n", type=int, default=10_000)
    e.add_argument("--seed", type=int, default=0)
    e.add_argument("--write", action="store_true", help="store the metrics in the model card")
    e.set_defaults(run=evaluate)
    a = sub.add_parser("average", help="average the generators of several CGAN or CycleGAN checkpoints of one run",
                       parents=[common])
    a.add_argument("names", nargs="+")
    a.add_argument("--out", required=True)
    a.add_argument("--eval-samples", type=int, default=10_000)
    a.set_defaults(run=average)
    r = sub.add_parser("predict", help="the labels and class probabilities a shipped reader gives uint8 N x 28 x 28 "
                                       "`images` in an .npz", parents=[common])
    r.add_argument("name")
    r.add_argument("--images", required=True, help="an .npz with `images`: uint8 N x 28 x 28, white on black")
    r.add_argument("--out", required=True, help="an .npz: `labels` (uint8) and `probabilities` (N x classes)")
    r.set_defaults(run=read_digits)
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        return args.run(args)
    except (checkpoints.CheckpointError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
