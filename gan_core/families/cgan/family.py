"""The conditional GAN family in the registry: digits of a requested label, graded by agreement."""
from __future__ import annotations

import numpy as np

from gan_core.families.cgan import networks as cgan
from gan_core.families.cgan.config import CGANConfig
from gan_core.families.cgan.presets import PRESETS
from gan_core.families.cgan.sample import evaluate_conditional, generate_conditional
from gan_core.families.cgan.trainer import ConditionalImageGANTrainer
from gan_core.families.dcgan.family import evaluator, generator_weights, line
from gan_core.families.registry import Family
from gan_core.io import checkpoints
from gan_core.io.cards import ModelCard, layer_summary


def card(trainer, metrics: dict) -> dict:
    c = trainer.config
    return {"dataset": "MNIST", "architecture": f"{c.conditioning} conditioning; G: {layer_summary(trainer.G)}; "
                            f"D: {layer_summary(trainer.D)}",
            "network": c.network,
            "conditioning": c.conditioning, "projection": c.projection, "minibatch_std": c.minibatch_std,
            "z_dim": c.z_dim,
            "parameters": {"G": cgan.count_parameters(trainer.G), "D": cgan.count_parameters(trainer.D)},
            "generator_weights": generator_weights(c)}


def load(path, device="cpu") -> dict:
    card_ = ModelCard.load(path)
    c = {k: card_.setting(k, getattr(CGANConfig, k)) for k in ConditionalImageGANTrainer.architecture_fields}
    G, D = cgan.build(c["network"], c["conditioning"], c["z_dim"], c["projection"], c["minibatch_std"])
    checkpoints.load_into(path, {"G": G, "D": D})
    return {"G": G.to(device).eval(), "D": D.to(device).eval()}


def evaluate(nets: dict, config: dict, n: int, seed: int = 0) -> dict:
    labels = cgan.balanced_labels(n).numpy()
    images = generate_conditional(nets["G"], labels, seed, config.get("z_dim", cgan.Z_DIM))
    return evaluate_conditional(evaluator(), images, labels) | {"sample_seed": seed}


def sample(nets: dict, card_: dict, n: int, seed: int = 0, label: int | None = None) -> dict:
    if label is not None and not 0 <= label <= 9:
        raise ValueError(f"--label must be a digit 0..9, got {label}")
    labels = np.full(n, label, np.int64) if label is not None else cgan.balanced_labels(n).numpy()
    return {"images": generate_conditional(nets["G"], labels, seed, card_.setting("z_dim", cgan.Z_DIM)),
            "labels": labels.astype(np.uint8)}


def report(m: dict) -> str:
    return (f"agreement {m['agreement']:.4f} (lowest digit {m['agreement_min']:.4f}, per digit "
            f"{[round(a, 4) for a in m['agreement_per_digit']]}); MNIST score {m['mnist_score']:.3f} on "
            f"{m['n_samples']} samples; Frechet {m['frechet_distance']:.3f}")


def periodic(trainer) -> tuple[dict, tuple, str]:
    """2,000 samples; the best periodic state is the one whose weakest digit agrees most."""
    m = trainer.evaluate(evaluator(trainer.device), n=2000)
    return m, (m["agreement_min"], m["mnist_score"]), (f"agree(2k) {m['agreement']:.3f} min {m['agreement_min']:.3f} "
                                                      f"score {m['mnist_score']:.2f}")


FAMILY = Family("cgan", "a conditional GAN on MNIST (the digit is an input)", CGANConfig, ConditionalImageGANTrainer,
                card, load, evaluate, report, line, periodic, sample,
                sample_options={"label": (int, "the digit to draw (default: N/10 of each)")}, presets=PRESETS)
