"""The supervised baseline: the SGAN's classifier network trained on the labelled images alone.

Same network and initial weights (same seed), same augmentation (Gaussian noise, random shifts), same optimiser and
learning-rate schedule, same labelled batches in the same order, same number of steps: the only
difference from the SGAN's D is that it never sees an unlabelled digit or a fake.
"""
from __future__ import annotations

import copy
import math
import time
from typing import Callable

import torch
import torch.nn.functional as F

from gan_core.core.config import OPTIMIZERS
from gan_core.families.sgan.networks import build_classifier
from gan_core.families.sgan.terms import LabelledStream
from gan_core.tricks.ema import EMA


class BaselineTrainer:
    kind = "sgan_baseline"

    def __init__(self, config, stream: LabelledStream, lr_factor: Callable[[int], float] = lambda step: 1.0):
        self.config, self.stream, self.lr_factor = config, stream, lr_factor
        torch.manual_seed(config.seed)  # the SGAN builds its D first from this seed: the same initial weights
        self.model = build_classifier(config.network, config.input_noise, config.hidden_noise).to(stream.labels.device)
        self.opt = OPTIMIZERS[config.optimizer](self.model.parameters(), config.lr_d, config)
        self.average = EMA(self.model, config.average) if config.average > 0 else None
        self.best_model = copy.deepcopy(self.model).eval()
        self.step_count, self.elapsed, self.values = 0, 0.0, []

    @classmethod
    def alone(cls, config, device="cpu") -> "BaselineTrainer":
        """The baseline on its own (no SGAN beside it): its labelled subset drawn as the SGAN trainer draws it."""
        from gan_core.data.mnist import load_mnist
        from gan_core.families.sgan import subset

        images, labels = load_mnist("train")
        idx = subset.split(config.labels_per_class, config.label_seed, config.val_size).labelled
        return cls(config, LabelledStream(images[idx], labels[idx], torch.device(device), config.seed + 3,
                                          config.shift))

    def train_step(self) -> None:
        """One step on one labelled batch."""
        start = time.perf_counter()
        self.model.train()
        for group in self.opt.param_groups:
            group["lr"] = self.config.lr_d * self.lr_factor(self.step_count)
        x, y = self.stream.batch(self.config.batch_size)
        loss = F.cross_entropy(self.model(x), y)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        if self.average is not None:
            self.average.after_iteration(self)
        self.values.append(loss.detach())
        self.step_count += 1
        self.elapsed += time.perf_counter() - start

    @property
    def classifier(self) -> torch.nn.Module:
        """What is measured and kept: the moving average of the weights, or the model itself."""
        return self.model if self.average is None else self.average.model

    def train_steps(self, n: int) -> None:
        for _ in range(int(n)):
            self.train_step()

    def take_mean(self) -> float:
        """The mean cross-entropy since the last call."""
        mean = torch.stack(self.values).mean().item() if self.values else math.nan
        self.values.clear()
        return mean
