"""The options every GAN family shares (loss, optimiser, batch, schedule, cures) and their checks."""
from __future__ import annotations

import argparse
import math
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any

import torch

from gan_core.losses import get_loss


def option(default: Any, help: str = "") -> Any:
    """A config field with its help text: the command line makes a flag of it (see `add_flags`)."""
    return field(default=default, metadata={"help": help})


def help_of(config_class: type, name: str) -> str:
    """A field's help text; a subclass that only changes a default keeps its base class's text."""
    for cls in config_class.__mro__:
        f = getattr(cls, "__dataclass_fields__", {}).get(name)
        if f is not None and f.metadata.get("help"):
            return f.metadata["help"]
    return ""


def settable_fields(config_class: type) -> list:
    """The fields a flag can set: plain numbers, strings and switches (not tuples or dicts)."""
    return [f for f in fields(config_class) if f.init and f.default is not MISSING
            and isinstance(f.default, (bool, int, float, str))]


def add_flags(parser: argparse.ArgumentParser, config_class: type, skip=(), defaults: dict | None = None) -> None:
    """A --flag per settable field, with the field's help text. Flags default to None (not given), so
    that only what the user gave changes a preset; the help shows the effective default."""
    for f in settable_fields(config_class):
        if f.name in skip:
            continue
        default = (defaults or {}).get(f.name, f.default)
        kind = argparse.BooleanOptionalAction if isinstance(f.default, bool) else None
        parser.add_argument("--" + f.name.replace("_", "-"), dest=f.name, default=None, action=kind,
                            type=None if kind else type(f.default),
                            help=f"{help_of(config_class, f.name)} (default {default})")


def given(args: argparse.Namespace, config_class: type, skip=()) -> dict[str, Any]:
    """The settings of `config_class` that the command line gave (but `skip`: flags another class owns)."""
    return {f.name: getattr(args, f.name) for f in settable_fields(config_class)
            if f.name not in skip and getattr(args, f.name, None) is not None}


@dataclass(kw_only=True)
class TrainConfig:
    """Options of the GAN loop shared by every model family."""

    loss: str = option("non_saturating",
                       "minimax | non_saturating | least_squares | hinge | wasserstein | wasserstein_gp")
    optimizer: str = option("adam", "adam | sgd | rmsprop")
    g_optimizer: str = option("", "G's optimizer when it differs from D's: adam | sgd | rmsprop (empty: --optimizer)")
    lr_g: float = option(1e-3, "the generator's learning rate")
    lr_d: float = option(1e-3, "the discriminator's learning rate")
    momentum: float = option(0.9, "SGD's momentum")
    beta1: float = option(0.5, "Adam's beta1")
    beta2: float = option(0.999, "Adam's beta2")
    batch_size: int = option(128, "samples per batch")
    d_steps: int = option(1, "D updates per iteration (k)")
    g_steps: int = option(1, "G updates per iteration")
    label_flip: float = option(0.0, "fraction of real labels flipped to 'fake'")
    label_smoothing: float = option(0.0, "one-sided: real target = 1 - label_smoothing")
    clip_value: float = option(0.01, "WGAN weight clipping")
    lr_half_life: int = option(0, "iterations for the learning rates to halve; 0 keeps them constant")
    lr_decay_start: int = option(0, "iterations at full learning rate before the halving starts")
    seed: int = option(0, "seeds the weights, the data order and the noise")
    # cures for mode collapse (all off by default)
    gp_weight: float = option(10.0, "WGAN-GP penalty weight (loss 'wasserstein_gp')")
    replay_size: int = option(0, "experience replay: past fakes kept; 0 = off")
    replay_fraction: float = option(0.5, "share of D's fake batch drawn from the replay buffer")
    unroll_steps: int = option(0, "unrolled GAN: G's loss looks this many D updates ahead; 0 = off")
    pack: int = option(1, "PacGAN: D judges this many samples jointly; 1 = off")
    top_k: float = option(0.0, "top-k training: the share of G's batch (the fakes D rates most real) that G "
                               "learns from; 0 = off (all)")
    top_k_decay: float = option(0.0, "anneal top-k: the share starts at 1 and shrinks by this factor per epoch down to "
                                      "--top-k; 0 = the fixed share from the start")
    r1_gamma: float = option(0.0, "R1 penalty: gamma/2 times D's squared gradient at real data; 0 = off")
    r1_every: int = option(1, "lazy R1: apply it on every Nth D step only, N times as strong; 1 = every step")

    def validate(self) -> None:
        if self.batch_size < 1 or self.d_steps < 1 or self.g_steps < 1:
            raise ValueError("batch size, D steps and G steps must be at least 1")
        if not (self.lr_g > 0 and self.lr_d > 0 and math.isfinite(self.lr_g) and math.isfinite(self.lr_d)):
            raise ValueError("learning rates must be positive numbers")
        if not 0.0 <= self.label_flip < 1.0 or not 0.0 <= self.label_smoothing < 1.0:
            raise ValueError("label flip and label smoothing must lie in [0, 1)")
        get_loss(self.loss)
        if self.replay_size < 0 or not 0.0 <= self.replay_fraction <= 1.0:
            raise ValueError("replay size must be >= 0 and the replay fraction in [0, 1]")
        if self.unroll_steps < 0 or self.unroll_steps > 20:
            raise ValueError("unrolled steps must lie between 0 and 20")
        if self.pack < 1 or self.batch_size % self.pack:
            raise ValueError(f"packing m={self.pack} must be >= 1 and divide the batch size {self.batch_size}")
        if self.lr_decay_start < 0 or self.lr_half_life < 0:
            raise ValueError("learning-rate half-life and decay start must be >= 0")
        if not 0.0 <= self.top_k <= 1.0 or not 0.0 <= self.top_k_decay < 1.0:
            raise ValueError("the top-k share must lie in [0, 1] and its decay per epoch in [0, 1)")
        if self.gp_weight < 0 or self.r1_gamma < 0 or self.r1_every < 1:
            raise ValueError("the gradient-penalty weight and R1's gamma must be >= 0, R1's interval >= 1")
        if not (0.0 <= self.beta1 < 1.0 and 0.0 <= self.beta2 < 1.0):
            raise ValueError("Adam's beta1 and beta2 must lie in [0, 1)")
        for name in (self.optimizer, self.g_optimizer or self.optimizer):
            if name not in OPTIMIZERS:
                raise ValueError(f"unknown optimizer {name!r}; choose one of {sorted(OPTIMIZERS)}")


OPTIMIZERS = {
    "adam": lambda p, lr, c: torch.optim.Adam(p, lr=lr, betas=(c.beta1, c.beta2), foreach=True),
    "sgd": lambda p, lr, c: torch.optim.SGD(p, lr=lr, momentum=c.momentum),
    "rmsprop": lambda p, lr, c: torch.optim.RMSprop(p, lr=lr),
}


def config_dict(config: TrainConfig) -> dict[str, Any]:
    """A JSON-friendly dict of a config (tuples become lists)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(config).items()}
