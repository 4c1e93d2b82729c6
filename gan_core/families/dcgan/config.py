"""DCGAN settings (the seeds' Adam 2e-4, beta1 0.5, batch 128) and the live page's CPU start."""
from __future__ import annotations

from dataclasses import dataclass

from gan_core.core.config import TrainConfig, option
from gan_core.families.dcgan import networks as dcgan


@dataclass(kw_only=True)
class DCGANConfig(TrainConfig):
    """The seeds' DCGAN settings: Adam lr 2e-4, beta1 0.5, batch 128, BCE (non-saturating G)."""

    network: str = option("tiny", "the networks: book | small | tiny | infogan | infogan_half")
    z_dim: int = option(dcgan.Z_DIM, "size of the noise vector z")
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    beta1: float = 0.5
    batch_size: int = 128
    grid_size: int = option(64, "fixed-noise images in the progress grid (8 x 8)")
    ema: float = option(
        0.0, ">0: also keep an exponential moving average of G's weights (e.g. 0.999) and sample from it")

    def validate(self) -> None:
        super().validate()
        if self.network not in dcgan.NETWORKS:
            raise ValueError(f"unknown DCGAN network {self.network!r}; choose one of {sorted(dcgan.NETWORKS)}")
        if self.z_dim < 1 or self.grid_size < 1:
            raise ValueError("z size and grid size must be at least 1")
        if not 0.0 <= self.ema < 1.0:
            raise ValueError("the EMA decay must lie in [0, 1)")
