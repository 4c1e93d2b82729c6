"""The readers and judges the GANs are graded by, as families of their own: each is the same small
CNN trained with the same trainer, on MNIST, on typeset digits, or on both domains (the domain judge)."""
from __future__ import annotations

from dataclasses import dataclass

from gan_core.core.config import option
from gan_core.data.mnist import load_mnist
from gan_core.data.typeset import typeset_digits
from gan_core.eval import domain_judge as judge
from gan_core.eval.evaluator import reference_metrics
from gan_core.eval.readers import (
    TYPESET_HELDOUT_SEED,
    TYPESET_TRAIN_SEED,
    ClassifierConfig,
    ClassifierTrainer,
    MNISTClassifier,
    accuracy,
    classifier_modules,
)
from gan_core.families.registry import Family
from gan_core.io import checkpoints

CNN = "conv32-pool-conv64-pool-conv64-fc128 (BN, ReLU)"


@dataclass(kw_only=True)
class TypesetReaderConfig(ClassifierConfig):
    typeset_train: int = option(30_000, "rendered typeset training digits")


@dataclass(kw_only=True)
class DomainJudgeConfig(ClassifierConfig):
    typeset_train: int = option(30_000, "training digits per domain")
    noise: float = 0.3
    blur_sigma: float = option(1.0, "std (px) of the fixed blur the judge looks through")
    ink: tuple = (0.2, 0.5)  # ink below 20% of full becomes background, above 50% full ink


class TypesetReaderTrainer(ClassifierTrainer):
    kind = "typeset_reader"

    def __init__(self, config: TypesetReaderConfig, device="cpu"):
        images, labels = typeset_digits(config.typeset_train, seed=TYPESET_TRAIN_SEED)
        super().__init__(config, device, images, labels)


class DomainJudgeTrainer(ClassifierTrainer):
    kind = "domain_judge"
    architecture_fields = ("width", "blur_sigma")

    def __init__(self, config: DomainJudgeConfig, device="cpu"):
        images, labels = judge.training_set(config.typeset_train, seed=config.seed)
        super().__init__(config, device, images, labels,
                         model=judge.DomainJudge(config.width, config.blur_sigma, tuple(config.ink)))


def _load(build):
    def load(path, device="cpu") -> dict:
        model = build(checkpoints.read_card(path).get("config", {}))
        checkpoints.load_into(path, {"model": model})
        return {"model": model.to(device).eval()}
    return load


def evaluate_classifier(nets: dict, config: dict, n: int = 0, seed: int = 0) -> dict:
    """Test accuracy and the real data's own MNIST score and Fréchet baseline; adds the feature
    statistics (train and test) to `nets`, since the Evaluator needs them in the checkpoint."""
    metrics, nets["train_stats"], nets["test_stats"] = reference_metrics(nets["model"])
    assert set(nets) == set(classifier_modules())
    return metrics


def evaluate_typeset(nets: dict, config: dict, n: int = 10_000, seed: int = TYPESET_HELDOUT_SEED) -> dict:
    held_x, held_y = typeset_digits(n, seed=TYPESET_HELDOUT_SEED)
    mnist_x, mnist_y = load_mnist("test")
    return {"heldout_accuracy": accuracy(nets["model"], held_x, held_y), "heldout_n": n,
            "heldout_seed": TYPESET_HELDOUT_SEED, "mnist_test_accuracy": accuracy(nets["model"], mnist_x, mnist_y)}


def evaluate_judge(nets: dict, config: dict, n: int = 10_000, seed: int = 0) -> dict:
    return judge.heldout_accuracy(nets["model"], n)


def line(snap) -> str:
    return f"epoch {snap.epoch:.2f} | loss {snap.loss:.4f} | batch acc {snap.train_acc:.3f}"


def _card(architecture: str):
    return lambda trainer, metrics: {"architecture": architecture}


FAMILIES = {
    "classifier": Family(
        "classifier", "the MNIST classifier that grades generated digits", ClassifierConfig, ClassifierTrainer,
        _card(f"CNN: {CNN} -> 10 logits; features = the 128-d penultimate layer"),
        _load(lambda c: MNISTClassifier(c.get("width", 32))), evaluate_classifier,
        lambda m: (f"test accuracy {m['test_accuracy']:.4f}, real test MNIST score {m['test_mnist_score']:.3f}, "
                   f"Frechet test vs train {m['frechet_test_vs_train']:.3f}"), line, reader="model"),
    "typeset_reader": Family(
        "typeset_reader", "the reader of typeset digits (grades the CycleGAN's G_AB)", TypesetReaderConfig,
        TypesetReaderTrainer, _card(f"the MNIST classifier's CNN ({CNN}) trained on typeset digits rendered by "
                                    "gan_core.data.typeset"),
        _load(lambda c: MNISTClassifier(c.get("width", 32))), evaluate_typeset,
        lambda m: (f"held-out typeset accuracy {m['heldout_accuracy']:.4f} ({m['heldout_n']:,} renders); on MNIST "
                   f"test {m['mnist_test_accuracy']:.4f}"), line, defaults={"eval_samples": 10_000}, reader="model"),
    "domain_judge": Family(
        "domain_judge", "the judge of handwritten vs typeset, by shape", DomainJudgeConfig, DomainJudgeTrainer,
        _card("fixed: an ink mask (pixels under 20% of full ink become background, over 50% full ink) and a "
              "Gaussian blur; then the readers' CNN -> 2 logits: handwritten (MNIST) or typeset"),
        _load(lambda c: judge.DomainJudge(c.get("width", 32), c.get("blur_sigma", 1.0),
                                          tuple(c.get("ink", (0.2, 0.5))))),
        evaluate_judge,
        lambda m: (f"held-out accuracy: handwritten {m['handwritten_accuracy']:.4f}, typeset "
                   f"{m['typeset_accuracy']:.4f}"), line, defaults={"eval_samples": 10_000}, reader="model"),
}
