"""Mode-collapse lesson: 2-D targets, mode metrics, the cure switches on the one loop, seeded bars.

The full 5-seed bars run in bench/bench_mode_collapse.py; here one seed each, at the presets' budgets
(the grid's best cure, ~1 min on one core, is the suite's costliest single run).
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from gan_core.data import distributions
from gan_core.eval.metrics import mode_coverage
from gan_core.families.toy import mode_collapse as mc
from gan_core.families.toy.config import DistributionConfig
from gan_core.families.toy.trainer import DistributionTrainer, Snapshot1D, Snapshot2D
from gan_core.losses import get_loss, gradient_penalty
from gan_core.tricks.minibatch import MinibatchDiscrimination, MinibatchStd
from gan_core.tricks.packing import pack
from gan_core.tricks.replay import Replay, ReplayBuffer
from gan_core.tricks.unrolling import Unrolling

pytestmark = pytest.mark.usefixtures("one_thread")


# --- targets --------------------------------------------------------------------------------
def test_ring_has_eight_distinct_centres_on_the_unit_circle():
    ring = distributions.make_target("ring")
    c = ring.centres
    assert c.shape == (8, 2) and ring.std == 0.01 and ring.dim == 2
    np.testing.assert_allclose(np.hypot(c[:, 0], c[:, 1]), 1.0, atol=1e-12)
    angles = np.sort(np.mod(np.arctan2(c[:, 1], c[:, 0]), 2 * np.pi))
    np.testing.assert_allclose(angles, 2 * np.pi * np.arange(8) / 8, atol=1e-12)  # no repeated centre
    assert len({tuple(np.round(p, 6)) for p in c}) == 8


def test_grid_is_25_points_on_the_lattice():
    grid = distributions.make_target("grid")
    assert grid.centres.shape == (25, 2) and grid.std == 0.05
    assert sorted({float(v) for v in grid.centres.ravel()}) == [-4.0, -2.0, 0.0, 2.0, 4.0]
    assert len({tuple(p) for p in grid.centres}) == 25


def test_2d_sampler_is_seeded_and_has_the_right_spread():
    ring = distributions.make_target("ring")
    a = ring.sample(4000, np.random.default_rng(3))
    b = ring.sample(4000, np.random.default_rng(3))
    assert a.dtype == np.float32 and a.shape == (4000, 2)
    np.testing.assert_array_equal(a, b)
    nearest = ((a[:, None] - ring.centres[None]) ** 2).sum(-1).argmin(1)
    resid = a - ring.centres[nearest]
    assert abs(resid.std() - 0.01) < 0.001
    assert np.bincount(nearest, minlength=8).min() > 400  # every mode sampled, roughly evenly


def test_make_target_rejects_unknown_names_and_parameters():
    with pytest.raises(ValueError, match="ring"):
        distributions.make_target("donut")
    with pytest.raises(ValueError):
        distributions.make_target("ring", radius2=3)


# --- metrics --------------------------------------------------------------------------------
def test_mode_coverage_on_real_data_all_modes_high_quality():
    grid = distributions.make_target("grid")
    cov = mode_coverage(grid.sample(2500, np.random.default_rng(0)), grid.centres, grid.std)
    assert cov["modes_captured"] == 25 and cov["n_modes"] == 25
    assert cov["hq_fraction"] > 0.99  # 3 std in 2-D holds 98.9% of each Gaussian's mass
    assert cov["reverse_kl"] < 0.02


def test_mode_coverage_of_a_collapsed_and_a_blurry_generator():
    ring = distributions.make_target("ring")
    collapsed = np.repeat(ring.centres[:1], 2500, axis=0) + 0.001
    cov = mode_coverage(collapsed, ring.centres, ring.std)
    assert cov["modes_captured"] == 1 and cov["hq_fraction"] == 1.0
    assert math.isclose(cov["reverse_kl"], math.log(8), rel_tol=1e-9)
    blurry = np.random.default_rng(0).normal(0, 1, (2500, 2))  # near every mode, but off the circles
    cov = mode_coverage(blurry, ring.centres, ring.std)
    assert cov["hq_fraction"] < 0.05 and cov["reverse_kl"] < 0.1
    # two modes, split evenly: KL = log(8/2)
    two = np.concatenate([np.repeat(ring.centres[:1], 100, 0), np.repeat(ring.centres[1:2], 100, 0)])
    assert math.isclose(mode_coverage(two, ring.centres, ring.std)["reverse_kl"], math.log(4), rel_tol=1e-9)


# --- the trainer in 2-D -----------------------------------------------------------------------
def small(**kw) -> DistributionConfig:
    base = dict(target="ring", noise_dim=2, g_hidden=(16,), d_hidden=(16,), batch_size=32, eval_samples=2500)
    return DistributionConfig(**{**base, **kw})


def test_2d_trainer_snapshot_has_points_centres_and_metrics():
    t = DistributionTrainer(small(scatter_points=300))
    snap = t.step(30)
    assert isinstance(snap, Snapshot2D) and snap.step == 30
    assert len(snap.fake_x) == len(snap.fake_y) == 300
    assert len(snap.centres) == 8 and snap.n_modes == 8 and snap.mode_std == 0.01
    assert 0 <= snap.modes_captured <= 8 and 0 <= snap.hq_fraction <= 1 and snap.reverse_kl >= 0
    assert len(snap.history["modes_captured"]) == len(snap.history["step"]) == 2
    assert all(isinstance(v, float) for v in snap.fake_x[:5])


def test_1d_default_trainer_is_unchanged_by_the_cure_switches():
    snap = DistributionTrainer(DistributionConfig()).step(10)
    assert isinstance(snap, Snapshot1D) and snap.d_curve is not None and snap.coverage is None
    assert "modes_captured" not in snap.history
    cfg = DistributionConfig()
    assert (cfg.pack, cfg.unroll_steps, cfg.replay_size, cfg.d_minibatch) == (1, 0, 0, "none")


def test_1d_mixture_reports_mode_coverage():
    snap = DistributionTrainer(DistributionConfig(target="three_mode", pack=2)).step(10)
    assert snap.coverage["n_modes"] == 3 and snap.d_curve is None  # D judges pairs: no D(x) curve
    assert "modes_captured" in snap.history


@pytest.mark.parametrize("bad", [dict(pack=3, batch_size=32), dict(unroll_steps=-1), dict(replay_fraction=1.5),
                                 dict(d_minibatch="magic"), dict(d_input="moments", pack=2)])
def test_invalid_cure_settings_raise(bad):
    with pytest.raises(ValueError):
        DistributionTrainer(small(**bad))


def test_same_seed_same_run():
    a = DistributionTrainer(small(pack=2, replay_size=100)).step(20)
    b = DistributionTrainer(small(pack=2, replay_size=100)).step(20)
    assert a.fake_x == b.fake_x and a.d_loss == b.d_loss


# --- the cures ------------------------------------------------------------------------------
def test_pack_groups_consecutive_samples():
    x = torch.arange(12.0).reshape(6, 2)
    p = pack(x, 3)
    assert p.shape == (2, 6) and p[1].tolist() == [6, 7, 8, 9, 10, 11]
    img = torch.randn(8, 1, 4, 4)
    assert pack(img, 4).shape == (2, 4, 4, 4)


def test_packed_discriminator_takes_m_samples():
    t = DistributionTrainer(small(pack=4))
    assert t.D[0].in_features == 8
    assert t.judge(t.games[0], torch.zeros(32, 2)).shape == (8, 1)


def test_minibatch_std_feature_sees_the_batch_spread():
    layer = MinibatchStd()
    same = layer(torch.ones(5, 3))
    spread = layer(torch.randn(5, 3) * 10)
    assert same.shape == (5, 4) and float(same[0, -1]) < 1e-3 and float(spread[0, -1]) > 1
    t = DistributionTrainer(small(d_minibatch="std"))
    assert any(isinstance(m, MinibatchStd) for m in t.D)
    md = MinibatchDiscrimination(3, kernels=4, kernel_dim=2)
    assert md(torch.randn(6, 3)).shape == (6, 7)
    # a collapsed batch: every sample is at L1 distance 0 from the other 5, so each closeness is 5
    assert torch.allclose(md(torch.ones(6, 3))[:, 3:], torch.full((6, 4), 5.0))
    assert (md(torch.randn(6, 3) * 100)[:, 3:] < 1).all()  # a spread batch: the others are far away


def test_replay_buffer_fills_and_mixes():
    buf = ReplayBuffer(10)
    fresh = torch.zeros(8, 2)
    assert buf.mix(fresh, 0.5) is fresh  # empty: nothing to replay
    buf.push(torch.ones(8, 2))
    buf.push(torch.ones(8, 2) * 2)
    assert len(buf) == 10
    mixed = buf.mix(fresh, 0.5)
    assert mixed.shape == (8, 2) and (mixed[:4] == 0).all() and (mixed[4:] > 0).all()
    t = DistributionTrainer(small(replay_size=64))
    t.step(10)
    assert len(t.trick(Replay).buffers[0]) == 40  # 1/8 of each fresh batch of 32 per D update


def test_gradient_penalty_is_zero_for_a_unit_slope_critic():
    def critic(x):  # |grad| = 1 everywhere
        return x.sum(1, keepdim=True) / math.sqrt(2)

    def steep(x):  # |grad| = 3: the penalty is (3 - 1)^2
        return 3 * critic(x)

    real, fake = torch.randn(16, 2), torch.randn(16, 2)
    assert float(gradient_penalty(critic, real, fake)) < 1e-10
    assert math.isclose(float(gradient_penalty(steep, real, fake)), 4.0, rel_tol=1e-5)
    assert get_loss("wasserstein_gp").gradient_penalty and get_loss("wasserstein_gp").is_critic


def test_unrolled_parameters_depend_on_the_generator():
    """Gradients flow through the unrolled D steps: D's look-ahead weights are functions of G."""
    t = DistributionTrainer(small(unroll_steps=3))
    t.step(2)  # give Adam some state
    t.D.requires_grad_(False)
    params = t.trick(Unrolling).lookahead(t, t.games[0])
    t.D.requires_grad_(True)
    moved = sum((params[k] - v).abs().sum() for k, v in t.D.named_parameters())
    assert float(moved.detach()) > 0
    g_param = next(t.G.parameters())
    (grad,) = torch.autograd.grad(sum(p.sum() for p in params.values()), g_param, allow_unused=True)
    assert grad is not None and float(grad.abs().sum()) > 0


