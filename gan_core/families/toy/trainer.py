"""The 1-D and 2-D trainer: the one GAN loop on samples of a known distribution, and its snapshots."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from gan_core.core.loop import EXPLODED, GANTrainer
from gan_core.core.snapshot import History, Snapshot
from gan_core.data import distributions
from gan_core.eval.metrics import mode_coverage, moments, sorted_ks, sorted_w1
from gan_core.families.toy.config import DistributionConfig
from gan_core.families.toy.networks import LinearSkip, batch_moments, discriminator_mlp, mlp

GRID_POINTS = 121  # where the target's density and D(x) are evaluated for a 1-D snapshot


@dataclass(kw_only=True)
class Snapshot1D(Snapshot):
    real: np.ndarray  # the fixed real evaluation sample
    fake: np.ndarray  # G applied to the fixed evaluation noise
    grid: np.ndarray  # points across the span of the real and the generated samples
    target_pdf: np.ndarray  # the target's density on `grid`
    d_curve: np.ndarray | None  # D(x) on `grid`; None when D judges packs, batch statistics or moments
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
        if config.g_skip:
            G = LinearSkip(G, config.noise_dim, self.target.dim)
        if config.d_minibatch == "none":
            D = mlp(d_in, tuple(config.d_hidden), 1, config.d_activation)
        else:
            D = discriminator_mlp(d_in, tuple(config.d_hidden), config.d_activation, config.d_minibatch)
        super().__init__(config, G, D, device)
        self.rng = np.random.default_rng(config.seed)
        eval_rng = np.random.default_rng(config.seed + 1_000_003)
        eval_gen = torch.Generator(device=self.device).manual_seed(config.seed + 7)
        self.eval_noise = self._evaluation_noise(config.eval_samples, eval_gen)
        self.mode_centres, self.mode_stds = distributions.mode_centres(self.target)
        if self.target.dim == 1:
            self.eval_real = self.target.sample(config.eval_samples, eval_rng)[:, 0]
            # the target at the evaluation sample's own quantile levels: W1 is then one subtraction
            self.quantiles = self.target.ppf((np.arange(config.eval_samples) + 0.5) / config.eval_samples)
            self.real_moments = self.target.moments()
        self._eval_cache: tuple[int, np.ndarray] | None = None
        self._pdf_cache: tuple[float, float, np.ndarray] | None = None
        self.w1_history = History()

    def _noise(self, n: int, gen: torch.Generator) -> torch.Tensor:
        shape = (n, self.config.noise_dim)
        if self.config.noise == "uniform":
            return torch.rand(shape, generator=gen, device=self.device)
        return torch.randn(shape, generator=gen, device=self.device)

    def _evaluation_noise(self, n: int, gen: torch.Generator) -> torch.Tensor:
        """The fixed noise behind every snapshot. One-dimensional noise is stratified, the prior's own
        quantiles at levels (i + ½)/n: G's samples are then a quadrature of its output distribution, and
        W1 to the target measures G's map without a random sample's floor (about 0.02 at n = 4,000). In a
        random order, so that any prefix (the mode metrics use one) is a fair subsample."""
        if self.config.noise_dim != 1:
            return self._noise(n, gen)
        levels = (torch.arange(n, dtype=torch.float64) + 0.5) / n
        z = levels if self.config.noise == "uniform" else torch.special.ndtri(levels)
        return z.float()[torch.randperm(n, generator=gen, device=gen.device)].reshape(n, 1).to(self.device)

    def sample_noise(self, n: int) -> torch.Tensor:
        return self._noise(n, self.torch_gen)

    def sample_real(self, n: int):
        return torch.from_numpy(self.target.sample(n, self.rng)).to(self.device), None

    def sample_condition(self, n: int) -> None:
        return None  # unconditional: no need to draw a real batch for G's step

    def d_input(self, x: torch.Tensor) -> torch.Tensor:
        return batch_moments(x) if self.config.d_input == "moments" else x

    def discriminate(self, x: torch.Tensor, cond: Any = None) -> torch.Tensor:
        return self.D(self.d_input(x))

    def cohort_key(self) -> str:
        """Every point GAN batches with other students' runs whose D sees its batch the same way."""
        return self.config.d_input

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
            return "samples_not_finite"
        if probe.abs().max() > EXPLODED:
            return "samples_huge"
        return None

    def snapshot(self) -> Snapshot1D | Snapshot2D:
        """The run as plain data. Cheap enough for every live tick (a few ms): one forward pass on the
        fixed evaluation noise, one sort, closed-form W1 and KS, and the target's pdf only when the span moves."""
        if self.target.dim == 2:
            return self._snapshot_2d()
        fake = self.generated()
        ordered = np.sort(fake)
        lo, hi = float(self.eval_real.min()), float(self.eval_real.max())  # every real sample is inside
        if self.step_count:  # widen the span to stray samples, on whole units to limit jitter
            n = len(ordered)
            lo = min(lo, math.floor(float(ordered[int(0.005 * n)])))
            hi = max(hi, math.ceil(float(ordered[int(0.995 * n) - 1])))
        else:
            lo, hi = min(lo, float(ordered[0])), max(hi, float(ordered[-1]))
        grid = np.linspace(lo, hi, GRID_POINTS)
        d_curve = None  # D(x) of a single point is undefined when D judges packs or batch statistics
        if self.config.d_input == "raw" and self.config.pack == 1 and self.config.d_minibatch == "none":
            with torch.no_grad():
                out = self.D(torch.as_tensor(grid, dtype=torch.float32, device=self.device).reshape(-1, 1))
                d_curve = self.loss.score(out)[:, 0].cpu().numpy()
        w1 = sorted_w1(ordered, self.quantiles)
        if not self.w1_history.data or self.w1_history.data["step"][-1] != self.step_count:
            self.w1_history.record(step=self.step_count, w1=w1)
        return Snapshot1D(
            **self._base_fields(),
            real=self.eval_real,
            fake=fake,
            grid=grid,
            target_pdf=self._target_pdf(lo, hi, grid),
            d_curve=d_curve,
            real_moments=self.real_moments,
            fake_moments=moments(fake),
            w1=w1,
            ks=sorted_ks(ordered, self.target.cdf),
            w1_history=self.w1_history.copy(),
            coverage=self.coverage() if self.multimodal else None,
        )

    def _target_pdf(self, lo: float, hi: float, grid: np.ndarray) -> np.ndarray:
        if self._pdf_cache is None or self._pdf_cache[:2] != (lo, hi):
            self._pdf_cache = (lo, hi, self.target.pdf(grid))
        return self._pdf_cache[2]

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
            hq_fraction=cov["hq_fraction"],
            modes_captured=int(cov["modes_captured"]),
            n_modes=int(cov["n_modes"]),
            reverse_kl=cov["reverse_kl"],
        )
