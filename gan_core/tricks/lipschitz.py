"""Bounding D's slope: weight clipping (WGAN), a gradient penalty (WGAN-GP), or R1 on the real data."""
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


class R1Penalty(Trick):
    """R1 (Mescheder et al. 2018): gamma/2 * E_real ||grad_x D(x)||^2. Penalising D's slope on the data
    alone lets the game settle at the equilibrium instead of circling it, whatever the loss. With `every`
    = N it is lazy (Karras et al. 2020): applied on every Nth D step only, N times as strong, since the
    double backward it needs costs as much as the rest of D's step."""

    def __init__(self, gamma: float, every: int = 1):
        self.gamma, self.every, self.d_steps = gamma, every, 0

    def d_penalty(self, trainer, game, real, fake, cond):
        if self.d_steps % self.every:
            return None
        x = real.detach().requires_grad_(True)
        (grad,) = torch.autograd.grad(trainer.judge(game, x, cond).sum(), x, create_graph=True)
        return 0.5 * self.gamma * self.every * grad.pow(2).reshape(len(grad), -1).sum(1).mean()

    def after_d_step(self, trainer) -> None:
        self.d_steps += 1
