"""The domain judge: is a digit handwritten (MNIST, domain A) or typeset (domain B)? Judged by shape.

A CycleGAN can fool any pixel-level judge: it learns to add a faint texture that a CNN reads as
"the other domain" while a person sees the input unchanged (Chu et al. 2017, "CycleGAN, a master of
steganography"). This judge cannot be fooled that way. Its first layers are fixed: an ink mask that
turns every pixel fainter than 20% of full ink into background and every pixel above 50% into full
ink (a faint pattern, a grey veil or a flicker of the ink's brightness is gone), then a Gaussian blur
(σ = 1 px), so texture finer than a stroke never reaches the learned layers. It trains with pixel
noise on top of random shifts. What is left to tell the domains apart is shape: uniform strokes,
straight stems and serifs against a pen's wobble.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from gan_core.eval.readers import MNISTClassifier, classify
from gan_core.io.cards import ModelCard
from gan_core.io.paths import PRETRAINED

HANDWRITTEN, TYPESET = 0, 1  # the judge's two classes: domain A, domain B
JUDGE_NAME = PRETRAINED / "domain_judge"
JUDGE_TYPESET_SEED = 3  # its typeset training renders (the CycleGAN trains on seed 1, evaluates on 50,000+)
JUDGE_HELDOUT_SEED = 23_456


def gaussian_kernel(sigma: float, radius: int = 2) -> torch.Tensor:
    """A normalised (1, 1, 2r+1, 2r+1) Gaussian kernel."""
    t = torch.arange(-radius, radius + 1, dtype=torch.float32)
    g = torch.exp(-0.5 * (t / sigma) ** 2)
    k = g[:, None] * g[None, :]
    return (k / k.sum())[None, None]


def blur_ink(x: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
    """Blur a batch in [-1, 1] with `kernel`, padding with the background value -1 (so edges stay black)."""
    r = kernel.shape[-1] // 2
    return F.conv2d(F.pad(x, (r, r, r, r), value=-1.0), kernel)


class DomainJudge(MNISTClassifier):
    """The readers' CNN with two classes, looking through a fixed blur."""

    def __init__(self, width: int = 32, blur_sigma: float = 1.0, ink: tuple[float, float] = (0.2, 0.5)):
        super().__init__(width, classes=2)
        self.register_buffer("blur", gaussian_kernel(blur_sigma))
        self.ink = tuple(ink)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        lo, hi = self.ink
        ink = (((x + 1) / 2 - lo) / (hi - lo)).clamp(0, 1)  # [0, 1]: faint pixels -> 0, strong ones -> 1
        return self.body(blur_ink(ink * 2 - 1, self.blur))


def typeset_share(judge: DomainJudge, images) -> np.ndarray:
    """Per image, the judge's probability that it is typeset (uint8 (n, 28, 28) or float in [-1, 1])."""
    return classify(judge, images)[0][:, TYPESET]


def in_domain(judge: DomainJudge, images, domain: int) -> float:
    """The share of images the judge calls `domain` (HANDWRITTEN or TYPESET)."""
    typeset = typeset_share(judge, images) > 0.5
    return float((typeset if domain == TYPESET else ~typeset).mean())


def training_set(n_per_domain: int = 30_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n handwritten MNIST training digits and n typeset renders, with domain labels."""
    from gan_core.data.mnist import load_mnist
    from gan_core.data.typeset import typeset_digits

    mnist, _ = load_mnist("train")
    idx = np.random.default_rng(seed).choice(len(mnist), n_per_domain, replace=False)
    typeset, _ = typeset_digits(n_per_domain, seed=JUDGE_TYPESET_SEED)
    images = np.concatenate([mnist[idx], typeset])
    labels = np.concatenate([np.full(n_per_domain, HANDWRITTEN), np.full(n_per_domain, TYPESET)])
    return images, labels


def heldout_accuracy(judge: DomainJudge, n: int = 10_000) -> dict[str, float]:
    """Accuracy on MNIST test digits (handwritten) and on fresh typeset renders, each domain apart."""
    from gan_core.data.mnist import load_mnist
    from gan_core.data.typeset import typeset_digits

    mnist, _ = load_mnist("test")
    typeset, _ = typeset_digits(n, seed=JUDGE_HELDOUT_SEED)
    return {"handwritten_accuracy": in_domain(judge, mnist[:n], HANDWRITTEN),
            "typeset_accuracy": in_domain(judge, typeset, TYPESET), "heldout_n_per_domain": n,
            "heldout_typeset_seed": JUDGE_HELDOUT_SEED}


def load_judge(name=JUDGE_NAME, device: torch.device | str = "cpu") -> tuple[DomainJudge, ModelCard]:
    """The shipped domain judge in eval mode, and its card."""
    from gan_core.io import checkpoints

    card = ModelCard.load(name)
    if card.kind != "domain_judge":
        raise checkpoints.CheckpointError(f"{name} is a {card.kind!r} checkpoint, not a domain judge")
    cfg = card.config
    judge = DomainJudge(cfg.get("width", 32), cfg.get("blur_sigma", 1.0), cfg.get("ink", (0.2, 0.5)))
    checkpoints.load_into(name, {"model": judge})
    return judge.to(device).eval(), card
