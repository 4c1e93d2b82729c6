"""MNIST from the canonical gzip-compressed IDX files in data/mnist/, read with numpy.

IDX layout: big-endian int32 magic (2051 for images, 2049 for labels), int32 counts and
dimensions, then raw uint8. Every problem (missing file, bad gzip, wrong magic, wrong size)
raises MNISTError naming the file, so a student knows which download to repair.

`DeviceDataset` keeps the whole training set on the training device (60,000 x 28 x 28 float32
is 188 MB, uint8 47 MB; we keep uint8 and convert each batch) and draws batches from a random
permutation of indices per epoch: no DataLoader and no per-sample transforms.
"""
from __future__ import annotations

import gzip
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from gan_core.io.paths import DATA

DATA_DIR = DATA / "mnist"
FILES = {
    ("train", "images"): "train-images-idx3-ubyte.gz",
    ("train", "labels"): "train-labels-idx1-ubyte.gz",
    ("test", "images"): "t10k-images-idx3-ubyte.gz",
    ("test", "labels"): "t10k-labels-idx1-ubyte.gz",
}
SIZES = {"train": 60_000, "test": 10_000}
MAGIC = {"images": 2051, "labels": 2049}


class MNISTError(RuntimeError):
    """A missing or corrupt MNIST file (the message names it)."""


def read_idx(path: str | Path, kind: str | None = None, count: int | None = None) -> np.ndarray:
    """Read one gzip IDX file into a uint8 array: (n, rows, cols) for images, (n,) for labels.

    kind ('images' or 'labels') checks the magic number; count checks the number of items.
    """
    path = Path(path)
    if not path.is_file():
        raise MNISTError(f"MNIST file {path} is missing; restore it from data/mnist/README.md")
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError, zlib.error) as exc:
        raise MNISTError(f"MNIST file {path} is corrupt (not a complete gzip file: {exc})") from None
    if len(raw) < 8:
        raise MNISTError(f"MNIST file {path} is corrupt: only {len(raw)} bytes after decompression")
    magic = int.from_bytes(raw[:4], "big")
    if magic not in (2049, 2051):
        raise MNISTError(f"MNIST file {path} is corrupt: magic number {magic}, expected 2051 (images) or 2049 (labels)")
    if kind is not None and magic != MAGIC[kind]:
        raise MNISTError(f"MNIST file {path} has magic number {magic}, expected {MAGIC[kind]} for {kind}")
    ndim = 3 if magic == 2051 else 1
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise MNISTError(f"MNIST file {path} is corrupt: header truncated")
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    if ndim == 3 and dims[1:] != [28, 28]:
        raise MNISTError(f"MNIST file {path} is corrupt: images are {dims[1]}x{dims[2]}, expected 28x28")
    if count is not None and dims[0] != count:
        raise MNISTError(f"MNIST file {path} is corrupt: it holds {dims[0]} items, expected {count}")
    expected = header + int(np.prod(dims))
    if len(raw) != expected:
        raise MNISTError(f"MNIST file {path} is corrupt: {len(raw)} bytes after decompression, expected {expected} "
                         f"(truncated or padded)")
    data = np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)
    if magic == 2049 and data.size and data.max() > 9:
        raise MNISTError(f"MNIST file {path} is corrupt: label {int(data.max())} outside 0..9")
    return data.copy()


