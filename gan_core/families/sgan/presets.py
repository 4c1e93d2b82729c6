"""The semi-supervised GAN's training recipes (core.presets.Preset)."""
from __future__ import annotations

from gan_core.core.presets import Preset
from gan_core.families.sgan.config import SGANConfig

PRESETS = {p.name: p for p in (
    Preset("live_cpu", SGANConfig(network="mlp_small", val_size=1000, test_subset=1000,
                                  check_every=50, average=0.98), budget=2_000,
           description="the page's live run: the small MLPs, an accuracy check every 50 steps on 1,000 test digits; "
                       "the classifiers average D's weights over about the last 50 steps"),
    Preset("shipped", SGANConfig(network="mlp", lr_decay_start=8_000, lr_half_life=4_000), budget=23_200,
           description="pretrained/sgan_mnist: Salimans et al.'s MNIST networks and feature matching, 10 labels "
                       "per class, Adam 2e-3 (beta1 0.5), batch 100, learning rates halving every 4,000 steps "
                       "after 8,000, the classifier an average of D's weights (decay 0.999)"),
)}
