"""The DCGAN family's training recipes (core.presets.Preset): `train dcgan --preset NAME`, the live page."""
from __future__ import annotations

from gan_core.core.presets import Preset
from gan_core.families.dcgan.config import DCGANConfig

PRESETS = {p.name: p for p in (
    # On a CPU the tiny network at batch 32 and lr 1e-3 draws digits sooner per second than the seeds'
    # batch 128 at 2e-4, and sampling from an EMA of G (0.995) adds a little more. Measured on one core of a
    # 2-core EPYC, MNIST score of 500 samples after 60 s of CPU (1,450-1,700 steps): 6.03 without the EMA,
    # 6.30 with it; at exactly 1,500 steps 5.91 and 5.98 (seeds 0, 1). Hinge, least squares, lr 2e-3 and
    # batch 16 did no better (5.53-6.08). The seeds' batch 128 at 2e-4 reached 2.9 in the same time.
    Preset("cpu_quick_start", DCGANConfig(network="tiny", batch_size=32, lr_g=1e-3, lr_d=1e-3, ema=0.995),
           budget=1500,
           description="the live page's CPU default: recognisable digits within a minute on one core"),
    Preset("seeds_book", DCGANConfig(network="book"), budget=20_000,
           description="the Keras book's DCGAN and settings: batch 128, Adam 2e-4 (beta1 0.5), 20,000 iterations"),
    # The slides name RMSProp and batch 32 but no learning rate or length: Keras's RMSprop default (1e-3),
    # and as many iterations as the book's recipe.
    Preset("seeds_slides", DCGANConfig(network="small", optimizer="rmsprop", batch_size=32, lr_g=1e-3, lr_d=1e-3),
           budget=20_000,
           description="the slides' DCGAN and settings: RMSProp (Keras's default lr 1e-3), batch 32"),
    # The shipped run: batch 128 gets to the batch-64 run's score in about half the CPU time (one thread does
    # 714 images/s at batch 128 against 576 at 64). Stopped by hand after 68 min (23,225 steps), its score flat:
    # 8.798 on 10,000 samples; the batch-64 run it replaced had 8.740 after 127 min (28,875 steps).
    Preset("shipped", DCGANConfig(network="infogan_half", loss="hinge", ema=0.999, batch_size=128,
                                  lr_decay_start=10_000, lr_half_life=5_000), budget=23_225,
           description="pretrained/dcgan_mnist: the InfoGAN layout at half width, spectral norm in D, hinge loss, "
                       "batch 128, an EMA of G, learning rates halving every 5,000 steps after 10,000"),
)}
