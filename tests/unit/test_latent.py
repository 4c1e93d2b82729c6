"""Latent space: lerp and slerp, attribute measures, concept vectors. (The shipped CGAN's thickness direction:
tests/quality/test_shipped_cgan_latent.py.)"""
import numpy as np
import pytest
import torch

from gan_core.eval.attributes import ink_mass, slant
from gan_core.latent import attribute_direction, concept_vector, interpolate, lerp, slerp, vector_arithmetic


def test_lerp_is_exact():
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(100, generator=g), torch.randn(100, generator=g)
    assert torch.equal(lerp(a, b, 0.0), a) and torch.equal(lerp(a, b, 1.0), b)
    assert torch.equal(lerp(a, b, 0.25), 0.75 * a + 0.25 * b)
    path = lerp(a, b, [0.0, 0.5, 1.0])
    assert path.shape == (3, 100) and torch.equal(path[1], 0.5 * a + 0.5 * b)
    # evenly spaced points lie on the straight line: equal steps
    steps = interpolate(a, b, 6, "lerp").diff(dim=0).norm(dim=1)
    assert torch.allclose(steps, steps[0].expand(5), rtol=1e-5)


def test_slerp_returns_the_endpoints_and_keeps_norms_between_them():
    g = torch.Generator().manual_seed(1)
    for _ in range(20):
        a = torch.randn(100, generator=g, dtype=torch.float64)
        b = 1.7 * torch.randn(100, generator=g, dtype=torch.float64)
        t = np.linspace(0, 1, 11)
        path = slerp(a, b, t)
        assert torch.equal(path[0], a) and torch.equal(path[-1], b)
        norms = path.norm(dim=1)
        lo, hi = min(a.norm(), b.norm()), max(a.norm(), b.norm())
        assert (norms >= lo - 1e-9).all() and (norms <= hi + 1e-9).all()
        # constant angular speed on the great circle
        unit = path / norms[:, None]
        angles = torch.arccos((unit[1:] * unit[:-1]).sum(1).clamp(-1, 1))
        assert torch.allclose(angles, angles.mean().expand(10), rtol=1e-6)
    # equal norms stay equal all the way; lerp dips towards the centre
    a = torch.randn(100, generator=g, dtype=torch.float64)
    b = torch.randn(100, generator=g, dtype=torch.float64)
    b = b / b.norm() * a.norm()
    assert torch.allclose(slerp(a, b, 0.5).norm(), a.norm())
    assert lerp(a, b, 0.5).norm() < 0.85 * a.norm()
    # nearly parallel vectors: no division by zero
    assert torch.isfinite(slerp(a, a * 1.0000001, 0.3)).all()
    assert interpolate(a, b, 7, "slerp").shape == (7, 100)
    with pytest.raises(ValueError):
        interpolate(a, b, 1, "slerp")


def _stroke(width: int, lean: float) -> np.ndarray:
    img = np.zeros((28, 28), np.uint8)
    for r in range(4, 24):
        c = int(round(14 + lean * (14 - r)))
        img[r, c:c + width] = 255
    return img


def test_ink_mass_grows_with_thickness_and_slant_has_the_sign_of_the_lean():
    thin, thick = _stroke(1, 0.0), _stroke(3, 0.0)
    assert ink_mass(np.stack([thin, thick])).tolist() == [20.0, 60.0]
    right, left = _stroke(2, 0.4), _stroke(2, -0.4)
    s = slant(np.stack([right, _stroke(2, 0.0), left]))
    assert s[0] > 0.3 and abs(s[1]) < 0.01 and s[2] < -0.3


def test_concept_vectors_average_at_least_three_exemplars():
    z = torch.arange(12.0).reshape(4, 3)
    assert torch.equal(concept_vector(z), z.mean(0))
    with pytest.raises(ValueError):
        concept_vector(z[:2])
    a, b, c = torch.ones(3, 2), torch.zeros(3, 2), torch.full((3, 2), 5.0)
    assert torch.equal(vector_arithmetic(a, b, c), torch.full((2,), 6.0))


def test_attribute_direction_recovers_a_planted_direction():
    g = torch.Generator().manual_seed(2)
    z = torch.randn(2000, 50, generator=g)
    w = torch.zeros(50)
    w[7], w[30] = 3.0, -4.0
    values = (z @ w).numpy() + np.random.default_rng(0).normal(0, 0.5, 2000)
    d = attribute_direction(z, values, "planted")
    assert abs(float(d.vector.norm()) - 1) < 1e-6
    assert float(d.vector @ (w / w.norm())) > 0.95
    assert d.high > d.low and d.exemplars == 400
