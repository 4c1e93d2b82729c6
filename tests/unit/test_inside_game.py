"""Inside the game (2-D): D's decision surface, G's manifold and gradients, D-only / G-only steps and
slow motion, all measured against direct computations."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch
from torch import nn

from gan_core.families.toy import layers as L
from gan_core.families.toy.config import Toy2DConfig
from gan_core.families.toy.inside import InsideTrainer
from gan_core.families.toy.slow_motion import PHASES, SlowMotion

pytestmark = pytest.mark.usefixtures("one_thread")

SMALL = Toy2DConfig(target="circle", g_hidden=(16, 16), d_hidden=(16, 16), batch_size=64, eval_samples=500,
                   coverage_samples=500)


def trained(config=SMALL, steps: int = 20) -> InsideTrainer:
    trainer = InsideTrainer(config)
    trainer.step(steps)
    return trainer


def weights(net: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in net.state_dict().items()}


def same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


# --- D's decision surface -------------------------------------------------------------------------------
def test_surface_is_d_on_the_grid_with_the_plane_s_shape_and_range():
    t = trained()
    z, kind, centre = t.surface()
    r = L.SURFACE_RESOLUTION
    assert r >= 40 and z.shape == (r, r) and kind == "probability" and centre == 0.5
    assert 0.0 <= z.min() and z.max() <= 1.0 and z.std() > 0
    axis = np.linspace(t.lo, t.hi, r)
    for i, j in [(0, 0), (0, r - 1), (r - 1, 0), (17, 31), (r // 2, r // 2)]:  # row i is y, column j is x
        with torch.no_grad():
            one = torch.sigmoid(t.D(torch.tensor([[axis[j], axis[i]]], dtype=torch.float32)))
        assert z[i, j] == pytest.approx(float(one), abs=1e-6)


def test_surface_of_a_packing_d_is_its_verdict_on_a_pack_of_copies():
    t = trained(replace(SMALL, pack=4))
    z, _, _ = t.surface()
    point = torch.tensor([t.lo, t.lo], dtype=torch.float32)
    with torch.no_grad():
        direct = torch.sigmoid(t.D(point.repeat(4)[None]))
    assert z[0, 0] == pytest.approx(float(direct), abs=1e-6)


def test_surface_of_a_minibatch_std_d_is_its_verdict_on_a_collapsed_batch():
    t = trained(replace(SMALL, d_minibatch="std"))
    z, _, _ = t.surface()
    point = torch.tensor([[t.hi, t.lo]], dtype=torch.float32)
    with torch.no_grad():
        direct = torch.sigmoid(t.D(point.expand(8, 2)))[0]  # 8 copies: a batch with no spread
    assert z[0, -1] == pytest.approx(float(direct), abs=1e-5)
    assert InsideTrainer(replace(SMALL, d_minibatch="discrimination")).surface()[0] is None


def test_a_wasserstein_critic_gets_its_own_scale_centred_between_reals_and_fakes():
    t = trained(replace(SMALL, loss="wasserstein_gp", d_steps=2, gp_weight=1.0))
    z, kind, centre = t.surface()
    n = t.config.scatter_points
    with torch.no_grad():
        mid = 0.5 * (t.D(t.eval_real[:n]).mean() + t.D(t.fake_points(n)).mean())
    assert kind == "critic" and centre == pytest.approx(float(mid), rel=1e-5)
    assert t.layers(["surface"]).surface_kind == "critic"


# --- G's gradients ----------------------------------------------------------------------------------------
def g_loss(t: InsideTrainer, x: torch.Tensor) -> float:
    with torch.no_grad():
        return float(t.loss.g_loss(t.D(x)))


@pytest.mark.parametrize("loss", ["non_saturating", "least_squares", "wasserstein_gp", "minimax"])
def test_moving_every_fake_along_its_arrow_lowers_g_loss(loss):
    t = trained(replace(SMALL, loss=loss))
    x = t.fake_points(200)
    push = L.generator_push(t, x)
    assert push.shape == x.shape and push.norm(dim=1).max() > 0
    assert g_loss(t, x + 1e-3 * push) < g_loss(t, x)


def test_arrows_are_minus_n_times_the_finite_difference_of_g_loss():
    t = trained()
    x = t.fake_points(50).double()
    t.D.double()
    push = L.generator_push(t, x)
    h = 1e-6
    for i, d in [(0, 0), (7, 1), (33, 0), (49, 1)]:
        step = torch.zeros_like(x)
        step[i, d] = h
        slope = (g_loss(t, x + step) - g_loss(t, x - step)) / (2 * h)
        assert float(push[i, d]) == pytest.approx(-50 * slope, rel=1e-4, abs=1e-7)


# --- G's manifold -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("noise_dim", [1, 2, 5])
def test_manifold_is_g_of_the_noise_grid(noise_dim):
    t = trained(replace(SMALL, noise_dim=noise_dim, noise="uniform"))
    got = t.layers(["manifold"])
    z, shape = L.noise_grid(noise_dim, "uniform")
    with torch.no_grad():
        direct = t.G(z).reshape(*shape, 2).numpy()
    np.testing.assert_array_equal(got.manifold, direct)
    assert got.manifold_kind == {1: "curve", 2: "mesh", 5: "slice"}[noise_dim]
    assert got.manifold_density.shape == tuple(s - 1 for s in shape)


def test_noise_grid_cells_hold_equal_mass_and_a_linear_g_has_even_density():
    z, shape = L.noise_grid(2, "normal")
    k = L.MESH_POINTS
    q = torch.distributions.Normal(0.0, 1.0).cdf(z[:, 0]).reshape(shape)  # quantiles: evenly spaced
    np.testing.assert_allclose(np.diff(q.numpy(), axis=0), 1.0 / k, atol=1e-5)
    G = nn.Linear(2, 2)
    with torch.no_grad():
        G.weight.copy_(torch.tensor([[2.0, 0.5], [0.0, 3.0]]))  # |det| = 6
    z_u, shape_u = L.noise_grid(2, "uniform")
    pts, density = L.manifold(G, z_u, shape_u)
    cell = (1.0 / k) ** 2  # uniform: the quads' noise area; mass (1/(k-1)²) over 6 times that area
    np.testing.assert_allclose(density.numpy(), (1 / (k - 1) ** 2) / (6 * cell), rtol=1e-4)


# --- D-only, G-only and full steps -------------------------------------------------------------------------
def test_d_only_step_leaves_g_bit_identical_and_g_only_leaves_d():
    t = trained()
    g0, d0 = weights(t.G), weights(t.D)
    t.step_part("d")
    assert same(weights(t.G), g0) and not same(weights(t.D), d0)
    g1, d1 = weights(t.G), weights(t.D)
    t.step_part("g")
    assert same(weights(t.D), d1) and not same(weights(t.G), g1)


def test_a_full_iteration_is_a_d_step_then_a_g_step_on_the_same_seed():
    a, b = trained(), trained()
    a.step_part("both")
    b.step_part("d")
    b.step_part("g")
    assert same(weights(a.G), weights(b.G)) and same(weights(a.D), weights(b.D))
    assert a.step_count == b.step_count == 21
    c = trained()
    c.step(1)  # the loop's own iteration is the same too
    assert same(weights(a.G), weights(c.G)) and same(weights(a.D), weights(c.D))


def test_layers_are_recomputed_only_when_their_network_changed():
    t = trained()
    first = t.layers(["surface", "manifold", "arrows"])
    again = t.layers(["surface", "manifold", "arrows"])
    assert again.surface is first.surface and again.manifold is first.manifold and again.arrows is first.arrows
    t.step_part("d")  # D changed, G did not
    after_d = t.layers(["surface", "manifold", "arrows"])
    assert after_d.manifold is first.manifold
    assert after_d.surface is not first.surface and not np.array_equal(after_d.surface, first.surface)
    assert after_d.arrows is not first.arrows


def test_a_bad_step_name_is_refused():
    with pytest.raises(ValueError, match="choose d, g or both"):
        trained().step_part("x")


# --- slow motion ----------------------------------------------------------------------------------------------
def test_eight_phases_are_numbered_in_order_and_split_into_d_then_g():
    assert [p.number for p in PHASES] == list(range(1, 9))
    assert [p.half for p in PHASES] == ["d"] * 4 + ["g"] * 4
    assert PHASES[3].code == "d_update" and "D" in PHASES[3].parts and PHASES[7].parts[-1] == "G"


def test_slow_motion_walks_one_real_iteration():
    a, b = trained(), trained()
    slow = SlowMotion()
    g0 = weights(a.G)
    for n in range(1, 5):
        assert slow.advance(a).number == n
    assert same(weights(a.G), g0)  # D's half: G untouched
    assert slow.d["surface_before"].shape == slow.d["surface_after"].shape
    assert not np.array_equal(slow.d["surface_before"], slow.d["surface_after"])
    assert len(slow.d["real"]) == len(slow.d["real_score"]) == SMALL.batch_size
    d1 = weights(a.D)
    for n in range(5, 9):
        assert slow.advance(a).number == n
    assert same(weights(a.D), d1)  # G's half: D untouched
    assert slow.g["push"].shape == slow.g["fake"].shape == slow.g["fake_after"].shape
    assert not np.allclose(slow.g["fake"], slow.g["fake_after"])  # the points moved
    b.step_part("both")
    assert same(weights(a.G), weights(b.G)) and same(weights(a.D), weights(b.D))
    assert slow.advance(a).number == 1 and slow.g == {}  # the next iteration
    assert all(not isinstance(x, type(slow)) for x in a.tricks)  # the recorder left the loop
