"""The hooks a trick can plug into the one GAN loop (core/loop.py). Every hook does nothing by default,
so a trick overrides only where it acts; the loop calls each hook of each trick in order."""
from __future__ import annotations

import torch

Tensor = torch.Tensor


class Trick:
    def fake_for_d(self, trainer, game: int, fake: Tensor) -> Tensor:
        """The fake batch D trains on (experience replay mixes in past fakes)."""
        return fake

    def judge_input(self, x: Tensor, cond) -> Tensor:
        """What D sees of a batch (packing groups m samples into one input)."""
        return x

    def real_target(self, trainer, target: Tensor) -> Tensor:
        """D's labels for the real batch (label flipping and smoothing)."""
        return target

    def d_penalty(self, trainer, game, real: Tensor, fake: Tensor, cond) -> Tensor | None:
        """An extra term of D's loss (the gradient penalty)."""
        return None

    def after_d_step(self, trainer) -> None:
        """After D's optimiser step (weight clipping)."""

    def judge_fakes(self, trainer, game, fake: Tensor, cond) -> Tensor | None:
        """D's outputs on G's batch for G's loss, if not simply D's (unrolling looks ahead)."""
        return None

    def g_penalty(self, trainer, noises: list, fakes: list[Tensor], conds: list) -> Tensor | None:
        """An extra term of G's loss over all games (CycleGAN's cycle, identity and semantic terms)."""
        return None

    def after_iteration(self, trainer) -> None:
        """After a whole iteration (the generator's moving average)."""
