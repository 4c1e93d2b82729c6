"""One trip round the cycle: x → G(x) → F(G(x)), and x through the generator into its own domain."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gan_core.families.cyclegan.evaluate import cycle_error
from gan_core.families.cyclegan.networks import GeneratorPair
from gan_core.families.cyclegan.trainer import translate


@dataclass
class RoundTrip:
    """Inputs of one domain, their translations, the way back, the identity output and the errors (per image)."""

    direction: str  # 'AB' or 'BA': the translation's direction; F is the generator of the other one
    inputs: np.ndarray  # uint8 (n, 28, 28): x
    translated: np.ndarray  # uint8 (n, 28, 28): G(x)
    reconstructed: np.ndarray  # uint8 (n, 28, 28): F(G(x))
    identity: np.ndarray  # uint8 (n, 28, 28): F(x), x through the generator into its own domain
    cycle_error: np.ndarray  # (n,): mean |F(G(x)) − x| in the networks' [−1, 1] units
    identity_error: np.ndarray  # (n,): mean |F(x) − x|, same units
    change: np.ndarray  # (n,): mean |G(x) − x| as a share of the pixel range (0 = the input returned)


def round_trip(G: GeneratorPair, x: np.ndarray, direction: str) -> RoundTrip:
    """uint8 digits x (n, 28, 28) of the direction's source domain, taken round the cycle by G."""
    x = np.asarray(x, np.uint8)
    back = direction[::-1]
    fx = translate(G, x, direction)
    rec = translate(G, fx, back)
    same = translate(G, x, back)  # the generator into x's own domain
    change = np.abs(fx.astype(np.float64) - x.astype(np.float64)).reshape(len(x), -1).mean(1) / 255
    return RoundTrip(direction, x, fx, rec, same, cycle_error(x, rec), cycle_error(x, same), change)
