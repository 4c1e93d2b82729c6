"""A 2-D GAN seen from inside: the trainer of the playground, its shipped games and the mode-collapse lesson.

On top of the 2-D trainer it steps D's half or G's half of an iteration on its own, counts the
versions of D and G (so that a layer is recomputed only when its network changed), computes the
plane's layers (gan_core.families.toy.layers) on demand, and records KL and JS between the real and
the generated 2-D histograms in its history.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import torch

from gan_core.data.shapes import view_range
from gan_core.eval.metrics import histogram_2d, kl_js
from gan_core.families.toy import layers as L
from gan_core.families.toy.slow_motion import record_half
from gan_core.families.toy.trainer import DistributionTrainer, Snapshot2D

HIST_BINS = 32  # the real and generated histograms behind KL and JS: 32 x 32 cells over the plane's square
SMOOTHING = 0.5  # pseudo-count added to every cell of both histograms, so that KL stays finite
LAYERS = ("real", "fake", "surface", "manifold", "arrows")


@dataclass(kw_only=True)
class InsideSnapshot(Snapshot2D):
    kl: float  # KL(real || generated) between the 2-D histograms
    js: float
    kl_floor: float  # the same between two real samples of the same size: what sampling alone gives
    js_floor: float


@dataclass
class Layers:
    """Plain arrays for the plane's layers; a layer not asked for is None."""

    lo: float
    hi: float
    real: np.ndarray | None = None  # (n, 2)
    fake: np.ndarray | None = None  # (n, 2): G on the first n of the fixed evaluation noise
    surface: np.ndarray | None = None  # (r, r), rows along y: D's score on the plane's grid
    surface_kind: str = "probability"  # "probability" (centre 1/2) | "score" (least squares: 1 real, 0 fake)
    # | "critic" (a Wasserstein critic: centred on the midpoint of its mean score on reals and on fakes)
    surface_centre: float = 0.5
    manifold: np.ndarray | None = None  # (k, 2) curve or (k, k, 2) mesh
    manifold_density: np.ndarray | None = None  # (k-1,) or (k-1, k-1): G's sample density per cell
    manifold_kind: str = "curve"  # "curve" (1-D noise) | "mesh" (2-D) | "slice" (a 2-D slice of more)
    arrows: np.ndarray | None = None  # (n, 2): -∂L_G/∂x per generated sample shown


