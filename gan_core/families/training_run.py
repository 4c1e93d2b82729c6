"""One training run of any registered family, to files: resume, periodic evaluations that keep the best
state so far, partial checkpoints, a wall-time budget, and a final evaluation written into the card.
It decides and returns data; the caller (the CLI) words and prints it."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from gan_core.core.config import config_dict
from gan_core.core.run import RunOptions, run_to
from gan_core.io import checkpoints
from gan_core.io.cards import card_of_run
from gan_core.io.paths import ROOT
from gan_core.io.trainer_state import restore


class TrainingRun:
    def __init__(self, family, config, options: RunOptions, device, resume: str | Path | None = None, preset=None):
        self.family, self.options, self.device, self.preset = family, options, device, preset
        self.trainer = family.trainer(config, device)
        if resume:
            restore(self.trainer, resume, resume=True)
        # a step count wins; a family without a dataset to pass over (the 2-D games) counts iterations
        if options.steps or hasattr(config, "iterations"):
            self.epochs, self.total = None, options.steps or config.iterations
        else:
            self.epochs = getattr(config, "epochs", options.epochs)
            self.total = self.trainer.steps_for(self.epochs)
        self.best_name, self.best = ROOT / "runs" / (Path(options.out).name + "_best"), None

    def save(self, name, metrics: dict | None = None, partial: bool = True) -> tuple[Path, Path]:
        card = card_of_run(self.family, self.trainer, self.device, metrics or {}, partial, self.preset)
        return checkpoints.save(name, self.trainer.networks(), card)

    def evaluate_now(self) -> str:
        """The family's periodic evaluation, in a few words. Training oscillates, so the best state so far
        (by the family's key) is also written, to runs/<out>_best."""
        metrics, key, text = self.family.periodic(self.trainer)
        if key is not None and (self.best is None or key > self.best):
            self.best = key
            self.save(self.best_name, metrics)
        return text

    def train(self, on_eval: Callable[[str], str] | None = None,
              on_progress: Callable[[str], object] | None = None) -> str:
        """Train to the end, the budget or a divergence; returns which ("done", "budget", "diverged").
        `on_eval(text)` hears each periodic evaluation and returns what the progress line shows of it."""
        def evaluate() -> str:
            text = self.evaluate_now()
            return on_eval(text) if on_eval else text

        return run_to(self.trainer, self.total, self.options, evaluate if self.family.periodic else None,
                      lambda: self.save(self.options.out), on_progress)

    def finish(self) -> tuple[dict, Path, Path]:
        """The final evaluation (on `eval_samples` samples), saved with the weights: (metrics, weights, card)."""
        nets = self.trainer.networks()
        metrics = self.family.evaluate(nets, config_dict(self.trainer.config), self.options.eval_samples, 0)
        return metrics, *self.save(self.options.out, metrics, partial=False)
