"""One adversarial pair inside a trainer: a generator, the discriminator that judges it, and where their
batches come from. A GAN has one game; a CycleGAN has two (G_BA against D_A, G_AB against D_B)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import torch

Tensor = torch.Tensor


@dataclass(frozen=True)
class Game:
    sample_real: Callable[[int], tuple[Tensor, Any]]  # n -> (a real batch, its condition or None)
    sample_noise: Callable[[int], Tensor]  # n -> G's input batch
    sample_condition: Callable[[int], Any]  # n -> the condition of a generated batch (None: unconditional)
    generate: Callable[[Tensor, Any], Tensor]  # (noise, condition) -> fakes
    discriminate: Callable[[Tensor, Any], Tensor]  # (batch, condition) -> D's raw outputs
