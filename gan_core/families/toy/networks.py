"""The 1-D and 2-D family's networks: small MLPs, optionally with a mini-batch layer in D."""
from __future__ import annotations

import torch
from torch import nn

from gan_core.tricks.minibatch import MINIBATCH, MinibatchDiscrimination, MinibatchStd

ACTIVATIONS = {
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "leaky_relu": lambda: nn.LeakyReLU(0.2),
    "sigmoid": nn.Sigmoid,
    "elu": nn.ELU,
}


def mlp(in_dim: int, hidden: tuple[int, ...], out_dim: int, activation: str = "tanh") -> nn.Sequential:
    """Linear layers with `activation` between them and a linear output.

    Discriminators return a logit (or a critic score): the sigmoid lives in the loss, where
    BCE-with-logits computes it stably, so a 'sigmoid output' D is this network plus that loss.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {sorted(ACTIVATIONS)}")
    if any(int(h) < 1 for h in hidden) or in_dim < 1 or out_dim < 1:
        raise ValueError(f"layer widths must be positive, got {in_dim}, {hidden}, {out_dim}")
    layers: list[nn.Module] = []
    width = in_dim
    for h in hidden:
        layers += [nn.Linear(width, int(h)), ACTIVATIONS[activation]()]
        width = int(h)
    layers.append(nn.Linear(width, out_dim))
    return nn.Sequential(*layers)


class LinearSkip(nn.Module):
    """x = MLP(z) + A z + b, with A starting as the identity and b at 0: a generator that starts as the
    identity map plus a small network. A plain MLP starts from an almost flat map whose slope has a random
    sign; D pushes every fake toward the data, the samples of one tail further than the other's, and where
    the map was falling it folds (G(z) first falls, then rises: seed 7 of the 1-D Fast preset spent
    1,800 iterations undoing that). Starting increasing, the map only has to shift and stretch."""

    def __init__(self, body: nn.Module, in_dim: int, out_dim: int):
        super().__init__()
        self.body, self.skip = body, nn.Linear(in_dim, out_dim)
        with torch.no_grad():
            self.skip.weight.copy_(torch.eye(out_dim, in_dim))
            self.skip.bias.zero_()

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.body(z) + self.skip(z)


def discriminator_mlp(in_dim: int, hidden: tuple[int, ...], activation: str, minibatch: str = "none") -> nn.Sequential:
    """An MLP critic like `models.mlp`, with a mini-batch layer after the first hidden layer."""
    if minibatch not in MINIBATCH:
        raise ValueError(f"unknown mini-batch feature {minibatch!r}; choose one of {MINIBATCH}")
    if not hidden:
        raise ValueError("a mini-batch feature needs at least one hidden layer")
    layers: list[nn.Module] = []
    width = in_dim
    for i, h in enumerate(hidden):
        layers += [nn.Linear(width, int(h)), ACTIVATIONS[activation]()]
        width = int(h)
        if i == 0 and minibatch == "std":
            layers.append(MinibatchStd())
            width += 1
        elif i == 0 and minibatch == "discrimination":
            layer = MinibatchDiscrimination(width)
            layers.append(layer)
            width += layer.kernels
    layers.append(nn.Linear(width, 1))
    return nn.Sequential(*layers)


def batch_moments(x: torch.Tensor) -> torch.Tensor:
    """The seed's 4-moment summary of a batch (n, 1) -> (1, 4): mean, std, skew, excess kurtosis."""
    x = x.reshape(-1)
    mean = x.mean()
    diff = x - mean
    std = diff.pow(2).mean().sqrt()
    z = diff / (std + 1e-8)
    return torch.stack([mean, std, z.pow(3).mean(), z.pow(4).mean() - 3.0]).unsqueeze(0)
