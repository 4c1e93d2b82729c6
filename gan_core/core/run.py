"""A long training run's cadence: train to a step count, evaluate and checkpoint every few minutes,
report progress at a cost it can afford, stop at a wall-time budget. The CLI prints; this decides when."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from gan_core.core.config import option


@dataclass(kw_only=True)
class Cadence:
    eval_every_min: float = option(0.0, "evaluate on 2,000 samples every N minutes (0: never)")
    checkpoint_every_min: float = option(5.0, "write a partial checkpoint every N minutes (0: never)")
    max_minutes: float = option(0.0, "stop after this wall time (0: no limit)")
    # the share of the run's time progress reports may take (each takes a snapshot)
    progress_cost: float = field(default=0.05, init=False)


@dataclass(kw_only=True)
class RunOptions(Cadence):
    """How a training run is carried out (as opposed to what is trained: the family's config)."""

    out: str = option("", "checkpoint name, e.g. pretrained/dcgan_mnist (required)")
    epochs: float = option(3.0, "passes over the training set")
    steps: int = option(0, "train to this step count instead (0: --epochs; with --preset: the preset's budget)")
    eval_samples: int = option(10_000, "samples (per direction for a CycleGAN) for the final evaluation")


def run_to(trainer, total: int, cadence: Cadence, on_eval: Callable[[], str] | None = None,
           on_checkpoint: Callable[[], object] | None = None,
           on_progress: Callable[[str], object] | None = None) -> str:
    """Train `trainer` to `total` steps; returns why it stopped: "done", "budget" or "diverged".
    `on_progress(text)` gets the latest evaluation's text (or ""), and is called again only after
    its own cost divided by `progress_cost` has passed, and once at the end."""
    def progress(extra: str = "") -> float:
        start = time.monotonic()
        if on_progress:
            on_progress(extra)
        return time.monotonic() - start

    deadline = time.monotonic() + cadence.max_minutes * 60 if cadence.max_minutes else None
    last_ckpt = last_eval = next_report = time.monotonic()
    why = "done"
    while trainer.step_count < total and trainer.status != "diverged":
        trainer.train_steps(min(trainer.chunk, total - trainer.step_count))
        now = time.monotonic()
        extra = ""
        if on_eval and cadence.eval_every_min and now - last_eval >= cadence.eval_every_min * 60:
            extra, last_eval = on_eval(), now
        if extra or now >= next_report:
            next_report = time.monotonic() + progress(extra) / cadence.progress_cost
        if on_checkpoint and cadence.checkpoint_every_min and now - last_ckpt >= cadence.checkpoint_every_min * 60:
            on_checkpoint()
            last_ckpt = now
        if deadline and now > deadline:
            why = "budget"
            break
    progress()
    return "diverged" if trainer.status == "diverged" else why
