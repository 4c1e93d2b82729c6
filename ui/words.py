"""What the pages call the engine's things: loss names, and why a run stopped.

The engine returns names and reason codes with numbers; the words a student reads live here.
No Streamlit in this module, so tests can check the wording directly.
"""
from __future__ import annotations

LOSS_TITLES = {
    "minimax": "Minimax (saturating)",
    "non_saturating": "Non-saturating",
    "wasserstein": "Wasserstein (weight clipping)",
    "least_squares": "Least squares",
    "hinge": "Hinge",
    "wasserstein_gp": "Wasserstein (gradient penalty)",
}

ATTRIBUTE_UNITS = {"thickness": "ink mass (white-pixel units)", "slant": "slant (shear, + leans right)"}

_DIVERGED = {
    "d_loss_not_finite": "the discriminator loss became NaN or infinite",
    "g_loss_not_finite": "the generator loss became NaN or infinite",
    "d_loss_huge": "the discriminator loss became huge",
    "g_loss_huge": "the generator loss became huge",
    "samples_not_finite": "the generator's outputs became NaN or infinite",
    "samples_huge": "the generator's outputs exploded",
}


def divergence(info: dict | None) -> str:
    """A diverged run's explanation for a student, from the trainer's reason code and numbers."""
    if not info:
        return ""
    why = _DIVERGED.get(info["reason"], info["reason"].replace("_", " "))
    return (f"Training diverged after step {info['step']}: {why}. This usually means a learning rate is too "
            f"high (G {info['lr_g']:g}, D {info['lr_d']:g}). The last good state (step {info['step']}) is kept; "
            f"lower the learning rate and press Reset.")
