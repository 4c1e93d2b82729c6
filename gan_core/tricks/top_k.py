"""Top-k training (Sinha et al. 2020): G learns only from the fakes that D rates most real. Late in
training the worst fakes' gradients point nowhere useful; dropping them sharpens the samples. Early on
every fake is bad, so the paper anneals k: the share starts at 1 and shrinks by a factor per epoch."""
from __future__ import annotations

import torch

from gan_core.tricks.base import Trick


class TopK(Trick):
    def __init__(self, fraction: float, decay: float = 0.0):
        if not 0.0 < fraction <= 1.0:
            raise ValueError("the top-k fraction must lie in (0, 1]")
        if not 0.0 <= decay < 1.0:
            raise ValueError("the top-k decay per epoch must lie in [0, 1)")
        self.fraction, self.decay = fraction, decay

    def share(self, epoch: float) -> float:
        """The share of G's batch kept after `epoch` passes over the data: the floor, or decay^epoch above it."""
        return max(self.fraction, self.decay ** epoch) if self.decay > 0 else self.fraction

    def judge_fakes(self, trainer, game, fake: torch.Tensor, cond) -> torch.Tensor:
        out = trainer.judge(game, fake, cond)
        scores = out.reshape(len(out), -1).mean(1)  # one score per fake (a PatchGAN gives a map)
        k = max(1, int(round(self.share(trainer.epoch) * len(scores))))
        return out[scores.topk(k).indices]
