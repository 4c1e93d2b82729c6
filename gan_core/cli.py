"""Command line: train the shipped models with the app's trainers, sample and evaluate them.

    python -m gan_core train classifier --epochs 3 --out pretrained/mnist_classifier
    python -m gan_core train dcgan --preset infogan_half --loss hinge --ema 0.999 --batch-size 64
        --lr-decay-start 10000 --lr-half-life 5000 --epochs 40 --out pretrained/dcgan_mnist   (one line)
    python -m gan_core train cgan --conditioning modulate --ema 0.999 --epochs 8 --out pretrained/cgan_mnist
    python -m gan_core train typeset_reader --epochs 2 --out pretrained/typeset_reader
    python -m gan_core train domain_judge --epochs 3 --out pretrained/domain_judge
    python -m gan_core train cyclegan --semantic-weight 1 --identity-weight 0 --d-blur 1 --cycle-noise 0.1
        --epochs 2 --out pretrained/cyclegan_digits                                             (one line)
    python -m gan_core train dcgan ... --resume runs/NAME --out runs/NAME    (continue a run: DCGAN, CGAN, CycleGAN)
    python -m gan_core sample cyclegan_digits --direction AB --n 100 --out ab.npz  (inputs, images, labels)
    python -m gan_core sample cgan_mnist --n 100 [--label 3] --out digits.npz   (images + labels)
    python -m gan_core sample dcgan_mnist --n 64 --seed 0 --out grid.png      (or .npz)
    python -m gan_core evaluate dcgan_mnist --n 10000 [--write]              (metrics into the card)
"""
from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

from . import checkpoints
from .device import describe, pick_device
from .paths import PRETRAINED, ROOT



# --- progress ------------------------------------------------------------------------------------
class Progress:
    """A one-line progress bar on a terminal; one plain line every `log_every` seconds otherwise."""

    def __init__(self, total: int, stream=None, log_every: float = 30.0):
        self.total, self.stream = max(1, total), stream or sys.stderr
        self.tty = self.stream.isatty()
        self.log_every = log_every
        self._last_log = 0.0

    def update(self, done: int, elapsed: float, rate: float, text: str, force: bool = False) -> None:
        frac = min(done / self.total, 1.0)
        eta = (self.total - done) / rate if rate > 0 else float("nan")
        bar = "#" * int(frac * 30) + "." * (30 - int(frac * 30))
        line = (f"[{bar}] {frac:6.1%} step {done}/{self.total} | {rate:5.2f} steps/s | "
                f"{_hms(elapsed)} elapsed, ETA {_hms(eta)} | {text}")
        now = time.monotonic()
        if self.tty:
            self.stream.write("\r" + line[:200].ljust(200))
            self.stream.flush()
        elif force or now - self._last_log >= self.log_every:
            self.stream.write(line + "\n")
            self.stream.flush()
            self._last_log = now

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _hms(seconds: float) -> str:
    if not np.isfinite(seconds):
        return "--:--"
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60:02d}:{s % 60:02d}"


def _environment(device: torch.device) -> dict:
    return {"device": describe(device), "torch": torch.__version__, "threads": torch.get_num_threads(),
            "platform": platform.platform(), "command": "python -m gan_core " + " ".join(sys.argv[1:])}


def resolve(name: str) -> Path:
    """A checkpoint name: a path (with or without suffix), or a name under pretrained/."""
    p = Path(name)
    weights, card = checkpoints.paths(p)
    if weights.exists() or card.exists() or p.parent != Path("."):
        return p
    return PRETRAINED / p.name


# --- train ---------------------------------------------------------------------------------------
def train_typeset_reader(args) -> int:
    """The CycleGAN's judge of domain B: the classifier's CNN trained on rendered typeset digits."""
    from .classifier import (TYPESET_HELDOUT_SEED, TYPESET_TRAIN_SEED, ClassifierConfig, ClassifierTrainer,
                             accuracy)
    from .data.typeset import typeset_digits

    device = pick_device(args.device)
    n_train, n_held = args.typeset_train, 10_000
    print(f"Rendering {n_train:,} training and {n_held:,} held-out typeset digits ...", file=sys.stderr)
    images, labels = typeset_digits(n_train, seed=TYPESET_TRAIN_SEED)
    held_x, held_y = typeset_digits(n_held, seed=TYPESET_HELDOUT_SEED)
    cfg = ClassifierConfig(epochs=args.epochs, seed=args.seed, batch_size=args.batch_size or 128, lr=args.lr or 2e-3,
                           width=args.width or 32)
    trainer = ClassifierTrainer(cfg, device, images, labels)
    _fit_classifier(trainer, f"the typeset-digit reader on {describe(device)}", args.epochs)
    from .data.mnist import load_mnist

    mnist_x, mnist_y = load_mnist("test")
    metrics = {"heldout_accuracy": accuracy(trainer.model, held_x, held_y), "heldout_n": n_held,
               "heldout_seed": TYPESET_HELDOUT_SEED, "mnist_test_accuracy": accuracy(trainer.model, mnist_x, mnist_y)}
    w, c = _save_reader(args.out, trainer, device, metrics, kind="typeset_reader",
                        architecture="the MNIST classifier's CNN (conv32-pool-conv64-pool-conv64-fc128) trained on "
                                     "typeset digits rendered by gan_core.data.typeset",
                        config={"typeset_train": n_train, "typeset_train_seed": TYPESET_TRAIN_SEED})
    print(f"held-out typeset accuracy {metrics['heldout_accuracy']:.4f} ({n_held:,} renders); on MNIST test "
          f"{metrics['mnist_test_accuracy']:.4f}\nwrote {w} and {c}")
    return 0


