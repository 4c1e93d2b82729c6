"""1-D target distributions with pdf, cdf, inverse cdf and a seeded sampler.

Single distributions wrap scipy.stats; mixtures compute pdf/cdf as weighted sums and invert the
cdf numerically (monotone interpolation on a dense grid, then Newton polishing).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Target1D:
    """A 1-D distribution; `components` are (weight, frozen scipy distribution)."""

    name: str
    label: str
    components: tuple = field(repr=False)
    dim: int = 1
    # (loc, scale) of each normal component, else None: `sample` draws those directly from the generator,
    # the very draws of scipy's rvs (standard_normal * scale + loc) without its ~0.3 ms per call
    _normal: tuple = field(init=False, repr=False, compare=False, default=())

    def __post_init__(self):
        object.__setattr__(self, "_normal", tuple(
            (float(d.mean()), float(d.std())) if d.dist.name == "norm" else None for _, d in self.components))

    def pdf(self, x):
        x = np.asarray(x, dtype=float)
        return sum(w * d.pdf(x) for w, d in self.components)

    def cdf(self, x):
        x = np.asarray(x, dtype=float)
        return sum(w * d.cdf(x) for w, d in self.components)

    def ppf(self, q):
        """Inverse CDF F^{-1}(q)."""
        q = np.asarray(q, dtype=float)
        if len(self.components) == 1:
            return self.components[0][1].ppf(q)
        lo, hi = self.support(1e-12)
        grid = np.linspace(lo, hi, 20001)
        x = np.interp(q, self.cdf(grid), grid)
        for _ in range(3):  # Newton polish; pdf > 0 inside the support of a Gaussian mixture
            dens = np.maximum(self.pdf(x), 1e-300)
            x = np.clip(x - (self.cdf(x) - q) / dens, lo, hi)
        return np.where(q <= 0, -np.inf, np.where(q >= 1, np.inf, x))

    def support(self, tail: float = 1e-3) -> tuple[float, float]:
        """Interval holding all but `tail` of the mass on each side (per component)."""
        lo = min(d.ppf(tail) for _, d in self.components)
        hi = max(d.isf(tail) for _, d in self.components)
        return float(lo), float(hi)

    @property
    def mean(self) -> float:
        return float(sum(w * d.mean() for w, d in self.components))

    @property
    def std(self) -> float:
        second = sum(w * (d.var() + d.mean() ** 2) for w, d in self.components)
        return float(np.sqrt(second - self.mean**2))

    def moments(self) -> dict[str, float]:
        """Mean, std, skew and excess kurtosis, exactly (by numerical integration)."""
        lo, hi = self.support(1e-10)
        x = np.linspace(lo, hi, 40001)
        p = self.pdf(x)
        p = p / np.trapezoid(p, x)
        mu = np.trapezoid(x * p, x)
        var = np.trapezoid((x - mu) ** 2 * p, x)
        sd = np.sqrt(var)
        skew = np.trapezoid(((x - mu) / sd) ** 3 * p, x)
        kurt = np.trapezoid(((x - mu) / sd) ** 4 * p, x) - 3.0
        return {"mean": float(mu), "std": float(sd), "skew": float(skew), "kurtosis": float(kurt)}

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """n samples as float32, shape (n, 1), reproducible for a seeded `rng`."""
        if len(self.components) == 1:
            out = self._draw(0, n, rng)
        else:
            weights = np.array([w for w, _ in self.components])
            which = rng.choice(len(weights), size=n, p=weights / weights.sum())
            out = np.empty(n)
            for i in range(len(self.components)):
                mask = which == i
                out[mask] = self._draw(i, int(mask.sum()), rng)
        return out.astype(np.float32).reshape(n, 1)

    def _draw(self, i: int, n: int, rng: np.random.Generator) -> np.ndarray:
        if self._normal[i] is not None:
            loc, scale = self._normal[i]
            return rng.standard_normal(n) * scale + loc
        return self.components[i][1].rvs(size=n, random_state=rng)


def gaussian(mean: float = 4.0, std: float = 1.25) -> Target1D:
    return Target1D("gaussian", f"N({mean:g}, {std:g})", ((1.0, stats.norm(mean, std)),))


def mixture(means, stds, weights=None, name: str | None = None) -> Target1D:
    means, stds = list(means), list(stds)
    weights = list(weights) if weights is not None else [1.0] * len(means)
    total = float(sum(weights))
    comps = tuple((w / total, stats.norm(m, s)) for w, m, s in zip(weights, means, stds))
    label = " + ".join(f"{w / total:.2g}·N({m:g}, {s:g})" for w, m, s in zip(weights, means, stds))
    return Target1D(name or f"mixture{len(means)}", label, comps)


def two_mode(separation: float = 4.0, std: float = 0.5, center: float = 0.0) -> Target1D:
    half = separation / 2
    return mixture([center - half, center + half], [std, std], name="two_mode")


def three_mode(separation: float = 3.0, std: float = 0.4, center: float = 0.0) -> Target1D:
    return mixture([center - separation, center, center + separation], [std] * 3, name="three_mode")


def exponential(rate: float = 1.0) -> Target1D:
    return Target1D("exponential", f"Exp(rate {rate:g})", ((1.0, stats.expon(scale=1.0 / rate)),))


def uniform(low: float = -1.0, high: float = 1.0) -> Target1D:
    return Target1D("uniform", f"U({low:g}, {high:g})", ((1.0, stats.uniform(low, high - low)),))


# name -> (factory, default keyword parameters); the UI builds sliders from the defaults.
TARGETS_1D = {
    "gaussian": (gaussian, {"mean": 4.0, "std": 1.25}),
    "two_mode": (two_mode, {"separation": 4.0, "std": 0.5, "center": 0.0}),
    "three_mode": (three_mode, {"separation": 3.0, "std": 0.4, "center": 0.0}),
    "exponential": (exponential, {"rate": 1.0}),
    "uniform": (uniform, {"low": -1.0, "high": 1.0}),
}


def make_target(name: str, **params):
    """Build a named target (1-D or 2-D); unknown names or parameters raise ValueError with the choices."""
    from gan_core.data.shapes import SHAPES  # the playground's shapes (they build on Target2D)

    targets = {**TARGETS_1D, **TARGETS_2D, **SHAPES}
    if name not in targets:
        raise ValueError(f"unknown target {name!r}; choose one of {sorted(targets)}")
    factory, defaults = targets[name]
    unknown = set(params) - set(defaults)
    if unknown:
        raise ValueError(f"target {name!r} has no parameter(s) {sorted(unknown)}")
    return factory(**{**defaults, **params})


# ---------------------------------------------------------------------------------------
# 2-D mixtures of isotropic Gaussians: the mode-collapse benchmarks (ring and grid)
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target2D:
    """Equal-weight mixture of isotropic 2-D Gaussians with the given `centres` (k, 2) and `std`."""

    name: str
    label: str
    centres: np.ndarray = field(repr=False, compare=False)
    std: float = 0.01
    dim: int = 2

    @property
    def n_modes(self) -> int:
        return len(self.centres)

    @property
    def mode_stds(self) -> np.ndarray:
        return np.full(self.n_modes, float(self.std))

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """n samples as float32, shape (n, 2), reproducible for a seeded `rng`."""
        which = rng.integers(0, self.n_modes, size=n)
        return (self.centres[which] + self.std * rng.standard_normal((n, 2))).astype(np.float32)



def ring(n_modes: int = 8, radius: float = 1.0, std: float = 0.01) -> Target2D:
    """n Gaussians at angles i·2π/n on a circle (PacGAN/VEEGAN's 8-mode ring, std 0.01).

    The angles are i·2π/n for i = 0..n-1: `linspace(0, 2π, n)` would repeat the first centre.
    """
    n_modes = int(n_modes)
    angles = 2 * np.pi * np.arange(n_modes) / n_modes
    centres = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return Target2D("ring", f"Ring of {n_modes} Gaussians (radius {radius:g}, std {std:g})", centres, float(std))


def grid(side: int = 5, spacing: float = 2.0, std: float = 0.05) -> Target2D:
    """side² Gaussians on a square lattice centred on 0 (the 25-mode grid at {-4,-2,0,2,4}², std 0.05)."""
    side = int(side)
    axis = spacing * (np.arange(side) - (side - 1) / 2)
    xx, yy = np.meshgrid(axis, axis, indexing="ij")
    centres = np.stack([xx.ravel(), yy.ravel()], axis=1)
    return Target2D("grid", f"Grid of {side}×{side} Gaussians (spacing {spacing:g}, std {std:g})",
                    centres, float(std))


TARGETS_2D = {
    "ring": (ring, {"n_modes": 8, "radius": 1.0, "std": 0.01}),
    "grid": (grid, {"side": 5, "spacing": 2.0, "std": 0.05}),
}


def mode_centres(target) -> tuple[np.ndarray, np.ndarray]:
    """(centres (k, dim), stds (k,)) of a mixture target, 1-D or 2-D; for mode-coverage metrics."""
    if target.dim == 2:  # a mixture of 2-D Gaussians, or a shape without modes (no centres)
        return np.asarray(target.centres, float).reshape(-1, 2), target.mode_stds
    means = np.array([[d.mean()] for _, d in target.components])
    stds = np.array([d.std() for _, d in target.components])
    return means, stds


def inverse_cdf_samples(target: Target1D, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The inverse-CDF method: z ~ U(0, 1), x = F^{-1}(z). Returns (z, x)."""
    z = np.random.default_rng(seed).uniform(size=n)
    return z, target.ppf(z)
