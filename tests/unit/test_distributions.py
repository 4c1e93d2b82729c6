"""1-D targets: inverse-CDF samples follow each target."""
import numpy as np
import pytest
from scipy import stats

from gan_core.data.distributions import TARGETS_1D, inverse_cdf_samples, make_target


@pytest.mark.parametrize("name", sorted(TARGETS_1D))
def test_inverse_cdf_samples_pass_ks(name):
    target = make_target(name)
    _, x = inverse_cdf_samples(target, 20_000, seed=1)
    assert stats.kstest(x, target.cdf).pvalue > 0.01
    assert np.allclose(target.cdf(target.ppf([0.01, 0.3, 0.5, 0.97])), [0.01, 0.3, 0.5, 0.97], atol=1e-8)


@pytest.mark.parametrize("name", sorted(TARGETS_1D))
def test_sampler_is_seeded_and_matches_target(name):
    target = make_target(name)
    a = target.sample(5000, np.random.default_rng(3))
    b = target.sample(5000, np.random.default_rng(3))
    assert a.shape == (5000, 1) and a.dtype == np.float32 and np.array_equal(a, b)
    assert stats.kstest(a[:, 0], target.cdf).pvalue > 0.01
    m = target.moments()
    assert m["mean"] == pytest.approx(float(a.mean()), abs=5 * target.std / np.sqrt(5000))


def test_seed_notes_numbers():
    normal = make_target("gaussian", mean=0.0, std=1.0)
    assert float(normal.ppf(0.5)) == pytest.approx(0.0, abs=1e-12)
    assert float(normal.ppf(0.01)) == pytest.approx(-2.33, abs=0.005)


def test_bad_target_names_are_explained():
    with pytest.raises(ValueError, match="unknown target"):
        make_target("banana")
    with pytest.raises(ValueError, match="no parameter"):
        make_target("gaussian", width=3)
