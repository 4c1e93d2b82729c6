"""The toy2d family's training recipes: one per built-in shape of the playground, each the recipe of a
shipped game (`python -m gan_core train toy2d --preset NAME --out pretrained/toy2d_NAME`).

Every setting is one the playground's widgets show (loss, optimiser, learning rates, D and G steps, layers
and widths, 2-D Gaussian noise, batch), except the learning-rate half-life late in the run, which lets the
game settle instead of orbiting the data, and the grid's cure; a loaded game keeps them. Recipes were
picked per shape by the JS divergence they reached on seed 0 among a few tried on one core (see the notes).
"""
from __future__ import annotations

from gan_core.core.presets import Preset
from gan_core.families.toy.config import Toy2DConfig

# 2x64 leaky-ReLU nets, batch 512, Adam 1e-3, halving every 500-700 iterations after 1,000-2,000: reached
# JS 0.037 (line, least squares), 0.065 (ring, non-saturating) and 0.097 with all 8 modes (8 Gaussians,
# least squares) in 4,000-6,000 iterations. The wider 3x128 nets did worse there (0.09-0.12).
_SMALL = dict(batch_size=512, lr_g=1e-3, lr_d=1e-3, lr_decay_start=1000, lr_half_life=500)
# 3x128 leaky-ReLU nets, 2 D steps per G step, batch 256, Adam 5e-4: JS 0.056 on the two Gaussians after
# 6,000 iterations (least squares; non-saturating 0.068) and 0.093 on the three regions after 10,000
# (the small nets: 0.13 and 0.18).
_WIDE = dict(g_hidden=(128, 128, 128), d_hidden=(128, 128, 128), batch_size=256, lr_g=5e-4, lr_d=5e-4, d_steps=2)

_RECIPES = {  # shape -> (settings, iterations, description)
    "line": (dict(_SMALL, loss="least_squares"), 4000, "2x64 nets, least squares, batch 512, Adam 1e-3"),
    "circle": (dict(_SMALL), 4000, "2x64 nets, non-saturating, batch 512, Adam 1e-3"),
    "two_gaussians": (dict(_WIDE, loss="least_squares", lr_decay_start=3000, lr_half_life=1000), 6000,
                      "3x128 nets, least squares, 2 D steps, batch 256, Adam 5e-4"),
    "three_regions": (dict(_WIDE, lr_decay_start=5000, lr_half_life=1000), 10_000,
                      "3x128 nets, non-saturating, 2 D steps, batch 256, Adam 5e-4"),
    "ring": (dict(_SMALL, loss="least_squares", lr_decay_start=2000, lr_half_life=700), 6000,
             "2x64 nets, least squares, batch 512, Adam 1e-3"),
    # Without a cure no recipe tried covered the grid (18-20 of 25 modes: 3x128 nets, 2 D steps or G 1.5x as
    # fast, either loss). This is the mode-collapse lesson's best cure: a mini-batch standard-deviation
    # feature in D (which no widget sets: a loaded game keeps it), ReLU G, G 1.5x as fast as D.
    "grid": (dict(g_hidden=(128, 128, 128), d_hidden=(128, 128, 128), g_activation="relu", d_minibatch="std",
                  batch_size=512, lr_g=1.5e-3, lr_d=1e-3, lr_decay_start=4500, lr_half_life=300), 6000,
             "the mode-collapse lesson's sharpest cure: 3x128 nets, a mini-batch standard-deviation feature in D, "
             "batch 512, Adam 1.5e-3 for G and 1e-3 for D"),
}

SHAPES = tuple(_RECIPES)

PRESETS = {name: Preset(name, Toy2DConfig(target=name, iterations=steps, **settings), steps,
                        f"the shipped {name} game: {about}, learning rates halving every "
                        f"{settings['lr_half_life']:,} iterations after {settings['lr_decay_start']:,}")
           for name, (settings, steps, about) in _RECIPES.items()}


def shipped_name(shape: str) -> str:
    """The checkpoint name of a shape's shipped game, under pretrained/."""
    return f"toy2d_{shape}"
