"""PacGAN (Lin et al. 2018): D judges m samples at once."""
from __future__ import annotations

import torch


# --- packing (PacGAN) ------------------------------------------------------------------------
def pack(x: torch.Tensor, m: int) -> torch.Tensor:
    """(n, c, ...) -> (n/m, m·c, ...): each group of m consecutive samples becomes one input to D."""
    if m <= 1:
        return x
    n = x.shape[0] - x.shape[0] % m
    return x[:n].reshape(n // m, m * x.shape[1], *x.shape[2:])
