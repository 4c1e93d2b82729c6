"""An exponential moving average of G's weights (Karras et al. 2018; Yazıcı et al. 2019): it smooths out
the last oscillations of the game, and the shipped DCGAN and CGAN sample from it."""
from __future__ import annotations

import copy

import torch
from torch import nn

from gan_core.tricks.base import Trick


class EMA(Trick):
    def __init__(self, G: nn.Module, decay: float):
        if not 0.0 < decay < 1.0:
            raise ValueError("the EMA decay must lie in (0, 1)")
        self.decay, self.source = decay, G
        self.model = copy.deepcopy(G).eval().requires_grad_(False)

    def after_iteration(self, trainer) -> None:
        with torch.no_grad():
            for p_ema, p in zip(self.model.parameters(), self.source.parameters()):
                p_ema.lerp_(p, 1.0 - self.decay)

    def restart(self) -> None:
        """Start the average again from G's current weights (after loading a checkpoint)."""
        self.model.load_state_dict(self.source.state_dict())
