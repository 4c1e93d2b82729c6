"""DCGAN on MNIST, trained by the same GAN loop as the 1-D lessons (training.GANTrainer).

This module only fills in the loop's hooks — where real batches come from (the device-resident
MNIST set), what noise looks like (z ~ N(0, I), 100-d), how G and D run (bf16 autocast and
channels_last on CUDA, float32 elsewhere) — and what a Snapshot shows: the fixed-noise grid,
D(x), D(G(z)) before and after the D update, images/s, the epoch, and the latest metrics.
"""
from __future__ import annotations

import contextlib
import copy
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from . import dcgan
from .models import recalibrate_batchnorm
from .data.mnist import DeviceDataset, to_uint8
from .images import tile
from .training import EXPLODED, GANTrainer, Snapshot, TrainConfig


@dataclass(kw_only=True)
class DCGANConfig(TrainConfig):
    """The seeds' DCGAN settings: Adam lr 2e-4, beta1 0.5, batch 128, BCE (non-saturating G)."""

    preset: str = "tiny"  # book | small | tiny
    z_dim: int = dcgan.Z_DIM
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    beta1: float = 0.5
    batch_size: int = 128
    grid_size: int = 64  # fixed-noise images in the progress grid (8 x 8)
    ema: float = 0.0  # >0: also keep an exponential moving average of G's weights (e.g. 0.999) and sample from it

    def validate(self) -> None:
        super().validate()
        if self.preset not in dcgan.PRESETS:
            raise ValueError(f"unknown DCGAN preset {self.preset!r}; choose one of {sorted(dcgan.PRESETS)}")
        if self.z_dim < 1 or self.grid_size < 1:
            raise ValueError("z size and grid size must be at least 1")
        if not 0.0 <= self.ema < 1.0:
            raise ValueError("the EMA decay must lie in [0, 1)")


# The DCGAN page's defaults on a CPU: the tiny preset with batch 32 at lr 1e-3 draws digits sooner per
# second of CPU than the seeds' batch 128 at 2e-4. Measured on one core of a 2-core EPYC (MNIST score of
# 500 samples after 60 s of CPU): 2.9 with the seeds' settings, 5.0-5.4 with these (about 1,000 steps).
CPU_QUICK_START = {"batch_size": 32, "lr": 1e-3}


@dataclass(kw_only=True)
class ImageSnapshot(Snapshot):
    grid: np.ndarray  # uint8 tiled grid of G(fixed noise): white digits on black
    images_per_s: float  # real training images consumed per second
    epoch: float  # epochs completed (fractional)
    steps_per_epoch: int
    batch_size: int
    metrics: dict[str, Any] | None = None  # latest evaluate() result, with its step
    metrics_history: list[dict[str, Any]] = field(default_factory=list)


