"""DCGAN on MNIST, trained by the same GAN loop as the 1-D lessons (training.GANTrainer).

This module only fills in the loop's hooks — where real batches come from (the device-resident
MNIST set), what noise looks like (z ~ N(0, I), 100-d), how G and D run (bf16 autocast and
channels_last on CUDA, float32 elsewhere) — and what a Snapshot shows: the fixed-noise grid,
D(x), D(G(z)) before and after the D update, images/s, the epoch, and the latest metrics.
"""
from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from gan_core.core.loop import EXPLODED, GANTrainer
from gan_core.core.snapshot import Snapshot
from gan_core.data.mnist import DeviceDataset, to_uint8
from gan_core.eval.evaluator import shipped as shipped_evaluator
from gan_core.families.dcgan import networks as dcgan
from gan_core.families.dcgan.config import DCGANConfig
from gan_core.families.dcgan.sample import generate_images
from gan_core.io import checkpoints
from gan_core.io.images import tile
from gan_core.tricks.averaging import recalibrate_batchnorm
from gan_core.tricks.ema import EMA

CALIBRATION_BATCHES = 8  # of 256: the EMA generator's batch-norm statistics for samples and checkpoints
# A progress grid costs about one training step of the tiny network (the EMA's batch norms measured on a batch, then
# 64 digits: 40-47 ms against a 39-ms step on one CPU thread). A student alone trains 0.4 s a tick and gets a new
# grid every tick; in a class each tick trains a sliver, so a live tick (train_for) redraws the grid only once the run
# trained LIVE_GRID_TRAINED_S since the last one, or LIVE_GRID_EVERY_S of wall clock went by: the steps go to training.
LIVE_GRID_TRAINED_S, LIVE_GRID_EVERY_S = 0.2, 2.0


@dataclass(kw_only=True)
class ImageSnapshot(Snapshot):
    grid: np.ndarray  # uint8 tiled grid of G(fixed noise): white digits on black
    grid_step: int  # the step the grid shows (a live tick in a busy class may show an earlier one)
    images_per_s: float  # real training images consumed per second
    epoch: float  # epochs completed (fractional)
    steps_per_epoch: int
    batch_size: int
    metrics: dict[str, Any] | None = None  # latest evaluate() result, with its step
    metrics_history: list[dict[str, Any]] = field(default_factory=list)


