"""A trainer's state in a checkpoint: weights in .safetensors, counters in the card.

`restore` is the one way into a trainer from disk, for a resumed CLI run and for a page's "start
from the pretrained weights": it checks the card's kind and architecture against the trainer, then
goes through `trainer.load_state_dict`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from gan_core.io import checkpoints
from gan_core.io.cards import ModelCard
from gan_core.io.checkpoints import CheckpointError

RESUME_LINK = ("command", "steps", "epochs", "wall_time_s", "date")  # what a resumed run records of its parent


def restore(trainer, name: str | Path, resume: bool = False) -> ModelCard:
    """Load checkpoint `name` into `trainer`; returns its card. With `resume`, the run continues the
    checkpoint's clock, epochs and evaluation history too (and records where it came from)."""
    card = ModelCard.load(name)
    if card.kind != trainer.kind:
        raise CheckpointError(f"{name} is a {card.kind!r} checkpoint, not a {trainer.kind!r} one")
    for field in trainer.architecture_fields:
        theirs = card.setting(field)
        if theirs is not None and theirs != getattr(trainer.config, field):
            raise CheckpointError(f"{name} was trained with {field} = {theirs!r}, this trainer has "
                                  f"{getattr(trainer.config, field)!r}; build the trainer with the checkpoint's "
                                  f"settings")
    state: dict[str, Any] = {"networks": checkpoints.module_states(name, trainer.state_dict()["networks"]),
                             "step": card.steps}
    if resume:
        state |= {"elapsed_s": card.wall_time_s, "epochs": card.epochs,
                  "metrics_history": list(card.metrics_during_training),
                  "resumed_from": {k: getattr(card, k) for k in RESUME_LINK}}
    trainer.load_state_dict(state)
    return card

