"""Closed forms of the minimax lesson."""
import numpy as np
import pytest
from scipy import stats

from gan_core import theory

PAIRS = [((0, 1), (0, 1)), ((0, 1), (2.5, 1)), ((0, 1), (1, 2)), ((-3, 0.5), (4, 1.5)), ((1, 2), (1.2, 0.3))]


@pytest.mark.parametrize("data,gen", PAIRS)
def test_optimal_value_equals_minus_log4_plus_twice_jsd(data, gen):
    x = theory.grid_for(data, gen, points=20001)
    p, q = stats.norm.pdf(x, *data), stats.norm.pdf(x, *gen)
    v = theory.optimal_value(p, q, x)
    assert v == pytest.approx(-np.log(4) + 2 * theory.jsd(p, q, x), abs=1e-4)
    # and D* really is optimal: any other D scores lower
    d_star = theory.optimal_discriminator(p, q)
    for other in (np.full_like(x, 0.5), np.clip(d_star + 0.1, 0, 1), stats.norm.cdf(x)):
        assert theory.value_function(other, p, q, x) <= v + 1e-9


def test_optimal_discriminator_is_half_when_distributions_match():
    x = np.linspace(-8, 8, 1001)
    p = stats.norm.pdf(x, 0.3, 1.7)
    assert np.allclose(theory.optimal_discriminator(p, p), 0.5)
    assert theory.jsd(p, p, x) == pytest.approx(0.0, abs=1e-12)
    assert theory.optimal_value(p, p, x) == pytest.approx(-np.log(4), abs=1e-4)


def test_jsd_saturates_at_log2_while_w1_keeps_growing():
    curve = theory.divergences_vs_shift(1.0, 1.0, [0.0, 2.0, 10.0, 20.0])
    assert curve["jsd"][0] == pytest.approx(0.0, abs=1e-9)
    assert curve["jsd"][2] == pytest.approx(np.log(2), abs=1e-3)
    assert curve["jsd"][3] == pytest.approx(np.log(2), abs=1e-3)
    assert curve["w1"] == pytest.approx([0.0, 2.0, 10.0, 20.0], abs=1e-3)  # W1 of a shift is the shift


def test_saturating_gradient_vanishes_where_non_saturating_is_strong():
    g = theory.generator_losses([1e-3, 0.5, 0.999])
    assert abs(g["saturating_grad"][0]) < 0.01 and abs(g["non_saturating_grad"][0]) > 0.99
    assert g["saturating_grad"][1] == pytest.approx(-0.5) and g["non_saturating_grad"][1] == pytest.approx(-0.5)
    assert g["non_saturating"][0] == pytest.approx(-np.log(1e-3))


def test_gradients_match_autograd():
    import torch
    logits = torch.linspace(-6, 6, 13, requires_grad=True)
    torch.nn.functional.logsigmoid(-logits).sum().backward()  # log(1 - sigmoid(l))
    s = torch.sigmoid(logits).detach().numpy()
    assert np.allclose(logits.grad.numpy(), theory.generator_losses(s)["saturating_grad"], atol=1e-6)
