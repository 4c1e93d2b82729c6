"""The semi-supervised GAN's networks (Salimans et al. 2016, "Improved techniques for training GANs").

D is a classifier with K = 10 logits l_k and no separate "fake" output: the fake class's logit is
fixed at 0, so with Z = sum_k exp(l_k)

    p(real | x) = Z / (Z + 1) = sigmoid(logsumexp_k l_k),

and the GAN loop's logit of "real" is simply logsumexp(l). One network, two heads: softmax(l) reads
the digit, sigmoid(logsumexp(l)) tells real from fake.

Networks:
- "mlp" (the paper's MNIST model, the shipped one): D 784-1000-500-250-250-250-10 with Gaussian noise on
  its input (std 0.3 in [0, 1] pixel units) and after every hidden layer (std 0.5), weight-normalised
  layers, ReLU; G 100-500-500-784 with batch norm and softplus, a weight-normalised output layer.
- "mlp_small" (the live page's CPU network): D 784-500-250-250-10, G 100-256-256-784, same recipe.

D's `features(x)` is its last hidden layer: what feature matching matches.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.parametrizations import weight_norm

from gan_core.families.dcgan.networks import count_parameters

Z_DIM = 100
N_CLASSES = 10
NETWORKS = {  # name -> (D's hidden widths, G's hidden widths)
    "mlp": ((1000, 500, 250, 250, 250), (500, 500)),
    "mlp_small": ((500, 250, 250), (256, 256)),
}


class GaussianNoise(nn.Module):
    """Adds N(0, std²) noise in training mode only: the paper's regulariser (and the baseline's augmentation)."""

    def __init__(self, std: float):
        super().__init__()
        self.std = float(std)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.std * torch.randn_like(x) if self.training and self.std > 0 else x


def real_logit(logits: torch.Tensor) -> torch.Tensor:
    """The logit of D(x) = Z/(Z+1), Z = sum_k exp(l_k): logsumexp(l), shape (n, 1). Stable for large logits."""
    return torch.logsumexp(logits, dim=1, keepdim=True)


def real_probability(logits: torch.Tensor) -> torch.Tensor:
    """D(x) = Z / (Z + 1) = sigmoid(logsumexp(l)), shape (n, 1)."""
    return torch.sigmoid(real_logit(logits))


class Classifier(nn.Module):
    """D: images (n, 1, 28, 28) in [-1, 1] -> 10 logits. The same network is the supervised baseline."""

    def __init__(self, hidden=(1000, 500, 250, 250, 250), input_noise: float = 0.3, hidden_noise: float = 0.5):
        super().__init__()
        layers: list[nn.Module] = [GaussianNoise(input_noise)]
        width = 28 * 28
        for i, h in enumerate(hidden):
            if i:
                layers.append(GaussianNoise(hidden_noise))
            layers += [weight_norm(nn.Linear(width, h)), nn.ReLU()]
            width = h
        self.body = nn.Sequential(*layers)
        self.head = nn.Sequential(GaussianNoise(hidden_noise), weight_norm(nn.Linear(width, N_CLASSES)))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The last hidden layer (n, width): feature matching compares its batch means."""
        return self.body((x.flatten(1) + 1.0) * 0.5)  # pixels in [0, 1], as in the paper

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


class Generator(nn.Module):
    """G: z (n, z_dim) -> images (n, 1, 28, 28) in [-1, 1] (a sigmoid output, rescaled)."""

    def __init__(self, z_dim: int = Z_DIM, hidden=(500, 500)):
        super().__init__()
        self.z_dim = z_dim
        layers: list[nn.Module] = []
        width = z_dim
        for h in hidden:
            layers += [nn.Linear(width, h), nn.BatchNorm1d(h), nn.Softplus()]
            width = h
        self.body = nn.Sequential(*layers, weight_norm(nn.Linear(width, 28 * 28)))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return (2.0 * torch.sigmoid(self.body(z)) - 1.0).reshape(-1, 1, 28, 28)


def build_classifier(network: str = "mlp", input_noise: float = 0.3, hidden_noise: float = 0.5) -> Classifier:
    if network not in NETWORKS:
        raise ValueError(f"unknown SGAN network {network!r}; choose one of {sorted(NETWORKS)}")
    return Classifier(NETWORKS[network][0], input_noise, hidden_noise)


def build(network: str = "mlp", z_dim: int = Z_DIM, input_noise: float = 0.3,
          hidden_noise: float = 0.5) -> tuple[Generator, Classifier]:
    """(G, D) of a network. Seed torch first for reproducible weights: D is built first, so the baseline
    (build_classifier from the same seed) starts from D's very weights."""
    D = build_classifier(network, input_noise, hidden_noise)
    return Generator(z_dim, NETWORKS[network][1]), D


__all__ = ["Classifier", "Generator", "GaussianNoise", "build", "build_classifier", "real_logit",
           "real_probability", "count_parameters", "NETWORKS", "Z_DIM", "N_CLASSES"]
