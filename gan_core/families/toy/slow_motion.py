"""One training iteration in slow motion: the eight phases of Goodfellow et al.'s Algorithm 1, as data.

The iteration is the trainer's own: phase 1 runs D's half (`step_part("d")`) and phase 5 G's half
(`step_part("g")`), with a recorder plugged into the loop's hooks that keeps the batches, D's
verdicts and G's gradients (`record_half`, which runs where the trainer lives: `InsideTrainer.slow_half`).
The phases then reveal what was recorded, one at a time, so eight phases leave the weights exactly
where one full iteration does.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from gan_core.families.toy import layers as L
from gan_core.tricks.base import Trick


@dataclass(frozen=True)
class Phase:
    number: int
    code: str  # ui/words.py words it
    half: str  # "d": D's half of the iteration, "g": G's half
    parts: tuple[str, ...]  # the model overview's parts that act in it


# parts: noise, G, fakes, reals, D, predictions, d_loss, g_loss
PHASES = (
    Phase(1, "make_fakes", "d", ("noise", "G", "fakes")),
    Phase(2, "d_judges", "d", ("fakes", "reals", "D", "predictions")),
    Phase(3, "d_loss", "d", ("predictions", "d_loss")),
    Phase(4, "d_update", "d", ("d_loss", "D")),
    Phase(5, "make_fakes_again", "g", ("noise", "G", "fakes")),
    Phase(6, "frozen_d_judges", "g", ("fakes", "D", "predictions")),
    Phase(7, "g_loss", "g", ("predictions", "g_loss")),
    Phase(8, "g_update", "g", ("g_loss", "D", "G")),
)


def verdicts(trainer, x: torch.Tensor) -> np.ndarray:
    """D's score for every sample of a batch as D judged it (a pack's verdict for each of its samples)."""
    with torch.no_grad():
        out = trainer.loss.score(trainer.judge(trainer.games[0], x, None)).reshape(-1)
    return out.repeat_interleave(trainer.config.pack)[: len(x)].cpu().numpy()


class Recorder(Trick):
    """Keeps what the last D update and the last G update of an iteration saw (it changes nothing)."""

    def __init__(self):
        self.d: dict = {}
        self.g: dict = {}

    def d_penalty(self, trainer, game, real, fake, cond):
        self.d = {"real": real.detach().cpu().numpy(), "fake": fake.detach().cpu().numpy(),
                  "real_score": verdicts(trainer, real.detach()), "fake_score": verdicts(trainer, fake.detach())}
        return None

    def g_penalty(self, trainer, noises, fakes, conds):
        x = fakes[0].detach()
        self.g = {"z": noises[0].detach().clone(), "fake": x.cpu().numpy(), "fake_score": verdicts(trainer, x),
                  "push": L.generator_push(trainer, x).cpu().numpy()}
        return None


@dataclass
class SlowMotion:
    """Where a slow-motion iteration stands (phase 0: not started) and what its phases recorded."""

    phase: int = 0
    d: dict = field(default_factory=dict)  # D's half: batches, verdicts, loss, surfaces before and after
    g: dict = field(default_factory=dict)  # G's half: noise, fakes, verdicts, loss, push, fakes after

    @property
    def current(self) -> Phase | None:
        return PHASES[self.phase - 1] if self.phase else None

    def stop(self) -> None:
        """Forget the iteration in progress (training or a step went on without it)."""
        self.phase, self.d, self.g = 0, {}, {}

    def advance(self, trainer) -> Phase | None:
        """The next phase; entering phase 1 runs D's half, entering phase 5 G's half (trainer.slow_half). None
        (and back to phase 0) if that half made training diverge."""
        nxt = self.phase % len(PHASES) + 1
        if nxt in (1, 5):
            recorded = trainer.slow_half("d" if nxt == 1 else "g")
            if recorded.pop("diverged"):
                self.stop()
                return None
            if nxt == 1:
                self.d, self.g = recorded, {}
            else:
                self.g = recorded
        self.phase = nxt
        return PHASES[nxt - 1]


def record_half(trainer, half: str) -> dict:
    """Run one half of an iteration ("d" or "g") with a Recorder plugged in: what the phases of that half show,
    as plain data, and whether training diverged."""
    recorder = Recorder()
    before = trainer.surface()[0] if half == "d" else None
    trainer.tricks.append(recorder)
    try:
        snap = trainer.step_part(half)
    finally:
        trainer.tricks.remove(recorder)
    diverged = trainer.status == "diverged"
    if half == "d":
        after, kind, centre = trainer.surface()
        return {**recorder.d, "loss": snap.d_loss, "surface_before": before, "surface_after": after,
                "surface_kind": kind, "surface_centre": centre, "steps": trainer.config.d_steps, "diverged": diverged}
    if not recorder.g:
        return {"diverged": diverged}
    with torch.no_grad():
        after = trainer.G(recorder.g.pop("z")).cpu().numpy()
    return {**recorder.g, "loss": snap.g_loss, "fake_after": after, "steps": trainer.config.g_steps,
            "diverged": diverged}