def _save_reader(out, trainer, device, metrics: dict, kind: str, architecture: str, config: dict):
    """Write a trained digit reader or judge with its card (the trainer's config plus `config`)."""
    card = {"kind": kind, "architecture": architecture, "config": vars(trainer.config) | config,
            "steps": trainer.step_count, "epochs": round(trainer.data.epoch_progress, 3),
            "wall_time_s": round(trainer.elapsed, 1), **_environment(device), "metrics": metrics}
    return checkpoints.save(out, {"model": trainer.model}, card)


def train_domain_judge(args) -> int:
    """The judge of "which domain does this digit look like", trained through its fixed ink mask and blur."""
    from .classifier import ClassifierConfig, ClassifierTrainer
    from .domain_judge import DomainJudge, heldout_accuracy, training_set

    device = pick_device(args.device)
    print("Loading MNIST and rendering typeset digits ...", file=sys.stderr)
    images, labels = training_set(args.typeset_train, seed=args.seed)
    cfg = ClassifierConfig(epochs=args.epochs, seed=args.seed, batch_size=args.batch_size or 128, lr=args.lr or 2e-3,
                           width=args.width or 32, noise=0.3)
    trainer = ClassifierTrainer(cfg, device, images, labels, model=DomainJudge(cfg.width, blur_sigma=1.0, ink=(0.2, 0.5)))
    _fit_classifier(trainer, f"the domain judge on {describe(device)}", args.epochs)
    metrics = heldout_accuracy(trainer.model.eval())
    w, c = _save_reader(args.out, trainer, device, metrics, kind="domain_judge",
                        architecture="fixed: an ink mask (pixels under 20% of full ink become background, over 50% "
                                     "full ink) and a Gaussian blur (sigma 1 px); then the readers' CNN (conv-pool-"
                                     "conv-pool-conv-fc128) -> 2 logits: handwritten (MNIST) or typeset",
                        config={"blur_sigma": 1.0, "ink": [0.2, 0.5], "per_domain": args.typeset_train})
    print(f"held-out accuracy: handwritten {metrics['handwritten_accuracy']:.4f}, typeset "
          f"{metrics['typeset_accuracy']:.4f}\nwrote {w} and {c}")
    return 0


def _fit_classifier(trainer, what: str, epochs: float) -> None:
    total = trainer.total_steps
    bar = Progress(total)
    print(f"Training {what}: {epochs} epochs, {total} steps", file=sys.stderr)
    while trainer.step_count < total:
        snap = trainer.train_for(0.5) if total - trainer.step_count > 10 else trainer.step(total - trainer.step_count)
        bar.update(snap.step, snap.elapsed_s, snap.step / max(snap.elapsed_s, 1e-9),
                   f"epoch {snap.epoch:.2f} | loss {snap.loss:.4f} | batch acc {snap.train_acc:.3f}")
    bar.close()


def train_classifier(args) -> int:
    from .classifier import ClassifierConfig, ClassifierTrainer, classifier_modules, reference_metrics

    device = pick_device(args.device)
    cfg = ClassifierConfig(epochs=args.epochs, seed=args.seed, batch_size=args.batch_size or 128,
                           lr=args.lr or 2e-3, width=args.width or 32)
    trainer = ClassifierTrainer(cfg, device)
    _fit_classifier(trainer, f"the MNIST classifier on {describe(device)}", args.epochs)
    print("Measuring test accuracy and feature statistics ...", file=sys.stderr)
    metrics, train_stats, test_stats = reference_metrics(trainer.model)
    mods = {"model": trainer.model, "train_stats": train_stats, "test_stats": test_stats}
    assert set(mods) == set(classifier_modules(cfg.width))
    card = {"kind": "mnist_classifier",
            "architecture": "CNN: conv32-pool-conv64-pool-conv64-fc128 (BN, ReLU) -> 10 logits; "
                            "features = the 128-d penultimate layer",
            "config": vars(cfg) | {}, "steps": trainer.step_count, "epochs": round(trainer.data.epoch_progress, 3),
            "wall_time_s": round(trainer.elapsed, 1), **_environment(device), "metrics": metrics}
    w, c = checkpoints.save(args.out, mods, card)
    print(f"test accuracy {metrics['test_accuracy']:.4f}, real test MNIST score {metrics['test_mnist_score']:.3f}, "
          f"Frechet test vs train {metrics['frechet_test_vs_train']:.3f}\nwrote {w} and {c}")
    return 0


def _gan_line(snap) -> str:
    return (f"epoch {snap.epoch:.2f} | {snap.images_per_s:,.0f} img/s | D {snap.d_loss:.3f} G {snap.g_loss:.3f} | "
            f"D(x) {snap.d_real:.2f} D(G(z)) {snap.d_fake:.2f}/{snap.d_fake_after:.2f}")


LINE_COST = 0.05  # share of a GAN run's time its progress line may take (each redraw takes a snapshot,
# which renders G's grid: for an EMA generator that means re-measuring its batch norms, seconds on a CPU)


