"""Grades generated digits with the MNIST classifier: MNIST score, class balance, Fréchet distance."""
from __future__ import annotations

import functools
from typing import Any

import torch
from torch import nn

from gan_core.data.mnist import load_mnist
from gan_core.eval.readers import (
    CLASSIFIER_NAME,
    FeatureStats,
    classifier_modules,
    classify,
)
from gan_core.io.cards import ModelCard


def reference_metrics(model: nn.Module) -> tuple[dict[str, Any], FeatureStats, FeatureStats]:
    """Test accuracy, the real test set's MNIST score and the Fréchet baseline (test vs train)."""
    from gan_core.eval.metrics import class_histogram, frechet_distance, mnist_score

    train_x, _ = load_mnist("train")
    test_x, test_y = load_mnist("test")
    p_test, f_test = classify(model, test_x)
    _, f_train = classify(model, train_x)
    train_stats, test_stats = FeatureStats.of(f_train), FeatureStats.of(f_test)
    metrics = {
        "test_accuracy": float((p_test.argmax(1) == test_y).mean()),
        "test_mnist_score": mnist_score(p_test),
        "test_class_histogram": class_histogram(p_test),
        "frechet_test_vs_train": frechet_distance(test_stats.pair(), train_stats.pair()),
    }
    return metrics, train_stats, test_stats


class Evaluator:
    """Loads the shipped classifier and scores generated digits against the real training set."""

    def __init__(self, name=CLASSIFIER_NAME, device: torch.device | str = "cpu"):
        from gan_core.io import checkpoints

        card = ModelCard.load(name)
        mods = classifier_modules(card.config.get("width", 32))
        checkpoints.load_into(name, mods)
        self.model = mods["model"].to(device).eval()
        self.train_stats, self.test_stats = mods["train_stats"], mods["test_stats"]
        self.card = card
        self.baseline = card.metrics.get("frechet_test_vs_train")
        if self.baseline is None:
            from gan_core.eval.metrics import frechet_distance
            self.baseline = frechet_distance(self.test_stats.pair(), self.train_stats.pair())

    def evaluate(self, images) -> dict[str, Any]:
        """images: uint8 (n, 28, 28) -> MNIST score and its two parts (variety, doubt), class histogram and
        fractions, Fréchet distance."""
        from gan_core.eval.metrics import (
            class_histogram,
            feature_stats,
            frechet_distance,
            score_parts,
        )

        probs, feats = classify(self.model, images)
        hist = class_histogram(probs)
        n = len(images)
        return {
            "n_samples": n,
            **score_parts(probs),
            "class_histogram": hist,
            "class_fractions": [h / n for h in hist],
            "frechet_distance": frechet_distance(feature_stats(feats), self.train_stats.pair()),
            "frechet_baseline_test_vs_train": float(self.baseline),
        }

    def doubt_report(self, images, k: int = 16) -> dict[str, Any]:
        """images: uint8 (n, 28, 28) -> the score and its two parts (metrics.score_parts) and the k images the
        classifier doubts most, each with its two likeliest digits."""
        from gan_core.eval.metrics import most_doubted, score_parts

        probs, _ = classify(self.model, images)
        return {"n_samples": len(images), **score_parts(probs),
                "most_doubted": most_doubted(probs, k)}


@functools.cache
def shipped(device: str = "cpu") -> Evaluator:
    """The shipped classifier as a grader, loaded once per process and device: the app's, the CLI's, or a trainer
    worker's own copy (a hosted trainer measures its samples where it lives). CheckpointError when it is missing."""
    return Evaluator(device=device)
