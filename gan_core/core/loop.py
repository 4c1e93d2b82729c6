"""The one GAN training loop (Goodfellow et al., Algorithm 1), composed of games and tricks.

A trainer owns G, D and their optimisers, one or more games (core/game.py) and a list of tricks
(tricks/): replay, packing, label noise, Lipschitz constraints, unrolling, an EMA of G, CycleGAN's
extra terms. `step(n)` runs n iterations, `train_for(seconds)` as many as fit in a time box; both
return a Snapshot of plain data. One iteration is `d_half()` (k D updates on a real and a detached
fake batch of every game), then `g_half()` (g G updates through the frozen D, over every game).
Divergence (non-finite or exploding losses or samples) never raises: the trainer restores the
last good weights, sets status "diverged" and records why as a reason code with numbers.
"""
from __future__ import annotations

import math
import time
from typing import Any

import torch
from torch import nn

from gan_core import tricks as tricks_
from gan_core.core.config import OPTIMIZERS, TrainConfig
from gan_core.core.game import Game
from gan_core.core.snapshot import History, Snapshot
from gan_core.losses import get_loss

EXPLODED = 1e6  # |loss| or |sample| beyond this counts as divergence


class GANTrainer:
    """The GAN loop. Subclasses supply data, noise and the snapshot's view of the model."""

    chunk = 25  # iterations between history points in step(n)
    kind = "gan"  # the model card's kind
    architecture_fields: tuple[str, ...] = ()  # config fields a checkpoint's networks depend on

    def __init__(self, config: TrainConfig, generator: nn.Module, discriminator: nn.Module,
                 device: torch.device | str = "cpu", games: list[Game] | None = None):
        config.validate()
        self.config = config
        self.device = torch.device(device)
        self.G = generator.to(self.device)
        self.D = discriminator.to(self.device)
        self.loss = get_loss(config.loss)
        self.opt_g = OPTIMIZERS[config.g_optimizer or config.optimizer](self.G.parameters(), config.lr_g, config)
        self.opt_d = OPTIMIZERS[config.optimizer](self.D.parameters(), config.lr_d, config)
        self.torch_gen = torch.Generator(device=self.device).manual_seed(config.seed)
        self.games = games or [Game(self.sample_real, self.sample_noise, self.sample_condition, self.generate,
                                    self.discriminate)]
        self.tricks = tricks_.from_config(config, self.loss)
        self.step_count, self.elapsed, self._rate = 0, 0.0, 0.0
        self.resumed_from: dict[str, Any] | None = None  # the run this one continues (see load_state_dict)
        self.epochs_before = 0.0  # epochs of the run this one resumed (the data stream restarts at 0)
        self.metrics_history: list[dict[str, Any]] = []  # periodic evaluations
        self.status, self.divergence = "ready", None
        self.history = History()
        self._last = dict.fromkeys(("d_loss", "g_loss", "d_real", "d_fake", "d_fake_after"), math.nan)
        self._good = self._capture()
        self.schedulers = [torch.optim.lr_scheduler.LambdaLR(o, self.lr_factor) for o in (self.opt_g, self.opt_d)
                           ] if config.lr_half_life > 0 else []

    def trick(self, kind: type) -> Any:
        """The plugged-in trick of a type, or None."""
        return next((t for t in self.tricks if isinstance(t, kind)), None)

    # --- the learning-rate schedule -----------------------------------------------------------
    def lr_factor(self, iteration: int) -> float:
        """The learning rates' multiplier after `iteration` iterations: 1 for the first lr_decay_start,
        then halving every lr_half_life iterations."""
        c = self.config
        return 0.5 ** (max(0, iteration - c.lr_decay_start) / c.lr_half_life) if c.lr_half_life > 0 else 1.0

    def continue_schedule(self, iteration: int) -> None:
        """Put the learning-rate schedule at `iteration` (a run resumed from a checkpoint)."""
        for sched in self.schedulers:
            sched.last_epoch = iteration
            for group, base in zip(sched.optimizer.param_groups, sched.base_lrs):
                group["lr"] = base * self.lr_factor(iteration)

    # --- epochs, and the state a checkpoint keeps and a resumed run restores ----------------------
    epoch_data = None  # the dataset whose passes count as epochs (a DeviceDataset), if any

    @property
    def epoch(self) -> float:
        return self.epochs_before + (self.epoch_data.epoch_progress if self.epoch_data is not None else 0.0)

    def steps_for(self, epochs: float) -> int:
        """Iterations for `epochs` passes over the epoch data."""
        return int(round(epochs * self.epoch_data.steps_per_epoch(self.config.batch_size)))

    def networks(self) -> dict[str, nn.Module]:
        """The networks a checkpoint stores, by name."""
        return {"G": self.G, "D": self.D}

    def state_dict(self) -> dict[str, Any]:
        """Weights of the networks a checkpoint stores, and the run's counters (plain data)."""
        return {"networks": {k: m.state_dict() for k, m in self.networks().items()},
                "step": self.step_count, "elapsed_s": self.elapsed, "resumed_from": self.resumed_from,
                "epochs": self.epoch, "metrics_history": list(self.metrics_history)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Continue from `state`: weights, then any counters it has. The learning-rate schedule continues
        from the step; optimiser moments start afresh (checkpoints do not store them)."""
        self.G.load_state_dict(state["networks"]["G"])
        self.D.load_state_dict(state["networks"]["D"])
        self.step_count, self.elapsed = int(state.get("step", 0)), float(state.get("elapsed_s", 0.0))
        self.resumed_from, self.epochs_before = state.get("resumed_from"), float(state.get("epochs", 0.0))
        self.metrics_history = list(state.get("metrics_history", []))
        self.continue_schedule(self.step_count)
        self.status, self.divergence = "ready", None
        self._good = self._capture()

    # --- hooks of the default game, for subclasses ------------------------------------------------
    def sample_real(self, n: int) -> tuple[torch.Tensor, Any]:
        """A real batch and its condition (None for unconditional models)."""
        raise NotImplementedError

    def sample_noise(self, n: int) -> torch.Tensor:
        raise NotImplementedError

    def sample_condition(self, n: int) -> Any:
        """The condition for a generator batch: by default that of a real batch (None if unconditional)."""
        return self.sample_real(n)[1]

    def generate(self, z: torch.Tensor, cond: Any = None) -> torch.Tensor:
        return self.G(z) if cond is None else self.G(z, cond)

    def discriminate(self, x: torch.Tensor, cond: Any = None) -> torch.Tensor:
        return self.D(x) if cond is None else self.D(x, cond)

    def snapshot(self) -> Snapshot:
        return Snapshot(**self._base_fields())

    def check_samples(self) -> str | None:
        """A reason code if the generator's outputs have blown up, else None."""
        return None

    def history_extras(self) -> dict[str, float]:
        """Extra numbers recorded in the history at each chunk (e.g. modes captured)."""
        return {}

    # --- training in a cohort (core/cohort.py) ------------------------------------------------------------
    def cohort_key(self):
        """What else a cohort's members must share besides networks, loss, optimisers and batch (hashable),
        or None: this trainer's game cannot be batched with others. None unless a family says otherwise."""
        return None

    def d_input(self, x: torch.Tensor) -> torch.Tensor:
        """What D's network sees of an (unconditional) batch: the batch itself unless a family summarises it."""
        return x

    def weights_changed(self) -> None:
        """A cohort changed G and D outside d_half/g_half (views that cache on the weights start over)."""

    # --- one iteration ------------------------------------------------------------------------------
    def judge(self, game: Game, x: torch.Tensor, cond: Any = None) -> torch.Tensor:
        """D's raw outputs on a batch, as the tricks present it (packing groups samples)."""
        for t in self.tricks:
            x = t.judge_input(x, cond)
        return game.discriminate(x, cond)

    def d_objective(self, game: Game, real: torch.Tensor, fake: torch.Tensor, cond: Any, penalty: bool = True):
        """D's loss on a real and a fake batch (+ the tricks' penalties), and D's raw outputs."""
        real_out, fake_out = self.judge(game, real, cond), self.judge(game, fake, cond)
        target = torch.ones_like(real_out)
        for t in self.tricks:
            target = t.real_target(self, target)
        loss = self.loss.d_loss(real_out, fake_out, target)
        for t in self.tricks if penalty else ():
            extra = t.d_penalty(self, game, real, fake, cond)
            loss = loss if extra is None else loss + extra
        return loss, real_out, fake_out

    def _d_update(self):
        bs, losses, real_scores, fake_scores = self.config.batch_size, [], [], []
        for i, game in enumerate(self.games):
            real, cond = game.sample_real(bs)
            with torch.no_grad():
                fake = game.generate(game.sample_noise(bs), cond)
            for t in self.tricks:
                fake = t.fake_for_d(self, i, fake)
            loss, real_out, fake_out = self.d_objective(game, real, fake, cond)
            losses.append(loss)
            real_scores.append(self.loss.score(real_out.detach()).mean())
            fake_scores.append(self.loss.score(fake_out.detach()).mean())
        loss = sum(losses)
        self.opt_d.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_d.step()
        for t in self.tricks:
            t.after_d_step(self)
        return loss.detach(), torch.stack(real_scores).mean(), torch.stack(fake_scores).mean()

    def _g_update(self):
        bs, noises, fakes, conds, losses, scores = self.config.batch_size, [], [], [], [], []
        for game in self.games:
            cond = game.sample_condition(bs)  # generate for the same label distribution as the data
            z = game.sample_noise(bs)
            fake = game.generate(z, cond)
            fake_out = next((out for t in self.tricks if (out := t.judge_fakes(self, game, fake, cond)) is not None),
                            None)
            fake_out = self.judge(game, fake, cond) if fake_out is None else fake_out
            losses.append(self.loss.g_loss(fake_out))
            scores.append(self.loss.score(fake_out.detach()).mean())
            noises.append(z)
            fakes.append(fake)
            conds.append(cond)
        loss = sum(losses)
        for t in self.tricks:
            extra = t.g_penalty(self, noises, fakes, conds)
            loss = loss if extra is None else loss + extra
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_g.step()
        return loss.detach(), torch.stack(scores).mean()

    def d_half(self):
        """D's half of an iteration (k updates; G untouched): (D loss, mean D(x), mean D(G(z))) of the last."""
        for _ in range(self.config.d_steps):
            out = self._d_update()
        return out

    def g_half(self):
        """G's half (D frozen and untouched), which ends the iteration: (G loss, mean D(G(z))) of the last."""
        self.D.requires_grad_(False)  # frozen: gradients flow through D to G, D is not updated
        try:
            for _ in range(self.config.g_steps):
                out = self._g_update()
        finally:
            self.D.requires_grad_(True)
        for scheduler in self.schedulers:
            scheduler.step()
        for t in self.tricks:
            t.after_iteration(self)
        return out

    def _iteration(self) -> torch.Tensor:
        (d_loss, d_real, d_fake), (g_loss, d_fake_after) = self.d_half(), self.g_half()
        return torch.stack([d_loss, g_loss, d_real, d_fake, d_fake_after])

    # --- chunks of iterations -------------------------------------------------------------------------
    def _run_chunk(self, n: int | None, deadline: float | None) -> bool:
        """Run up to n iterations (or until the deadline); False if training diverged."""
        if self.status == "diverged":
            return False
        self.status = "training"
        start = time.perf_counter()
        stats_list = []
        while (n is None or len(stats_list) < n) and (
                deadline is None or time.perf_counter() < deadline or not stats_list):
            stats_list.append(self._iteration())
        dt = time.perf_counter() - start
        values = torch.stack(stats_list).float().cpu()
        if not self.book(values[:, :2], len(stats_list), dt, dict(zip(self._last, values.mean(0).tolist()))):
            return False
        self._rate = len(stats_list) / dt if dt > 0 else 0.0
        return True

    def book(self, losses: torch.Tensor, steps: int, seconds: float, last: dict, record: bool = True) -> bool:
        """Account for training just done: stop on a non-finite loss or sample (False), else count the steps
        and time, add a history point (unless `record` is False: a cohort's short chunks) and keep this state
        as the last good one."""
        reason = loss_trouble(losses) or self.check_samples()
        if reason:
            return self._diverge(reason)
        self.step_count, self.elapsed, self._last = self.step_count + steps, self.elapsed + seconds, last
        if record:
            self.history.record(step=self.step_count, **self._last, **self.history_extras())
        self._good = self._capture()
        return True

    def train_steps(self, n: int) -> bool:
        """Train n iterations in chunks (curves get a point every `chunk` iterations), with no snapshot:
        a snapshot can cost as much as the steps (an image trainer renders its grid), and a command-line
        run needs one only when its progress line is redrawn. False if training diverged."""
        for done in range(0, int(n), self.chunk):
            if not self._run_chunk(min(self.chunk, int(n) - done), None):
                return False
        return True

    def step(self, n: int = 1) -> Snapshot:
        """Train n iterations, then snapshot."""
        self.train_steps(n)
        return self.snapshot()

    def train_for(self, seconds: float) -> Snapshot:
        """Train until `seconds` have passed (at least one iteration), then snapshot."""
        self._run_chunk(None, time.perf_counter() + seconds)
        return self.snapshot()

    # --- divergence --------------------------------------------------------------------------------------
    def _capture(self) -> dict[str, dict[str, torch.Tensor]]:
        return {name: {k: v.detach().clone() for k, v in net.state_dict().items()}
                for name, net in (("G", self.G), ("D", self.D))}

    def _diverge(self, reason: str) -> bool:
        self.G.load_state_dict(self._good["G"])
        self.D.load_state_dict(self._good["D"])
        self.status = "diverged"
        self.divergence = {"reason": reason, "step": self.step_count, "lr_g": self.config.lr_g,
                           "lr_d": self.config.lr_d}
        return False

    def _base_fields(self) -> dict[str, Any]:
        return {"step": self.step_count, "status": self.status, "divergence": self.divergence,
                "elapsed_s": self.elapsed, "steps_per_s": self._rate, "history": self.history.copy(), **self._last}


def loss_trouble(losses: torch.Tensor) -> str | None:
    """A reason code if D's or G's loss (columns 0 and 1) became non-finite or exploded."""
    for col, who in ((0, "d"), (1, "g")):
        if not torch.isfinite(losses[:, col]).all():
            return f"{who}_loss_not_finite"
        if losses[:, col].abs().max() > EXPLODED:
            return f"{who}_loss_huge"
    return None
