"""Closed forms of the GAN game (Goodfellow et al. 2014) for densities given on a grid.

All integrals are trapezoidal sums on the caller's grid, so choose a grid that covers both
densities. Natural logarithms throughout: JSD lies in [0, log 2]. The divergences also take one
game per row (densities and grids of shape (games, points)) and then return one value per game.
"""
from __future__ import annotations

from functools import reduce

import numpy as np

LOG4 = float(np.log(4.0))
LOG2 = float(np.log(2.0))


def _xlogy(a, b):
    """a * log(b) with the convention 0 * log(0) = 0 (and -inf where a > 0 = b, the right answer)."""
    from scipy.special import xlogy

    return xlogy(np.asarray(a, float), np.asarray(b, float))


def optimal_discriminator(p_data, p_g):
    """D*(x) = p_data / (p_data + p_g); 1/2 where both densities vanish."""
    p_data, p_g = np.asarray(p_data, float), np.asarray(p_g, float)
    total = p_data + p_g
    return np.divide(p_data, total, out=np.full_like(total, 0.5), where=total > 0)


def value_function(d, p_data, p_g, x) -> float:
    """V(D,G) = E_pdata[log D(x)] + E_pg[log(1 - D(x))], with D given on the grid x."""
    d = np.asarray(d, float)
    integrand = _xlogy(p_data, d) + _xlogy(p_g, 1.0 - d)
    return float(np.trapezoid(integrand, x))


def _integral(y, x):
    """The trapezoidal integral along the last axis: a float for one game, an array for rows of games."""
    out = np.trapezoid(y, x, axis=-1)
    return float(out) if np.ndim(out) == 0 else out


def kl_divergence(p, q, x) -> float:
    return _integral(_xlogy(p, p) - _xlogy(p, q), x)


def jsd(p, q, x) -> float:
    """Jensen-Shannon divergence: (KL(p||m) + KL(q||m)) / 2 with m = (p + q) / 2."""
    p, q = np.asarray(p, float), np.asarray(q, float)
    m = 0.5 * (p + q)
    return 0.5 * kl_divergence(p, m, x) + 0.5 * kl_divergence(q, m, x)


def optimal_value(p_data, p_g, x) -> float:
    """V(D*, G), which equals -log 4 + 2 JSD(p_data || p_g).

    Uses 1 - D* = p_g / (p_data + p_g) directly: computing 1 - D* by subtraction rounds to 0
    where p_g is tiny but positive, and log(0) would swamp the integral.
    """
    p_data, p_g = np.asarray(p_data, float), np.asarray(p_g, float)
    total = p_data + p_g
    integrand = _xlogy(p_data, np.divide(p_data, total, out=np.ones_like(total), where=total > 0)) + \
        _xlogy(p_g, np.divide(p_g, total, out=np.ones_like(total), where=total > 0))
    return float(np.trapezoid(integrand, x))


def wasserstein1(cdf_a, cdf_b, x) -> float:
    """W1 between two 1-D distributions: the area between their CDFs."""
    return _integral(np.abs(np.asarray(cdf_a) - np.asarray(cdf_b)), x)


def generator_losses(d_fake):
    """The generator's two losses and their gradients w.r.t. D's logit, as functions of D(G(z)).

    With D(G(z)) = sigmoid(l):
      saturating     L = log(1 - D)   dL/dl = -D        (vanishes when D rejects fakes, D -> 0)
      non-saturating L = -log D       dL/dl = -(1 - D)  (strongest exactly then)
    """
    s = np.clip(np.asarray(d_fake, float), 1e-12, 1 - 1e-12)
    return {
        "saturating": np.log1p(-s),
        "saturating_grad": -s,
        "non_saturating": -np.log(s),
        "non_saturating_grad": -(1.0 - s),
    }


def grid_for(*normals: tuple[float, float], points: int = 4001, width: float = 8.0) -> np.ndarray:
    """A grid covering +-width standard deviations of every (mean, std) given; means given as an array
    of shape (games,) give one grid per game, shape (games, points)."""
    lo = reduce(np.minimum, [np.asarray(m - width * s, float) for m, s in normals])
    hi = reduce(np.maximum, [np.asarray(m + width * s, float) for m, s in normals])
    return lo[..., None] + (hi - lo)[..., None] * np.linspace(0.0, 1.0, points)


def _normal_pdf(x, mu, sd):
    return np.exp(-0.5 * ((x - mu) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))


def _gaussian_divergences(mu_data, sd_data, mu_g, sd_g, points: int) -> dict:
    """JSD, W1 and the densities for p_data = N(mu_data, sd_data) against N(mu_g, sd_g); mu_g may be an
    array, one game per row, computed as one array operation (no loop over games)."""
    from scipy.special import ndtr

    mu_g = np.asarray(mu_g, float)
    x = grid_for((mu_data, sd_data), (mu_g, sd_g), points=points)
    mu_g = mu_g[..., None]
    p, q = _normal_pdf(x, mu_data, sd_data), _normal_pdf(x, mu_g, sd_g)
    return {"x": x, "p_data": p, "p_g": q, "jsd": jsd(p, q, x),
            "w1": wasserstein1(ndtr((x - mu_data) / sd_data), ndtr((x - mu_g) / sd_g), x)}


def gaussian_game(mu_data: float, sd_data: float, mu_g: float, sd_g: float, points: int = 4001) -> dict:
    """Everything the minimax lesson shows for p_data = N(mu_data, sd_data), p_g = N(mu_g, sd_g)."""
    game = _gaussian_divergences(mu_data, sd_data, mu_g, sd_g, points)
    x, p_data, p_g = game["x"], game["p_data"], game["p_g"]
    d_star = optimal_discriminator(p_data, p_g)
    return {
        "x": x, "p_data": p_data, "p_g": p_g, "d_star": d_star,
        "value": optimal_value(p_data, p_g, x),
        "jsd": game["jsd"], "w1": game["w1"],
        # what the optimal D says about fakes on average: E_pg[D*(x)]
        "d_star_on_fakes": float(np.trapezoid(p_g * d_star, x)),
    }


def divergences_vs_shift(sd_data: float, sd_g: float, shifts) -> dict:
    """JSD and W1 between N(0, sd_data) and N(shift, sd_g) for each shift.

    JSD saturates at log 2 once the two barely overlap; W1 keeps growing with the distance,
    which is why a Wasserstein critic still gives the generator a useful gradient.
    """
    shifts = np.asarray(shifts, float)
    games = _gaussian_divergences(0.0, sd_data, shifts, sd_g, points=2001)
    return {"shift": shifts, "jsd": games["jsd"], "w1": games["w1"]}
