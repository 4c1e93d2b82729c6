"""GAN objectives as pure functions of D's raw outputs (TF-GAN style): `<name>_discriminator_loss` and
`<name>_generator_loss`, gathered per name in LOSSES.

D returns logits for the probability losses and unbounded scores for the critic losses.
`real_target` holds the labels for the real batch: 1 normally, 0 where labels were flipped,
0.9 with one-sided label smoothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F

Tensor = torch.Tensor


def minimax_discriminator_loss(real_out: Tensor, fake_out: Tensor, real_target: Tensor) -> Tensor:
    return (F.binary_cross_entropy_with_logits(real_out, real_target)
            + F.binary_cross_entropy_with_logits(fake_out, torch.zeros_like(fake_out)))


def minimax_generator_loss(fake_out: Tensor) -> Tensor:
    """Minimise log(1 - D(G(z))) = -softplus(logit): saturates when D rejects the fakes."""
    return -F.softplus(fake_out).mean()


def non_saturating_generator_loss(fake_out: Tensor) -> Tensor:
    """Minimise -log D(G(z)): BCE with "real" labels on the fakes."""
    return F.binary_cross_entropy_with_logits(fake_out, torch.ones_like(fake_out))


def least_squares_discriminator_loss(real_out: Tensor, fake_out: Tensor, real_target: Tensor) -> Tensor:
    return 0.5 * ((real_out - real_target) ** 2).mean() + 0.5 * (fake_out**2).mean()


def least_squares_generator_loss(fake_out: Tensor) -> Tensor:
    return 0.5 * ((fake_out - 1.0) ** 2).mean()


def hinge_discriminator_loss(real_out: Tensor, fake_out: Tensor, real_target: Tensor) -> Tensor:
    """D is only pushed while a sample sits inside the margin: score >= 1 for reals, <= -1 for fakes."""
    return F.relu(1.0 - real_out).mean() + F.relu(1.0 + fake_out).mean()


def wasserstein_discriminator_loss(real_out: Tensor, fake_out: Tensor, real_target: Tensor) -> Tensor:
    """The critic maximises D(x) - D(G(z))."""
    return fake_out.mean() - real_out.mean()


def wasserstein_generator_loss(fake_out: Tensor) -> Tensor:
    return -fake_out.mean()


def gradient_penalty(critic, real: Tensor, fake: Tensor, generator: torch.Generator | None = None) -> Tensor:
    """WGAN-GP (Gulrajani et al.): mean (||grad_x critic(x̂)|| - 1)² at random points x̂ between real and fake.

    `critic` maps a batch to scores; its gradient is taken with create_graph so the penalty trains D.
    """
    shape = (real.shape[0],) + (1,) * (real.dim() - 1)
    eps = torch.rand(shape, generator=generator, device=real.device, dtype=real.dtype)
    mixed = (eps * real.detach() + (1 - eps) * fake.detach()).requires_grad_(True)
    out = critic(mixed)
    (grad,) = torch.autograd.grad(out.sum(), mixed, create_graph=True)
    return ((grad.flatten(1).norm(dim=1) - 1.0) ** 2).mean()


@dataclass(frozen=True)
class GANLoss:
    """A loss by name: its two functions, and what the loop must add (a Lipschitz constraint)."""

    name: str
    discriminator: Callable[[Tensor, Tensor, Tensor], Tensor]
    generator: Callable[[Tensor], Tensor]
    is_critic: bool  # True: D outputs a score, not a probability (no sigmoid)
    clip_weights: bool = False  # WGAN's Lipschitz constraint
    gradient_penalty: bool = False  # WGAN-GP's Lipschitz constraint

    def d_loss(self, real_out: Tensor, fake_out: Tensor, real_target: Tensor) -> Tensor:
        return self.discriminator(real_out, fake_out, real_target)

    def g_loss(self, fake_out: Tensor) -> Tensor:
        return self.generator(fake_out)

    def score(self, out: Tensor) -> Tensor:
        """What the charts call D(x): a probability, or the raw critic / LS score."""
        return out if self.is_critic or self.name == "least_squares" else torch.sigmoid(out)


LOSSES = {
    "minimax": GANLoss("minimax", minimax_discriminator_loss, minimax_generator_loss, is_critic=False),
    "non_saturating": GANLoss("non_saturating", minimax_discriminator_loss, non_saturating_generator_loss,
                              is_critic=False),
    "wasserstein": GANLoss("wasserstein", wasserstein_discriminator_loss, wasserstein_generator_loss,
                           is_critic=True, clip_weights=True),
    "least_squares": GANLoss("least_squares", least_squares_discriminator_loss, least_squares_generator_loss,
                             is_critic=False),
    "hinge": GANLoss("hinge", hinge_discriminator_loss, wasserstein_generator_loss, is_critic=True),
    "wasserstein_gp": GANLoss("wasserstein_gp", wasserstein_discriminator_loss, wasserstein_generator_loss,
                              is_critic=True, gradient_penalty=True),
}


def get_loss(name: str) -> GANLoss:
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; choose one of {sorted(LOSSES)}")
    return LOSSES[name]
