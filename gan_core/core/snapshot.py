"""What a trainer reports after a chunk of training: plain data the app draws, the CLI prints and the tests check."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


@dataclass(kw_only=True)
class Snapshot:
    step: int
    status: str  # "ready" | "training" | "diverged"
    elapsed_s: float
    steps_per_s: float
    d_loss: float
    g_loss: float
    d_real: float  # mean D(x) (a probability, or the critic's score)
    d_fake: float  # mean D(G(z)) in the D update (before it)
    d_fake_after: float = math.nan  # mean D(G(z)) in the G update, i.e. after the D update
    history: dict[str, list[float]] = field(default_factory=dict)
    divergence: dict[str, Any] | None = None  # why training stopped: {"reason": code, "step", "lr_g", "lr_d"}

    @property
    def diverged(self) -> bool:
        return self.status == "diverged"


class History:
    """Training curves, one point per chunk; thinned so that the live charts stay light."""

    def __init__(self, max_points: int = 2000):
        self.max_points = max_points
        self.data: dict[str, list[float]] = {}

    def record(self, **values: float) -> None:
        for key, value in values.items():
            self.data.setdefault(key, []).append(float(value))
        if len(self.data["step"]) > self.max_points:
            self.data = {k: v[::2] for k, v in self.data.items()}

    def copy(self) -> dict[str, list[float]]:
        return {k: list(v) for k, v in self.data.items()}
