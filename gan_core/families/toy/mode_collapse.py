"""Presets of the mode-collapse lesson: one collapsing vanilla GAN and one preset per cure.

Every preset is a `DistributionConfig` for the one trainer (`DistributionTrainer`); a cure is the
vanilla preset of the same target with its switches turned on, so a side-by-side comparison
from the same seed differs only by the cure.
"""
from __future__ import annotations

from gan_core.core.presets import Preset
from gan_core.families.toy.config import DistributionConfig
from gan_core.families.toy.inside import InsideTrainer
from gan_core.families.toy.trainer import DistributionTrainer

TARGETS = ("ring", "grid", "two_mode", "three_mode")
PLANE_TARGETS = ("ring", "grid")  # the 2-D ones: their trainer also computes the plane's layers

# What each method switches on in the loop (its preset's description).
METHODS = {
    "vanilla": "non-saturating loss, no cure",
    "pacgan": "pack = 4: D judges 4 samples at once",
    "minibatch_std": "d_minibatch = 'std': D sees the batch's spread",
    "minibatch_disc": "d_minibatch = 'discrimination': D sees how alike the samples are",
    "wgan_gp": "loss = 'wasserstein_gp', penalty weight 0.1 (the WGAN-GP toy setting), 5 critic steps, lr 5e-4",
    "wgan_clip": "loss = 'wasserstein', RMSProp, clip 0.01, 5 critic steps",
    "unrolled": "unroll_steps = 5: G looks 5 D updates ahead",
    "replay": "replay_size = 10000: D also sees old fakes",
    "label_tricks": "label_flip = 0.3 (15% of labels), label_smoothing = 0.1",
    "sharp_minibatch_std": "d_minibatch = 'std' on a different network: 2-D noise, G 3x128, leaky-ReLU D 3x128; "
                           "ring: batch 256; grid: batch 512 and G's learning rate 1.5x D's; learning rates halved "
                           "every 200-300 steps near the end",
}

# Shared network and optimiser settings per target (the vanilla preset).
_BASE = {
    # The VEEGAN paper's network: 256-d noise, G 2x128 ReLU, D one hidden layer of 128 ReLU; Adam 1e-3
    # (beta1 0.5), batch 512. Learning rates constant, then halved every 150 steps (less jitter late on).
    "ring": dict(noise_dim=256, g_hidden=(128, 128), d_hidden=(128,), g_activation="relu",
                 d_activation="relu", batch_size=512, lr_g=1e-3, lr_d=1e-3, lr_decay_start=1500, lr_half_life=150),
    "grid": dict(noise_dim=256, g_hidden=(128, 128), d_hidden=(128,), g_activation="relu",
                 d_activation="relu", batch_size=512, lr_g=1e-3, lr_d=1e-3, lr_decay_start=2000, lr_half_life=150),
    "two_mode": dict(noise_dim=4, g_hidden=(64, 64), d_hidden=(64, 64), g_activation="relu",
                     d_activation="leaky_relu", batch_size=256, lr_g=1e-3, lr_d=1e-3,
                     target_params={"separation": 6.0, "std": 0.3}),
    "three_mode": dict(noise_dim=4, g_hidden=(64, 64), d_hidden=(64, 64), g_activation="relu",
                       d_activation="leaky_relu", batch_size=256, lr_g=1e-3, lr_d=1e-3,
                       target_params={"separation": 4.0, "std": 0.3}),
}

# What each cure switches on, on top of the base.
_CURES = {
    "vanilla": {},
    "pacgan": dict(pack=4),
    "minibatch_std": dict(d_minibatch="std"),
    "minibatch_disc": dict(d_minibatch="discrimination"),
    "wgan_gp": dict(loss="wasserstein_gp", d_steps=5, gp_weight=0.1, lr_g=5e-4, lr_d=5e-4, beta1=0.5),
    "wgan_clip": dict(loss="wasserstein", optimizer="rmsprop", lr_g=5e-5, lr_d=5e-5, d_steps=5, clip_value=0.01),
    "unrolled": dict(unroll_steps=5),
    "replay": dict(replay_size=10_000, replay_fraction=0.5),
    "label_tricks": dict(label_flip=0.3, label_smoothing=0.1),
}

# The one preset that changes the network as well as switching a cure on (so it is not a like-for-like
# comparison with vanilla): a network that resolves the narrow modes; with the lr drop, it reaches
# the high-quality bars. Per target: (options, budget).
# On the grid, G learns 1.5x as fast as D (lr 1.5e-3 vs 1e-3): with equal rates 1-2 of 5 seeds lost a
# row of modes for good (D saw the empty row as real, but G's mass never moved there); a faster G
# found all 25 in 9 of 10 seeds (2x as fast: all 25 in 5 of 5, but blurrier). Seeds 0-4 measured by
# bench/bench_mode_collapse.py, seeds 5-9 by a one-off sweep; the variants tried are in the note.
_SHARP_NET = dict(noise_dim=2, g_hidden=(128, 128, 128), d_hidden=(128, 128, 128), g_activation="relu",
                  d_activation="leaky_relu", lr_g=1e-3, lr_d=1e-3, d_minibatch="std")
_SHARP = {
    "ring": (dict(_SHARP_NET, batch_size=256, lr_decay_start=2200, lr_half_life=200), 3000),
    "grid": (dict(_SHARP_NET, batch_size=512, lr_g=1.5e-3, lr_decay_start=4500, lr_half_life=300), 6000),
}

# Training budget (iterations) per target: the benchmark and the bars use these.
STEPS = {"ring": 2400, "grid": 3000, "two_mode": 1500, "three_mode": 1500}


def budget(target: str, method: str) -> int:
    """Iterations the benchmark trains `method` on `target`."""
    if method == "sharp_minibatch_std" and target in _SHARP:
        return _SHARP[target][1]
    return STEPS[target]

# Bars: the best cure per target (measured in bench/bench_mode_collapse.py). The page's Compare
# view starts with the like-for-like cure (same network as vanilla, only the switch differs).
BEST_CURE = {"ring": "sharp_minibatch_std", "grid": "sharp_minibatch_std", "two_mode": "minibatch_std",
             "three_mode": "minibatch_std"}
COMPARE_DEFAULT = "pacgan"


def preset(target: str, method: str, seed: int = 0) -> Preset:
    """The recipe of `method` on `target` from `seed`: its config, its budget, what it switches on."""
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; choose one of {sorted(TARGETS)}")
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {sorted(METHODS)}")
    base = dict(_BASE[target])
    if target in PLANE_TARGETS:
        base.setdefault("eval_samples", 2500)
    if method == "sharp_minibatch_std":
        options = _SHARP[target][0] if target in _SHARP else dict(d_minibatch="std")
    else:
        options = _CURES[method]
    config = DistributionConfig(target=target, seed=int(seed), **{**base, **options})
    return Preset(f"{target}/{method}", config, budget(target, method), METHODS[method])


def make_trainer(target: str, method: str, seed: int = 0, device="cpu") -> DistributionTrainer:
    """The trainer of a preset; on the 2-D targets, one that also computes the plane's layers (D's surface,
    G's gradients and manifold) and steps D or G alone."""
    config = preset(target, method, seed).config
    return (InsideTrainer if target in PLANE_TARGETS else DistributionTrainer)(config, device=device)


def from_settings(settings: tuple, device="cpu") -> DistributionTrainer:
    """make_trainer from a page's (target, method, seed): a factory a worker process can build (workers.py)."""
    target, method, seed = settings
    return make_trainer(target, method, seed, device)
