"""The CycleGAN's training recipes (core.presets.Preset): the shipped translator and the lesson's
counter-example of the identity trap."""
from __future__ import annotations

from gan_core.core.presets import Preset
from gan_core.families.cyclegan.config import CycleGANConfig

PRESETS = {p.name: p for p in (
    Preset("shipped", CycleGANConfig(cycle_weight=5.0, identity_weight=0.0, semantic_weight=1.0, d_blur=1.0,
                                     cycle_noise=0.1), budget=12_000,
           description="pretrained/cyclegan_digits: no identity term, the semantic term, discriminators that "
                       "look through a 1-px blur, noise inside the cycle term"),
    Preset("plain", CycleGANConfig(batch_size=16, d_patch="small", cycle_noise=0.1, lr_decay_start=6_000,
                                   lr_half_life=2_500), budget=10_000,
           description="pretrained/cyclegan_digits_plain: the paper's terms (identity 5, cycle 10) only; it "
                       "falls into the identity trap"),
)}
