"""The playground's data and settings: 2-D shapes, drawings, KL/JS between 2-D histograms, links, and the
toy2d family that ships its games through the command line."""
from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest
import torch

from gan_core.cli import main
from gan_core.core.run import RunOptions
from gan_core.data.distributions import make_target
from gan_core.data.shapes import SHAPES, drawn, strokes_from_canvas, view_range
from gan_core.eval.metrics import histogram_2d, kl_js
from gan_core.families.toy import playground as pg
from gan_core.families.toy.config import Toy2DConfig
from gan_core.families.toy.family import load_trained
from gan_core.families.toy.presets import PRESETS
from ui.words import LINK_PROBLEMS, link_notice

pytestmark = pytest.mark.usefixtures("one_thread")


# --- shapes -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [s for s in SHAPES if s != "drawn"] + ["ring", "grid"])
def test_every_built_in_shape_is_seeded_and_inside_its_view(name):
    target = make_target(name)
    a, b = (target.sample(3000, np.random.default_rng(5)) for _ in range(2))
    assert a.shape == (3000, 2) and a.dtype == np.float32 and np.array_equal(a, b)
    lo, hi = view_range(target)
    assert np.mean((a > lo) & (a < hi)) > 0.999 and a.std(0).min() > 0.05


def test_three_regions_are_disjoint_and_the_ring_is_one_thin_circle():
    x = make_target("three_regions").sample(6000, np.random.default_rng(0))
    angle = np.degrees(np.arctan2(x[:, 1], x[:, 0])) % 360
    assert not ((angle > 120) & (angle < 180)).any()  # nothing between the discs at 90 and 210 degrees
    r = np.hypot(*make_target("circle").sample(6000, np.random.default_rng(0)).T)
    assert abs(r.mean() - 1.0) < 0.01 and r.std() == pytest.approx(0.05, rel=0.1)


# --- drawing ------------------------------------------------------------------------------------------------
FABRIC = [{"type": "Path", "path": [["M", 0, 150], ["Q", 10, 150, 150, 150], ["L", 300, 150]]},  # fabric.js 7
          {"type": "rect", "left": 5}, {"type": "path", "path": [["M", 150, 0], ["L", 150, 300]]}]


def test_a_drawn_canvas_becomes_points_along_its_strokes():
    strokes = strokes_from_canvas(FABRIC, size_px=300, extent=2.0)
    assert strokes == [[[-2.0, 0.0], [0.0, 0.0], [2.0, 0.0]], [[0.0, 2.0], [0.0, -2.0]]]  # y points up
    x = drawn(strokes, noise=0.0).sample(4000, np.random.default_rng(1))
    on_h, on_v = np.abs(x[:, 1]) < 1e-6, np.abs(x[:, 0]) < 1e-6
    assert (on_h | on_v).all() and 0.4 < on_h.mean() < 0.6  # two strokes of equal length, equal shares
    assert x[on_h, 0].min() < -1.9 and x[on_h, 0].max() > 1.9


@pytest.mark.parametrize("strokes,why", [([], "empty"), ([[[0.5, 0.5]]], "only a dot"),
                                         ([[[0.5, 0.5], [0.5, 0.5]]], "only a dot")])
def test_an_empty_or_one_dot_drawing_is_refused(strokes, why):
    with pytest.raises(ValueError, match=why):
        drawn(strokes)
    with pytest.raises(ValueError, match=why):
        make_target("drawn", strokes=strokes)


# --- KL and JS between 2-D histograms ------------------------------------------------------------------------------
def test_kl_and_js_match_a_direct_numpy_computation():
    rng = np.random.default_rng(0)
    p, q = rng.integers(0, 20, (8, 8)).astype(float), rng.integers(1, 20, (8, 8)).astype(float)
    kl, js = kl_js(torch.tensor(p), torch.tensor(q), smoothing=0.5)
    ps, qs = (p + 0.5) / (p + 0.5).sum(), (q + 0.5) / (q + 0.5).sum()
    m = (ps + qs) / 2
    assert kl == pytest.approx(float(np.sum(ps * np.log(ps / qs))), rel=1e-12)
    assert js == pytest.approx(float(0.5 * np.sum(ps * np.log(ps / m)) + 0.5 * np.sum(qs * np.log(qs / m))), rel=1e-12)


