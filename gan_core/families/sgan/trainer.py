"""The semi-supervised GAN trainer: the one GAN loop (core/loop.py) with D as a 10-class classifier.

The loop's hooks and tricks carry the whole method:
- the real batch is unlabelled MNIST; D's raw output for the loop is logsumexp(l), the logit of
  D(x) = Z/(Z+1), so the loop's BCE on it is the unsupervised real-vs-fake loss;
- SupervisedTerm adds the cross-entropy of D's 10 logits on a labelled batch to D's loss;
- FeatureMatching makes G's loss the distance between D's mean features on real and fake batches
  (or, with generator_loss non_saturating, G keeps the loop's -log D(G(z))).

Every iteration also trains the supervised baseline one step (baseline.py). The classifiers are moving
averages of D's and the baseline's weights (as Salimans et al. test). Every `check_every` steps both are
measured on the validation slice and the fixed test subset; the states with the best validation accuracy
are the ones a checkpoint stores.
"""
from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import torch

from gan_core.data.mnist import DeviceDataset, load_mnist
from gan_core.eval.readers import random_shift
from gan_core.families.dcgan.trainer import ImageGANTrainer, ImageSnapshot
from gan_core.families.sgan import evaluate as judge
from gan_core.families.sgan import networks as sgan
from gan_core.families.sgan import subset
from gan_core.families.sgan.baseline import BaselineTrainer
from gan_core.families.sgan.config import SGANConfig
from gan_core.families.sgan.terms import FeatureMatching, LabelledStream, SupervisedTerm, feature_matching_loss
from gan_core.tricks.ema import EMA


@dataclass(kw_only=True)
class SGANSnapshot(ImageSnapshot):
    sup_loss: float  # D's cross-entropy on labelled batches (latest chunk)
    baseline_loss: float  # the baseline's cross-entropy (latest chunk)
    accuracy: list[dict[str, Any]] = field(default_factory=list)  # the checks: step, {sgan,baseline}_{val,test}
    confusion: dict[str, list] = field(default_factory=dict)  # latest check, on the test subset: name -> 10x10
    best: dict[str, Any] = field(default_factory=dict)  # step and validation accuracy of the kept states
    labelled: int = 0  # labelled training images


