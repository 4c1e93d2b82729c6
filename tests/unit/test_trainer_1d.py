"""The 1-D trainer: the Fast preset converges, absurd learning rates stop cleanly."""
from dataclasses import replace

import numpy as np
import pytest

from gan_core.families.toy.config import PRESETS_1D
from gan_core.families.toy.trainer import DistributionTrainer
from ui import plots, words

FAST_BUDGET = 1500  # iterations


def converged(snap, tol=0.1) -> bool:
    m = snap.fake_moments
    return abs(m["mean"] - 4.0) < tol and abs(m["std"] - 1.25) < tol and snap.w1 < tol


@pytest.mark.long_running
def test_fast_preset_fits_the_seed_target():
    snap = DistributionTrainer(replace(PRESETS_1D["Fast"].config, seed=0)).step(FAST_BUDGET)
    assert snap.status == "training" and snap.step == FAST_BUDGET
    m = snap.fake_moments
    assert abs(m["mean"] - 4.0) < 0.1, m
    assert abs(m["std"] - 1.25) < 0.1, m
    assert snap.w1 < 0.1
    # D can no longer tell real from fake: D(x) on the data's range is close to 1/2
    assert abs(snap.d_real - 0.5) < 0.1 and abs(snap.d_fake - 0.5) < 0.1


@pytest.mark.long_running
def test_fast_preset_succeeds_for_most_seeds():
    fast = PRESETS_1D["Fast"].config
    wins = [converged(DistributionTrainer(replace(fast, seed=s)).step(FAST_BUDGET)) for s in range(1, 6)]
    assert sum(wins) >= 4, wins


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_absurd_learning_rate_diverges_with_a_message(optimizer):
    trainer = DistributionTrainer(replace(PRESETS_1D["Fast"].config, lr_g=1e4, lr_d=1e4, optimizer=optimizer))
    before = {k: v.clone() for k, v in trainer.G.state_dict().items()}
    snap = trainer.step(100)
    assert snap.status == "diverged" and snap.diverged
    assert snap.divergence["reason"] in ("d_loss_not_finite", "g_loss_not_finite", "d_loss_huge", "g_loss_huge",
                                         "samples_not_finite", "samples_huge")
    assert snap.divergence["lr_g"] == 1e4 and snap.divergence["step"] == snap.step
    said = words.divergence(snap.divergence)  # the page's words for it
    assert "diverged" in said and "learning rate" in said and "10000" in said
    # the last good state is kept: weights finite and equal to the pre-divergence ones
    for k, v in trainer.G.state_dict().items():
        assert np.isfinite(v.numpy()).all() and (v == before[k]).all()
    # further training is refused without raising
    assert trainer.train_for(0.05).status == "diverged"


def test_snapshot_is_plain_data_and_the_page_bins_it():
    # a probability loss, so that D(x) on the grid is a probability (Fast's least squares gives a score)
    trainer = DistributionTrainer(replace(PRESETS_1D["Fast"].config, seed=2, loss="non_saturating"))
    snap = trainer.train_for(0.2)
    assert snap.step >= 1
    assert len(snap.real) == len(snap.fake) == trainer.config.eval_samples
    assert len(snap.grid) == len(snap.target_pdf) == len(snap.d_curve) and np.all(np.diff(snap.grid) > 0)
    assert np.all((snap.d_curve >= 0) & (snap.d_curve <= 1))
    edges, real, fake = plots.histogram_counts(snap)  # the UI's bins over the engine's span
    assert real.sum() == trainer.config.eval_samples  # the span covers every real sample
    assert fake.sum() >= 0.99 * trainer.config.eval_samples  # and all but stray fakes
    assert set(snap.fake_moments) == {"mean", "std", "skew", "kurtosis"}
    assert snap.history["step"][-1] == snap.step and 0 <= snap.ks <= 1


def test_seed_paper_preset_is_the_seminar_setup():
    c = PRESETS_1D["Seed paper"].config
    assert (c.noise, c.g_hidden, c.d_hidden, c.d_input) == ("uniform", (5, 5), (10, 10), "moments")
    assert (c.optimizer, c.lr_g, c.lr_d, c.momentum, c.batch_size, c.d_steps, c.g_steps) == \
        ("sgd", 1e-3, 1e-3, 0.9, 500, 20, 20)
    trainer = DistributionTrainer(c)
    assert trainer.D[0].in_features == 4  # D sees the batch's four moments
    snap = trainer.step(3)
    assert snap.d_curve is None and np.isfinite(snap.d_loss) and snap.step == 3


def test_training_is_reproducible():
    a = DistributionTrainer(replace(PRESETS_1D["Fast"].config, seed=7)).step(50)
    b = DistributionTrainer(replace(PRESETS_1D["Fast"].config, seed=7)).step(50)
    assert np.array_equal(a.fake, b.fake) and a.d_loss == b.d_loss


@pytest.mark.long_running
def test_inverse_cdf_map_is_learned_from_uniform_noise():
    trainer = DistributionTrainer(replace(PRESETS_1D["Fast"].config, noise="uniform", seed=0))
    untrained = trainer.learned_map()["max_deviation"]
    trainer.step(1500)
    learned = trainer.learned_map()
    assert learned["max_deviation"] < untrained / 2
    # away from the tails the learned map tracks the inverse CDF closely
    inner = (learned["z"] > 0.05) & (learned["z"] < 0.95)
    assert np.max(np.abs(learned["g"] - learned["ppf"])[inner]) < 0.5