def test_identical_histograms_give_zero_and_disjoint_ones_ln2():
    h = histogram_2d(torch.randn(2000, 2), -3, 3, 16)
    assert h.sum() == 2000 and kl_js(h, h) == (0.0, 0.0) and kl_js(h, h, 0.5) == (0.0, 0.0)
    left = histogram_2d(torch.rand(500, 2) - torch.tensor([1.0, 0.0]), -1, 1, 8)
    right = histogram_2d(torch.rand(500, 2) * 0.99, -1, 1, 8)
    kl, js = kl_js(left, right)
    assert js == pytest.approx(math.log(2), abs=1e-12) and kl == math.inf


def test_points_outside_the_square_count_in_the_edge_cells():
    h = histogram_2d(torch.tensor([[-9.0, 0.1], [9.0, 9.0], [float("nan"), 0.0]]), -1, 1, 4)
    assert h.sum() == 2 and h[2, 0] == 1 and h[3, 3] == 1  # rows along y


# --- links ------------------------------------------------------------------------------------------------------
def test_a_link_round_trips_the_settings():
    values = pg.defaults() | {"shape": "three_regions", "loss": "wasserstein_gp", "lr_g": 2.5e-4, "d_steps": 5,
                              "g_width": 128, "noise_dim": 1, "noise": "uniform", "layers": ("fake", "manifold")}
    query = pg.to_query(values)
    assert all(isinstance(v, str) for v in query.values()) and query["layers"] == "fake,manifold"
    back, problems = pg.from_query(query)
    assert back == values and problems == []
    config = pg.make_config(back)
    assert pg.values_of(config, back["layers"]) == values


def test_a_malformed_link_opens_the_defaults_with_a_notice():
    values, problems = pg.from_query({"shape": "drawn", "lr_d": "1e9", "d_steps": "2.5", "batch_size": "many",
                                      "hack": "1", "layers": "real,bogus", "lr_g": "nan", "seed": ["1", "7"]})
    assert values == pg.defaults() | {"seed": 7}
    assert {(k, why) for k, _, why in problems} == {
        ("shape", "not_a_choice"), ("lr_d", "out_of_range"), ("d_steps", "not_a_number"),
        ("batch_size", "not_a_number"), ("hack", "unknown_setting"), ("layers", "not_a_choice"),
        ("lr_g", "not_a_number")}
    assert all(why in LINK_PROBLEMS for _, _, why in problems)
    notice = link_notice(problems)
    assert "`lr_d=1e9` is outside the allowed range" in notice and "defaults" in notice


def test_every_setting_s_default_is_in_its_own_range():
    for key, value in pg.defaults().items():
        assert pg.check(key, value) == (value, None), key


# --- the toy2d family: shipped games through the command line -------------------------------------------------------
def test_the_cli_trains_a_game_whose_card_the_page_can_load(tmp_path):
    out = str(tmp_path / "game")
    assert main(["train", "toy2d", "--preset", "two_gaussians", "--iterations", "30", "--eval-samples", "3000",
                 "--threads", "1", "--out", out]) == 0
    card = json.loads((tmp_path / "game.json").read_text())
    assert card["kind"] == "toy2d" and card["steps"] == 30 and card["preset"]["name"] == "two_gaussians"
    # --eval-samples is the game's own setting (each snapshot's samples), not also the final evaluation's size
    assert card["config"]["eval_samples"] == 3000 and card["metrics"]["n_samples"] == RunOptions().eval_samples
    assert card["config"]["target"] == "two_gaussians" and 0 < card["metrics"]["js"] <= math.log(2)
    assert card["metrics"]["n_modes"] == 2 and card["metrics"]["js_floor"] < card["metrics"]["js"]
    trainer, loaded = load_trained(out)
    assert trainer.step_count == 30 and loaded.metrics == card["metrics"]
    assert trainer.config.g_hidden == PRESETS["two_gaussians"].config.g_hidden  # lists back to tuples
    page = pg.make_config(pg.values_of(trainer.config), **pg.other_settings(trainer.config))
    assert page == replace(trainer.config, g_optimizer="adam", iterations=Toy2DConfig().iterations)
