"""How an SGAN's classifier is judged: its predictions, accuracy and confusion matrix on labelled digits,
and what its two heads say about a batch."""
from __future__ import annotations

import numpy as np
import torch

from gan_core.data.mnist import load_mnist
from gan_core.eval.readers import logits_of
from gan_core.families.sgan.networks import real_probability


def predict(model: torch.nn.Module, images) -> np.ndarray:
    """The digit the classifier reads in each image."""
    return logits_of(model, images).argmax(1).numpy()


def confusion(predicted, true, classes: int = 10) -> np.ndarray:
    """counts[i, j]: images of digit i read as j."""
    counts = np.zeros((classes, classes), np.int64)
    np.add.at(counts, (np.asarray(true, np.int64), np.asarray(predicted, np.int64)), 1)
    return counts


def judge(model: torch.nn.Module, images, labels) -> dict:
    """Accuracy, per-digit accuracy and the confusion matrix on labelled images."""
    labels = np.asarray(labels)
    counts = confusion(predict(model, images), labels)
    per_digit = counts.diagonal() / np.maximum(counts.sum(1), 1)
    return {"accuracy": float(counts.diagonal().sum() / max(len(labels), 1)),
            "per_digit": [round(float(a), 4) for a in per_digit], "confusion": counts.tolist(), "n": int(len(labels))}


def test_images(n: int = 10_000) -> tuple[np.ndarray, np.ndarray]:
    """The first n MNIST test images and labels (the fixed test subset; n = 10,000 is the whole test set)."""
    images, labels = load_mnist("test")
    return images[:n], labels[:n]


def two_heads(model: torch.nn.Module, images) -> dict:
    """What D's two heads say about each image: the class probabilities softmax(l) and D(x) = Z/(Z+1)."""
    logits = logits_of(model, images)
    return {"logits": logits.numpy(), "probabilities": torch.softmax(logits, 1).numpy(),
            "real": real_probability(logits)[:, 0].numpy(), "Z": torch.exp(logits).sum(1).numpy()}
