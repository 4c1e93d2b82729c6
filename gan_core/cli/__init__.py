"""Command line over the family registry: train, sample and evaluate any model family.

    python -m gan_core train dcgan --preset shipped --epochs 40 --out pretrained/dcgan_mnist
        (`train FAMILY --help` lists its options and presets; a flag changes the preset's setting)
    python -m gan_core train cyclegan ... --resume runs/NAME --out runs/NAME       (continue a run)
    python -m gan_core sample cgan_mnist --n 100 [--label 3] --out digits.npz     (or .png)
    python -m gan_core sample cyclegan_digits --direction AB --n 100 --out ab.npz
    python -m gan_core evaluate dcgan_mnist --n 10000 [--write]                   (metrics into the card)
    python -m gan_core predict sgan_mnist --images in.npz --out out.npz           (a reader's labels)
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from gan_core.cli.progress import Progress, hms, say
from gan_core.core.config import add_flags, given, settable_fields
from gan_core.core.run import RunOptions
from gan_core.device import describe, pick_device
from gan_core.families import registry
from gan_core.families.training_run import TrainingRun
from gan_core.io import checkpoints
from gan_core.io.cards import ModelCard


def _checkpoint(name: str) -> tuple[Path, ModelCard, registry.Family]:
    """A checkpoint's path, its card (read once) and the family that made it."""
    path = checkpoints.resolve(name)
    card = ModelCard.load(path)
    return path, card, registry.get(card.kind)


def _config_owns(family: registry.Family) -> set[str]:
    """Flags the family's config owns: a run option of the same name is neither offered nor read for it."""
    return {f.name for f in settable_fields(family.config)}


def train(args) -> int:
    family = registry.get(args.family)
    preset = family.presets[args.preset] if getattr(args, "preset", None) else None
    settings = given(args, family.config)
    config = replace(preset.config if preset else family.config(), **settings)
    if getattr(args, "lr", None) is not None:
        config = replace(config, lr_g=args.lr, lr_d=args.lr)
    # a flag the family's config owns means only that (toy2d's --eval-samples: each snapshot's samples)
    run_flags = given(args, RunOptions, skip=_config_owns(family))
    if preset and not (settings.keys() | run_flags.keys()) & {"epochs", "steps", "iterations"}:
        run_flags["steps"] = preset.budget  # a preset's run lasts as long as the recipe says
    opts = RunOptions(**run_flags)
    if not opts.out:
        raise ValueError("--out is required: where to write the checkpoint")
    device = pick_device(args.device)
    job = TrainingRun(family, config, opts, device, args.resume and checkpoints.resolve(args.resume), preset)
    t, bar = job.trainer, Progress(job.total)
    if args.resume:
        say(f"resuming from {args.resume} at step {t.step_count} (optimiser moments start afresh)")
    length = f"{job.total} iterations" if job.epochs is None else f"{job.epochs:g} epochs = {job.total} steps"
    say(f"Training {family.name} on {describe(device)}: {length}")

    def evaluated(text: str) -> str:
        say(f"\nstep {t.step_count} epoch {t.epoch:.2f} {hms(t.elapsed)}: {text}")
        return " | " + text

    def report(extra: str) -> None:
        snap = t.snapshot()
        bar.update(snap.step, snap.elapsed_s, snap.steps_per_s, family.line(snap) + extra, force=bool(extra))

    why = job.train(evaluated, report)
    bar.close()
    if why == "budget":
        say(f"stopped at the --max-minutes budget ({opts.max_minutes} min)")
    if why == "diverged":
        d = t.divergence
        say(f"training diverged after step {d['step']} ({d['reason'].replace('_', ' ')}); the checkpoint keeps the "
            f"last good weights. Lower the learning rates (G {d['lr_g']:g}, D {d['lr_d']:g}).")
    say(f"Evaluating {opts.eval_samples} samples ...")
    metrics, weights, card = job.finish()
    print(f"{family.report(metrics)}\nwrote {weights} and {card}")
    return 0 if t.status != "diverged" else 1


def sample(args) -> int:
    from gan_core.io.images import save_samples

    path, card, family = _checkpoint(args.name)
    options = {k: getattr(args, k) for k in _sample_options() if getattr(args, k) is not None}
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
        print(f"updated {checkpoints.record_metrics(path, metrics)}")
    return 0


def predict(args) -> int:
    from gan_core.eval.readers import logits_of
    from gan_core.io.images import save_samples
    from gan_core.io.uploads import read_digit_batch

    path, _, family = _checkpoint(args.name)
    if family.reader is None:
        raise ValueError(f"{args.name} is a {family.name}: it draws digits, it does not read them")
    if not args.out.endswith(".npz"):
        raise ValueError(f"--out must end in .npz, got {args.out}")
    probs = torch.softmax(logits_of(family.load(path)[family.reader], read_digit_batch(args.images)), 1).numpy()
    save_samples({"labels": probs.argmax(1).astype(np.uint8), "probabilities": probs.astype(np.float32)}, args.out)
    print(f"wrote {len(probs)} predictions of {args.name} to {args.out}")
    return 0


def _sample_options() -> dict:
    """`sample` flags that some family takes: name -> (type, help)."""
    return {k: v for name in registry.names() for k, v in registry.get(name).sample_options.items()}


def _commands() -> dict:
    """Every command but `train`: name -> (function, help, its arguments)."""
    one = [("name", {}), ("--seed", dict(type=int, default=0))]
    return {
        "sample": (sample, "samples of a generator as a .png grid or .npz", one + [
            ("--n", dict(type=int, default=64)), ("--out", dict(required=True))] + [
            ("--" + k, dict(type=t, default=None, help=h)) for k, (t, h) in _sample_options().items()]),
        "evaluate": (evaluate, "re-measure a checkpoint as its card does", one + [
            ("--n", dict(type=int, default=10_000)),
            ("--write", dict(action="store_true", help="store the metrics in the model card"))]),
        "predict": (predict, "the labels and class probabilities a shipped reader gives uint8 N x 28 x 28 "
                                 "`images` in an .npz", [
            ("name", {}),
            ("--images", dict(required=True, help="an .npz with `images`: uint8 N x 28 x 28, white on black")),
            ("--out", dict(required=True, help="an .npz: `labels` (uint8) and `probabilities` (N x classes)"))]),
    }


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
        add_flags(f, family.config)
        add_flags(f, RunOptions, skip=_config_owns(family), defaults=family.defaults)
        f.add_argument("--resume", default=None, help="continue from this checkpoint (a run of the same settings)")
        f.add_argument("--device", default=None, help="cuda | mps | cpu (default: the best there is, or $GAN_DEVICE)")
        if family.presets:
            f.add_argument("--preset", choices=sorted(family.presets), default=None,
                           help="start from a training recipe; flags given change it: " + "; ".join(
                               f"{p.name}: {p.description}" for p in family.presets.values()))
        if hasattr(family.config, "lr_g"):
            f.add_argument("--lr", type=float, default=None, help="set both learning rates")
        f.set_defaults(run=train, **family.defaults)
    for name, (run, about, args) in _commands().items():
        c = sub.add_parser(name, help=about, parents=[common])
        for flag, kwargs in args:
            c.add_argument(flag, **kwargs)
        c.set_defaults(run=run)
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