def test_unrolled_changes_the_generator_update():
    a = DistributionTrainer(small(seed=1)).step(3)
    b = DistributionTrainer(small(seed=1, unroll_steps=2)).step(3)
    assert a.fake_x != b.fake_x


def test_every_preset_builds_and_trains_a_few_steps():
    for target in mc.TARGETS:
        for method in mc.METHODS:
            recipe = mc.preset(target, method, seed=0)
            recipe.config.validate()
            assert recipe.budget == mc.budget(target, method) and recipe.to_dict()["config"]["target"] == target
    for method in mc.METHODS:
        snap = DistributionTrainer(mc.preset("ring", method).config).step(2)
        assert snap.step == 2 and not snap.diverged, method


# --- seeded bars (one seed each; five seeds in the benchmark) ----------------------------------
def final(target: str, method: str, seed: int):
    return mc.make_trainer(target, method, seed).step(mc.budget(target, method))


@pytest.mark.long_running
def test_ring_vanilla_collapses():
    snap = final("ring", "vanilla", 0)
    assert snap.modes_captured <= 4, snap.modes_captured


@pytest.mark.long_running
def test_ring_best_cure_covers_all_modes_sharply():
    snap = final("ring", mc.BEST_CURE["ring"], 0)
    assert snap.modes_captured == 8 and snap.hq_fraction >= 0.90, (snap.modes_captured, snap.hq_fraction)


