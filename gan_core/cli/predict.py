"""`predict NAME --images IN.npz --out OUT.npz`: what a shipped reader reads in a batch of digits.

Every family with a `reader` (the network in its loaded checkpoint that classifies images) can
predict: the MNIST classifier, the typeset reader, the domain judge (0 handwritten, 1 typeset) and
the SGAN's discriminator. The input is uint8 `images` (N x 28 x 28, white on black, as MNIST);
the output holds the predicted `labels` and the class `probabilities`.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import torch

from gan_core.eval.readers import logits_of


def read_images(path: str | Path) -> np.ndarray:
    """The uint8 (N, 28, 28) `images` array of an .npz file; a clear ValueError for anything else."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"--images {path} does not exist")
    with open(path, "rb") as f:
        head = f.read(4)
    if head != b"PK\x03\x04":  # an .npz is a zip archive of .npy arrays
        raise ValueError(f"--images {path} is not an .npz file (np.savez(path, images=...) makes one)")
    try:
        with np.load(path, allow_pickle=False) as data:
            if "images" not in data.files:
                raise ValueError(f"--images {path} holds {sorted(data.files)}, not an array named `images`")
            images = data["images"]
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ValueError(f"--images {path} is not a readable .npz file ({exc})") from None
    except ValueError as exc:
        if "allow_pickle" in str(exc):
            raise ValueError(f"--images {path} holds pickled objects, which are never loaded") from None
        raise
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28) or len(images) == 0:
        raise ValueError(f"--images must be uint8 N x 28 x 28 (white digits on black, as MNIST); {path} holds "
                         f"{images.dtype} {images.shape}")
    return images


def predict(args) -> int:
    from gan_core.cli import _checkpoint

    path, card, family = _checkpoint(args.name)
    if family.reader is None:
        raise ValueError(f"{args.name} is a {family.name}: it draws digits, it does not read them")
    out = Path(args.out)
    if out.suffix != ".npz":
        raise ValueError(f"--out must end in .npz, got {out}")
    images = read_images(args.images)
    probs = torch.softmax(logits_of(family.load(path)[family.reader], images), 1).numpy()
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, labels=probs.argmax(1).astype(np.uint8), probabilities=probs.astype(np.float32))
    print(f"wrote {len(images)} predictions of {args.name} to {out}")
    return 0