class InsideTrainer(DistributionTrainer):
    """The 2-D trainer with D-only / G-only steps, versioned networks and the plane's layers."""

    kind = "toy2d"
    architecture_fields = ("target", "noise_dim", "g_activation", "d_activation", "d_minibatch", "pack")

    def __init__(self, config, device: torch.device | str = "cpu"):
        super().__init__(config, device)
        if self.target.dim != 2:
            raise ValueError(f"{config.target!r} is a 1-D target: the playground needs a 2-D shape")
        self.lo, self.hi = view_range(self.target)
        self.d_version = self.g_version = 0
        rng = np.random.default_rng(config.seed + 2_000_003)  # its own stream: training draws are untouched
        n = config.eval_samples
        self.eval_real = torch.from_numpy(self.target.sample(n, rng)).to(self.device)
        self.real_hist = histogram_2d(self.eval_real, self.lo, self.hi, HIST_BINS)
        other = histogram_2d(torch.from_numpy(self.target.sample(n, rng)), self.lo, self.hi, HIST_BINS)
        self.kl_floor, self.js_floor = kl_js(self.real_hist, other, SMOOTHING)
        self._cache: dict[str, tuple[Any, Any]] = {}

    # --- the two halves of an iteration, each on its own ---------------------------------------------
    def d_half(self):
        out = super().d_half()
        self.d_version += 1
        return out

    def g_half(self):
        out = super().g_half()
        self.g_version += 1
        return out

    def step_part(self, part: str) -> InsideSnapshot:
        """One step of `part`: "d" (D's half only: G is untouched), "g" (G's half only, which ends an
        iteration: D is untouched) or "both" (one full iteration, the same as "d" then "g")."""
        if part not in ("d", "g", "both"):
            raise ValueError(f"unknown step {part!r}; choose d, g or both")
        if self.status == "diverged":
            return self.snapshot()
        start, last = time.perf_counter(), dict(self._last)
        if part in ("d", "both"):
            d_loss, d_real, d_fake = (float(v) for v in self.d_half())
            last.update(d_loss=d_loss, d_real=d_real, d_fake=d_fake)
        if part in ("g", "both"):
            g_loss, d_after = (float(v) for v in self.g_half())
            last.update(g_loss=g_loss, d_fake_after=d_after)
        ran = torch.tensor([[last["d_loss"] if part != "g" else 0.0, last["g_loss"] if part != "d" else 0.0]])
        self.book(ran, int(part != "d"), time.perf_counter() - start, last)
        return self.snapshot()

    def slow_half(self, half: str) -> dict:
        """One half of an iteration with what slow motion shows of it recorded (slow_motion.record_half)."""
        return record_half(self, half)

    def constants(self) -> dict[str, Any]:
        """What a page reads of the trainer that never changes: the plane's range and the target's modes."""
        return {"lo": self.lo, "hi": self.hi, "mode_centres": self.mode_centres}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        self.weights_changed()

    def weights_changed(self) -> None:
        self.d_version, self.g_version = self.d_version + 1, self.g_version + 1

    def _diverge(self, reason: str) -> bool:
        self.weights_changed()  # the last good weights are restored
        return super()._diverge(reason)

    # --- cached views of the networks ----------------------------------------------------------------------
    def cached(self, name: str, key: Any, compute: Callable[[], Any]) -> Any:
        """compute() once per key: a layer is recomputed only when the network it depends on changed."""
        hit = self._cache.get(name)
        if hit is None or hit[0] != key:
            hit = (key, compute())
            self._cache[name] = hit
        return hit[1]

    def fake_points(self, n: int | None = None) -> torch.Tensor:
        """G on the first n of the fixed evaluation noise (all of it by default)."""
        n = len(self.eval_noise) if n is None else n
        def run() -> torch.Tensor:
            with torch.no_grad():
                return self.G(self.eval_noise)
        return self.cached("fake", self.g_version, run)[:n]

    def generated(self) -> np.ndarray:
        return self.cached("generated", self.g_version, lambda: self.fake_points().cpu().numpy())

    def divergences(self) -> tuple[float, float]:
        """KL(real || generated) and JS between the 2-D histograms (HIST_BINS² cells, SMOOTHING per cell)."""
        return self.cached("kl_js", self.g_version, lambda: kl_js(
            self.real_hist, histogram_2d(self.fake_points(), self.lo, self.hi, HIST_BINS), SMOOTHING))

    def history_extras(self) -> dict[str, float]:
        kl, js = self.divergences()
        return {**super().history_extras(), "kl": kl, "js": js}

    def surface(self) -> tuple[np.ndarray | None, str, float]:
        """D's decision surface on the plane, its kind and the score it is centred on."""
        def run():
            grid = L.decision_surface(self, self.lo, self.hi)
            if grid is None:
                return None, "probability", 0.5
            if not self.loss.is_critic:
                return grid.cpu().numpy(), "score" if self.loss.name == "least_squares" else "probability", 0.5
            n = self.config.scatter_points
            both = L.d_on_points(self, torch.cat([self.eval_real[:n], self.fake_points(n)]))
            return grid.cpu().numpy(), "critic", float(0.5 * (both[:n].mean() + both[n:].mean()))
        return self.cached("surface", (self.d_version, self.g_version if self.loss.is_critic else 0), run)

    def layers(self, want=LAYERS, shown: int | None = None) -> Layers:
        """The layers named in `want` (see LAYERS), each recomputed only if its networks changed since."""
        n = self.config.scatter_points if shown is None else shown
        out = Layers(self.lo, self.hi)
        if "real" in want:
            out.real = self.eval_real[:n].cpu().numpy()
        if "fake" in want or "arrows" in want:
            out.fake = self.fake_points(n).cpu().numpy()
        if "surface" in want:
            out.surface, out.surface_kind, out.surface_centre = self.surface()
        if "manifold" in want:
            out.manifold, out.manifold_density = self.cached("manifold", self.g_version, self._manifold)
            dim = self.config.noise_dim
            out.manifold_kind = "curve" if dim == 1 else "mesh" if dim == 2 else "slice"
        if "arrows" in want:
            out.arrows = self.cached("arrows", (self.d_version, self.g_version, n), lambda: L.generator_push(
                self, self.fake_points(n)).cpu().numpy())
        return out

    def _manifold(self) -> tuple[np.ndarray, np.ndarray]:
        z, shape = L.noise_grid(self.config.noise_dim, self.config.noise, self.device)
        pts, density = L.manifold(self.G, z, shape)
        return pts.cpu().numpy(), density.cpu().numpy()

    # --- the snapshot --------------------------------------------------------------------------------------
    def snapshot(self) -> InsideSnapshot:
        kl, js = self.divergences()
        shown = self.fake_points(self.config.scatter_points).cpu().numpy()
        if self.multimodal:
            cov = self.coverage()
        else:
            cov = {"hq_fraction": math.nan, "modes_captured": 0, "n_modes": 0, "reverse_kl": math.nan}
        return InsideSnapshot(
            **self._base_fields(), fake_x=shown[:, 0].tolist(), fake_y=shown[:, 1].tolist(),
            centres=self.mode_centres.tolist(), mode_std=float(self.target.std), hq_fraction=cov["hq_fraction"],
            modes_captured=int(cov["modes_captured"]), n_modes=int(cov["n_modes"]), reverse_kl=cov["reverse_kl"],
            kl=kl, js=js, kl_floor=self.kl_floor, js_floor=self.js_floor)