def _train_loop(trainer, total: int, args, save_partial, on_eval=None, line=_gan_line) -> None:
    """Train to `total` steps with a progress bar, the --max-minutes budget, periodic checkpoints
    (`save_partial()`) and, every --eval-every-min, `on_eval()` whose text joins the bar's line.
    The DCGAN, CGAN and CycleGAN commands share it; a diverged run ends with the trainer's explanation."""
    bar = Progress(total)

    def redraw(extra: str = "", force: bool = False) -> float:
        """Redraw the bar (rate and ETA at the current speed); the time the snapshot took."""
        start = time.monotonic()
        snap = trainer.snapshot()
        bar.update(snap.step, snap.elapsed_s, snap.steps_per_s, line(snap) + extra, force=force or bool(extra))
        return time.monotonic() - start

    deadline = time.monotonic() + args.max_minutes * 60 if args.max_minutes else None
    last_ckpt = last_eval = next_line = time.monotonic()
    while trainer.step_count < total and trainer.status != "diverged":
        trainer.train_steps(min(trainer.chunk, total - trainer.step_count))
        now = time.monotonic()
        extra = ""
        if on_eval and args.eval_every_min and now - last_eval >= args.eval_every_min * 60:
            extra = on_eval()
            last_eval = now
        if extra or now >= next_line:
            next_line = time.monotonic() + redraw(extra) / LINE_COST
        if args.checkpoint_every_min and now - last_ckpt >= args.checkpoint_every_min * 60:
            save_partial()
            last_ckpt = now
        if deadline and now > deadline:
            print(f"\nstopping at the --max-minutes budget ({args.max_minutes} min)", file=sys.stderr)
            break
    redraw(force=True)
    bar.close()
    if trainer.status == "diverged":
        print(trainer.message, file=sys.stderr)


def _dcgan_card(trainer, device, args, metrics=None, partial=False) -> dict:
    from .dcgan import DESCRIPTIONS, count_parameters
    from .training import config_dict

    return {"kind": "dcgan", "dataset": "MNIST", "architecture": DESCRIPTIONS[trainer.config.preset],
            "preset": trainer.config.preset, "z_dim": trainer.config.z_dim,
            "parameters": {"G": count_parameters(trainer.G), "D": count_parameters(trainer.D)},
            "config": config_dict(trainer.config), "steps": trainer.step_count,
            "epochs": round(trainer.epoch, 3),
            "wall_time_s": round(trainer.elapsed, 1), "resumed_from": getattr(trainer, "resumed_from", None),
            **_environment(device), "partial": partial, "status": trainer.status, "message": trainer.message,
            "generator_weights": _generator_weights(trainer.config),
            "metrics": metrics or {},
            "metrics_during_training": trainer.metrics_history}


def _resume(trainer, name, load=None) -> dict:
    """Continue a CLI run: its G (the EMA if it kept one) and D, step count, time and epochs; returns its card.
    `load(trainer, path)` puts the weights in (default: the DCGAN/CGAN loader)."""
    from .image_training import load_pretrained

    before = (load or load_pretrained)(trainer, resolve(name))
    trainer.elapsed = float(before.get("wall_time_s", 0.0))
    trainer.epochs_before = float(before.get("epochs", 0.0))
    trainer.metrics_history = list(before.get("metrics_during_training", []))
    trainer.resumed_from = {k: before.get(k) for k in ("command", "steps", "epochs", "wall_time_s", "date")}
    trainer.continue_schedule(trainer.step_count)  # the learning rates continue their decay
    print(f"resuming from {name} at step {trainer.step_count} (optimiser moments start afresh)", file=sys.stderr)
    return before


def _generator_weights(config) -> str:
    return (f"exponential moving average of G's weights (decay {config.ema}), batch-norm statistics re-measured"
            if config.ema else "G as trained")


def train_dcgan(args) -> int:
    from .classifier import CLASSIFIER_NAME, Evaluator
    from .image_training import DCGANConfig, ImageGANTrainer

    device = pick_device(args.device)
    cfg = DCGANConfig(preset=args.preset, seed=args.seed, batch_size=args.batch_size or 128,
                      lr_g=args.lr or 2e-4, lr_d=args.lr or 2e-4, label_flip=args.label_flip,
                      label_smoothing=args.label_smoothing, d_steps=args.d_steps,
                      lr_half_life=args.lr_half_life, lr_decay_start=args.lr_decay_start, loss=args.loss,
                      ema=args.ema)
    trainer = ImageGANTrainer(cfg, device)
    total = int(round(args.epochs * trainer.data.steps_per_epoch(cfg.batch_size)))
    if args.resume:
        _resume(trainer, args.resume)
    evaluator = None
    classifier = resolve(args.classifier) if args.classifier else CLASSIFIER_NAME
    try:
        evaluator = Evaluator(classifier, device)
    except checkpoints.CheckpointError as exc:
        print(f"note: no evaluation metrics ({exc})", file=sys.stderr)
    print(f"Training DCGAN '{args.preset}' on {describe(device)}: {args.epochs} epochs = {total} steps "
          f"of batch {cfg.batch_size}", file=sys.stderr)

    def report() -> str:
        m = trainer.evaluate(evaluator, n=2000)
        print(f"\nstep {trainer.step_count} epoch {trainer.epoch:.2f} {_hms(trainer.elapsed)}: MNIST score(2000) "
              f"{m['mnist_score']:.3f} hist {m['class_histogram']} FD {m['frechet_distance']:.2f}", file=sys.stderr)
        return f" | score(2k) {m['mnist_score']:.2f} FD {m['frechet_distance']:.1f}"

    _train_loop(trainer, total, args,
                lambda: checkpoints.save(args.out, {"G": trainer.sampler, "D": trainer.D},
                                         _dcgan_card(trainer, device, args, partial=True)),
                report if evaluator else None)
    metrics = {}
    if evaluator is None:  # the classifier may have been trained meanwhile
        try:
            evaluator = Evaluator(classifier, device)
        except checkpoints.CheckpointError as exc:
            print(f"note: the card gets no metrics ({exc}); add them later with `python -m gan_core evaluate "
                  f"{args.out} --write`", file=sys.stderr)
    if evaluator:
        print(f"Evaluating {args.eval_samples} samples ...", file=sys.stderr)
        metrics = evaluator.evaluate(trainer.sample_images(args.eval_samples, seed=0)) | {"sample_seed": 0}
    w, c = checkpoints.save(args.out, {"G": trainer.sampler, "D": trainer.D}, _dcgan_card(trainer, device, args, metrics))
    if metrics:
        print(f"MNIST score {metrics['mnist_score']:.3f} on {metrics['n_samples']} samples; classes "
              f"{metrics['class_histogram']}; Frechet {metrics['frechet_distance']:.3f} "
              f"(real test vs train {metrics['frechet_baseline_test_vs_train']:.3f})")
    print(f"wrote {w} and {c}")
    return 0 if trainer.status != "diverged" else 1


