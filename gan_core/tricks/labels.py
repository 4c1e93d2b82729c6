"""Label tricks (Salimans et al. 2016): one-sided smoothing and random flipping of D's real labels."""
from __future__ import annotations

import torch

from gan_core.tricks.base import Trick


class LabelNoise(Trick):
    def __init__(self, flip: float = 0.0, smoothing: float = 0.0):
        self.flip, self.smoothing = flip, smoothing

    def real_target(self, trainer, target: torch.Tensor) -> torch.Tensor:
        target = torch.full_like(target, 1.0 - self.smoothing)
        if self.flip > 0:
            flip = torch.rand(target.shape, generator=trainer.torch_gen, device=target.device) < self.flip
            target = target.masked_fill(flip, 0.0)
        return target