class ImageGANTrainer(GANTrainer):
    """A DCGAN on 28x28 MNIST digits."""

    kind = "dcgan"  # the model card's kind

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
        self.metrics: dict[str, Any] | None = None
        self.metrics_history: list[dict[str, Any]] = []
        self.epochs_before = 0.0  # epochs of the run this one resumed (the data stream restarts at 0)
        ema = getattr(config, "ema", 0.0)  # subclasses' configs may not have the option
        self.G_ema = copy.deepcopy(self.G).eval().requires_grad_(False) if ema > 0 else None
        self._ema_calibrated = -1

    # --- the loop, extended (not copied): an EMA of G's weights after every iteration ----------
    def _iteration(self) -> torch.Tensor:
        out = super()._iteration()
        if self.G_ema is not None:
            with torch.no_grad():
                for p_ema, p in zip(self.G_ema.parameters(), self.G.parameters()):
                    p_ema.lerp_(p, 1.0 - self.config.ema)  # only set when config.ema > 0
        return out

    @property
    def sampler(self) -> torch.nn.Module:
        """The generator to sample from: G, or its EMA with batch-norm statistics measured for it."""
        if self.G_ema is None:
            return self.G
        if self._ema_calibrated != self.step_count:
            recalibrate_batchnorm(self.G_ema, self._calibration_forward, seed=self.config.seed + 11)
            self._ema_calibrated = self.step_count
        return self.G_ema

    def _calibration_forward(self, gen: torch.Generator) -> None:
        """One fresh batch through the EMA generator, to re-measure its batch norms."""
        self.G_ema(torch.randn(256, self.config.z_dim, generator=gen).to(self.device))

    def build_models(self, config) -> tuple[torch.nn.Module, torch.nn.Module]:
        """(G, D) for this trainer; the conditional trainer builds CGAN networks instead."""
        return dcgan.build(config.preset, config.z_dim)

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
            return "the generator's images became NaN or infinite"
        if probe.abs().max() > EXPLODED:
            return "the generator's images exploded"
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
        if self._grid_cache is None or self._grid_cache[0] != self.step_count:
            images = to_uint8(self._generate_eval(self.fixed_noise, self.sampler))
            self._grid_cache = (self.step_count, tile(images, cols=int(math.ceil(math.sqrt(len(images))))))
        return self._grid_cache[1]

    def evaluate(self, evaluator, n: int = 2000, seed: int = 12345) -> dict[str, Any]:
        """MNIST score, class histogram and Fréchet distance of n samples (see classifier.Evaluator)."""
        return self._record(evaluator.evaluate(self.sample_images(n, seed)))

    def _record(self, measured: dict[str, Any]) -> dict[str, Any]:
        """Stamp an evaluation with the step, epoch and training time, and keep it as the latest and in the history."""
        result = {"step": self.step_count, "epoch": round(self.epoch, 3), "elapsed_s": self.elapsed, **measured}
        self.metrics = result
        self.metrics_history.append(result)
        return result

    # --- snapshot ---------------------------------------------------------------------------
    @property
    def epoch(self) -> float:
        """Epochs trained, counting those before a resume."""
        return self.epochs_before + self.data.epoch_progress

    def snapshot(self) -> ImageSnapshot:
        c = self.config
        base = self._base_fields()
        return ImageSnapshot(
            **base,
            grid=self.grid(),
            images_per_s=base["steps_per_s"] * c.batch_size * c.d_steps,
            epoch=self.epoch,
            steps_per_epoch=self.data.steps_per_epoch(c.batch_size),
            batch_size=c.batch_size,
            metrics=self.metrics,
            metrics_history=list(self.metrics_history),
        )


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
            ctx = torch.autocast("cuda", dtype=torch.bfloat16) if torch.device(device).type == "cuda" else contextlib.nullcontext()
            with ctx:
                out.append(to_uint8(G(zi).float()))
    finally:
        G.train(was_training)
    return np.concatenate(out) if out else np.zeros((0, 28, 28), np.uint8)


def load_pretrained(trainer: ImageGANTrainer, name) -> dict[str, Any]:
    """Load a DCGAN or CGAN checkpoint's G and D into `trainer` (same kind and preset) to continue from
    it; returns the card. An EMA generator starts from the loaded G.

    The step counter continues from the card's steps; optimiser moments start afresh.
    """
    from . import checkpoints

    card = checkpoints.read_card(name)
    if card.get("kind") != trainer.kind:
        raise checkpoints.CheckpointError(f"{name} is a {card.get('kind')!r} checkpoint, not a {trainer.kind!r} one")
    if card.get("preset") != trainer.config.preset or card.get("z_dim", dcgan.Z_DIM) != trainer.config.z_dim:
        raise checkpoints.CheckpointError(f"{name} holds preset {card.get('preset')!r}; build the trainer with that preset")
    checkpoints.load_into(name, {"G": trainer.G, "D": trainer.D})
    if trainer.G_ema is not None:
        trainer.G_ema.load_state_dict(trainer.G.state_dict())
    trainer.step_count = int(card.get("steps", 0))
    trainer._good = trainer._capture()
    trainer._grid_cache = None
    trainer.pretrained_card = card
    return card