def _cgan_card(trainer, device, metrics=None, partial=False) -> dict:
    from .cgan import DESCRIPTIONS, count_parameters
    from .training import config_dict

    c = trainer.config
    return {"kind": "cgan", "dataset": "MNIST", "architecture": DESCRIPTIONS[c.conditioning],
            "preset": c.preset, "conditioning": c.conditioning, "projection": c.projection,
            "minibatch_std": c.minibatch_std, "z_dim": c.z_dim,
            "parameters": {"G": count_parameters(trainer.G), "D": count_parameters(trainer.D)},
            "config": config_dict(c), "steps": trainer.step_count, "epochs": round(trainer.epoch, 3),
            "wall_time_s": round(trainer.elapsed, 1), "resumed_from": getattr(trainer, "resumed_from", None),
            **_environment(device), "partial": partial, "generator_weights": _generator_weights(c),
            "status": trainer.status, "message": trainer.message, "metrics": metrics or {},
            "metrics_during_training": trainer.metrics_history}


def train_cgan(args) -> int:
    """A conditional GAN with the same loop; periodic checkpoints, and the best periodic evaluation
    (highest lowest-digit agreement, then MNIST score) also kept as runs/NAME_best."""
    from .classifier import CLASSIFIER_NAME, Evaluator
    from .image_training import CGANConfig, ConditionalImageGANTrainer

    device = pick_device(args.device)
    cfg = CGANConfig(preset=args.preset, conditioning=args.conditioning, projection=args.projection,
                     minibatch_std=args.minibatch_std, seed=args.seed,
                     batch_size=args.batch_size or 64, lr_g=args.lr or 2e-4, lr_d=args.lr or 2e-4,
                     label_flip=args.label_flip, label_smoothing=args.label_smoothing, d_steps=args.d_steps,
                     lr_half_life=args.lr_half_life, lr_decay_start=args.lr_decay_start, loss=args.loss,
                     ema=args.ema)
    trainer = ConditionalImageGANTrainer(cfg, device)
    total = int(round(args.epochs * trainer.data.steps_per_epoch(cfg.batch_size)))
    if args.resume:
        _resume(trainer, args.resume)
    evaluator = Evaluator(resolve(args.classifier) if args.classifier else CLASSIFIER_NAME, device)
    print(f"Training CGAN '{cfg.preset}' ({cfg.conditioning}) on {describe(device)}: {args.epochs} epochs = "
          f"{total} steps of batch {cfg.batch_size}", file=sys.stderr)
    best = None
    best_name = ROOT / "runs" / (Path(args.out).name + "_best")  # runs/ is git-ignored

    def report() -> str:
        nonlocal best
        m = trainer.evaluate(evaluator, n=2000)
        print(f"\nstep {trainer.step_count} epoch {trainer.epoch:.2f} {_hms(trainer.elapsed)}: agreement(2000) "
              f"{m['agreement']:.4f} per digit {[round(a, 3) for a in m['agreement_per_digit']]} MNIST score "
              f"{m['mnist_score']:.3f} FD {m['frechet_distance']:.2f}", file=sys.stderr)
        key = (m["agreement_min"], m["mnist_score"])
        if best is None or key > best:
            best = key
            checkpoints.save(best_name, {"G": trainer.sampler, "D": trainer.D},
                             _cgan_card(trainer, device, m, partial=True))
        return f" | agree(2k) {m['agreement']:.3f} min {m['agreement_min']:.3f} score {m['mnist_score']:.2f}"

    _train_loop(trainer, total, args,
                lambda: checkpoints.save(args.out, {"G": trainer.sampler, "D": trainer.D},
                                         _cgan_card(trainer, device, partial=True)),
                report)
    print(f"Evaluating {args.eval_samples} samples ({args.eval_samples // 10} per digit) ...", file=sys.stderr)
    metrics = trainer.evaluate(evaluator, n=args.eval_samples, seed=0) | {"sample_seed": 0}
    w, c = checkpoints.save(args.out, {"G": trainer.sampler, "D": trainer.D}, _cgan_card(trainer, device, metrics))
    print(f"agreement {metrics['agreement']:.4f} (lowest digit {metrics['agreement_min']:.4f}); MNIST score "
          f"{metrics['mnist_score']:.3f} on {metrics['n_samples']} samples; Frechet {metrics['frechet_distance']:.3f}")
    print(f"wrote {w} and {c}")
    return 0 if trainer.status != "diverged" else 1


def _given(value, default):
    """A flag's value, or the default where the flag was not given (0 is a value)."""
    return default if value is None else value