@pytest.mark.long_running
def test_grid_best_cure_covers_the_grid_sharply():
    snap = final("grid", mc.BEST_CURE["grid"], 0)
    assert snap.modes_captured >= 24 and snap.hq_fraction >= 0.80, (snap.modes_captured, snap.hq_fraction)


def test_lr_decay_can_start_late():
    t = DistributionTrainer(small(lr_g=1e-3, lr_d=2e-3, lr_half_life=10, lr_decay_start=20))
    t.step(20)
    assert t.opt_g.param_groups[0]["lr"] == pytest.approx(1e-3)
    t.step(10)
    assert t.opt_g.param_groups[0]["lr"] == pytest.approx(5e-4) and t.opt_d.param_groups[0]["lr"] == pytest.approx(1e-3)


def test_a_resumed_run_continues_the_learning_rate_schedule():
    cfg = small(lr_g=1e-3, lr_d=2e-3, lr_half_life=10, lr_decay_start=20)
    straight = DistributionTrainer(cfg)
    straight.step(40)
    resumed = DistributionTrainer(cfg)
    resumed.continue_schedule(30)
    assert resumed.opt_g.param_groups[0]["lr"] == pytest.approx(5e-4)
    resumed.step(10)
    for a, b in ((straight.opt_g, resumed.opt_g), (straight.opt_d, resumed.opt_d)):
        assert a.param_groups[0]["lr"] == pytest.approx(b.param_groups[0]["lr"])
    assert straight.opt_g.param_groups[0]["lr"] == pytest.approx(2.5e-4)
