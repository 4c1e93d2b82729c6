"""Is a CycleGAN translating? Measured so that doing nothing cannot pass.

"Label kept" alone rewards the identity map: a handwritten 3 returned unchanged is still a 3. So every
evaluation pairs it with measures that only a real translation passes, per direction:

- in target domain: the share of G_AB(a) the domain judge calls typeset (of G_BA(b): handwritten). The
  judge looks through a blur, so an invisible texture cannot buy this (see domain_judge).
- label kept: the target domain's reader on the translation (typeset reader on G_AB(a), MNIST
  classifier on G_BA(b)).
- the change a person sees: mean |G(x) - x|, and the Fréchet distance (MNIST classifier features) of
  the translations to real digits of the target domain, next to that of the untranslated inputs.
- every measure also for the untranslated inputs, as the baseline; and the cycle error.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from gan_core.data.mnist import load_mnist
from gan_core.data.typeset import typeset_digits
from gan_core.eval.domain_judge import (
    HANDWRITTEN,
    TYPESET,
    DomainJudge,
    in_domain,
    load_judge,
)
from gan_core.eval.evaluator import Evaluator
from gan_core.eval.metrics import feature_stats, frechet_distance
from gan_core.eval.readers import (
    CLASSIFIER_NAME,
    TYPESET_READER_NAME,
    classify,
    load_reader,
)
from gan_core.families.cyclegan.networks import DIRECTIONS, GeneratorPair
from gan_core.families.cyclegan.trainer import translate

EVAL_TYPESET_SEED = 50_000  # fresh typeset digits for evaluation, never rendered for training
FRECHET_TYPESET_SEED = 70_000  # the real typeset digits that the AB translations are compared with
# The bars of a translator that teaches: in the target domain (relative to the judge's own accuracy on
# real digits of that domain), the digit kept, and at least half the distance to the target domain closed.
BARS = {"in_target_of_judge_accuracy": 0.90, "label_kept": 0.90, "frechet_ratio": 0.5}


@dataclass
class Judges:
    """Everything that judges a translation: two digit readers, the domain judge, the feature space."""

    reader_a: nn.Module  # reads handwritten digits (the MNIST classifier): judges G_BA
    reader_b: nn.Module  # reads typeset digits (the typeset reader): judges G_AB
    judge: DomainJudge
    judge_accuracy: dict[str, float]  # the judge's held-out accuracy on real digits: {"A": ..., "B": ...}
    features: Evaluator  # the MNIST classifier's features, with the MNIST training set's statistics

    @classmethod
    def shipped(cls, device: torch.device | str = "cpu") -> "Judges":
        judge, card = load_judge(device=device)
        m = card.metrics
        return cls(load_reader(CLASSIFIER_NAME, device), load_reader(TYPESET_READER_NAME, device), judge,
                   {"A": m["handwritten_accuracy"], "B": m["typeset_accuracy"]}, Evaluator(CLASSIFIER_NAME, device))

    def target_stats(self, direction: str, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Feature statistics of real digits of the direction's target domain."""
        if direction == "BA":
            return self.features.train_stats.pair()
        real_b, _ = typeset_digits(n, seed=FRECHET_TYPESET_SEED)
        return feature_stats(classify(self.features.model, real_b)[1])

    def frechet(self, images: np.ndarray, target: tuple[np.ndarray, np.ndarray]) -> float:
        return frechet_distance(feature_stats(classify(self.features.model, images)[1]), target)