def _translation_summary(m: dict) -> str:
    """Both directions' measures in a few lines: in target domain, label kept, change, Fréchet, cycle."""
    from .cyclegan_eval import in_target_ratio

    lines = []
    for k, what in (("ab", "AB (handwritten -> typeset)"), ("ba", "BA (typeset -> handwritten)")):
        lines.append(
            f"{what}: in target domain {m[k + '_in_target']:.4f} (untranslated {m[k + '_untranslated_in_target']:.4f}; "
            f"{in_target_ratio(m, k):.3f} of the judge's accuracy on real digits), label kept "
            f"{m[k + '_label_kept']:.4f} (untranslated {m[k + '_untranslated_read_as_label']:.4f}), mean change "
            f"{m[k + '_change']:.3f}, Frechet to target {m[k + '_frechet_to_target']:.2f} (untranslated "
            f"{m[k + '_untranslated_frechet_to_target']:.2f}), cycle L1 {m[k + '_cycle_l1']:.4f}")
    failed = [name for name, ok in m["bars"].items() if not ok]
    lines.append("all bars met" if m["bars_met"] else f"bars not met: {', '.join(failed)}")
    return "\n".join(lines)


def average_cyclegan(args) -> int:
    """Average both generators of several CycleGAN checkpoints of one run; keep the last one's
    discriminators; measure label preservation on --eval-samples inputs per direction."""
    from .cyclegan import load_cyclegan
    from .cyclegan_eval import Judges, evaluate_translation
    from .models import average_weights

    runs = [load_cyclegan(resolve(name)) for name in args.names]
    last = max(range(len(runs)), key=lambda i: runs[i][2].get("steps", 0))
    G, D, card = average_weights([g for g, _, _ in runs]).eval(), runs[last][1], dict(runs[last][2])
    metrics = evaluate_translation(G, Judges.shipped(), n=args.eval_samples, seed=0)
    card = {k: v for k, v in card.items() if k not in ("format", "date", "modules", "storage_dtype")}
    card.update(metrics=metrics, bars_met=metrics["bars_met"], partial=False,
                command="python -m gan_core " + " ".join(sys.argv[1:]),
                averaged_from=[{"name": str(n), "steps": r[2].get("steps")} for n, r in zip(args.names, runs)],
                architecture=card["architecture"] + "; generator weights: the mean of the snapshots in averaged_from")
    w, c = checkpoints.save(args.out, {"G": G, "D": D}, card)
    print(f"{_translation_summary(metrics)}\nwrote {w} and {c}")
    return 0


def average(args) -> int:
    kind = checkpoints.read_card(resolve(args.names[0])).get("kind")
    return average_cyclegan(args) if kind == "cyclegan" else average_cgan(args)


def average_cgan(args) -> int:
    """Average the generator weights of several CGAN checkpoints of one run (Polyak averaging), re-measure
    batch norm, evaluate on --eval-samples samples and write OUT with a card naming the snapshots."""
    from . import cgan
    from .classifier import CLASSIFIER_NAME, Evaluator
    from .image_training import evaluate_conditional, generate_conditional

    gens, cards = [], []
    for name in args.names:
        G, card = load_generator(name)
        if card.get("kind") != "cgan":
            raise ValueError(f"{name} is not a CGAN checkpoint")
        gens.append(G)
        cards.append(card)
    G = cgan.average_generators(gens)
    last = max(cards, key=lambda c: c.get("steps", 0))
    D = cgan.build(last["preset"], last["conditioning"], last["z_dim"], last.get("projection", False),
                   last.get("minibatch_std", False))[1]
    checkpoints.load_into(resolve(args.names[[c is last for c in cards].index(True)]), {"D": D})
    evaluator = Evaluator(CLASSIFIER_NAME)
    labels = cgan.balanced_labels(args.eval_samples).numpy()
    metrics = evaluate_conditional(evaluator, generate_conditional(G, labels, 0, last["z_dim"]), labels) | {"sample_seed": 0}
    card = {k: v for k, v in last.items() if k not in ("format", "date", "modules", "storage_dtype")}
    card.update(metrics=metrics, partial=False, command="python -m gan_core " + " ".join(sys.argv[1:]),
                averaged_from=[{"name": str(n), "steps": c.get("steps")} for n, c in zip(args.names, cards)],
                architecture=last["architecture"] + "; weights: the mean of the snapshots in averaged_from, "
                                                    "batch norm re-measured")
    w, c = checkpoints.save(args.out, {"G": G, "D": D}, card)
    print(f"agreement {metrics['agreement']:.4f} per digit {[round(a, 4) for a in metrics['agreement_per_digit']]}; "
          f"MNIST score {metrics['mnist_score']:.3f}; Frechet {metrics['frechet_distance']:.3f}\nwrote {w} and {c}")
    return 0


