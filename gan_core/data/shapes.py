"""2-D point shapes for the playground ("Inside the game"): a line, two Gaussians, a ring, three disjoint
regions, and a student's own drawing; plus the square of the plane the lessons look at.

A shape is a seeded sampler with an extent. The 8-Gaussian ring and the 25-Gaussian grid of the
mode-collapse lesson (`distributions.Target2D`) are shapes too; `make_target` builds any of them by name.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from gan_core.data.distributions import Target2D

EMPTY = np.zeros((0, 2))


@dataclass(frozen=True)
class Shape2D:
    """A 2-D distribution given by its sampler; `extent` bounds |x| and |y| of its points (noise aside)."""

    name: str
    label: str
    draw: Callable[[int, np.random.Generator], np.ndarray] = field(repr=False, compare=False)
    extent: float = 2.0
    dim: int = 2
    centres: np.ndarray = field(default_factory=lambda: EMPTY, repr=False, compare=False)  # no modes
    std: float = 0.0

    @property
    def mode_stds(self) -> np.ndarray:
        return np.zeros(0)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """n samples as float32, shape (n, 2), reproducible for a seeded `rng`."""
        return np.asarray(self.draw(int(n), rng), np.float32).reshape(int(n), 2)


def along(polylines: list[np.ndarray], n: int, noise: float, rng: np.random.Generator) -> np.ndarray:
    """n points spread uniformly by length along the segments of `polylines` (each (k, 2)), plus
    Gaussian noise of std `noise`."""
    starts = np.concatenate([p[:-1] for p in polylines])
    ends = np.concatenate([p[1:] for p in polylines])
    cumulative = np.cumsum(np.linalg.norm(ends - starts, axis=1))
    where = rng.uniform(0, cumulative[-1], n)
    seg = np.minimum(np.searchsorted(cumulative, where), len(cumulative) - 1)
    before = np.concatenate([[0.0], cumulative[:-1]])[seg]
    length = np.maximum(cumulative[seg] - before, 1e-12)
    t = ((where - before) / length)[:, None]
    return starts[seg] + t * (ends[seg] - starts[seg]) + noise * rng.standard_normal((n, 2))


def line(length: float = 3.0, angle: float = 30.0, noise: float = 0.03) -> Shape2D:
    """A straight segment through the origin at `angle` degrees."""
    u = np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle))]) * length / 2
    ends = np.stack([-u, u])
    return Shape2D("line", f"A line (length {length:g}, noise {noise:g})",
                   lambda n, rng: along([ends], n, noise, rng), float(np.abs(u).max() + 3 * noise))


def circle(radius: float = 1.0, noise: float = 0.05) -> Shape2D:
    """A continuous ring: angle uniform, radius `radius` plus noise."""
    def draw(n: int, rng: np.random.Generator) -> np.ndarray:
        angle = rng.uniform(0, 2 * np.pi, n)
        r = radius + noise * rng.standard_normal(n)
        return np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)
    return Shape2D("circle", f"A ring (radius {radius:g}, noise {noise:g})", draw, radius + 3 * noise)


def three_regions(distance: float = 1.2, radius: float = 0.45) -> Shape2D:
    """Three disjoint discs, uniformly filled, at 90°, 210° and 330° on a circle of `distance`."""
    angles = np.radians([90.0, 210.0, 330.0])
    centres = distance * np.stack([np.cos(angles), np.sin(angles)], axis=1)

    def draw(n: int, rng: np.random.Generator) -> np.ndarray:
        which = rng.integers(0, 3, n)
        r = radius * np.sqrt(rng.uniform(0, 1, n))  # uniform over the disc's area
        a = rng.uniform(0, 2 * np.pi, n)
        return centres[which] + np.stack([r * np.cos(a), r * np.sin(a)], axis=1)
    return Shape2D("three_regions", f"Three disjoint discs (radius {radius:g})", draw,
                   float(np.abs(centres).max() + radius))


def two_gaussians(separation: float = 2.5, std: float = 0.3) -> Target2D:
    half = separation / 2
    return Target2D("two_gaussians", f"Two Gaussians ({separation:g} apart, std {std:g})",
                    np.array([[-half, 0.0], [half, 0.0]]), float(std))


DRAW_EXTENT = 2.0  # the drawing canvas shows [-2, 2]²


def drawn(strokes=(), noise: float = 0.04) -> Shape2D:
    """The student's drawing: points along the strokes (lists of [x, y] in plane units) with a little noise.
    An empty drawing, or one without a stroke of some length (a single dot), is refused."""
    if not strokes:
        raise ValueError("the drawing is empty: draw at least one stroke on the canvas")
    lines = [np.asarray(s, float).reshape(-1, 2) for s in strokes if len(s) >= 2]
    lines = [p for p in lines if np.isfinite(p).all() and np.linalg.norm(np.diff(p, axis=0), axis=1).sum() > 0]
    if not lines or sum(np.linalg.norm(np.diff(p, axis=0), axis=1).sum() for p in lines) < 0.05:
        raise ValueError("the drawing is only a dot: draw a stroke (press, move, release) so that the real data "
                         "have a shape")
    extent = max(float(np.abs(p).max()) for p in lines) + 3 * noise
    return Shape2D("drawn", f"Your drawing ({len(lines)} stroke{'s' if len(lines) > 1 else ''})",
                   lambda n, rng: along(lines, n, noise, rng), extent)


def strokes_from_canvas(objects: list[dict], size_px: float, extent: float = DRAW_EXTENT) -> list[list[list[float]]]:
    """Strokes in plane units from a drawing canvas's free-hand paths (fabric.js JSON: each path a list of
    commands like ["M", x, y], ["Q", cx, cy, x, y], ["L", x, y] in pixels, y pointing down).
    The canvas is `size_px` square and shows [-extent, extent]²."""
    strokes = []
    for obj in objects or []:
        if str(obj.get("type", "")).lower() != "path":  # fabric.js 7 writes "Path", older versions "path"
            continue
        px = np.array([cmd[-2:] for cmd in obj.get("path", []) if len(cmd) >= 3], float).reshape(-1, 2)
        if len(px):
            x = -extent + 2 * extent * px[:, 0] / size_px
            y = extent - 2 * extent * px[:, 1] / size_px
            strokes.append(np.round(np.stack([x, y], axis=1), 3).tolist())
    return strokes


# name -> (factory, default keyword parameters); the playground's built-in shapes, then the drawing
SHAPES = {
    "line": (line, {"length": 3.0, "angle": 30.0, "noise": 0.03}),
    "two_gaussians": (two_gaussians, {"separation": 2.5, "std": 0.3}),
    "circle": (circle, {"radius": 1.0, "noise": 0.05}),
    "three_regions": (three_regions, {"distance": 1.2, "radius": 0.45}),
    "drawn": (drawn, {"strokes": (), "noise": 0.04}),
}


def view_range(target, margin: float = 0.25) -> tuple[float, float]:
    """One range for both axes of the plane a 2-D target is shown in (and its surfaces computed on): every
    mode centre with a margin relative to the spread, or the shape's extent with that margin."""
    if len(getattr(target, "centres", EMPTY)):
        extent = float(np.abs(np.asarray(target.centres)).max())
        return -extent * (1 + margin) - 3 * target.std, extent * (1 + margin) + 3 * target.std
    return -target.extent * (1 + margin), target.extent * (1 + margin)
