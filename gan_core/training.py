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
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch
from scipy import stats
from torch import nn

from . import cures, distributions
from .losses import get_loss, gradient_penalty
from .metrics import mode_coverage, moments
from .models import mlp

EXPLODED = 1e6  # |loss| or |sample| beyond this counts as divergence


@dataclass(kw_only=True)
class TrainConfig:
    """Options of the GAN loop shared by every model family."""

    loss: str = "non_saturating"  # minimax | non_saturating | wasserstein | least_squares
    optimizer: str = "adam"  # adam | sgd | rmsprop
    lr_g: float = 1e-3
    lr_d: float = 1e-3
    momentum: float = 0.9  # SGD only
    beta1: float = 0.5  # Adam only
    batch_size: int = 128
    d_steps: int = 1  # k
    g_steps: int = 1
    label_flip: float = 0.0  # fraction of real labels flipped to "fake"
    label_smoothing: float = 0.0  # one-sided: real target = 1 - label_smoothing
    clip_value: float = 0.01  # WGAN weight clipping
    lr_half_life: int = 0  # iterations for the learning rates to halve; 0 keeps them constant
    lr_decay_start: int = 0  # iterations at full learning rate before the halving starts
    seed: int = 0
    # cures for mode collapse (all off by default)
    gp_weight: float = 10.0  # WGAN-GP penalty weight (loss "wasserstein_gp")
    replay_size: int = 0  # experience replay: past fakes kept; 0 = off
    replay_fraction: float = 0.5  # share of D's fake batch drawn from the replay buffer
    unroll_steps: int = 0  # unrolled GAN: G's loss looks this many D updates ahead; 0 = off
    pack: int = 1  # PacGAN: D judges this many samples jointly; 1 = off

    def validate(self) -> None:
        if self.batch_size < 1 or self.d_steps < 1 or self.g_steps < 1:
            raise ValueError("batch size, D steps and G steps must be at least 1")
        if not (self.lr_g > 0 and self.lr_d > 0 and math.isfinite(self.lr_g) and math.isfinite(self.lr_d)):
            raise ValueError("learning rates must be positive numbers")
        if not 0.0 <= self.label_flip < 1.0 or not 0.0 <= self.label_smoothing < 1.0:
            raise ValueError("label flip and label smoothing must lie in [0, 1)")
        get_loss(self.loss)
        if self.replay_size < 0 or not 0.0 <= self.replay_fraction <= 1.0:
            raise ValueError("replay size must be >= 0 and the replay fraction in [0, 1]")
        if self.unroll_steps < 0 or self.unroll_steps > 20:
            raise ValueError("unrolled steps must lie between 0 and 20")
        if self.pack < 1 or self.batch_size % self.pack:
            raise ValueError(f"packing m={self.pack} must be >= 1 and divide the batch size {self.batch_size}")
        if self.lr_decay_start < 0 or self.lr_half_life < 0:
            raise ValueError("learning-rate half-life and decay start must be >= 0")
        if self.gp_weight < 0:
            raise ValueError("the gradient-penalty weight must be >= 0")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer!r}; choose one of {sorted(OPTIMIZERS)}")


OPTIMIZERS = {
    "adam": lambda p, lr, c: torch.optim.Adam(p, lr=lr, betas=(c.beta1, 0.999), foreach=True),
    "sgd": lambda p, lr, c: torch.optim.SGD(p, lr=lr, momentum=c.momentum),
    "rmsprop": lambda p, lr, c: torch.optim.RMSprop(p, lr=lr),
}


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
        self.status = "ready"
        self.message = ""
        self.history = History()
        self._last = {"d_loss": math.nan, "g_loss": math.nan, "d_real": math.nan, "d_fake": math.nan,
                      "d_fake_after": math.nan}
        self._rate = 0.0
        self._good = self._capture()
        self.replay = cures.ReplayBuffer(config.replay_size) if config.replay_size > 0 else None
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
            x = cures.pack(x, m)
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
            params = cures.unrolled_params(
                self.D, self.opt_d, c.unroll_steps, self._unrolled_objective,
                lambda module: cures.swapped(self, "D", module),
                clip=c.clip_value if self.loss.clip_weights else None)
            with cures.swapped(self, "D", cures.WithParams(self.D, params)):
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