def _cyclegan_card(trainer, device, history: list[dict], metrics=None, partial=False) -> dict:
    from .cyclegan import PATCHES
    from .dcgan import count_parameters
    from .training import config_dict

    c = trainer.config
    return {"kind": "cyclegan", "dataset": "A: MNIST handwritten digits; B: typeset digits (gan_core.data.typeset)",
            "architecture": f"G_AB, G_BA: {'U-Net-skipped' if c.skips else 'plain (no skips)'} residual "
                            f"encoder-decoders (width {c.width}, {c.blocks} "
                            f"residual blocks, instance norm); D_A, D_B: PatchGANs (width {c.d_width}) of "
                            f"{PATCHES[c.d_patch]}-pixel patches{f' seen through a {c.d_blur:g}-px blur' if c.d_blur else ''}; "
                            f"least squares, lambda_semantic {c.semantic_weight:g}, "
                            f"lambda_cycle {c.cycle_weight:g}, lambda_identity {c.identity_weight:g}, "
                            f"pool of {c.replay_size} past translations",
            "parameters": {"G_AB": count_parameters(trainer.G.AB), "G_BA": count_parameters(trainer.G.BA),
                           "D_A": count_parameters(trainer.D.A), "D_B": count_parameters(trainer.D.B)},
            "config": config_dict(c), "steps": trainer.step_count,
            "epochs": round(getattr(trainer, "epochs_before", 0.0) + trainer.data_a.epoch_progress, 3),
            "wall_time_s": round(trainer.elapsed, 1), "resumed_from": getattr(trainer, "resumed_from", None),
            **_environment(device), "partial": partial, "status": trainer.status, "message": trainer.message,
            "metrics": metrics or {}, "bars_met": (metrics or {}).get("bars_met"),
            "metrics_during_training": list(history),
            "loss_curves": {k: [round(v, 5) for v in vals] for k, vals in trainer.history.copy().items()}}


def train_cyclegan(args) -> int:
    """Both translators on the shared loop; label preservation measured periodically and at the end
    with the MNIST classifier (for G_BA) and the typeset reader (for G_AB)."""
    from .cyclegan import CycleGANConfig, CycleGANTrainer
    from .cyclegan_eval import Judges, evaluate_translation, selection_key

    device = pick_device(args.device)
    defaults = CycleGANConfig()
    cfg = CycleGANConfig(seed=args.seed, batch_size=args.batch_size or defaults.batch_size,
                         lr_g=args.lr or defaults.lr_g, lr_d=args.lr or defaults.lr_d,
                         lr_half_life=args.lr_half_life, lr_decay_start=args.lr_decay_start,
                         width=args.width or defaults.width, blocks=args.blocks or defaults.blocks,
                         d_width=args.d_width or defaults.d_width,
                         d_patch=args.d_patch, cycle_noise=args.cycle_noise, skips=args.skips,
                         cycle_weight=_given(args.cycle_weight, defaults.cycle_weight),
                         identity_weight=_given(args.identity_weight, defaults.identity_weight),
                         semantic_weight=args.semantic_weight, d_blur=args.d_blur)
    trainer = CycleGANTrainer(cfg, device)
    total = int(round(args.epochs * trainer.data_a.steps_per_epoch(cfg.batch_size)))
    judges = Judges.shipped(device)
    history: list[dict] = []  # the periodic evaluations, kept in the card
    if args.resume:
        from .cyclegan import load_into_trainer

        history = list(_resume(trainer, args.resume, load_into_trainer).get("metrics_during_training", []))

    def modules() -> dict:
        return {"G": trainer.G, "D": trainer.D}

    def card(metrics=None, partial=False) -> dict:
        return _cyclegan_card(trainer, device, history, metrics, partial)

    print(f"Training CycleGAN (handwritten <-> typeset) on {describe(device)}: {args.epochs} MNIST epochs = "
          f"{total} steps of batch {cfg.batch_size}", file=sys.stderr)

    best, best_name = None, ROOT / "runs" / (Path(args.out).name + "_best")  # runs/ is git-ignored

    def report() -> str:
        nonlocal best
        m = evaluate_translation(trainer.G, judges, n=500, seed=1)
        keep = ("ab_in_target", "ba_in_target", "ab_label_kept", "ba_label_kept", "ab_change", "ba_change",
                "ab_frechet_to_target", "ba_frechet_to_target", "cycle_l1", "bars_met")
        history.append({"step": trainer.step_count, "elapsed_s": round(trainer.elapsed, 1), **{k: m[k] for k in keep}})
        key = selection_key(m)
        if best is None or key > best:  # adversarial training oscillates: keep the best periodic state too
            best = key
            checkpoints.save(best_name, modules(), card(m, partial=True))
        return (f" | (500) in target AB {m['ab_in_target']:.3f} BA {m['ba_in_target']:.3f}, kept AB "
                f"{m['ab_label_kept']:.3f} BA {m['ba_label_kept']:.3f}")

    def line(snap) -> str:
        return (f"D {snap.d_loss:.3f} G {snap.g_loss:.3f} | cycle {snap.losses['cycle']:.3f} "
                f"identity {snap.losses['identity']:.3f} semantic {snap.losses['semantic']:.3f} | "
                f"cycle L1 (8+8 fixed) {snap.cycle_l1:.3f}")

    _train_loop(trainer, total, args,
                lambda: checkpoints.save(args.out, modules(), card(partial=True)), report, line)
    print(f"Evaluating the translations of {args.eval_samples} inputs per direction ...", file=sys.stderr)
    metrics = evaluate_translation(trainer.G, judges, n=args.eval_samples, seed=0)
    w, c = checkpoints.save(args.out, modules(), card(metrics))
    print(f"{_translation_summary(metrics)}\nwrote {w} and {c}")
    return 0 if trainer.status != "diverged" else 1


# --- load, sample, evaluate ----------------------------------------------------------------------
def load_generator(name, device: torch.device | str = "cpu"):
    """(G in eval mode, card) of a shipped or trained generator checkpoint (DCGAN or CGAN)."""
    from . import cgan, dcgan

    path = resolve(str(name))
    card = checkpoints.read_card(path)
    if card.get("kind") == "cgan":
        G = cgan.build_generator(card["preset"], card.get("conditioning", "concat"), card.get("z_dim", cgan.Z_DIM))
        checkpoints.load_into(path, {"G": G})
        return G.to(device).eval(), card
    if card.get("kind") != "dcgan":
        raise checkpoints.CheckpointError(f"{path} is a {card.get('kind')!r} checkpoint, not a generator")
    G = dcgan.build_generator(card["preset"], card.get("z_dim", dcgan.Z_DIM))
    checkpoints.load_into(path, {"G": G})
    return G.to(device).eval(), card


