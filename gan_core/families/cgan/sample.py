"""Digits of chosen labels from a trained conditional generator, and how often the classifier agrees."""
from __future__ import annotations

import contextlib
from typing import Any

import numpy as np
import torch

from gan_core.data.mnist import to_uint8


@torch.no_grad()
def generate_conditional(G: torch.nn.Module, labels, seed: int = 0, z_dim: int = 100,
                         device: torch.device | str = "cpu", batch: int = 1000,
                         z: torch.Tensor | None = None) -> np.ndarray:
    """Digits of the requested labels from a conditional G (eval mode) as uint8 (n, 28, 28).

    The noise is seeded on the CPU (or given as z), so a seed gives the same digits on every device."""
    labels = torch.as_tensor(np.asarray(labels), dtype=torch.long).reshape(-1)
    n = len(labels)
    if z is None:
        z = torch.randn(n, z_dim, generator=torch.Generator().manual_seed(int(seed)))
    was_training = G.training
    G.eval()
    out = []
    try:
        for i in range(0, n, batch):
            ctx = (torch.autocast("cuda", dtype=torch.bfloat16) if torch.device(device).type == "cuda"
                   else contextlib.nullcontext())
            with ctx:
                out.append(to_uint8(G(z[i:i + batch].to(device), labels[i:i + batch].to(device)).float()))
    finally:
        G.train(was_training)
    return np.concatenate(out) if out else np.zeros((0, 28, 28), np.uint8)


def style_content_grid(G: torch.nn.Module, rows: int = 10, seed: int = 0, z_dim: int = 100,
                       device: torch.device | str = "cpu") -> tuple[np.ndarray, np.ndarray]:
    """One noise vector per row, digits 0-9 as columns: images uint8 (rows * 10, 28, 28) and their labels.

    Row r, column d is G(z_r | d): along a row only the label changes (content), down a column only z (style)."""
    z = torch.randn(int(rows), z_dim, generator=torch.Generator().manual_seed(int(seed))).repeat_interleave(10, 0)
    labels = np.tile(np.arange(10), int(rows))
    return generate_conditional(G, labels, z_dim=z_dim, device=device, z=z), labels


def evaluate_conditional(evaluator, images: np.ndarray, labels) -> dict[str, Any]:
    """Evaluator metrics (MNIST score, histogram, Fréchet) + agreement of the classifier with `labels`."""
    from gan_core.eval.metrics import label_agreement
    from gan_core.eval.readers import classify

    probs, _ = classify(evaluator.model, images)
    return {**evaluator.evaluate(images), **label_agreement(probs, labels)}