# ---------------------------------------------------------------------------------------
# Point distributions (the 1-D lessons)
# ---------------------------------------------------------------------------------------
@dataclass(kw_only=True)
class DistributionConfig(TrainConfig):
    """A GAN on a point distribution; PRESETS_1D holds tuned settings."""

    target: str = "gaussian"
    target_params: dict = field(default_factory=dict)
    noise: str = "normal"  # uniform (as in the seed code) | normal
    noise_dim: int = 1
    g_hidden: tuple = (32, 32)
    d_hidden: tuple = (32, 32)
    g_activation: str = "tanh"
    d_activation: str = "tanh"
    d_input: str = "raw"  # raw | moments (the seed's "only 4 moments")
    d_minibatch: str = "none"  # none | std | discrimination: a mini-batch layer in D (a mode-collapse cure)
    eval_samples: int = 10_000
    bins: int = 60
    coverage_samples: int = 2500  # generated samples for the mode metrics (the papers' 2500)
    scatter_points: int = 800  # generated points in a 2-D snapshot

    def validate(self) -> None:
        super().validate()
        if self.noise not in ("uniform", "normal"):
            raise ValueError(f"unknown noise prior {self.noise!r}; choose uniform or normal")
        if self.d_input not in ("raw", "moments"):
            raise ValueError(f"unknown discriminator input {self.d_input!r}; choose raw or moments")
        if self.d_input == "moments" and self.batch_size < 4:
            raise ValueError("the 4-moments discriminator needs a batch of at least 4 samples")
        if self.noise_dim < 1:
            raise ValueError("noise dimension must be at least 1")
        if self.d_minibatch not in cures.MINIBATCH:
            raise ValueError(f"unknown mini-batch feature {self.d_minibatch!r}; choose one of {cures.MINIBATCH}")
        if self.d_input == "moments" and (self.pack > 1 or self.d_minibatch != "none"):
            raise ValueError("the 4-moments discriminator cannot be combined with packing or mini-batch features")
        if not 1 <= self.coverage_samples <= self.eval_samples:
            raise ValueError("coverage samples must lie between 1 and the evaluation samples")


PRESETS_1D = {
    # The seminar's PyTorch code, setting by setting.
    "Seed paper": DistributionConfig(
        noise="uniform", g_hidden=(5, 5), d_hidden=(10, 10), g_activation="tanh", d_activation="sigmoid",
        d_input="moments", optimizer="sgd", lr_g=1e-3, lr_d=1e-3, momentum=0.9, batch_size=500,
        d_steps=20, g_steps=20, loss="non_saturating"),
    # Fits the same target in seconds: a wider leaky-ReLU D that gets two updates per G update,
    # Adam, and a learning-rate half-life so that the game settles instead of orbiting the target.
    # Least squares and batch 1024: with BCE and batch 512, 2 of 6 seeds froze with the wrong
    # spread once the learning rates had decayed (D(x) = 1/2, std 1.08); this fit 10 of 10 seeds.
    "Fast": DistributionConfig(
        noise="normal", g_hidden=(32, 32), d_hidden=(64, 64), g_activation="leaky_relu",
        d_activation="leaky_relu", optimizer="adam", lr_g=2e-3, lr_d=2e-3, beta1=0.5, batch_size=1024,
        d_steps=2, g_steps=1, lr_half_life=400, loss="least_squares"),
}


def batch_moments(x: torch.Tensor) -> torch.Tensor:
    """The seed's 4-moment summary of a batch (n, 1) -> (1, 4): mean, std, skew, excess kurtosis."""
    x = x.reshape(-1)
    mean = x.mean()
    diff = x - mean
    std = diff.pow(2).mean().sqrt()
    z = diff / (std + 1e-8)
    return torch.stack([mean, std, z.pow(3).mean(), z.pow(4).mean() - 3.0]).unsqueeze(0)


@dataclass(kw_only=True)
class Snapshot1D(Snapshot):
    bin_edges: list[float]
    real_counts: list[int]
    fake_counts: list[int]
    target_pdf: list[float]  # at bin centres
    d_on_grid: list[float] | None  # D(x) at bin centres; None when D sees only moments
    real_moments: dict[str, float]
    fake_moments: dict[str, float]
    w1: float
    ks: float
    w1_history: dict[str, list[float]] = field(default_factory=dict)  # {"step": [...], "w1": [...]}
    coverage: dict[str, float] | None = None  # mode metrics, for mixture targets


