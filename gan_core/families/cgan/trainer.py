"""The conditional GAN trainer: the DCGAN trainer with the label given to G and D."""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from gan_core.data.mnist import DeviceDataset, to_uint8
from gan_core.families.cgan.config import CGANConfig
from gan_core.families.cgan.sample import evaluate_conditional, generate_conditional
from gan_core.families.dcgan.trainer import ImageGANTrainer
from gan_core.io.images import tile


class ConditionalImageGANTrainer(ImageGANTrainer):
    """A CGAN on MNIST: the loop's hooks pass the digit label as the condition.

    sample_real returns (images, their labels); sample_condition draws uniform labels for G's
    update; generate(z, y) and discriminate(x, y) give both players the label. The snapshot grid is
    the style-vs-content table: row i is one fixed noise vector, column j asks for digit j.
    """

    kind = "cgan"
    architecture_fields = ("network", "conditioning", "z_dim", "projection", "minibatch_std")

    def __init__(self, config: CGANConfig, device: torch.device | str = "cpu", dataset: DeviceDataset | None = None):
        super().__init__(config, device, dataset)
        if self.data.labels is None:
            raise ValueError("a conditional GAN needs a labelled dataset")
        rows = math.ceil(config.grid_size / 10)
        gen = torch.Generator(device=self.device).manual_seed(config.seed + 7)
        base = torch.randn(rows, config.z_dim, generator=gen, device=self.device)
        idx = torch.arange(config.grid_size, device=self.device)
        self.fixed_noise = base[idx // 10]
        self.fixed_labels = idx % 10
        self._grid_cache = None

    def build_models(self, config) -> tuple[torch.nn.Module, torch.nn.Module]:
        from gan_core.families.cgan import networks as cgan

        return cgan.build(config.network, config.conditioning, config.z_dim, config.projection, config.minibatch_std)

    def sample_real(self, n: int):
        return self.data.batch(n)

    def sample_condition(self, n: int) -> torch.Tensor:
        return torch.randint(0, 10, (n,), generator=self.torch_gen, device=self.device)

    def generate(self, z: torch.Tensor, cond: Any = None) -> torch.Tensor:
        with self._autocast():
            return self.G(z, cond)

    def discriminate(self, x: torch.Tensor, cond: Any = None) -> torch.Tensor:
        with self._autocast():
            return self.D(x, cond).float()

    def _calibration_forward(self, gen: torch.Generator) -> None:
        labels = torch.randint(0, 10, (256,), generator=gen).to(self.device)
        self.ema.model(torch.randn(256, self.config.z_dim, generator=gen).to(self.device), labels)

    @torch.no_grad()
    def _generate_eval(self, z: torch.Tensor, labels: torch.Tensor | None = None,
                       G: torch.nn.Module | None = None) -> torch.Tensor:
        labels = self.fixed_labels[: len(z)] if labels is None else labels
        G = G or self.G
        was_training = G.training
        G.eval()
        try:
            with self._autocast():
                return G(z, labels).float()
        finally:
            G.train(was_training)

    def grid(self) -> np.ndarray:
        if self._grid_cache is None or self._grid_cache[0] != self.step_count:
            images = to_uint8(self._generate_eval(self.fixed_noise, self.fixed_labels, self.preview))
            self._grid_cache = (self.step_count, tile(images, cols=10))
        return self._grid_cache[1]

    def sample_images(self, n: int, seed: int = 0, batch: int = 1000, labels=None) -> np.ndarray:
        """n digits as uint8 (n, 28, 28); labels default to n/10 of each digit (in order)."""
        from gan_core.families.cgan.networks import balanced_labels

        labels = balanced_labels(n) if labels is None else torch.as_tensor(labels, dtype=torch.long)
        return generate_conditional(self.sampler, labels, seed, self.config.z_dim, self.device, batch)

    def evaluate(self, evaluator, n: int = 2000, seed: int = 12345) -> dict[str, Any]:
        """The DCGAN metrics plus the classifier's agreement with the requested digits."""
        from gan_core.families.cgan.networks import balanced_labels

        labels = balanced_labels(n).numpy()
        return self._record(evaluate_conditional(evaluator, self.sample_images(n, seed, labels=labels), labels))