class ImageGANTrainer(GANTrainer):
    """A DCGAN on 28x28 MNIST digits."""

    kind = "dcgan"  # the model card's kind
    architecture_fields = ("network", "z_dim")

    def __init__(self, config: DCGANConfig, device: torch.device | str = "cpu", dataset: DeviceDataset | None = None):
        config.validate()
        device = torch.device(device)
        self.cuda = device.type == "cuda"
        torch.manual_seed(config.seed)  # weight initialisation
        G, D = self.build_models(config)
        if self.cuda:
            G, D = G.to(memory_format=torch.channels_last), D.to(memory_format=torch.channels_last)
        super().__init__(config, G, D, device)
        self.data = dataset or DeviceDataset.mnist("train", self.device, seed=config.seed, channels_last=self.cuda)
        gen = torch.Generator(device=self.device).manual_seed(config.seed + 7)
        self.fixed_noise = torch.randn(config.grid_size, config.z_dim, generator=gen, device=self.device)
        self._grid_cache: tuple[int, np.ndarray] | None = None
        self._grid_made = (-math.inf, -math.inf)  # (training s, wall clock) when the cached grid was drawn
        self._hold_grid = False  # a live tick keeps the cached grid (LIVE_GRID_TRAINED_S)
        self.metrics: dict[str, Any] | None = None
        self.ema = EMA(self.G, config.ema) if config.ema > 0 else None
        if self.ema is not None:
            self.tricks.append(self.ema)
        self._ema_calibrated = (-1, 0)  # (step, batches) of the EMA's latest batch-norm measurement

    @property
    def sampler(self) -> torch.nn.Module:
        """The generator that samples, evaluations and checkpoints come from: G, or its EMA with batch-norm
        statistics measured for it on CALIBRATION_BATCHES fresh batches."""
        return self._calibrated(CALIBRATION_BATCHES)

    @property
    def preview(self) -> torch.nn.Module:
        """The generator the progress grid draws from: the sampler, but an EMA measured at this step on one batch
        is enough for a picture. A live page redraws the grid every tick, and the full measurement (2,048
        samples) took the tiny network 0.34 s on one CPU thread, longer than a tick trains."""
        return self._calibrated(1)

    def _calibrated(self, batches: int) -> torch.nn.Module:
        if self.ema is None:
            return self.G
        if self._ema_calibrated[0] != self.step_count or self._ema_calibrated[1] < batches:
            recalibrate_batchnorm(self.ema.model, self._calibration_forward, batches, seed=self.config.seed + 11)
            self._ema_calibrated = (self.step_count, batches)
        return self.ema.model

    def _calibration_forward(self, gen: torch.Generator) -> None:
        """One fresh batch through the EMA generator, to re-measure its batch norms."""
        self.ema.model(torch.randn(256, self.config.z_dim, generator=gen).to(self.device))

    def networks(self) -> dict[str, torch.nn.Module]:
        """G is the generator samples come from: the EMA when there is one."""
        return {"G": self.sampler, "D": self.D}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """As the loop's; an EMA generator starts from the loaded G."""
        super().load_state_dict(state)
        if self.ema is not None:
            self.ema.restart()
        self._grid_cache = None

    def build_models(self, config) -> tuple[torch.nn.Module, torch.nn.Module]:
        """(G, D) for this trainer; the conditional trainer builds CGAN networks instead."""
        return dcgan.build(config.network, config.z_dim)

    # --- hooks of the GAN loop --------------------------------------------------------------
    def _autocast(self):
        if self.cuda:
            return torch.autocast("cuda", dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def sample_real(self, n: int):
        return self.data.batch(n)[0], None

    def sample_condition(self, n: int) -> None:
        return None  # unconditional: the G update needs no real batch

    def sample_noise(self, n: int) -> torch.Tensor:
        return torch.randn(n, self.config.z_dim, generator=self.torch_gen, device=self.device)

    def generate(self, z: torch.Tensor, cond: Any = None) -> torch.Tensor:
        with self._autocast():
            return self.G(z)

    def discriminate(self, x: torch.Tensor, cond: Any = None) -> torch.Tensor:
        with self._autocast():
            return self.D(x).float()

    def check_samples(self) -> str | None:
        probe = self._generate_eval(self.fixed_noise)
        if not torch.isfinite(probe).all():
            return "samples_not_finite"
        if probe.abs().max() > EXPLODED:
            return "samples_huge"
        return None

    # --- sampling ---------------------------------------------------------------------------
    @torch.no_grad()
    def _generate_eval(self, z: torch.Tensor, G: torch.nn.Module | None = None) -> torch.Tensor:
        G = G or self.G
        was_training = G.training
        G.eval()
        try:
            with self._autocast():
                return G(z).float()
        finally:
            G.train(was_training)

    def sample_images(self, n: int, seed: int = 0, batch: int = 1000) -> np.ndarray:
        """n generated digits as uint8 (n, 28, 28), from noise seeded by `seed`."""
        return generate_images(self.sampler, n, seed, self.config.z_dim, self.device, batch)

    def grid(self) -> np.ndarray:
        """The fixed-noise images as one tiled uint8 grid (cached per step)."""
        if self._grid_cache is None or (self._grid_cache[0] != self.step_count and not self._hold_grid):
            images = to_uint8(self._generate_eval(self.fixed_noise, self.preview))
            self._grid_cache = (self.step_count, tile(images, cols=int(math.ceil(math.sqrt(len(images))))))
            self._grid_made = (self.elapsed, time.monotonic())
        return self._grid_cache[1]

    def train_for(self, seconds: float) -> ImageSnapshot:
        """As the loop's, with the grid of the latest redraw until the run trained LIVE_GRID_TRAINED_S more (or
        LIVE_GRID_EVERY_S went by)."""
        self._run_chunk(None, time.perf_counter() + seconds)
        trained, made = self.elapsed - self._grid_made[0], time.monotonic() - self._grid_made[1]
        self._hold_grid = trained < LIVE_GRID_TRAINED_S and made < LIVE_GRID_EVERY_S
        try:
            return self.snapshot()
        finally:
            self._hold_grid = False

    def evaluate(self, evaluator, n: int = 2000, seed: int = 12345) -> dict[str, Any]:
        """MNIST score, class histogram and Fréchet distance of n samples (see classifier.Evaluator)."""
        return self._record(evaluator.evaluate(self.sample_images(n, seed)))

    def _record(self, measured: dict[str, Any]) -> dict[str, Any]:
        """Stamp an evaluation with the step, epoch and training time, and keep it as the latest and in the history."""
        result = {"step": self.step_count, "epoch": round(self.epoch, 3), "elapsed_s": self.elapsed, **measured}
        self.metrics = result
        self.metrics_history.append(result)
        return result

    # --- what a live page asks, answered in plain data (the trainer may live in a worker: gan_core/workers.py)
    live_constants = ("loss_name", "loss_is_critic", "device_type")  # read once by a page's handle

    def constants(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.live_constants}

    @property
    def loss_name(self) -> str:
        return self.loss.name

    @property
    def loss_is_critic(self) -> bool:
        return self.loss.is_critic

    @property
    def device_type(self) -> str:
        return self.device.type

    def evaluate_live(self, n: int) -> ImageSnapshot:
        """Measure n samples with the shipped classifier of this process; the snapshot that shows it."""
        self.evaluate(shipped_evaluator(), n)
        return self.snapshot()

    def doubt_report(self, n: int, shown: int, seed: int = 0) -> tuple[int, dict[str, Any], list[np.ndarray]]:
        """n samples graded by the shipped classifier (Evaluator.doubt_report): the step, the report, and the
        `shown` digits it doubts most."""
        images = self.sample_images(n, seed=seed)
        report = shipped_evaluator().doubt_report(images, shown)
        return self.step_count, report, [images[w["index"]] for w in report["most_doubted"]]

    def checkpoint_bytes(self) -> bytes:
        """G and D as .safetensors bytes, for a page's download button."""
        return checkpoints.to_bytes({"G": self.G, "D": self.D},
                                    {"network": self.config.network, "steps": str(self.step_count)})

    # --- snapshot ---------------------------------------------------------------------------
    @property
    def epoch_data(self):
        return self.data  # an epoch is a pass over the MNIST training set

    def snapshot(self) -> ImageSnapshot:
        c = self.config
        base = self._base_fields()
        return ImageSnapshot(
            **base,
            grid=self.grid(),
            grid_step=self._grid_cache[0],
            images_per_s=base["steps_per_s"] * c.batch_size * c.d_steps,
            epoch=self.epoch,
            steps_per_epoch=self.data.steps_per_epoch(c.batch_size),
            batch_size=c.batch_size,
            metrics=self.metrics,
            metrics_history=list(self.metrics_history),
        )


def evaluation_due(snap: ImageSnapshot, every_s: float) -> bool:
    """Whether a live view showing `snap` should measure its generator now: the run has trained, and it was never
    measured, or `every_s` seconds of training went by since the latest measurement, or that one is from a later
    step than `snap` (the run restarted)."""
    m = snap.metrics
    return snap.step > 0 and (m is None or snap.elapsed_s - m["elapsed_s"] >= every_s or m["step"] > snap.step)
