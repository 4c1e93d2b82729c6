"""Mini-batch features: layers that let D see a whole batch, so a collapsed batch is easy to reject."""
from __future__ import annotations

import torch
from torch import nn


# --- mini-batch features ----------------------------------------------------------------------
class MinibatchStd(nn.Module):
    """Appends one feature: the batch's standard deviation, averaged over features (ProGAN).

    A collapsed batch has a tiny spread, so D can tell it from a real one by this number alone.
    """

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        std = (h.var(dim=0, unbiased=False) + 1e-8).sqrt().mean()
        return torch.cat([h, std.expand(h.shape[0], 1)], dim=1)


class MinibatchDiscrimination(nn.Module):
    """Salimans et al. (2016): per sample, B features measuring closeness to the rest of the batch."""

    def __init__(self, in_features: int, kernels: int = 5, kernel_dim: int = 3):
        super().__init__()
        self.kernels, self.kernel_dim = kernels, kernel_dim
        self.T = nn.Parameter(torch.randn(in_features, kernels * kernel_dim) * 0.1)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        m = (h @ self.T).view(-1, self.kernels, self.kernel_dim).transpose(0, 1)  # (B, n, C)
        l1 = torch.cdist(m, m, p=1)  # (B, n, n) L1 distances per kernel, without an (n, n, B, C) tensor
        o = (torch.exp(-l1).sum(2) - 1.0).T  # leave out the sample itself
        return torch.cat([h, o], dim=1)


MINIBATCH = ("none", "std", "discrimination")