def source_digits(direction: str, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n inputs for a direction, with their digits: MNIST test digits (AB) or fresh typeset ones (BA)."""
    if direction == "AB":
        images, labels = load_mnist("test")
        idx = np.random.default_rng(seed).choice(len(images), n, replace=False)
        return images[idx], labels[idx]
    if direction == "BA":  # render at least ten so that a few inputs are a random choice of digits
        images, labels = typeset_digits(max(n, 10), seed=EVAL_TYPESET_SEED + seed)
        return images[:n], labels[:n]
    raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")


def cycle_error(inputs: np.ndarray, reconstructions: np.ndarray) -> np.ndarray:
    """Per-image mean |F(G(x)) - x| in the networks' [-1, 1] pixel units (0 = perfect cycle)."""
    diff = np.abs(reconstructions.astype(np.float32) - inputs.astype(np.float32)) / 127.5
    return diff.reshape(len(inputs), -1).mean(1)


def _read(reader: nn.Module, images: np.ndarray, labels: np.ndarray) -> np.ndarray:
    return classify(reader, images)[0].argmax(1) == labels


def evaluate_translation(G: GeneratorPair, judges: Judges, n: int = 2000, seed: int = 0) -> dict[str, Any]:
    """Every measure of both directions on n fresh inputs each, plus the bars (see the module doc)."""
    out: dict[str, Any] = {"n_per_direction": n, "sample_seed": seed}
    for direction in DIRECTIONS:
        target, source = (("B", "A") if direction == "AB" else ("A", "B"))
        reader, other = (judges.reader_b, judges.reader_a) if target == "B" else (judges.reader_a, judges.reader_b)
        domain = TYPESET if target == "B" else HANDWRITTEN
        x, y = source_digits(direction, n, seed)
        fx = translate(G, x, direction)
        kept = _read(reader, fx, y)
        ref = judges.target_stats(direction, n)
        k = direction.lower()
        out |= {
            f"{k}_in_target": in_domain(judges.judge, fx, domain),
            f"{k}_untranslated_in_target": in_domain(judges.judge, x, domain),
            f"{k}_judge_accuracy_on_target": judges.judge_accuracy[target],
            f"{k}_label_kept": float(kept.mean()),
            f"{k}_label_kept_per_digit": [float(kept[y == d].mean()) for d in range(10)],
            f"{k}_untranslated_read_as_label": float(_read(reader, x, y).mean()),
            f"{k}_source_reader_on_inputs": float(_read(other, x, y).mean()),
            f"{k}_change": float(np.abs(fx.astype(np.float32) - x.astype(np.float32)).mean() / 255.0),
            f"{k}_frechet_to_target": judges.frechet(fx, ref),
            f"{k}_untranslated_frechet_to_target": judges.frechet(x, ref),
            f"{k}_cycle_l1": float(cycle_error(x, translate(G, fx, direction[::-1])).mean()),
        }
    out["cycle_l1"] = 0.5 * (out["ab_cycle_l1"] + out["ba_cycle_l1"])
    out["bars"] = bars(out)
    out["bars_met"] = all(out["bars"].values())
    return out


def in_target_ratio(m: dict[str, Any], k: str) -> float:
    """The share of translations in the target domain, relative to the judge's accuracy on real ones."""
    return m[f"{k}_in_target"] / m[f"{k}_judge_accuracy_on_target"]


def bars(m: dict[str, Any]) -> dict[str, bool]:
    """Each bar of BARS, per direction: passed or not."""
    out = {}
    for k in ("ab", "ba"):
        out[f"{k}_in_target"] = in_target_ratio(m, k) >= BARS["in_target_of_judge_accuracy"]
        out[f"{k}_label_kept"] = m[f"{k}_label_kept"] >= BARS["label_kept"]
        out[f"{k}_frechet"] = (m[f"{k}_frechet_to_target"]
                               <= BARS["frechet_ratio"] * m[f"{k}_untranslated_frechet_to_target"])
    return out


def selection_key(m: dict[str, Any]) -> tuple[bool, float]:
    """Orders checkpoints: first those in the target domain both ways, then by their weakest measure
    (in-target ratio or label kept, either direction). An identity map scores (False, ~0)."""
    in_target = all(in_target_ratio(m, k) >= BARS["in_target_of_judge_accuracy"] for k in ("ab", "ba"))
    weakest = min(min(in_target_ratio(m, k), m[f"{k}_label_kept"]) for k in ("ab", "ba"))
    return in_target, weakest
