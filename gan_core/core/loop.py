"""The one GAN training loop (Goodfellow et al., Algorithm 1) and the 1-D trainer built on it.

A trainer owns G, D and their optimisers. `step(n)` runs n iterations, `train_for(seconds)` runs
as many as fit in a time box; both return a Snapshot of plain data (numbers, lists, arrays)
that the app draws, the CLI prints and the tests assert on. One iteration is:

    k times:  D update on a real batch and a detached fake batch
    g times:  G update through the frozen D

Divergence (non-finite or exploding losses or samples) never raises: the trainer restores the
last good weights, sets status "diverged" and explains why in `message`.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from gan_core.core.config import OPTIMIZERS, TrainConfig
from gan_core.losses import get_loss, gradient_penalty
from gan_core.tricks.packing import pack
from gan_core.tricks.replay import ReplayBuffer
from gan_core.tricks.unrolling import WithParams, swapped, unrolled_params

EXPLODED = 1e6  # |loss| or |sample| beyond this counts as divergence


@dataclass(kw_only=True)
class Snapshot:
    """Plain-data state of a trainer after a chunk of training."""

    step: int
    status: str  # "ready" | "training" | "diverged"
    message: str
    elapsed_s: float
    steps_per_s: float
    d_loss: float
    g_loss: float
    d_real: float  # mean D(x) (a probability, or the critic's score)
    d_fake: float  # mean D(G(z)) in the D update (before it)
    d_fake_after: float = math.nan  # mean D(G(z)) in the G update, i.e. after the D update
    history: dict[str, list[float]] = field(default_factory=dict)

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


class GANTrainer:
    """The GAN loop. Subclasses supply data, noise and the snapshot's view of the model."""

    chunk = 25  # iterations between history points in step(n)

    def __init__(self, config: TrainConfig, generator: nn.Module, discriminator: nn.Module,
                 device: torch.device | str = "cpu"):
        config.validate()
        self.config = config
        self.device = torch.device(device)
        self.G = generator.to(self.device)
        self.D = discriminator.to(self.device)
        self.loss = get_loss(config.loss)
        self.opt_g = OPTIMIZERS[config.optimizer](self.G.parameters(), config.lr_g, config)
        self.opt_d = OPTIMIZERS[config.optimizer](self.D.parameters(), config.lr_d, config)
        self.torch_gen = torch.Generator(device=self.device).manual_seed(config.seed)
        self.step_count = 0
        self.elapsed = 0.0
        self.resumed_from: dict[str, Any] | None = None  # the run this one continues (see load_state_dict)
        self.status = "ready"
        self.message = ""
        self.history = History()
        self._last = {"d_loss": math.nan, "g_loss": math.nan, "d_real": math.nan, "d_fake": math.nan,
                      "d_fake_after": math.nan}
        self._rate = 0.0
        self._good = self._capture()
        self.replay = ReplayBuffer(config.replay_size) if config.replay_size > 0 else None
        self.schedulers = [torch.optim.lr_scheduler.LambdaLR(o, self.lr_factor) for o in (self.opt_g, self.opt_d)
                           ] if config.lr_half_life > 0 else []

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

    # --- state: what a checkpoint keeps and a resumed run restores --------------------------
    kind = "gan"  # the model card's kind
    architecture_fields: tuple[str, ...] = ()  # config fields a checkpoint's networks depend on

    def networks(self) -> dict[str, nn.Module]:
        """The networks a checkpoint stores, by name."""
        return {"G": self.G, "D": self.D}

    def state_dict(self) -> dict[str, Any]:
        """Weights of the networks a checkpoint stores, and the run's counters (plain data)."""
        return {"networks": {k: m.state_dict() for k, m in self.networks().items()},
                "step": self.step_count, "elapsed_s": self.elapsed, "resumed_from": self.resumed_from}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Continue from `state`: weights, then any counters it has. The learning-rate schedule continues
        from the step; optimiser moments start afresh (checkpoints do not store them)."""
        self.G.load_state_dict(state["networks"]["G"])
        self.D.load_state_dict(state["networks"]["D"])
        self.step_count = int(state.get("step", 0))
        self.elapsed = float(state.get("elapsed_s", 0.0))
        self.resumed_from = state.get("resumed_from")
        self.continue_schedule(self.step_count)
        self.status, self.message = "ready", ""
        self._good = self._capture()

    # --- hooks for subclasses -------------------------------------------------------------
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

    def generator_penalty(self, z: Any, fake: torch.Tensor, cond: Any) -> torch.Tensor | None:
        """Extra terms of G's loss beyond fooling D (e.g. CycleGAN's cycle and identity losses)."""
        return None

    def snapshot(self) -> Snapshot:
        return Snapshot(**self._base_fields())

    def check_samples(self) -> str | None:
        """A reason to stop if the generator's outputs have blown up, else None."""
        return None

    def history_extras(self) -> dict[str, float]:
        """Extra numbers recorded in the history at each chunk (e.g. modes captured)."""
        return {}

    # --- the loop -----------------------------------------------------------------------
    def _real_target(self, shape) -> torch.Tensor:
        c = self.config
        target = torch.full(shape, 1.0 - c.label_smoothing, device=self.device)
        if c.label_flip > 0:
            flip = torch.rand(shape, generator=self.torch_gen, device=self.device) < c.label_flip
            target = target.masked_fill(flip, 0.0)
        return target

    def _judge(self, x: torch.Tensor, cond: Any = None) -> torch.Tensor:
        """D's output on a batch; with packing (PacGAN) on groups of m samples."""
        m = self.config.pack
        if m > 1:
            if cond is not None:
                raise ValueError("packing is only supported for unconditional GANs")
            x = pack(x, m)
        return self.discriminate(x, cond)

    def _d_objective(self, real: torch.Tensor, fake: torch.Tensor, cond: Any, penalty: bool = True):
        """D's loss on a real and a fake batch (+ the gradient penalty), and D's raw outputs."""
        real_out = self._judge(real, cond)
        fake_out = self._judge(fake, cond)
        loss = self.loss.d_loss(real_out, fake_out, self._real_target(real_out.shape))
        if penalty and self.loss.gradient_penalty and self.config.gp_weight > 0:
            loss = loss + self.config.gp_weight * gradient_penalty(
                lambda x: self._judge(x, cond), real, fake, self.torch_gen)
        return loss, real_out, fake_out

    def _d_update(self):
        c = self.config
        real, cond = self.sample_real(c.batch_size)
        with torch.no_grad():
            fake = self.generate(self.sample_noise(c.batch_size), cond)
        if self.replay is not None:  # experience replay: part of the fake batch comes from the past
            fresh = fake
            fake = self.replay.mix(fresh, c.replay_fraction, self.torch_gen)
            self.replay.push(fresh[: max(1, len(fresh) // 8)], self.torch_gen)
        loss, real_out, fake_out = self._d_objective(real, fake, cond)
        self.opt_d.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_d.step()
        if self.loss.clip_weights:
            with torch.no_grad():
                for p in self.D.parameters():
                    p.clamp_(-c.clip_value, c.clip_value)
        return loss.detach(), self.loss.score(real_out.detach()).mean(), self.loss.score(fake_out.detach()).mean()

    def _g_update(self):
        c = self.config
        cond = self.sample_condition(c.batch_size)  # generate for the same label distribution
        z = self.sample_noise(c.batch_size)
        fake = self.generate(z, cond)
        if c.unroll_steps > 0:  # unrolled GAN: judge the fakes by D as it will be k updates ahead
            params = unrolled_params(
                self.D, self.opt_d, c.unroll_steps, self._unrolled_objective,
                lambda module: swapped(self, "D", module),
                clip=c.clip_value if self.loss.clip_weights else None)
            with swapped(self, "D", WithParams(self.D, params)):
                fake_out = self._judge(fake, cond)
        else:
            fake_out = self._judge(fake, cond)
        loss = self.loss.g_loss(fake_out)
        penalty = self.generator_penalty(z, fake, cond)
        if penalty is not None:
            loss = loss + penalty
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_g.step()
        return loss.detach(), self.loss.score(fake_out.detach()).mean()

    def _unrolled_objective(self) -> torch.Tensor:
        """D's loss for one look-ahead step: fakes stay attached to G (no gradient penalty)."""
        real, cond = self.sample_real(self.config.batch_size)
        fake = self.generate(self.sample_noise(self.config.batch_size), cond)
        return self._d_objective(real, fake, cond, penalty=False)[0]

    def _iteration(self) -> torch.Tensor:
        c = self.config
        for _ in range(c.d_steps):
            d_loss, d_real, d_fake = self._d_update()
        self.D.requires_grad_(False)  # frozen: gradients flow through D to G, D is not updated
        try:
            for _ in range(c.g_steps):
                g_loss, d_fake_after = self._g_update()
        finally:
            self.D.requires_grad_(True)
        for scheduler in self.schedulers:
            scheduler.step()
        return torch.stack([d_loss, g_loss, d_real, d_fake, d_fake_after])

    def _run_chunk(self, n: int | None, deadline: float | None) -> bool:
        """Run up to n iterations (or until the deadline); False if training diverged."""
        if self.status == "diverged":
            return False
        self.status = "training"
        start = time.perf_counter()
        stats_list = []
        while (n is None or len(stats_list) < n) and (deadline is None or time.perf_counter() < deadline or not stats_list):
            stats_list.append(self._iteration())
        dt = time.perf_counter() - start
        values = torch.stack(stats_list).float().cpu()
        done = len(stats_list)
        if not torch.isfinite(values).all() or values[:, :2].abs().max() > EXPLODED:
            bad = values[:, :2]
            which = "discriminator" if not torch.isfinite(bad[:, 0]).all() or bad[:, 0].abs().max() > EXPLODED else "generator"
            return self._diverge(f"the {which} loss became {'NaN or infinite' if not torch.isfinite(bad).all() else 'huge'}")
        reason = self.check_samples()
        if reason:
            return self._diverge(reason)
        self.step_count += done
        self.elapsed += dt
        self._rate = done / dt if dt > 0 else 0.0
        d_loss, g_loss, d_real, d_fake, d_fake_after = values.mean(0).tolist()
        self._last = {"d_loss": d_loss, "g_loss": g_loss, "d_real": d_real, "d_fake": d_fake,
                      "d_fake_after": d_fake_after}
        self.history.record(step=self.step_count, **self._last, **self.history_extras())
        self._good = self._capture()
        return True

    def train_steps(self, n: int) -> bool:
        """Train n iterations in chunks (curves get a point every `chunk` iterations), with no snapshot:
        a snapshot can cost as much as the steps (an image trainer renders its grid), and a command-line
        run needs one only when its progress line is redrawn. False if training diverged."""
        remaining = int(n)
        while remaining > 0:
            if not self._run_chunk(min(self.chunk, remaining), None):
                return False
            remaining -= self.chunk
        return True

    def step(self, n: int = 1) -> Snapshot:
        """Train n iterations, then snapshot."""
        self.train_steps(n)
        return self.snapshot()

    def train_for(self, seconds: float) -> Snapshot:
        """Train until `seconds` have passed (at least one iteration), then snapshot."""
        self._run_chunk(None, time.perf_counter() + seconds)
        return self.snapshot()

    # --- divergence ----------------------------------------------------------------------
    def _capture(self) -> dict[str, dict[str, torch.Tensor]]:
        return {name: {k: v.detach().clone() for k, v in net.state_dict().items()}
                for name, net in (("G", self.G), ("D", self.D))}

    def _diverge(self, reason: str) -> bool:
        c = self.config
        self.G.load_state_dict(self._good["G"])
        self.D.load_state_dict(self._good["D"])
        self.status = "diverged"
        self.message = (
            f"Training diverged after step {self.step_count}: {reason}. "
            f"This usually means a learning rate is too high (G {c.lr_g:g}, D {c.lr_d:g}). "
            f"The last good state (step {self.step_count}) is kept; lower the learning rate and press Reset."
        )
        return False

    def _base_fields(self) -> dict[str, Any]:
        return {"step": self.step_count, "status": self.status, "message": self.message,
                "elapsed_s": self.elapsed, "steps_per_s": self._rate,
                "history": self.history.copy(), **self._last}
