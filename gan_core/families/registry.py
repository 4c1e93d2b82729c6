"""Every model family the command line trains, samples and evaluates: one `Family` entry each.

A family bundles its config class (whose fields become `train NAME` flags), how to build its trainer,
what its card adds, how to load, sample and evaluate its checkpoints, and how it reports.
The CLI knows nothing else: a new family is a new folder with a `family.py`, plus one line below.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, Callable


@dataclass(frozen=True)
class Family:
    name: str  # the CLI's name for it and its cards' "kind"
    about: str  # one line for --help
    config: type  # a dataclass; its plain fields become flags (help text in field metadata)
    trainer: Callable[[Any, Any], Any]  # (config, device) -> trainer with the GAN loop's interface
    card: Callable[[Any, dict], dict]  # (trained trainer, final metrics) -> the family's own card fields
    load: Callable[[Any, Any], dict]  # (checkpoint path, device) -> {"G": ..., ...} in eval mode
    evaluate: Callable[[dict, dict, int, int], dict]  # (networks, card config, n, seed) -> metrics
    report: Callable[[dict], str]  # metrics in a few words (the CLI prints it)
    line: Callable[[Any], str]  # a snapshot in one progress line
    periodic: Callable[[Any], tuple[dict, Any, str]] | None = None  # trainer -> (metrics, key to keep the best, text)
    sample: Callable[..., dict] | None = None  # (networks, card, n, seed, **options) -> arrays for the .npz
    sample_options: dict = field(default_factory=dict)  # `sample` flags it accepts: name -> (type, help)
    defaults: dict = field(default_factory=dict)  # run options that differ for this family (e.g. eval_samples)
    presets: dict = field(default_factory=dict)  # name -> core.presets.Preset: `train NAME --preset P`
    reader: str | None = None  # the network of `load`'s dict that classifies digits: `predict NAME` uses it


# family name -> its folder under gan_core/families, whose family.py defines FAMILY (or FAMILIES)
_WHERE = {"classifier": "readers", "typeset_reader": "readers", "domain_judge": "readers", "dcgan": "dcgan",
          "cgan": "cgan", "cyclegan": "cyclegan", "toy2d": "toy", "sgan": "sgan"}
KIND_ALIASES = {"mnist_classifier": "classifier"}  # a card's kind -> the family that made it


def get(name: str) -> Family:
    name = KIND_ALIASES.get(name, name)
    if name not in _WHERE:
        raise ValueError(f"unknown model family {name!r}; choose one of {sorted(_WHERE)}")
    module = import_module(f"gan_core.families.{_WHERE[name]}.family")
    return getattr(module, "FAMILIES", {}).get(name) or module.FAMILY


def names() -> list[str]:
    return list(_WHERE)


def load(path, device="cpu"):
    """(networks in eval mode, ModelCard) of a checkpoint of any family."""
    from gan_core.io.cards import ModelCard

    card = ModelCard.load(path)
    return get(card.kind).load(path, device), card


def live_trainer(name: str, config: Any, checkpoint: str | None = None) -> Any:
    """Family `name`'s trainer for a live page, on this process's device (one CUDA context per worker process
    when there is a GPU), started from the weights of `checkpoint` when given. A factory that a trainer worker
    can build (gan_core/workers.py): bind the name and checkpoint with functools.partial."""
    from gan_core.device import pick_device
    from gan_core.io.trainer_state import restore

    trainer = get(name).trainer(config, pick_device())
    if checkpoint is not None:
        restore(trainer, checkpoint)
    return trainer