def sample_cyclegan(args) -> int:
    """N inputs of the source domain, their translations and digits, as .npz (or a .png strip pair)."""
    from .cyclegan import load_cyclegan, translate
    from .cyclegan_eval import source_digits
    from .images import save_png, tile

    if args.direction not in ("AB", "BA"):
        raise ValueError("a CycleGAN needs --direction AB (handwritten -> typeset) or BA (typeset -> handwritten)")
    G, _, _ = load_cyclegan(resolve(args.name))
    inputs, labels = source_digits(args.direction, args.n, args.seed)
    images = translate(G, inputs, args.direction)
    out = _output_path(args.out)
    if out.suffix == ".png":
        save_png(tile(np.concatenate([inputs, images]), cols=min(args.n, 16)), out)
    else:
        np.savez_compressed(out, inputs=inputs, images=images, labels=labels.astype(np.uint8))
    print(f"wrote {len(images)} translations ({args.direction}) to {out}")
    return 0


def _output_path(out: str) -> Path:
    out = Path(out)
    if out.suffix not in (".png", ".npz"):
        raise ValueError(f"--out must end in .png (a tiled grid) or .npz (images uint8 N x 28 x 28), got {out}")
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def sample(args) -> int:
    from .image_training import generate_images
    from .images import save_png, tile

    if checkpoints.read_card(resolve(args.name)).get("kind") == "cyclegan":
        return sample_cyclegan(args)
    if args.direction is not None:
        raise ValueError(f"--direction is for CycleGAN checkpoints; {args.name} is not one")
    G, card = load_generator(args.name)
    labels = None
    if card.get("kind") == "cgan":
        from .cgan import balanced_labels
        from .image_training import generate_conditional

        if args.label is not None and not 0 <= args.label <= 9:
            raise ValueError(f"--label must be a digit 0..9, got {args.label}")
        labels = (np.full(args.n, args.label, np.int64) if args.label is not None
                  else balanced_labels(args.n).numpy())
        images = generate_conditional(G, labels, args.seed, card.get("z_dim", 100))
    elif args.label is not None:
        raise ValueError(f"--label needs a conditional generator; {args.name} is a {card.get('kind')!r} checkpoint")
    else:
        images = generate_images(G, args.n, args.seed, card.get("z_dim", 100))
    out = _output_path(args.out)
    if out.suffix == ".png":
        save_png(tile(images), out)
    else:
        np.savez_compressed(out, images=images, **({} if labels is None else {"labels": labels.astype(np.uint8)}))
    print(f"wrote {len(images)} samples to {out}")
    return 0


def evaluate_cyclegan(args, path: Path) -> int:
    """Every translation measure (cyclegan_eval) on --n inputs per direction, and the bars."""
    from .cyclegan import load_cyclegan
    from .cyclegan_eval import Judges, evaluate_translation

    G, _, _ = load_cyclegan(path)
    metrics = evaluate_translation(G, Judges.shipped(), n=args.n, seed=args.seed)
    print(_translation_summary(metrics) + f" (on {args.n} inputs per direction)")
    if args.write:
        checkpoints.update_card(path, metrics=metrics, partial=False, bars_met=metrics["bars_met"])
        print(f"updated {checkpoints.paths(path)[1]}")
    return 0


