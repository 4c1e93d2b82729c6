"""Which training digits keep their labels: N per class, chosen by a seed, and a held-out validation slice.

The MNIST training set is split three ways:
- the validation slice: the last `val_size` training images, with labels, used only to pick the best
  checkpoint (never trained on; the test set stays for the card's number);
- the labelled subset: `per_class` images of each digit, drawn from the rest by `numpy.random.default_rng(seed)`;
- the unlabelled set: every training image outside the validation slice (the labelled ones included),
  used without labels.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gan_core.data.mnist import load_mnist


@dataclass(frozen=True)
class Split:
    labelled: np.ndarray  # indices into the MNIST training set, per_class of each digit, digit by digit
    unlabelled: np.ndarray  # every index outside the validation slice
    validation: np.ndarray  # the last val_size indices


def labelled_indices(labels: np.ndarray, per_class: int, seed: int, pool: int | None = None) -> np.ndarray:
    """`per_class` indices of each digit 0..9 among the first `pool` labels, drawn without replacement by
    `seed`; digit 0's first, then digit 1's, ... The same seed always gives the same indices."""
    labels = np.asarray(labels)[:pool]
    rng = np.random.default_rng(int(seed))
    chosen = []
    for digit in range(10):
        candidates = np.flatnonzero(labels == digit)
        if per_class > len(candidates):
            raise ValueError(f"{per_class} labels per class asked, but only {len(candidates)} training images "
                             f"of digit {digit} are outside the validation slice")
        chosen.append(np.sort(rng.choice(candidates, per_class, replace=False)))
    return np.concatenate(chosen).astype(np.int64)


def split(per_class: int, seed: int, val_size: int) -> Split:
    """The three-way split of the MNIST training set (see the module docstring)."""
    _, labels = load_mnist("train")
    n = len(labels)
    if not 0 < val_size < n // 2:
        raise ValueError(f"the validation slice must hold between 1 and {n // 2 - 1} images, got {val_size}")
    if per_class < 1:
        raise ValueError(f"labels per class must be at least 1, got {per_class}")
    pool = n - val_size
    return Split(labelled_indices(labels, per_class, seed, pool), np.arange(pool), np.arange(pool, n))
