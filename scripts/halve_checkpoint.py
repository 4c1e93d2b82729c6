"""Copy a checkpoint with its float tensors in float16, for committing a run in progress to training/.

A full-width DCGAN checkpoint is 53 MB in float32; half of that is kinder to the repository, and the lost
precision (about 1e-3 relative) is far below what one training step changes. The CLI's resume reads it back
into float32 networks. Usage: python scripts/halve_checkpoint.py runs/dcgan_full training/dcgan_full
"""
from __future__ import annotations

import sys

import torch

from gan_core.io import checkpoints


def halve(src: str, dst: str) -> None:
    checkpoints.write(dst, checkpoints.read_tensors(src), checkpoints.read_card(src), dtype=torch.float16)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    halve(sys.argv[1], sys.argv[2])
