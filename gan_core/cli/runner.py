"""`train FAMILY`: one run of any registered family, with periodic evaluations and checkpoints,
a wall-time budget, resume, and a model card written next to the weights."""
from __future__ import annotations

import sys
from pathlib import Path

from gan_core.cli.progress import Progress, hms
from gan_core.core.config import config_dict
from gan_core.core.run import run_to
from gan_core.device import describe
from gan_core.io import checkpoints
from gan_core.io.cards import card_of_run
from gan_core.io.paths import ROOT
from gan_core.io.trainer_state import restore


def run(family, config, run_opts, device, resume: str | None, preset=None) -> int:
    trainer = family.trainer(config, device)
    if resume:
        restore(trainer, resume, resume=True)
        print(f"resuming from {resume} at step {trainer.step_count} (optimiser moments start afresh)", file=sys.stderr)
    if hasattr(config, "iterations"):  # a family without a dataset to pass over (the 2-D games)
        total, length = config.iterations, f"{config.iterations} iterations"
    else:
        epochs = getattr(config, "epochs", run_opts.epochs)
        total = trainer.steps_for(epochs)
        length = f"{epochs:g} epochs = {total} steps"
    print(f"Training {family.name} on {describe(device)}: {length}", file=sys.stderr)
    out, best_name, best = run_opts.out, ROOT / "runs" / (Path(run_opts.out).name + "_best"), None

    def save(name, metrics=None, partial=True):
        card = card_of_run(family, trainer, device, metrics or {}, partial, preset)
        return checkpoints.save(name, trainer.networks(), card)

    def evaluate_now() -> str:
        nonlocal best
        metrics, key, text = family.periodic(trainer)
        print(f"\nstep {trainer.step_count} epoch {trainer.epoch:.2f} {hms(trainer.elapsed)}: {text}", file=sys.stderr)
        if key is not None and (best is None or key > best):  # training oscillates: keep the best state too
            best = key
            save(best_name, metrics)
        return " | " + text

    bar = Progress(total)

    def report(extra: str) -> None:
        snap = trainer.snapshot()
        bar.update(snap.step, snap.elapsed_s, snap.steps_per_s, family.line(snap) + extra, force=bool(extra))

    why = run_to(trainer, total, run_opts, evaluate_now if family.periodic else None, lambda: save(out), report)
    bar.close()
    if why == "budget":
        print(f"stopped at the --max-minutes budget ({run_opts.max_minutes} min)", file=sys.stderr)
    if why == "diverged":
        d = trainer.divergence
        print(f"training diverged after step {d['step']} ({d['reason'].replace('_', ' ')}); the checkpoint keeps "
              f"the last good weights. Lower the learning rates (G {d['lr_g']:g}, D {d['lr_d']:g}).", file=sys.stderr)
    print(f"Evaluating {run_opts.eval_samples} samples ...", file=sys.stderr)
    nets = trainer.networks()
    metrics = family.evaluate(nets, config_dict(trainer.config), run_opts.eval_samples, 0)
    w, c = checkpoints.save(out, nets, card_of_run(family, trainer, device, metrics, False, preset))
    print(f"{family.report(metrics)}\nwrote {w} and {c}")
    return 0 if trainer.status != "diverged" else 1
