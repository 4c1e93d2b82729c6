"""Keeping a Wasserstein critic 1-Lipschitz: weight clipping (WGAN) or a gradient penalty (WGAN-GP)."""
from __future__ import annotations

import torch

from gan_core.losses import gradient_penalty
from gan_core.tricks.base import Trick


class WeightClipping(Trick):
    def __init__(self, value: float):
        self.value = value

    def after_d_step(self, trainer) -> None:
        with torch.no_grad():
            for p in trainer.D.parameters():
                p.clamp_(-self.value, self.value)


class GradientPenalty(Trick):
    def __init__(self, weight: float):
        self.weight = weight

    def d_penalty(self, trainer, game, real, fake, cond):
        critic = lambda x: trainer.judge(game, x, cond)  # noqa: E731 - the critic as D sees a batch
        return self.weight * gradient_penalty(critic, real, fake, trainer.torch_gen)
