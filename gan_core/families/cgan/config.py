"""Conditional GAN settings."""
from __future__ import annotations

from dataclasses import dataclass

from gan_core.core.config import TrainConfig, option


# ---------------------------------------------------------------------------------------
# Conditional GAN on MNIST: the same loop, with the digit label as the condition y
# ---------------------------------------------------------------------------------------
@dataclass(kw_only=True)
class CGANConfig(TrainConfig):
    """A conditional DCGAN: Adam lr 2e-4, beta1 0.5, BCE; labels y drawn uniformly for G's batches."""

    network: str = option("compact", "the networks: compact (G 7x7x96 -> 14x14x48 -> 28x28) | tiny (narrower)")
    conditioning: str = option(
        "modulate", "modulate (embedding scales z's features) | concat (one-hot maps) | embed (z * e(y))")
    projection: bool = option(True, "D adds a projection term <embed(y), features(x)>")
    minibatch_std: bool = option(True, "D sees the batch's feature spread (against within-digit collapse)")
    z_dim: int = option(100, "size of the noise vector z")
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    beta1: float = 0.5
    batch_size: int = 64
    grid_size: int = option(100, "the fixed grid: 10 noise vectors (rows) x 10 digits (columns)")
    ema: float = option(0.0, ">0: also keep an exponential moving average of G's weights and sample from it")

    def validate(self) -> None:
        from gan_core.families.cgan import networks as cgan

        super().validate()
        if self.network not in cgan.NETWORKS:
            raise ValueError(f"unknown CGAN network {self.network!r}; choose one of {sorted(cgan.NETWORKS)}")
        if self.conditioning not in cgan.CONDITIONING:
            raise ValueError(f"unknown conditioning {self.conditioning!r}; choose one of {cgan.CONDITIONING}")
        if self.z_dim < 1 or self.grid_size < 10:
            raise ValueError("z size must be at least 1 and the grid at least 10 images")
        if self.pack != 1:
            raise ValueError("packing is only supported for unconditional GANs")
        if not 0.0 <= self.ema < 1.0:
            raise ValueError("the EMA decay must lie in [0, 1)")
