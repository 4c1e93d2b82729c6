"""Tile uint8 images into one grid array with numpy (for the app, the CLI's .png and tests)."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np


def tile(images, cols: int | None = None, pad: int = 2, pad_value: int = 0) -> np.ndarray:
    """(n, h, w) uint8 -> one (rows*(h+pad)+pad, cols*(w+pad)+pad) uint8 grid, row by row."""
    x = np.asarray(images)
    if x.ndim == 4:  # (n, 1, h, w)
        x = x[:, 0]
    if x.ndim != 3:
        raise ValueError(f"expected images shaped (n, h, w), got {x.shape}")
    n, h, w = x.shape
    cols = cols or max(1, math.ceil(math.sqrt(n)))
    rows = max(1, math.ceil(n / cols))
    grid = np.full((rows * (h + pad) + pad, cols * (w + pad) + pad), pad_value, dtype=np.uint8)
    for i in range(n):
        r, c = divmod(i, cols)
        grid[pad + r * (h + pad): pad + r * (h + pad) + h, pad + c * (w + pad): pad + c * (w + pad) + w] = x[i]
    return grid


def save_png(grid: np.ndarray, path: str | Path, scale: int = 1) -> Path:
    """Write a uint8 grey grid as a PNG (optionally enlarged by `scale` with nearest neighbour)."""
    from PIL import Image

    g = np.asarray(grid, dtype=np.uint8)
    if scale > 1:
        g = g.repeat(scale, 0).repeat(scale, 1)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(g, mode="L").save(path)
    return path


def save_samples(arrays: dict[str, np.ndarray], out: str | Path) -> Path:
    """Write samples as .npz (every array) or as a .png grid of `images` (under their `inputs`, if any)."""
    out = Path(out)
    if out.suffix not in (".png", ".npz"):
        raise ValueError(f"--out must end in .png (a tiled grid) or .npz (images uint8 N x 28 x 28), got {out}")
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".npz":
        np.savez_compressed(out, **arrays)
    elif "inputs" in arrays:  # a translator: inputs above their translations, 16 a row at most
        save_png(tile(np.concatenate([arrays["inputs"], arrays["images"]]), cols=min(len(arrays["images"]), 16)), out)
    else:
        save_png(tile(arrays["images"]), out)
    return out
