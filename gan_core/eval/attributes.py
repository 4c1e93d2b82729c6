"""Attributes measured on digit images themselves (uint8, white on black, or floats in [-1, 1]):
**ink mass** (the amount of ink, in fully-white-pixel units: thicker strokes mean more ink) and
**slant** (from second-order image moments: the shear mu11 / mu02 of the ink, positive when the digit
leans to the right). The latent-space lesson finds directions in z that move them."""
from __future__ import annotations

from typing import Callable

import numpy as np


def _float_images(images) -> np.ndarray:
    x = np.asarray(images)
    if x.ndim == 4:
        x = x[:, 0]
    if x.ndim == 2:
        x = x[None]
    return x.astype(np.float64) / 255.0 if x.dtype == np.uint8 else (x.astype(np.float64) + 1.0) / 2.0


def ink_mass(images) -> np.ndarray:
    """Amount of ink per image, in units of fully white pixels (stroke thickness x stroke length)."""
    return _float_images(images).sum((1, 2))


def slant(images) -> np.ndarray:
    """Slant of each digit from its image moments: the shear −mu11 / mu02 of the ink.

    With x to the right and y downwards, a digit leaning right has its top to the right, so x
    falls as y grows (mu11 < 0); we flip the sign so that positive means "leans right". 0.3 is
    about 17 degrees of italic.
    """
    w = _float_images(images)
    n, h, width = w.shape
    ys, xs = np.mgrid[0:h, 0:width].astype(np.float64)
    mass = w.sum((1, 2)).clip(1e-9)
    cx = (w * xs).sum((1, 2)) / mass
    cy = (w * ys).sum((1, 2)) / mass
    dx = xs[None] - cx[:, None, None]
    dy = ys[None] - cy[:, None, None]
    mu11 = (w * dx * dy).sum((1, 2)) / mass
    mu02 = (w * dy * dy).sum((1, 2)) / mass
    return -mu11 / mu02.clip(1e-9)


ATTRIBUTES: dict[str, Callable[[np.ndarray], np.ndarray]] = {"thickness": ink_mass, "slant": slant}


def measure(images, attribute: str) -> np.ndarray:
    if attribute not in ATTRIBUTES:
        raise ValueError(f"unknown attribute {attribute!r}; choose one of {sorted(ATTRIBUTES)}")
    return ATTRIBUTES[attribute](images)
