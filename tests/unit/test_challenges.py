"""The engine's challenges: each check passes a run that meets its goal and fails one that does not, on the
snapshots real trainers give (the shipped DCGAN measured where it lives; short runs, with the measures a long run
would reach put in)."""
from dataclasses import replace

import pytest

from gan_core import challenges, theory
from gan_core.challenges import CHALLENGES, STEPS_TO_SCORE_6
from gan_core.families.dcgan.presets import PRESETS as DCGAN_PRESETS
from gan_core.families.registry import live_trainer
from gan_core.families.sgan.presets import PRESETS as SGAN_PRESETS
from gan_core.families.toy import mode_collapse
from gan_core.families.toy import playground as pg
from gan_core.families.toy.config import PRESETS_1D
from gan_core.families.toy.inside import InsideTrainer
from gan_core.families.toy.trainer import DistributionTrainer
from gan_core.io.cards import ModelCard

LESSONS = ("gaussian_gan", "minimax", "mode_collapse", "inside_game", "dcgan_mnist", "semi_supervised_gan")


def test_every_trained_lesson_has_a_challenge_and_the_order_names_real_ones():
    assert all(challenges.of_lesson(lesson) for lesson in LESSONS)
    assert all(c.requires in CHALLENGES for c in CHALLENGES.values() if c.requires)


def test_the_seed_paper_fit_needs_the_moments_and_w1_with_only_k_lr_and_the_d_input_changed():
    fit = CHALLENGES["gaussian_gan.seed_paper_fit"]
    seed_paper = PRESETS_1D["Seed paper"].config
    snap = DistributionTrainer(seed_paper).step(1)
    assert not fit.verdict(snap, seed_paper).done  # one step from the start: far from N(4, 1.25)
    fitted = replace(snap, fake_moments={**snap.fake_moments, "mean": 4.03, "std": 1.21}, w1=0.04)
    tuned = replace(seed_paper, d_steps=5, lr_g=3e-3, lr_d=3e-3, d_input="samples")
    assert fit.verdict(fitted, tuned).done
    assert fit.verdict(replace(fitted, w1=0.06), tuned).measures["w1"] == 0.06
    assert not fit.verdict(replace(fitted, w1=0.06), tuned).done
    wider = fit.verdict(fitted, replace(seed_paper, batch_size=128))  # not one of the settings it may change
    assert not wider.done and wider.reason == "setting_changed"
    assert fit.verdict(replace(fitted, status="diverged"), tuned).reason == "diverged"


def test_the_minimax_value_reaches_minus_log_4_only_where_g_matches_the_data_and_the_answer_counts():
    value = CHALLENGES["minimax.value_at_equilibrium"]
    there, away = theory.gaussian_game(0.0, 1.0, 0.0, 1.0), theory.gaussian_game(0.0, 1.0, 2.5, 1.0)
    assert value.verdict(there, "p_g_equals_p_data").done
    assert not value.verdict(there, "d_is_untrained").done  # the right place, the wrong reason
    assert not value.verdict(away, "p_g_equals_p_data").done and value.verdict(away, None).measures["value_gap"] > 0.1


def test_every_ring_mode_within_3000_steps_with_high_quality_samples():
    every = CHALLENGES["mode_collapse.every_mode"]
    trainer = mode_collapse.make_trainer("ring", mode_collapse.BEST_CURE["ring"])
    snap = trainer.step(1)
    assert not every.verdict(snap, trainer.config).done
    captured = replace(snap, modes_captured=8, hq_fraction=0.86, step=2400)
    assert every.verdict(captured, trainer.config).done
    assert not every.verdict(replace(captured, step=3200), trainer.config).done  # too slow
    assert not every.verdict(replace(captured, hq_fraction=0.7), trainer.config).done  # modes, but blurry
    other = mode_collapse.make_trainer("two_mode", "vanilla").config
    assert every.verdict(captured, other).reason == "other_data"


def test_a_drawing_the_default_game_fails_on_then_settings_that_fit_it():
    fails, fits = CHALLENGES["inside_game.default_fails"], CHALLENGES["inside_game.fit_the_drawing"]
    drawing = {"strokes": [[[-1.0, -1.0], [1.0, 1.0]], [[-1.0, 1.0], [0.0, 0.0]]], "noise": 0.04}
    default = pg.make_config(pg.defaults(), target="drawn", target_params=drawing)
    snap = InsideTrainer(default).step(1)
    assert not fails.verdict(snap, default).done  # one step is not 2,000
    failed = replace(snap, step=2000, js=0.42)
    assert fails.verdict(failed, default).done
    tuned = replace(default, lr_d=2e-3, d_steps=3)
    assert fails.verdict(failed, tuned).reason == "setting_changed"  # the failure must be the default's
    assert fits.verdict(replace(snap, step=1500, js=0.06), tuned).done
    assert not fits.verdict(replace(snap, step=1500, js=0.2), tuned).done
    ring = pg.make_config(pg.defaults())
    assert fits.verdict(replace(snap, step=1500, js=0.06), ring).reason == "not_a_drawing"


def test_the_mnist_score_is_the_one_the_engine_measured_on_the_shipped_dcgan():
    card = ModelCard.load("pretrained/dcgan_mnist")
    config = replace(DCGAN_PRESETS["cpu_quick_start"].config, network=card.network, loss=card.config["loss"],
                     batch_size=card.config["batch_size"])
    trainer = live_trainer("dcgan", config, checkpoint="pretrained/dcgan_mnist")
    assert not CHALLENGES["dcgan_mnist.score_6"].verdict(trainer.snapshot()).done  # never measured yet
    snap = trainer.evaluate_live(500)
    assert CHALLENGES["dcgan_mnist.score_6"].verdict(snap).done and snap.metrics["mnist_score"] >= 6
    assert card.steps > STEPS_TO_SCORE_6 and not CHALLENGES["dcgan_mnist.score_6_sooner"].verdict(snap).done
    sooner = replace(snap, metrics={**snap.metrics, "step": STEPS_TO_SCORE_6 - 100})
    assert CHALLENGES["dcgan_mnist.score_6_sooner"].verdict(sooner).done


@pytest.mark.parametrize("per_class, lead, done", [(2, 0.18, True), (2, 0.10, False), (10, 0.30, False)])
def test_twenty_labels_and_a_lead_of_15_points_over_the_baseline(per_class, lead, done):
    challenge = CHALLENGES["semi_supervised_gan.twenty_labels"]
    config = replace(SGAN_PRESETS["live_cpu"].config, labels_per_class=per_class)
    snap = live_trainer("sgan", config).snapshot()
    assert not challenge.verdict(snap, config).done  # no accuracy check yet
    checked = replace(snap, accuracy=[{"step": 400, "sgan_test": 0.55 + lead, "baseline_test": 0.55}])
    assert challenge.verdict(checked, config).done is done
