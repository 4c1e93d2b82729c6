"""Model cards, typed: what every checkpoint's JSON card says, as attributes instead of string keys.

The JSON files stay as they are (`checkpoints.read_card`); `ModelCard.load` reads one into fields that
every family's card has, keeps the family's own fields in `extra`, and gives pages the numbers they
quote (a lesson's prose reads its figures from here, so text and weights cannot drift apart).
"""
from __future__ import annotations

import platform
import sys
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import torch

from gan_core.core.config import config_dict
from gan_core.device import describe
from gan_core.io import checkpoints


@dataclass
class ModelCard:
    kind: str
    config: dict[str, Any] = field(default_factory=dict)  # the training settings
    metrics: dict[str, Any] = field(default_factory=dict)  # the final evaluation
    steps: int = 0
    epochs: float = 0.0
    wall_time_s: float = 0.0
    architecture: str = ""
    device: str = ""
    threads: int | None = None
    command: str = ""
    date: str = ""
    partial: bool = False  # a checkpoint written during training
    status: str = ""
    message: str = ""  # older cards: why a run diverged, in words
    divergence: dict[str, Any] | None = None  # why a run diverged: a reason code and numbers
    torch: str = ""
    platform: str = ""
    resumed_from: dict[str, Any] | None = None
    metrics_during_training: list[dict[str, Any]] = field(default_factory=list)
    bars_met: bool | None = None  # CycleGAN: every bar of its evaluation passed
    # fields some families add
    dataset: str = ""
    preset: dict[str, Any] | None = None  # the training recipe a run started from (core.presets.Preset)
    network: str | None = None  # DCGAN, CGAN: which of the family's networks
    z_dim: int | None = None
    conditioning: str | None = None  # CGAN
    projection: bool | None = None
    minibatch_std: bool | None = None
    generator_weights: str = ""  # "G as trained", or its moving average
    parameters: dict[str, int] = field(default_factory=dict)
    loss_curves: dict[str, list[float]] = field(default_factory=dict)
    averaged_from: list[dict[str, Any]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # anything else a card holds

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ModelCard":
        data = _renamed(data)
        known = {f.name for f in fields(cls)} - {"extra"}
        return cls(**{k: v for k, v in data.items() if k in known},
                   extra={k: v for k, v in data.items() if k not in known})

    @classmethod
    def load(cls, name: str | Path) -> "ModelCard":
        return cls.from_dict(checkpoints.read_card(name))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {**{k: v for k, v in data.items() if k != "extra"}, **data["extra"]}

    @property
    def minutes(self) -> float:
        """Training wall time, in minutes."""
        return self.wall_time_s / 60.0

    def setting(self, name: str, default: Any = None) -> Any:
        """A training setting: from `config`, else from the card's top level (older cards kept some there)."""
        return self.config.get(name, getattr(self, name, None) if getattr(self, name, None) is not None else default)


def _renamed(data: dict[str, Any]) -> dict[str, Any]:
    """Cards written before "preset" meant a training recipe called the DCGAN/CGAN network size "preset"."""
    data = dict(data)
    if isinstance(data.get("preset"), str):
        data["network"] = data.pop("preset")
    config = data.get("config")
    if isinstance(config, dict) and isinstance(config.get("preset"), str):
        data["config"] = {("network" if k == "preset" else k): v for k, v in config.items()}
    return data


def layer_summary(net) -> str:
    """A network's layers in one line, read from the module itself: what a card's `architecture` records."""
    from torch import nn

    parts = []
    for m in net.modules():
        if isinstance(m, nn.Linear):
            parts.append(f"Linear {m.in_features}→{m.out_features}")
        elif isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            kind = "ConvT" if isinstance(m, nn.ConvTranspose2d) else "Conv"
            parts.append(f"{kind} {m.in_channels}→{m.out_channels} k{m.kernel_size[0]} s{m.stride[0]}")
        elif next(m.children(), None) is None and not type(m).__module__.startswith("torch.nn.utils"):
            parts.append(type(m).__name__)
        if nn.utils.parametrize.is_parametrized(m):
            kinds = {type(p).__name__ for ps in m.parametrizations.values() for p in ps}
            parts[-1] += " (weight norm)" if kinds == {"_WeightNorm"} else " (spectral norm)"
    return ", ".join(parts)


def environment(device) -> dict:
    return {"device": describe(device), "torch": torch.__version__, "threads": torch.get_num_threads(),
            "platform": platform.platform(), "command": "python -m gan_core " + " ".join(sys.argv[1:])}


def card_of_run(family, trainer, device, metrics: dict, partial: bool, preset=None) -> dict:
    """The card of a training run's checkpoint: what every family's carries, plus the family's own fields."""
    return {"kind": trainer.kind, **family.card(trainer, metrics), "config": config_dict(trainer.config),
            "preset": preset.to_dict() if preset else None,
            "steps": trainer.step_count, "epochs": round(trainer.epoch, 3), "wall_time_s": round(trainer.elapsed, 1),
            "resumed_from": trainer.resumed_from, **environment(device), "partial": partial,
            "status": trainer.status, "divergence": trainer.divergence, "metrics": metrics,
            "metrics_during_training": list(trainer.metrics_history)}