# ---------------------------------------------------------------------------------------
# Conditional GAN on MNIST: the same loop, with the digit label as the condition y
# ---------------------------------------------------------------------------------------
@dataclass(kw_only=True)
class CGANConfig(TrainConfig):
    """A conditional DCGAN: Adam lr 2e-4, beta1 0.5, BCE; labels y drawn uniformly for G's batches."""

    preset: str = "compact"  # see cgan.PRESETS
    conditioning: str = "modulate"  # modulate (embedding scales z's features) | concat (one-hot maps) | embed (z * e(y))
    projection: bool = True  # D adds a projection term <embed(y), features(x)>
    minibatch_std: bool = True  # D sees the batch's feature spread (against within-digit collapse)
    z_dim: int = 100
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    beta1: float = 0.5
    batch_size: int = 64
    grid_size: int = 100  # the fixed grid: 10 noise vectors (rows) x 10 digits (columns)
    ema: float = 0.0  # >0: also keep an exponential moving average of G's weights and sample from it

    def validate(self) -> None:
        from . import cgan

        super().validate()
        if self.preset not in cgan.PRESETS:
            raise ValueError(f"unknown CGAN preset {self.preset!r}; choose one of {sorted(cgan.PRESETS)}")
        if self.conditioning not in cgan.CONDITIONING:
            raise ValueError(f"unknown conditioning {self.conditioning!r}; choose one of {cgan.CONDITIONING}")
        if self.z_dim < 1 or self.grid_size < 10:
            raise ValueError("z size must be at least 1 and the grid at least 10 images")
        if self.pack != 1:
            raise ValueError("packing is only supported for unconditional GANs")
        if not 0.0 <= self.ema < 1.0:
            raise ValueError("the EMA decay must lie in [0, 1)")


class ConditionalImageGANTrainer(ImageGANTrainer):
    """A CGAN on MNIST: the loop's hooks pass the digit label as the condition.

    sample_real returns (images, their labels); sample_condition draws uniform labels for G's
    update; generate(z, y) and discriminate(x, y) give both players the label. The snapshot grid is
    the style-vs-content table: row i is one fixed noise vector, column j asks for digit j.
    """

    kind = "cgan"

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
        from . import cgan

        return cgan.build(config.preset, config.conditioning, config.z_dim, config.projection, config.minibatch_std)

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
        self.G_ema(torch.randn(256, self.config.z_dim, generator=gen).to(self.device), labels)

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
            images = to_uint8(self._generate_eval(self.fixed_noise, self.fixed_labels, self.sampler))
            self._grid_cache = (self.step_count, tile(images, cols=10))
        return self._grid_cache[1]

    def sample_images(self, n: int, seed: int = 0, batch: int = 1000, labels=None) -> np.ndarray:
        """n digits as uint8 (n, 28, 28); labels default to n/10 of each digit (in order)."""
        from .cgan import balanced_labels

        labels = balanced_labels(n) if labels is None else torch.as_tensor(labels, dtype=torch.long)
        return generate_conditional(self.sampler, labels, seed, self.config.z_dim, self.device, batch)

    def evaluate(self, evaluator, n: int = 2000, seed: int = 12345) -> dict[str, Any]:
        """The DCGAN metrics plus the classifier's agreement with the requested digits."""
        from .cgan import balanced_labels

        labels = balanced_labels(n).numpy()
        return self._record(evaluate_conditional(evaluator, self.sample_images(n, seed, labels=labels), labels))


@torch.no_grad()
def generate_conditional(G: torch.nn.Module, labels, seed: int = 0, z_dim: int = 100,
                         device: torch.device | str = "cpu", batch: int = 1000, z: torch.Tensor | None = None) -> np.ndarray:
    """Digits of the requested labels from a conditional G (eval mode) as uint8 (n, 28, 28).

    The noise is seeded on the CPU (or given as z), so a seed gives the same digits on every device."""
    labels = torch.as_tensor(np.asarray(labels), dtype=torch.long).reshape(-1)
    n = len(labels)
    if z is None:
        z = torch.randn(n, z_dim, generator=torch.Generator().manual_seed(int(seed)))
    was_training = G.training
    G.eval()
    out = []
    try:
        for i in range(0, n, batch):
            ctx = (torch.autocast("cuda", dtype=torch.bfloat16) if torch.device(device).type == "cuda"
                   else contextlib.nullcontext())
            with ctx:
                out.append(to_uint8(G(z[i:i + batch].to(device), labels[i:i + batch].to(device)).float()))
    finally:
        G.train(was_training)
    return np.concatenate(out) if out else np.zeros((0, 28, 28), np.uint8)


def evaluate_conditional(evaluator, images: np.ndarray, labels) -> dict[str, Any]:
    """Evaluator metrics (MNIST score, histogram, Fréchet) + agreement of the classifier with `labels`."""
    from .classifier import classify
    from .metrics import label_agreement

    probs, _ = classify(evaluator.model, images)
    return {**evaluator.evaluate(images), **label_agreement(probs, labels)}
