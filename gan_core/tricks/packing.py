"""PacGAN (Lin et al. 2018): D judges m samples at once."""
from __future__ import annotations

import torch

from gan_core.tricks.base import Trick


# --- packing (PacGAN) ------------------------------------------------------------------------
def pack(x: torch.Tensor, m: int) -> torch.Tensor:
    """(n, c, ...) -> (n/m, m·c, ...): each group of m consecutive samples becomes one input to D."""
    if m <= 1:
        return x
    n = x.shape[0] - x.shape[0] % m
    return x[:n].reshape(n // m, m * x.shape[1], *x.shape[2:])


class Packing(Trick):
    def __init__(self, m: int):
        self.m = m

    def judge_input(self, x: torch.Tensor, cond) -> torch.Tensor:
        if cond is not None:
            raise ValueError("packing is only supported for unconditional GANs")
        return pack(x, self.m)
