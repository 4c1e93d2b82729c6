"""CycleGAN's terms beyond the two adversarial games, as one trick on the GAN loop: the cycle term, the
identity term, and (optionally) CyCADA's semantic term.

The loop's least-squares generator loss is LSGAN's ½·MSE for each game, i.e. half of CycleGAN's MSE_A +
MSE_B; these terms are halved too, so that the paper's ratios (λ_cycle, λ_identity) hold as written.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from gan_core.tricks.base import Trick

LS_HALF = 0.5  # the loop's LS generator loss is ½·MSE per game (see the module doc)


class CycleTerms(Trick):
    def __init__(self, cycle: float, identity: float, semantic: float = 0.0, noise: float = 0.0, teachers=None):
        self.cycle, self.identity, self.semantic, self.noise = cycle, identity, semantic, noise
        self.teachers = teachers  # {"A": reader of handwriting, "B": reader of type}, frozen; or None
        self.last = dict.fromkeys(("cycle", "identity", "semantic"), math.nan)  # unweighted, for the curves

    def _semantic(self, a, b, fake_a, fake_b) -> torch.Tensor:
        """Cross-entropy of the target teacher on each translation against the source teacher's reading."""
        if self.teachers is None:
            return a.new_zeros(())
        with torch.no_grad():
            y_a, y_b = self.teachers["A"](a).argmax(1), self.teachers["B"](b).argmax(1)
        return F.cross_entropy(self.teachers["B"](fake_b), y_a) + F.cross_entropy(self.teachers["A"](fake_a), y_b)

    def g_penalty(self, trainer, noises, fakes, conds) -> torch.Tensor:
        """Games are (G_BA vs D_A: input b) and (G_AB vs D_B: input a)."""
        G = trainer.G
        (b, a), (fake_a, fake_b) = noises, fakes
        semantic = self._semantic(a, b, fake_a, fake_b)
        if self.noise > 0:  # hide nothing in faint patterns: the round trip must work from what is visible
            fake_a = fake_a + self.noise * torch.randn_like(fake_a)
            fake_b = fake_b + self.noise * torch.randn_like(fake_b)
        cycle = F.l1_loss(G.BA(fake_b), a) + F.l1_loss(G.AB(fake_a), b)
        identity = F.l1_loss(G.BA(a), a) + F.l1_loss(G.AB(b), b) if self.identity > 0 else cycle * 0
        self.last = {"cycle": cycle.detach(), "identity": identity.detach(), "semantic": semantic.detach()}
        return LS_HALF * (self.cycle * cycle + self.identity * identity + self.semantic * semantic)
