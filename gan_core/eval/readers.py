"""The evaluation classifier: a small CNN that judges generated digits.

`MNISTClassifier.forward(x)` returns logits; `features(x)` returns the 128-d penultimate
activations used by the Fréchet distance. Inputs are images in [-1, 1], shape (n, 1, 28, 28).

`ClassifierTrainer` trains it with Adam on the device-resident training set (random shifts of up
to 2 pixels as augmentation) and has the trainer interface the CLI drives: `step(n)`,
`train_for(seconds)`, a snapshot of plain numbers.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from gan_core.core.config import option
from gan_core.data.mnist import DeviceDataset, load_mnist, to_float
from gan_core.io.paths import PRETRAINED

FEATURES = 128


class MNISTClassifier(nn.Module):
    def __init__(self, width: int = 32, classes: int = 10):
        super().__init__()
        w = width
        self.body = nn.Sequential(
            nn.Conv2d(1, w, 3, padding=1), nn.BatchNorm2d(w), nn.ReLU(), nn.MaxPool2d(2),  # 14x14
            nn.Conv2d(w, 2 * w, 3, padding=1), nn.BatchNorm2d(2 * w), nn.ReLU(), nn.MaxPool2d(2),  # 7x7
            nn.Conv2d(2 * w, 2 * w, 3, padding=1), nn.BatchNorm2d(2 * w), nn.ReLU(),
            nn.Flatten(), nn.Linear(2 * w * 49, FEATURES), nn.BatchNorm1d(FEATURES), nn.ReLU(),
        )
        self.dropout = nn.Dropout(0.3)
        self.head = nn.Linear(FEATURES, classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Penultimate activations (n, 128)."""
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.features(x)))


@torch.no_grad()
def classify(model: nn.Module, images, batch: int = 1000, device=None) -> tuple[np.ndarray, np.ndarray]:
    """(softmax probabilities (n, classes), penultimate features (n, 128)) for images.

    `images` are uint8 (n, 28, 28) like MNIST, or a float tensor in [-1, 1].
    """
    model.eval()
    device = device or next(model.parameters()).device
    probs, feats = [], []
    n = len(images)
    for i in range(0, n, batch):
        chunk = images[i:i + batch]
        x = to_float(chunk) if (isinstance(chunk, np.ndarray) or chunk.dtype == torch.uint8) else chunk.float()
        if x.dim() == 3:
            x = x.unsqueeze(1)
        f = model.features(x.to(device))
        probs.append(torch.softmax(model.head(f).float(), 1).cpu().numpy())
        feats.append(f.float().cpu().numpy())
    return np.concatenate(probs).astype(np.float64), np.concatenate(feats).astype(np.float64)


@torch.no_grad()
def logits_of(model: torch.nn.Module, images, batch: int = 2000) -> torch.Tensor:
    """Any digit reader's logits, in eval mode (no dropout or noise) and in batches, for uint8 images (n, 28, 28)
    or floats in [-1, 1]; the model's train/eval mode is left as it was."""
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    try:
        out = []
        for i in range(0, len(images), batch):
            chunk = images[i:i + batch]
            x = to_float(chunk) if isinstance(chunk, np.ndarray) or chunk.dtype == torch.uint8 else chunk.float()
            out.append(model(x.to(device)).float().cpu())
        return torch.cat(out) if out else torch.zeros(0, 10)
    finally:
        model.train(was_training)


def accuracy(model: nn.Module, images: np.ndarray, labels: np.ndarray) -> float:
    probs, _ = classify(model, images)
    return float((probs.argmax(1) == np.asarray(labels)).mean())


@dataclass(kw_only=True)
class ClassifierConfig:
    lr: float = option(2e-3, "Adam's learning rate (cosine schedule)")
    batch_size: int = option(128, "images per batch")
    width: int = option(32, "channels of the first convolution")
    shift: int = option(2, "random translation augmentation, in pixels")
    noise: float = option(
        0.0, "augmentation: Gaussian pixel noise of a random std in [0, noise] per image ([-1, 1] units)")
    epochs: float = option(3.0, "passes over the training set (the cosine schedule's length)")
    seed: int = option(0, "seeds the weights and the data order")


