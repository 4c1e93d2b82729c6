"""Digits from a trained unconditional generator."""
from __future__ import annotations

import contextlib

import numpy as np
import torch

from gan_core.data.mnist import to_uint8
from gan_core.families.dcgan import networks as dcgan


@torch.no_grad()
def generate_images(G: torch.nn.Module, n: int, seed: int = 0, z_dim: int = dcgan.Z_DIM,
                    device: torch.device | str = "cpu", batch: int = 1000) -> np.ndarray:
    """n digits from generator G (eval mode) as uint8 (n, 28, 28); the noise is seeded on the CPU,
    so the same seed gives the same digits on every device."""
    was_training = G.training
    G.eval()
    gen = torch.Generator().manual_seed(int(seed))
    z = torch.randn(int(n), z_dim, generator=gen)
    out = []
    try:
        for i in range(0, int(n), batch):
            zi = z[i:i + batch].to(device)
            cuda = torch.device(device).type == "cuda"
            ctx = torch.autocast("cuda", dtype=torch.bfloat16) if cuda else contextlib.nullcontext()
            with ctx:
                out.append(to_uint8(G(zi).float()))
    finally:
        G.train(was_training)
    return np.concatenate(out) if out else np.zeros((0, 28, 28), np.uint8)