def load_mnist(split: str = "train", data_dir: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 (n, 28, 28), labels uint8 (n,)) of the 'train' or 'test' split."""
    if split not in SIZES:
        raise ValueError(f"unknown MNIST split {split!r}; choose 'train' or 'test'")
    if data_dir is None:
        return _load_cached(split)
    return _load(split, Path(data_dir))


@lru_cache(maxsize=2)
def _load_cached(split: str) -> tuple[np.ndarray, np.ndarray]:
    images, labels = _load(split, DATA_DIR)
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def _load(split: str, data_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    n = SIZES[split]
    images = read_idx(data_dir / FILES[(split, "images")], "images", n)
    labels = read_idx(data_dir / FILES[(split, "labels")], "labels", n)
    return images, labels


def to_float(images) -> torch.Tensor:
    """uint8 images (n, 28, 28) -> float32 (n, 1, 28, 28) in [-1, 1]."""
    x = images if isinstance(images, torch.Tensor) else torch.from_numpy(np.array(images, dtype=np.uint8))
    x = x.float().div_(127.5).sub_(1.0)
    return x.unsqueeze(1) if x.dim() == 3 else x


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """Images in [-1, 1], (n, 1, 28, 28) or (n, 28, 28) -> uint8 numpy (n, 28, 28), white digit on black."""
    x = images.detach().float()
    if x.dim() == 4:
        x = x[:, 0]
    return ((x.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).cpu().numpy()


@lru_cache(maxsize=4)
def shared_mnist(split: str, device: str) -> tuple[torch.Tensor, torch.Tensor]:
    """An MNIST split's images (uint8) and labels on `device`, one copy per process: every trainer of a worker
    reads the same tensors (a class of 30 DCGANs would otherwise hold 30 copies of 47 MB). Never written to."""
    images, labels = load_mnist(split)
    return (torch.from_numpy(np.array(images, dtype=np.uint8)).to(device),
            torch.from_numpy(np.array(labels, dtype=np.int64)).to(device))


def _on(device: torch.device, values, dtype: torch.dtype) -> torch.Tensor:
    if not isinstance(values, torch.Tensor):
        values = torch.from_numpy(np.array(values))  # a copy: the caller's array may be read-only
    return values.to(device, dtype)  # the same tensor when it is already there as `dtype`


class DeviceDataset:
    """A whole image set on one device; `batch(n)` walks a fresh random permutation each epoch. With `rows`, the
    set is those rows of `images` (a subset that shares the images instead of copying them)."""

    def __init__(self, images, labels=None, device: torch.device | str = "cpu", seed: int = 0,
                 channels_last: bool = False, rows=None):
        self.device = torch.device(device)
        self.images = _on(self.device, images, torch.uint8)
        self.labels = None if labels is None else _on(self.device, labels, torch.int64)
        self.rows = None if rows is None else torch.as_tensor(np.asarray(rows), dtype=torch.int64).to(self.device)
        self.n = len(self.images) if self.rows is None else len(self.rows)
        self.channels_last = channels_last
        self.gen = torch.Generator(device=self.device).manual_seed(seed)
        self.epoch = 0
        self._perm = torch.randperm(self.n, generator=self.gen, device=self.device)
        self._pos = 0

    @classmethod
    def mnist(cls, split: str = "train", device: torch.device | str = "cpu", seed: int = 0, labelled: bool = True,
              **kw) -> "DeviceDataset":
        images, labels = shared_mnist(split, str(torch.device(device)))
        return cls(images, labels if labelled else None, device, seed, **kw)

    def _rows_at(self, positions: torch.Tensor) -> torch.Tensor:
        """Rows of `images` (and `labels`) at these positions of the set."""
        return positions if self.rows is None else self.rows[positions]

    def images_at(self, positions: torch.Tensor) -> torch.Tensor:
        """The uint8 images at these positions of the set."""
        return self.images[self._rows_at(positions)]

    @property
    def epoch_progress(self) -> float:
        """Epochs completed, fractional."""
        return self.epoch + self._pos / self.n

    def _indices(self, n: int) -> torch.Tensor:
        if n > self.n:
            raise ValueError(f"batch of {n} is larger than the dataset ({self.n})")
        if self._pos + n > self.n:  # drop the ragged tail: a new epoch, a new permutation
            self.epoch += 1
            self._perm = torch.randperm(self.n, generator=self.gen, device=self.device)
            self._pos = 0
        idx = self._perm[self._pos:self._pos + n]
        self._pos += n
        return idx

    def batch(self, n: int) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(images float (n, 1, 28, 28) in [-1, 1], labels or None)."""
        idx = self._rows_at(self._indices(n))
        x = to_float(self.images[idx])
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        return x, (None if self.labels is None else self.labels[idx])

    def steps_per_epoch(self, batch_size: int) -> int:
        return self.n // batch_size