@dataclass(kw_only=True)
class ClassifierSnapshot:
    step: int
    status: str
    elapsed_s: float
    steps_per_s: float
    loss: float
    train_acc: float
    epoch: float
    history: dict = field(default_factory=dict)


def random_shift(x: torch.Tensor, shift: int, gen: torch.Generator) -> torch.Tensor:
    """Translate each image by up to `shift` pixels (pad with the background, -1, then crop)."""
    if shift <= 0:
        return x
    n = x.shape[0]
    padded = F.pad(x, (shift,) * 4, value=-1.0)
    dx = torch.randint(0, 2 * shift + 1, (n,), generator=gen, device=x.device)
    dy = torch.randint(0, 2 * shift + 1, (n,), generator=gen, device=x.device)
    ar = torch.arange(28, device=x.device)
    rows = (dy[:, None] + ar[None, :])[:, :, None].expand(n, 28, 28)
    cols = (dx[:, None] + ar[None, :])[:, None, :].expand(n, 28, 28)
    idx = (rows * (28 + 2 * shift) + cols).reshape(n, 1, -1)
    return padded.reshape(n, 1, -1).gather(2, idx).reshape(n, 1, 28, 28)


class ClassifierTrainer:
    """Trains the CNN on MNIST by default, or on any labelled digit set (`images`, `labels`).
    It has the GAN trainers' interface (train_steps, snapshot, state_dict), so one command line drives both."""

    kind = "mnist_classifier"
    architecture_fields = ("width",)
    chunk = 50  # iterations between history points

    def __init__(self, config: ClassifierConfig, device: torch.device | str = "cpu",
                 images: np.ndarray | None = None, labels: np.ndarray | None = None, model: nn.Module | None = None):
        self.config = config
        self.device = torch.device(device)
        torch.manual_seed(config.seed)
        self.model = (model or MNISTClassifier(config.width)).to(self.device)
        self.data = (DeviceDataset.mnist("train", self.device, seed=config.seed) if images is None
                     else DeviceDataset(images, labels, self.device, seed=config.seed))
        self.opt = torch.optim.Adam(self.model.parameters(), lr=config.lr)
        self.total_steps = max(1, int(config.epochs * self.data.steps_per_epoch(config.batch_size)))  # the schedule's
        self.gen = torch.Generator(device=self.device).manual_seed(config.seed + 1)
        self.step_count, self.elapsed, self._rate = 0, 0.0, 0.0
        self._loss, self._acc = math.nan, math.nan
        self.history: dict[str, list[float]] = {"step": [], "loss": []}
        self.status, self.divergence = "ready", None
        self.resumed_from: dict | None = None
        self.metrics_history: list[dict] = []

    def steps_for(self, epochs: float) -> int:
        return max(1, int(epochs * self.data.steps_per_epoch(self.config.batch_size)))

    @property
    def epoch(self) -> float:
        return self.data.epoch_progress

    def networks(self) -> dict[str, nn.Module]:
        return {"model": self.model}

    def state_dict(self) -> dict:
        return {"networks": {"model": self.model.state_dict()}, "step": self.step_count, "elapsed_s": self.elapsed,
                "resumed_from": self.resumed_from}

    def load_state_dict(self, state: dict) -> None:
        self.model.load_state_dict(state["networks"]["model"])
        self.step_count = int(state.get("step", 0))
        self.elapsed = float(state.get("elapsed_s", 0.0))
        self.resumed_from = state.get("resumed_from")

    def train_steps(self, n: int) -> bool:
        self._run(int(n), None)
        return True

    def _lr(self) -> float:
        t = min(self.step_count / self.total_steps, 1.0)
        return self.config.lr * 0.5 * (1 + math.cos(math.pi * t))

    def _iteration(self) -> torch.Tensor:
        self.model.train()
        x, y = self.data.batch(self.config.batch_size)
        x = random_shift(x, self.config.shift, self.gen)
        if self.config.noise > 0:  # some images clean, some very noisy: the judgement must not hinge on either
            std = self.config.noise * torch.rand((len(x), 1, 1, 1), generator=self.gen, device=x.device)
            x = x + std * torch.randn(x.shape, generator=self.gen, device=x.device)
        for g in self.opt.param_groups:
            g["lr"] = self._lr()
        logits = self.model(x)
        loss = F.cross_entropy(logits, y)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        self.step_count += 1
        return torch.stack([loss.detach(), (logits.argmax(1) == y).float().mean()])

    def _run(self, n, deadline) -> None:
        start, out = time.perf_counter(), []
        while (n is None or len(out) < n) and (deadline is None or time.perf_counter() < deadline or not out):
            out.append(self._iteration())
        dt = time.perf_counter() - start
        self.elapsed += dt
        self._rate = len(out) / dt if dt > 0 else 0.0
        self._loss, self._acc = torch.stack(out).mean(0).tolist()
        self.history["step"].append(self.step_count)
        self.history["loss"].append(self._loss)

    def step(self, n: int = 1) -> ClassifierSnapshot:
        self._run(int(n), None)
        return self.snapshot()

    def train_for(self, seconds: float) -> ClassifierSnapshot:
        self._run(None, time.perf_counter() + seconds)
        return self.snapshot()

    def snapshot(self) -> ClassifierSnapshot:
        return ClassifierSnapshot(step=self.step_count, status="training", elapsed_s=self.elapsed,
                                  steps_per_s=self._rate, loss=self._loss, train_acc=self._acc,
                                  epoch=self.data.epoch_progress, history={k: list(v) for k, v in self.history.items()})

    def test_accuracy(self) -> float:
        images, labels = load_mnist("test")
        return accuracy(self.model, images, labels)


