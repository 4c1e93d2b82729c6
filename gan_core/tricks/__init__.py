"""Tricks plugged into the one GAN loop, each an object with hooks (tricks/base.py), built from a config."""
from __future__ import annotations

from gan_core.tricks.base import Trick
from gan_core.tricks.labels import LabelNoise
from gan_core.tricks.lipschitz import GradientPenalty, R1Penalty, WeightClipping
from gan_core.tricks.packing import Packing
from gan_core.tricks.replay import Replay
from gan_core.tricks.top_k import TopK
from gan_core.tricks.unrolling import Unrolling


def from_config(config, loss) -> list[Trick]:
    """The tricks a config's switches turn on, in the order the loop applies them."""
    tricks: list[Trick] = []
    if config.replay_size > 0:
        tricks.append(Replay(config.replay_size, config.replay_fraction))
    if config.pack > 1:
        tricks.append(Packing(config.pack))
    if config.label_flip > 0 or config.label_smoothing > 0:
        tricks.append(LabelNoise(config.label_flip, config.label_smoothing))
    if loss.gradient_penalty and config.gp_weight > 0:
        tricks.append(GradientPenalty(config.gp_weight))
    if config.r1_gamma > 0:
        tricks.append(R1Penalty(config.r1_gamma, config.r1_every))
    if loss.clip_weights:
        tricks.append(WeightClipping(config.clip_value))
    if config.unroll_steps > 0:
        tricks.append(Unrolling(config.unroll_steps, clip=config.clip_value if loss.clip_weights else None))
    if config.top_k > 0:
        tricks.append(TopK(config.top_k, config.top_k_decay))
    return tricks
