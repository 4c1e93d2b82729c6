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
    # The shipped run: the InfoGAN layout at half width, spectral norm in D, hinge loss, batch 128 (one thread does
    # 714 images/s at batch 128 against 576 at 64), and D learning four times as fast as G with Adam (0, 0.9)
    # (TTUR, as in SAGAN and BigGAN). 62 min on one thread of a 2-core Xeon (18,700 steps; a second run beside
    # it), then 8 min on two to the budget: 8.872 on 10,000 samples, Fréchet 0.45. The same run with both rates
    # at 2e-4 and Adam (0.5, 0.999), 68 min to the same 23,225 steps, had 8.798 (Fréchet 0.63).
    Preset("shipped", DCGANConfig(network="infogan_half", loss="hinge", ema=0.999, batch_size=128, lr_g=1e-4,
                                  lr_d=4e-4, beta1=0.0, beta2=0.9, lr_decay_start=10_000, lr_half_life=5_000),
           budget=23_225,
           description="pretrained/dcgan_mnist: the InfoGAN layout at half width, spectral norm in D, hinge loss, "
                       "batch 128, D learning 4x as fast as G, an EMA of G, learning rates halving every 5,000 "
                       "steps after 10,000"),
)}