# --- the shipped classifier as a judge of generated digits ---------------------------------------
CLASSIFIER_NAME = PRETRAINED / "mnist_classifier"


# The typeset-digit reader judges the CycleGAN's handwritten -> typeset translations: the MNIST
# classifier reads clean typeset digits poorly, so domain B gets a reader of its own.
TYPESET_READER_NAME = PRETRAINED / "typeset_reader"


TYPESET_TRAIN_SEED, TYPESET_HELDOUT_SEED = 0, 12_345  # the reader never sees the held-out renders


def load_reader(name=CLASSIFIER_NAME, device: torch.device | str = "cpu") -> MNISTClassifier:
    """A shipped digit reader (the MNIST classifier or the typeset reader), in eval mode."""
    from gan_core.io import checkpoints

    card = checkpoints.read_card(name)
    model = MNISTClassifier(card.get("config", {}).get("width", 32))
    checkpoints.load_into(name, {"model": model})
    return model.to(device).eval()


class FeatureStats(nn.Module):
    """Mean and covariance of penultimate features of a real image set, stored in the checkpoint
    so that evaluation does not have to run 60,000 real images through the classifier again."""

    def __init__(self, dim: int = FEATURES):
        super().__init__()
        self.register_buffer("mean", torch.zeros(dim, dtype=torch.float64))
        self.register_buffer("cov", torch.zeros(dim, dim, dtype=torch.float64))

    @classmethod
    def of(cls, features: np.ndarray) -> "FeatureStats":
        from gan_core.eval.metrics import feature_stats

        s = cls(features.shape[1])
        mu, cov = feature_stats(features)
        s.mean.copy_(torch.from_numpy(mu))
        s.cov.copy_(torch.from_numpy(cov))
        return s

    def pair(self) -> tuple[np.ndarray, np.ndarray]:
        return self.mean.numpy(), self.cov.numpy()


def classifier_modules(width: int = 32) -> dict[str, nn.Module]:
    return {"model": MNISTClassifier(width), "train_stats": FeatureStats(), "test_stats": FeatureStats()}
