"""The conditional GAN's training recipes (core.presets.Preset)."""
from __future__ import annotations

from gan_core.core.presets import Preset
from gan_core.families.cgan.config import CGANConfig

PRESETS = {p.name: p for p in (
    Preset("live_tiny", CGANConfig(network="tiny", batch_size=64), budget=2_000,
           description="the page's live run: the tiny network, modulated conditioning"),
    Preset("shipped", CGANConfig(network="compact", conditioning="modulate", ema=0.999, lr_decay_start=8_425,
                                 lr_half_life=4_000), budget=30_000,
           description="pretrained/cgan_mnist: the compact network, label-modulated z, projection D with a "
                       "per-digit spread, an EMA of G, learning rates halving every 4,000 steps after 8,425"),
)}