class SGANTrainer(ImageGANTrainer):
    kind = "sgan"
    architecture_fields = ("network", "z_dim")

    def __init__(self, config: SGANConfig, device: torch.device | str = "cpu"):
        config.validate()
        images, labels = load_mnist("train")
        self.split = subset.split(config.labels_per_class, config.label_seed, config.val_size)
        unlabelled = DeviceDataset.mnist("train", device, config.seed, labelled=False, rows=self.split.unlabelled)
        super().__init__(config, device, unlabelled)
        lab_x, lab_y = images[self.split.labelled], labels[self.split.labelled]
        self.supervised = SupervisedTerm(LabelledStream(lab_x, lab_y, self.device, config.seed + 3, config.shift),
                                         config.supervised_weight)
        self.tricks.insert(0, self.supervised)
        if config.generator_loss == "feature_matching":
            self.loss = feature_matching_loss()
            self.tricks.append(FeatureMatching())
        self.baseline = (BaselineTrainer(config, LabelledStream(lab_x, lab_y, self.device, config.seed + 3,
                                                                config.shift), self.lr_factor)
                         if config.baseline else None)
        self.augment = torch.Generator(device=self.device).manual_seed(config.seed + 5)
        self.average = EMA(self.D, config.average) if config.average > 0 else None
        if self.average is not None:
            self.tricks.append(self.average)
        self.val = (images[self.split.validation], labels[self.split.validation])
        self.test = judge.test_images(config.test_subset)
        self.best_G, self.best_D = copy.deepcopy(self.sampler).eval(), copy.deepcopy(self.D).eval()
        self.accuracy: list[dict[str, Any]] = []
        self.confusion: dict[str, list] = {}
        self.best = {"step": None, "sgan_val": -1.0, "baseline_step": None, "baseline_val": -1.0}
        self._checked = -1  # the step of the latest check
        self._chunk_losses = (math.nan, math.nan)
        self.cpu_s = 0.0  # CPU seconds of this thread spent training (the loop's `elapsed` is wall time)

    def build_models(self, config) -> tuple[torch.nn.Module, torch.nn.Module]:
        G, D = sgan.build(config.network, config.z_dim, config.input_noise, config.hidden_noise)
        return G, D

    def discriminate(self, x: torch.Tensor, cond: Any = None) -> torch.Tensor:
        """The loop's D output: the logit of D(x) = Z/(Z+1), i.e. logsumexp of the 10 logits."""
        with self._autocast():
            return sgan.real_logit(self.D(x).float())

    def sample_real(self, n: int):
        """An unlabelled batch, shifted as the labelled ones are."""
        return random_shift(self.data.batch(n)[0], self.config.shift, self.augment), None

    @property
    def labelled_images(self) -> tuple[np.ndarray, np.ndarray]:
        """The labelled training images (uint8) and their labels."""
        images, labels = load_mnist("train")
        return images[self.split.labelled], labels[self.split.labelled]

    # --- the loop, plus the baseline's step and the accuracy checks ----------------------------------
    def _iteration(self) -> torch.Tensor:
        stats = super()._iteration()
        if self.baseline is not None:
            self.baseline.train_step()
        return stats

    def _run_chunk(self, n: int | None, deadline: float | None) -> bool:
        start = time.thread_time()  # this thread's CPU time: what training cost on a machine shared with others
        ok = super()._run_chunk(n, deadline)
        self.cpu_s += time.thread_time() - start
        if ok and self.step_count // self.config.check_every > max(self._checked, 0) // self.config.check_every:
            self.check()
        return ok

    def history_extras(self) -> dict[str, float]:
        self._chunk_losses = (self.supervised.take_mean(),
                              self.baseline.take_mean() if self.baseline is not None else math.nan)
        return {"sup_loss": self._chunk_losses[0], "baseline_loss": self._chunk_losses[1]}

    def check(self) -> dict[str, Any]:
        """Measure both classifiers on the validation slice and the test subset; keep the best states."""
        row: dict[str, Any] = {"step": self.step_count, "elapsed_s": round(self.elapsed, 2)}
        for name, model in self._classifiers().items():
            row[f"{name}_val"] = judge.judge(model, *self.val)["accuracy"]
            test = judge.judge(model, *self.test)
            row[f"{name}_test"] = test["accuracy"]
            self.confusion[name] = test["confusion"]
        if row["sgan_val"] > self.best["sgan_val"]:
            self.best_G.load_state_dict(self.sampler.state_dict())
            self.best_D.load_state_dict(self.classifier.state_dict())
            self.best.update(step=self.step_count, sgan_val=row["sgan_val"])
        if self.baseline is not None and row["baseline_val"] > self.best["baseline_val"]:
            self.baseline.best_model.load_state_dict(self.baseline.classifier.state_dict())
            self.best.update(baseline_step=self.step_count, baseline_val=row["baseline_val"])
        self.accuracy.append(row)
        self._checked = self.step_count
        return row

    @property
    def classifier(self) -> torch.nn.Module:
        """The SGAN's classifier: the moving average of D's weights, or D itself."""
        return self.D if self.average is None else self.average.model

    def _classifiers(self) -> dict[str, torch.nn.Module]:
        return {"sgan": self.classifier} | ({"baseline": self.baseline.classifier} if self.baseline is not None
                                           else {})

    # --- checkpoints: the kept (best) states --------------------------------------------------------
    def networks(self) -> dict[str, torch.nn.Module]:
        """What a checkpoint stores: G, D and the baseline at their best validation checks (checked now if
        the latest check is older than this step)."""
        if self._checked != self.step_count and self.step_count > 0:  # at step 0 the kept states are the initial ones
            self.check()
        nets = {"G": self.best_G, "D": self.best_D}
        return nets | ({"baseline": self.baseline.best_model} if self.baseline is not None else {})

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """As the loop's, plus the baseline; the loaded states become the kept ones."""
        super().load_state_dict(state)
        if self.average is not None:
            self.average.restart()
        if self.baseline is not None and "baseline" in state["networks"]:
            self.baseline.model.load_state_dict(state["networks"]["baseline"])
            self.baseline.step_count = self.step_count
            if self.baseline.average is not None:
                self.baseline.average.restart()
        self.best.update(sgan_val=-1.0, baseline_val=-1.0)
        self.check()

    # --- what a live page asks (see ImageGANTrainer) -------------------------------------------------
    live_constants = ImageGANTrainer.live_constants + ("labelled_images",)

    def two_heads_example(self, pick: int) -> tuple[np.ndarray, dict]:
        """Three digits through D's two heads (evaluate.two_heads): the pick-th labelled digit, an unlabelled real
        one and a fake, as uint8 (3, 28, 28), and what the heads say of each."""
        images, _ = self.labelled_images
        unlabelled = load_mnist("train")[0][self.split.unlabelled[(7919 * (pick + 1)) % len(self.split.unlabelled)]]
        trio = np.stack([images[pick % len(images)], unlabelled, self.sample_images(1, seed=pick)[0]])
        return trio, judge.two_heads(self.D, trio)

    # --- snapshot -------------------------------------------------------------------------------
    def snapshot(self) -> SGANSnapshot:
        base = super().snapshot()
        return SGANSnapshot(**{f.name: getattr(base, f.name) for f in fields(base)},
                            sup_loss=self._chunk_losses[0], baseline_loss=self._chunk_losses[1],
                            accuracy=[dict(r) for r in self.accuracy],
                            confusion={k: [list(r) for r in v] for k, v in self.confusion.items()},
                            best=dict(self.best), labelled=len(self.split.labelled))
