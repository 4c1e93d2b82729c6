"""The semi-supervised GAN family in the registry: a classifier graded by test accuracy against the same
network trained on the labels alone, and a generator that may look worse than a DCGAN's."""
from __future__ import annotations

from gan_core.families.dcgan.family import evaluator
from gan_core.families.dcgan.sample import generate_images
from gan_core.families.registry import Family
from gan_core.families.sgan import evaluate as judge
from gan_core.families.sgan import networks as sgan
from gan_core.families.sgan.config import SGANConfig
from gan_core.families.sgan.presets import PRESETS
from gan_core.families.sgan.trainer import SGANTrainer
from gan_core.io import checkpoints
from gan_core.io.cards import ModelCard, layer_summary


def card(trainer, metrics: dict) -> dict:
    c, s = trainer.config, trainer.split
    return {"dataset": "MNIST", "architecture": f"G: {layer_summary(trainer.G)}; D: {layer_summary(trainer.D)}; "
                                                f"D(x) = Z/(Z+1), Z = sum of exp(logits)",
            "network": c.network, "z_dim": c.z_dim,
            "parameters": {"G": sgan.count_parameters(trainer.G), "D": sgan.count_parameters(trainer.D)},
            "labelled_subset": {"per_class": c.labels_per_class, "seed": c.label_seed, "count": len(s.labelled),
                                "indices": s.labelled.tolist()},
            "validation": {"images": len(s.validation), "first_index": int(s.validation[0]),
                           "use": "picks the kept state (best validation accuracy); never trained on"},
            "selection": dict(trainer.best),
            "cpu_time_s": round(trainer.cpu_s, 1),
            "baseline": ("the same classifier network, initial weights, noise augmentation, optimiser, labelled "
                         "batches and step count, trained on the labelled images alone" if c.baseline else None),
            "accuracy_during_training": [dict(r) for r in trainer.accuracy]}


def load(path, device="cpu") -> dict:
    card_ = ModelCard.load(path)
    c = {k: card_.setting(k, getattr(SGANConfig, k)) for k in ("network", "z_dim", "input_noise", "hidden_noise")}
    G, D = sgan.build(c["network"], c["z_dim"], c["input_noise"], c["hidden_noise"])
    nets = {"G": G, "D": D}
    if "baseline" in card_.extra.get("modules", []):
        nets["baseline"] = sgan.build_classifier(c["network"], c["input_noise"], c["hidden_noise"])
    checkpoints.load_into(path, nets)
    return {k: m.to(device).eval() for k, m in nets.items()}


def evaluate(nets: dict, config: dict, n: int, seed: int = 0) -> dict:
    """Both classifiers on the first min(n, 10,000) test digits; G's MNIST score on n samples."""
    images, labels = judge.test_images(min(n, 10_000))
    sgan_m = judge.judge(nets["D"], images, labels)
    metrics = {"test_accuracy": sgan_m["accuracy"], "test_per_digit": sgan_m["per_digit"],
               "test_confusion": sgan_m["confusion"], "n_test": sgan_m["n"]}
    if "baseline" in nets:
        base = judge.judge(nets["baseline"], images, labels)
        metrics |= {"baseline_test_accuracy": base["accuracy"], "baseline_test_per_digit": base["per_digit"],
                    "baseline_test_confusion": base["confusion"]}
    samples = evaluator().evaluate(generate_images(nets["G"], n, seed, config.get("z_dim", sgan.Z_DIM)))
    return metrics | {"generator": {k: samples[k] for k in ("mnist_score", "class_histogram", "frechet_distance",
                                                            "n_samples")}, "sample_seed": seed}


def sample(nets: dict, card_: ModelCard, n: int, seed: int = 0) -> dict:
    return {"images": generate_images(nets["G"], n, seed, card_.setting("z_dim", sgan.Z_DIM))}


def report(m: dict) -> str:
    base = f" vs the baseline's {m['baseline_test_accuracy']:.4f}" if "baseline_test_accuracy" in m else ""
    return (f"SGAN test accuracy {m['test_accuracy']:.4f}{base} on {m['n_test']:,} test digits; G's MNIST score "
            f"{m['generator']['mnist_score']:.3f} on {m['generator']['n_samples']:,} samples")


def line(snap) -> str:
    acc = snap.accuracy[-1] if snap.accuracy else {}
    accs = " ".join(f"{k} {acc[k]:.3f}" for k in ("sgan_test", "baseline_test") if k in acc)
    return (f"epoch {snap.epoch:.2f} | D {snap.d_loss:.3f} (CE {snap.sup_loss:.3f}) G {snap.g_loss:.4f} | "
            f"D(x) {snap.d_real:.2f} D(G(z)) {snap.d_fake:.2f} | {accs}")


def periodic(trainer) -> tuple[dict, None, str]:
    """The latest accuracy check (the trainer itself keeps the best state, by validation accuracy)."""
    row = trainer.accuracy[-1] if trainer.accuracy else trainer.check()
    text = " ".join(f"{k} {v:.4f}" for k, v in row.items() if k.endswith(("_val", "_test")))
    return dict(row), None, f"{text} (best val {trainer.best['sgan_val']:.4f} at step {trainer.best['step']})"


FAMILY = Family("sgan", "a semi-supervised GAN on MNIST (D classifies 10 digits; real/fake is Z/(Z+1))", SGANConfig,
                SGANTrainer, card, load, evaluate, report, line, periodic, sample, presets=PRESETS, reader="D")
