"""The DCGAN family in the registry: an unconditional 28x28 generator graded by the MNIST classifier."""
from __future__ import annotations

from gan_core.eval.evaluator import shipped as evaluator  # the shipped MNIST classifier as a grader
from gan_core.families.dcgan import networks as dcgan
from gan_core.families.dcgan.config import DCGANConfig
from gan_core.families.dcgan.presets import PRESETS
from gan_core.families.dcgan.sample import generate_images
from gan_core.families.dcgan.trainer import ImageGANTrainer
from gan_core.families.registry import Family
from gan_core.io import checkpoints
from gan_core.io.cards import ModelCard, layer_summary


def generator_weights(config) -> str:
    """What the card's G is: the trained weights, or their moving average."""
    return (f"exponential moving average of G's weights (decay {config.ema}), batch-norm statistics re-measured"
            if config.ema else "G as trained")


def card(trainer, metrics: dict) -> dict:
    c = trainer.config
    return {"dataset": "MNIST", "architecture": f"G: {layer_summary(trainer.G)}; D: {layer_summary(trainer.D)}",
            "network": c.network, "z_dim": c.z_dim,
            "parameters": {"G": dcgan.count_parameters(trainer.G), "D": dcgan.count_parameters(trainer.D)},
            "generator_weights": generator_weights(c)}


def load(path, device="cpu") -> dict:
    card_ = ModelCard.load(path)
    G = dcgan.build_generator(card_.setting("network"), card_.setting("z_dim", dcgan.Z_DIM))
    checkpoints.load_into(path, {"G": G})
    return {"G": G.to(device).eval()}


def evaluate(nets: dict, config: dict, n: int, seed: int = 0) -> dict:
    images = generate_images(nets["G"], n, seed, config.get("z_dim", dcgan.Z_DIM))
    return evaluator().evaluate(images) | {"sample_seed": seed}


def sample(nets: dict, card_: dict, n: int, seed: int = 0) -> dict:
    return {"images": generate_images(nets["G"], n, seed, card_.setting("z_dim", dcgan.Z_DIM))}


def report(m: dict) -> str:
    doubt = f" (variety {m['variety']:.3f}, doubt {m['doubt']:.4f})" if "doubt" in m else ""
    return (f"MNIST score {m['mnist_score']:.3f} on {m['n_samples']} samples{doubt}; classes {m['class_histogram']}; "
            f"Frechet {m['frechet_distance']:.3f} (real test vs train {m['frechet_baseline_test_vs_train']:.3f})")


def line(snap) -> str:
    return (f"epoch {snap.epoch:.2f} | {snap.images_per_s:,.0f} img/s | D {snap.d_loss:.3f} G {snap.g_loss:.3f} | "
            f"D(x) {snap.d_real:.2f} D(G(z)) {snap.d_fake:.2f}/{snap.d_fake_after:.2f}")


def periodic(trainer) -> tuple[dict, None, str]:
    m = trainer.evaluate(evaluator(trainer.device), n=2000)
    return m, None, (f"score(2k) {m['mnist_score']:.3f} FD {m['frechet_distance']:.2f} "
                     f"hist {m['class_histogram']}")


FAMILY = Family("dcgan", "an unconditional DCGAN on MNIST", DCGANConfig, ImageGANTrainer, card, load, evaluate,
                report, line, periodic, sample, presets=PRESETS)
