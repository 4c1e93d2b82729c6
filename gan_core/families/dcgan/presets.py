"""The DCGAN family's training recipes (core.presets.Preset): `train dcgan --preset NAME`, the live page."""
from __future__ import annotations

from gan_core.core.presets import Preset
from gan_core.families.dcgan.config import DCGANConfig

PRESETS = {p.name: p for p in (
    # On a CPU the tiny network at batch 32 draws digits sooner per second than the seeds' batch 128 at 2e-4, and
    # sampling from an EMA of G (0.995) adds a little more. One thread of a 2-core Xeon trains 1,300 steps in about
    # 58 s; MNIST score of 500 samples there, seeds 0/1/2: 6.47 / 6.26 / 6.45 with lr 2e-3 and Adam (0, 0.9) (the
    # shipped run's betas); 6.12 / 6.18 / 6.41 at lr 1e-3 with those betas; at 1,500 steps, lr 1e-3 and Adam
    # (0.5, 0.999), the default until then, 5.91 / 5.98 (seeds 0/1). D faster than G (lr_D 2x lr_G), the hinge
    # loss and an EMA of 0.99 did no better (5.71-6.39). The seeds' batch 128 at 2e-4 reached 2.9 in the same time.
    Preset("cpu_quick_start", DCGANConfig(network="tiny", batch_size=32, lr_g=2e-3, lr_d=2e-3, beta1=0.0, beta2=0.9,
                                          ema=0.995),
           budget=1300,
           description="the live page's CPU default: recognisable digits after a minute of training on one core"),
    Preset("seeds_book", DCGANConfig(network="book"), budget=20_000,
           description="the Keras book's DCGAN and settings: batch 128, Adam 2e-4 (beta1 0.5), 20,000 iterations"),
    # The slides name RMSProp and batch 32 but no learning rate or length: Keras's RMSprop default (1e-3),
    # and as many iterations as the book's recipe.
    Preset("seeds_slides", DCGANConfig(network="small", optimizer="rmsprop", batch_size=32, lr_g=1e-3, lr_d=1e-3),
           budget=20_000,
           description="the slides' DCGAN and settings: RMSProp (Keras's default lr 1e-3), batch 32"),
    # The shipped run: the InfoGAN layout at half width, spectral norm in D, hinge loss, batch 128 (one thread does
    # 714 images/s at batch 128 against 576 at 64), and D learning four times as fast as G with Adam (0, 0.9)
    # (TTUR, as in SAGAN and BigGAN), at lr_G 2e-4 and lr_D 8e-4, halving from step 15,000. One run of 58 min on two
    # threads of a 2-core Xeon: 9.021 on 10,000 samples (fresh seeds 9.05-9.09), Fréchet 0.32. Halving from step
    # 10,000 (30,000 steps) had 9.000; half the rates (1e-4, 4e-4, 23,225 steps) 8.872; both rates at 2e-4 with
    # Adam (0.5, 0.999), 8.798.
    Preset("shipped", DCGANConfig(network="infogan_half", loss="hinge", ema=0.999, batch_size=128, lr_g=2e-4,
                                  lr_d=8e-4, beta1=0.0, beta2=0.9, lr_decay_start=15_000, lr_half_life=5_000),
           budget=35_000,
           description="pretrained/dcgan_mnist: the InfoGAN layout at half width, spectral norm in D, hinge loss, "
                       "batch 128, D learning 4x as fast as G, an EMA of G, learning rates halving every 5,000 "
                       "steps after 15,000"),
)}