def evaluate(args) -> int:
    from .classifier import CLASSIFIER_NAME, Evaluator
    from .image_training import generate_images

    path = resolve(args.name)
    if checkpoints.read_card(path).get("kind") == "cyclegan":
        return evaluate_cyclegan(args, path)
    G, card = load_generator(path)
    evaluator = Evaluator(resolve(args.classifier) if args.classifier else CLASSIFIER_NAME)
    if card.get("kind") == "cgan":
        from .cgan import balanced_labels
        from .image_training import evaluate_conditional, generate_conditional

        labels = balanced_labels(args.n).numpy()
        metrics = evaluate_conditional(evaluator, generate_conditional(G, labels, args.seed, card.get("z_dim", 100)),
                                       labels) | {"sample_seed": args.seed}
        print(f"agreement {metrics['agreement']:.4f} per digit {[round(a, 4) for a in metrics['agreement_per_digit']]}")
    else:
        metrics = evaluator.evaluate(generate_images(G, args.n, args.seed, card.get("z_dim", 100))) | {"sample_seed": args.seed}
    print(f"MNIST score {metrics['mnist_score']:.3f} on {args.n} samples; classes {metrics['class_histogram']}; "
          f"Frechet {metrics['frechet_distance']:.3f} (real test vs train {metrics['frechet_baseline_test_vs_train']:.3f})")
    if args.write:
        checkpoints.update_card(path, metrics=metrics)
        print(f"updated {checkpoints.paths(path)[1]}")
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m gan_core", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train a model and write NAME.safetensors + NAME.json")
    t.add_argument("model", choices=["classifier", "typeset_reader", "domain_judge", "dcgan", "cgan", "cyclegan"])
    t.add_argument("--preset", default=None, help="DCGAN preset: book | small | tiny | infogan | infogan_half "
                                                  "(default tiny); "
                                                  "CGAN preset: compact | tiny (default compact)")
    t.add_argument("--conditioning", default="modulate", help="CGAN: modulate (label embedding scales z's feature "
                                                               "maps) | concat (one-hot label maps) | embed (label "
                                                               "embedding multiplied into z)")
    t.add_argument("--projection", action=argparse.BooleanOptionalAction, default=True,
                   help="CGAN: D adds a projection term <embed(y), features>")
    t.add_argument("--minibatch-std", action=argparse.BooleanOptionalAction, default=True,
                   help="CGAN: D gets a minibatch standard-deviation channel (against within-digit collapse)")
    t.add_argument("--epochs", type=float, default=3.0)
    t.add_argument("--out", required=True, help="checkpoint name, e.g. pretrained/dcgan_mnist")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--batch-size", type=int, default=None)
    t.add_argument("--lr", type=float, default=None)
    t.add_argument("--loss", default="non_saturating")
    t.add_argument("--d-steps", type=int, default=1)
    t.add_argument("--label-flip", type=float, default=0.0)
    t.add_argument("--label-smoothing", type=float, default=0.0)
    t.add_argument("--ema", type=float, default=0.0,
                   help="DCGAN, CGAN: keep an EMA of G's weights with this decay (e.g. 0.999) and ship it as G")
    t.add_argument("--resume", default=None, help="DCGAN, CGAN, CycleGAN: continue from this checkpoint (a CLI run's)")
    t.add_argument("--lr-half-life", type=int, default=0, help="steps for the learning rates to halve (0: constant)")
    t.add_argument("--lr-decay-start", type=int, default=0, help="steps at the full learning rate before the decay")
    t.add_argument("--width", type=int, default=None, help="CycleGAN: channels of the first layer (default 16); "
                                                          "classifiers: their width (default 32)")
    t.add_argument("--d-width", type=int, default=None, help="CycleGAN: the discriminators' first-layer channels "
                                                            "(default 16)")
    t.add_argument("--blocks", type=int, default=None, help="CycleGAN: residual blocks (default 3)")
    t.add_argument("--skips", action=argparse.BooleanOptionalAction, default=True,
                   help="CycleGAN: U-Net skips in the generators (--no-skips: the official ResNet layout)")
    t.add_argument("--d-patch", default="large", help="CycleGAN: PatchGAN patch, large (26 px) or small (12 px)")
    t.add_argument("--cycle-noise", type=float, default=0.0,
                   help="CycleGAN: std of the noise added to translations inside the cycle term (anti-steganography)")
    t.add_argument("--cycle-weight", type=float, default=None, help="CycleGAN: lambda of the cycle term (default 10)")
    t.add_argument("--identity-weight", type=float, default=None,
                   help="CycleGAN: weight of the identity term (default 5, half the cycle's)")
    t.add_argument("--d-blur", type=float, default=0.0,
                   help="CycleGAN: the discriminators look through a Gaussian blur of this std in pixels (0: none)")
    t.add_argument("--semantic-weight", type=float, default=0.0,
                   help="CycleGAN: weight of the semantic-consistency term (CyCADA; teachers in pretrained/)")
    t.add_argument("--typeset-train", type=int, default=30_000,
                   help="typeset reader: rendered training digits; domain judge: digits per domain")
    t.add_argument("--device", default=None, help="cuda | mps | cpu (default: best available, or $GAN_DEVICE)")
    t.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    t.add_argument("--classifier", default=None, help="evaluation classifier (default pretrained/mnist_classifier)")
    t.add_argument("--eval-samples", type=int, default=10_000)
    t.add_argument("--eval-every-min", type=float, default=0.0, help="MNIST score of 2,000 samples every N minutes")
    t.add_argument("--checkpoint-every-min", type=float, default=5.0)
    t.add_argument("--max-minutes", type=float, default=0.0, help="stop early after this wall time (0: no limit)")
    s = sub.add_parser("sample", help="write samples of a generator as a .png grid or .npz")
    s.add_argument("name")
    s.add_argument("--n", type=int, default=64)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--label", type=int, default=None, help="CGAN: the digit to draw (default: N/10 of each)")
    s.add_argument("--direction", default=None, help="CycleGAN: AB (handwritten -> typeset) or BA (typeset -> "
                                                     "handwritten); inputs are MNIST test / fresh typeset digits")
    s.add_argument("--out", required=True)
    e = sub.add_parser("evaluate", help="MNIST score, class histogram and Frechet distance of a generator; "
                                        "digits kept both ways for a CycleGAN")
    e.add_argument("name")
    e.add_argument("--n", type=int, default=10_000)
    e.add_argument("--seed", type=int, default=0)
    e.add_argument("--classifier", default=None)
    e.add_argument("--write", action="store_true", help="store the metrics in the model card")
    a = sub.add_parser("average", help="average the generators of several CGAN or CycleGAN checkpoints of one run")
    a.add_argument("names", nargs="+")
    a.add_argument("--out", required=True)
    a.add_argument("--eval-samples", type=int, default=10_000)
    args = p.parse_args(argv)
    if getattr(args, "threads", None):
        torch.set_num_threads(args.threads)
    if args.command == "train" and args.preset is None:
        args.preset = "compact" if args.model == "cgan" else "tiny"
    try:
        if args.command == "train":
            return {"classifier": train_classifier, "typeset_reader": train_typeset_reader,
                    "domain_judge": train_domain_judge, "dcgan": train_dcgan,
                    "cgan": train_cgan, "cyclegan": train_cyclegan}[args.model](args)
        if args.command == "sample":
            return sample(args)
        if args.command == "average":
            return average(args)
        return evaluate(args)
    except (checkpoints.CheckpointError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
