"""What the "Inside the game" plane shows of a 2-D GAN, computed on whole tensors (no loop over points):
D's decision surface on a grid, G's manifold (the image of a regular noise grid) and how much G
stretches or compresses it, and the push of G's loss on every generated sample, -∂L_G/∂x."""
from __future__ import annotations

import torch
from torch.func import vmap

SURFACE_RESOLUTION = 48  # grid points per axis of D's decision surface
CURVE_POINTS = 160  # noise points along G's curve (1-D noise)
MESH_POINTS = 21  # noise points per axis of G's mesh (2-D noise or a 2-D slice of more)


def plane_grid(lo: float, hi: float, resolution: int = SURFACE_RESOLUTION, device="cpu") -> torch.Tensor:
    """(resolution², 2) points of a square grid over [lo, hi]², row by row along y (as a heatmap's rows)."""
    axis = torch.linspace(lo, hi, resolution, device=device)
    yy, xx = torch.meshgrid(axis, axis, indexing="ij")
    return torch.stack([xx.reshape(-1), yy.reshape(-1)], dim=1)


def d_on_points(trainer, x: torch.Tensor) -> torch.Tensor | None:
    """D's raw output for each point of x (n, 2) judged on its own, in one batched pass.

    A D that judges packs of m gets a pack of m copies of the point, and a D with a mini-batch standard
    deviation feature a batch of copies: in both cases its verdict on a generator collapsed onto that
    point. With mini-batch discrimination the verdict depends on the batch size, so it is None."""
    c = trainer.config
    if c.d_minibatch == "discrimination" or c.d_input != "raw":
        return None
    packs = x.repeat(1, c.pack)  # [x, x, ..., x]: what pack() makes of m copies in a row
    with torch.no_grad():
        if c.d_minibatch == "std":
            return vmap(lambda row: trainer.D(row.expand(2, -1))[0])(packs)
        return trainer.D(packs)


def decision_surface(trainer, lo: float, hi: float, resolution: int = SURFACE_RESOLUTION):
    """D's score (a probability, or a critic's / least squares' raw score) on the grid, shape
    (resolution, resolution), rows along y; None where a single point's verdict is undefined."""
    out = d_on_points(trainer, plane_grid(lo, hi, resolution, trainer.device))
    if out is None:
        return None
    return trainer.loss.score(out).reshape(resolution, resolution)


def noise_grid(noise_dim: int, prior: str, device="cpu") -> tuple[torch.Tensor, tuple[int, ...]]:
    """A regular grid of noise points at the prior's quantiles, so that every cell between neighbours holds
    the same probability: CURVE_POINTS values for 1-D noise; a MESH_POINTS² mesh for 2-D noise; for more
    dimensions, the same mesh on the slice through the prior's centre along the first two coordinates."""
    k = CURVE_POINTS if noise_dim == 1 else MESH_POINTS
    q = (torch.arange(k, dtype=torch.float32, device=device) + 0.5) / k
    axis = q if prior == "uniform" else torch.distributions.Normal(0.0, 1.0).icdf(q)
    if noise_dim == 1:
        return axis[:, None], (k,)
    u, v = torch.meshgrid(axis, axis, indexing="ij")
    centre = 0.5 if prior == "uniform" else 0.0
    z = torch.full((k * k, noise_dim), centre, device=device)
    z[:, 0], z[:, 1] = u.reshape(-1), v.reshape(-1)
    return z, (k, k)


def manifold(generator, z: torch.Tensor, shape: tuple[int, ...]) -> tuple[torch.Tensor, torch.Tensor]:
    """G's image of the noise grid, shaped (k, 2) or (k, k, 2), and the density of G's samples on each cell
    between neighbouring grid points: the cell's share of the noise mass over its image's length (a curve)
    or area (a mesh). High: G compresses noise there; low: G stretches it thin."""
    with torch.no_grad():
        pts = generator(z).reshape(*shape, 2)
    if len(shape) == 1:
        size = (pts[1:] - pts[:-1]).norm(dim=-1)
    else:  # the shoelace area of each quad (i, j), (i+1, j), (i+1, j+1), (i, j+1)
        a, b, c, d = pts[:-1, :-1], pts[1:, :-1], pts[1:, 1:], pts[:-1, 1:]
        corners = torch.stack([a, b, c, d, a], dim=0)
        cross = corners[:-1, ..., 0] * corners[1:, ..., 1] - corners[1:, ..., 0] * corners[:-1, ..., 1]
        size = 0.5 * cross.sum(0).abs()
    mass = 1.0 / size.numel()
    return pts, mass / size.clamp_min(1e-12)


def generator_push(trainer, fake: torch.Tensor) -> torch.Tensor:
    """-∂L_G/∂x for each generated sample x (n, 2), in one backward pass through D as it is now (D is not
    changed). L_G is the mean over D's outputs, so the gradient is scaled by their number: each arrow is
    the push of its own sample's (or pack's) term, whatever the batch size. Unrolling is not applied."""
    x = fake.detach().requires_grad_(True)
    with torch.enable_grad():
        out = trainer.judge(trainer.games[0], x, None)
        (grad,) = torch.autograd.grad(trainer.loss.g_loss(out), x)
    return -grad * out.shape[0]
