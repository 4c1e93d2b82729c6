"""GAN objectives as (discriminator loss, generator loss) pairs on D's raw outputs.

D returns logits for the probability losses and unbounded scores for the critic losses.
`real_target` holds the labels for the real batch: 1 normally, 0 where labels were flipped,
0.9 with one-sided label smoothing.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class GANLoss:
    name: str
    title: str
    is_critic: bool  # True: D outputs a score, not a probability (no sigmoid)
    clip_weights: bool = False  # WGAN's Lipschitz constraint
    gradient_penalty: bool = False  # WGAN-GP's Lipschitz constraint (the loop adds the penalty)

    def d_loss(self, real_out: torch.Tensor, fake_out: torch.Tensor, real_target: torch.Tensor) -> torch.Tensor:
        if self.name in ("minimax", "non_saturating"):
            return (F.binary_cross_entropy_with_logits(real_out, real_target)
                    + F.binary_cross_entropy_with_logits(fake_out, torch.zeros_like(fake_out)))
        if self.name == "least_squares":
            return 0.5 * ((real_out - real_target) ** 2).mean() + 0.5 * (fake_out**2).mean()
        if self.name == "hinge":
            # D is only pushed while a sample sits inside the margin: score >= 1 for reals, <= -1 for fakes
            return F.relu(1.0 - real_out).mean() + F.relu(1.0 + fake_out).mean()
        # Wasserstein critic maximises D(x) - D(G(z))
        return fake_out.mean() - real_out.mean()

    def g_loss(self, fake_out: torch.Tensor) -> torch.Tensor:
        if self.name == "minimax":
            # minimise log(1 - D(G(z))) = -softplus(logit): saturates when D rejects fakes
            return -F.softplus(fake_out).mean()
        if self.name == "non_saturating":
            # minimise -log D(G(z)) = BCE with "real" labels on fakes
            return F.binary_cross_entropy_with_logits(fake_out, torch.ones_like(fake_out))
        if self.name == "least_squares":
            return 0.5 * ((fake_out - 1.0) ** 2).mean()
        return -fake_out.mean()

    def score(self, out: torch.Tensor) -> torch.Tensor:
        """What the charts call D(x): a probability, or the raw critic / LS score."""
        return out if self.is_critic or self.name == "least_squares" else torch.sigmoid(out)


LOSSES = {
    "minimax": GANLoss("minimax", "Minimax (saturating)", is_critic=False),
    "non_saturating": GANLoss("non_saturating", "Non-saturating", is_critic=False),
    "wasserstein": GANLoss("wasserstein", "Wasserstein (weight clipping)", is_critic=True, clip_weights=True),
    "least_squares": GANLoss("least_squares", "Least squares", is_critic=False),
    "hinge": GANLoss("hinge", "Hinge", is_critic=True),
    "wasserstein_gp": GANLoss("wasserstein_gp", "Wasserstein (gradient penalty)", is_critic=True,
                              gradient_penalty=True),
}


def gradient_penalty(critic, real: torch.Tensor, fake: torch.Tensor, generator: torch.Generator | None = None
                     ) -> torch.Tensor:
    """WGAN-GP (Gulrajani et al.): mean (||grad_x critic(x̂)|| - 1)² at random points x̂ between real and fake.

    `critic` maps a batch to scores; its gradient is taken with create_graph so the penalty trains D.
    """
    shape = (real.shape[0],) + (1,) * (real.dim() - 1)
    eps = torch.rand(shape, generator=generator, device=real.device, dtype=real.dtype)
    mixed = (eps * real.detach() + (1 - eps) * fake.detach()).requires_grad_(True)
    out = critic(mixed)
    (grad,) = torch.autograd.grad(out.sum(), mixed, create_graph=True)
    return ((grad.flatten(1).norm(dim=1) - 1.0) ** 2).mean()


def get_loss(name: str) -> GANLoss:
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; choose one of {sorted(LOSSES)}")
    return LOSSES[name]
