"""A preset is a named training recipe of one family: the config it trains with, how many iterations
it is meant to train (its budget), and what it is for. That is all "preset" means in this project;
which network a DCGAN or CGAN uses is its config's `network`. A card records the preset a run
started from (`Preset.to_dict`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gan_core.core.config import config_dict


@dataclass(frozen=True)
class Preset:
    name: str
    config: Any  # the family's config dataclass
    budget: int  # training iterations the recipe is meant for
    description: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "config": config_dict(self.config), "budget": self.budget,
                "description": self.description}