@dataclass(kw_only=True)
class Snapshot2D(Snapshot):
    """A 2-D run: a subsample of generated points, the target's mode centres, the mode metrics."""

    fake_x: list[float]
    fake_y: list[float]
    centres: list[list[float]]
    mode_std: float
    bounds: tuple[float, float]  # a square plot range for both axes
    hq_fraction: float  # share of samples within 3 std of their nearest centre
    modes_captured: int  # centres that are nearest to at least one high-quality sample
    n_modes: int
    reverse_kl: float  # KL(mode histogram || uniform)


class DistributionTrainer(GANTrainer):
    """A GAN whose data are points from a known distribution."""

    def __init__(self, config: DistributionConfig, device: torch.device | str = "cpu"):
        config.validate()
        self.target = distributions.make_target(config.target, **config.target_params)
        torch.manual_seed(config.seed)  # weight initialisation
        d_in = 4 if config.d_input == "moments" else self.target.dim * config.pack
        G = mlp(config.noise_dim, tuple(config.g_hidden), self.target.dim, config.g_activation)
        if config.d_minibatch == "none":
            D = mlp(d_in, tuple(config.d_hidden), 1, config.d_activation)
        else:
            D = cures.discriminator_mlp(d_in, tuple(config.d_hidden), config.d_activation, config.d_minibatch)
        super().__init__(config, G, D, device)
        self.rng = np.random.default_rng(config.seed)
        eval_rng = np.random.default_rng(config.seed + 1_000_003)
        self.eval_noise = self._noise(config.eval_samples, torch.Generator(device=self.device).manual_seed(config.seed + 7))
        self.mode_centres, self.mode_stds = distributions.mode_centres(self.target)
        if self.target.dim == 1:
            self.eval_real = self.target.sample(config.eval_samples, eval_rng)[:, 0]
            self.quantiles = self.target.ppf((np.arange(4000) + 0.5) / 4000)
            self.real_moments = self.target.moments()
        self._eval_cache: tuple[int, np.ndarray] | None = None
        self.w1_history = History()

    def _noise(self, n: int, gen: torch.Generator) -> torch.Tensor:
        shape = (n, self.config.noise_dim)
        if self.config.noise == "uniform":
            return torch.rand(shape, generator=gen, device=self.device)
        return torch.randn(shape, generator=gen, device=self.device)

    def sample_noise(self, n: int) -> torch.Tensor:
        return self._noise(n, self.torch_gen)

    def sample_real(self, n: int):
        return torch.from_numpy(self.target.sample(n, self.rng)).to(self.device), None

    def sample_condition(self, n: int) -> None:
        return None  # unconditional: no need to draw a real batch for G's step

    def discriminate(self, x: torch.Tensor, cond: Any = None) -> torch.Tensor:
        return self.D(batch_moments(x) if self.config.d_input == "moments" else x)

    # --- evaluation ----------------------------------------------------------------------
    def generated(self) -> np.ndarray:
        """G applied to the fixed evaluation noise (cached per step): shape (n,) in 1-D, (n, 2) in 2-D."""
        if self._eval_cache is None or self._eval_cache[0] != self.step_count:
            with torch.no_grad():
                out = self.G(self.eval_noise).float().cpu().numpy()
            self._eval_cache = (self.step_count, out[:, 0] if self.target.dim == 1 else out)
        return self._eval_cache[1]

    @property
    def multimodal(self) -> bool:
        return len(self.mode_centres) > 1

    def coverage(self) -> dict[str, float]:
        """High-quality fraction, modes captured and reverse KL on `coverage_samples` generated samples."""
        fake = self.generated()[: self.config.coverage_samples]
        return mode_coverage(fake, self.mode_centres, self.mode_stds)

    def history_extras(self) -> dict[str, float]:
        if not self.multimodal:
            return {}
        cov = self.coverage()
        return {"modes_captured": cov["modes_captured"], "hq_fraction": cov["hq_fraction"],
                "reverse_kl": cov["reverse_kl"]}

    def generator_curve(self, z: np.ndarray) -> np.ndarray:
        """G(z) for scalar noise values: the learned map that the inverse-CDF lesson compares."""
        with torch.no_grad():
            zt = torch.as_tensor(np.asarray(z, np.float32).reshape(-1, 1), device=self.device)
            return self.G(zt)[:, 0].cpu().numpy()

    def check_samples(self) -> str | None:
        with torch.no_grad():
            probe = self.G(self.eval_noise[:256])
        if not torch.isfinite(probe).all():
            return "the generator's outputs became NaN or infinite"
        if probe.abs().max() > EXPLODED:
            return "the generator's outputs exploded"
        return None

    def snapshot(self) -> Snapshot1D | Snapshot2D:
        if self.target.dim == 2:
            return self._snapshot_2d()
        fake = self.generated()
        lo, hi = float(self.eval_real.min()), float(self.eval_real.max())  # every real sample is counted
        if self.step_count:  # widen the grid to show stray samples, on whole units to limit jitter
            lo = min(lo, math.floor(float(np.percentile(fake, 0.5))))
            hi = max(hi, math.ceil(float(np.percentile(fake, 99.5))))
        else:
            lo, hi = min(lo, float(fake.min())), max(hi, float(fake.max()))
        edges = np.linspace(lo, hi, self.config.bins + 1)
        centres = 0.5 * (edges[1:] + edges[:-1])
        d_grid = None  # D(x) of a single point is undefined when D judges packs or batch statistics
        if self.config.d_input == "raw" and self.config.pack == 1 and self.config.d_minibatch == "none":
            with torch.no_grad():
                out = self.D(torch.as_tensor(centres, dtype=torch.float32, device=self.device).reshape(-1, 1))
                d_grid = self.loss.score(out)[:, 0].cpu().numpy().tolist()
        w1 = float(stats.wasserstein_distance(fake, self.quantiles))
        if not self.w1_history.data or self.w1_history.data["step"][-1] != self.step_count:
            self.w1_history.record(step=self.step_count, w1=w1)
        return Snapshot1D(
            **self._base_fields(),
            bin_edges=edges.tolist(),
            real_counts=np.histogram(self.eval_real, edges)[0].tolist(),
            fake_counts=np.histogram(fake, edges)[0].tolist(),
            target_pdf=self.target.pdf(centres).tolist(),
            d_on_grid=d_grid,
            real_moments=self.real_moments,
            fake_moments=moments(fake),
            w1=w1,
            ks=float(stats.kstest(fake, self.target.cdf).statistic),
            w1_history=self.w1_history.copy(),
            coverage=self.coverage() if self.multimodal else None,
        )

    def learned_map(self, points: int = 201) -> dict:
        """G(z) against the inverse CDF on z in (0, 1), for uniform noise.

        A GAN may learn the map upside down (G decreasing, matching F^{-1}(1 - z)); both are
        valid generators, so compare with whichever orientation G took.
        """
        z = (np.arange(points) + 0.5) / points
        g = self.generator_curve(z)
        increasing = bool(np.corrcoef(z, g)[0, 1] >= 0) if np.std(g) > 0 else True
        ppf = self.target.ppf(z if increasing else 1.0 - z)
        return {"z": z, "g": g, "ppf": ppf, "increasing": increasing,
                "max_deviation": float(np.max(np.abs(g - ppf)))}

    def _snapshot_2d(self) -> Snapshot2D:
        fake = self.generated()
        cov = self.coverage()
        shown = fake[: self.config.scatter_points]
        return Snapshot2D(
            **self._base_fields(),
            fake_x=shown[:, 0].tolist(),
            fake_y=shown[:, 1].tolist(),
            centres=self.mode_centres.tolist(),
            mode_std=float(self.target.std),
            bounds=self.target.bounds(),
            hq_fraction=cov["hq_fraction"],
            modes_captured=int(cov["modes_captured"]),
            n_modes=int(cov["n_modes"]),
            reverse_kl=cov["reverse_kl"],
        )


def config_dict(config: TrainConfig) -> dict[str, Any]:
    """A JSON-friendly dict of a config (tuples become lists)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(config).items()}
