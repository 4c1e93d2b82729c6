"""The shipped DCGAN (pretrained/dcgan_mnist): its card's numbers and the issue's bars on fresh samples."""

import numpy as np
import pytest

from gan_core.families.dcgan import networks as dcgan
from gan_core.families.dcgan.sample import generate_images
from gan_core.families.registry import load
from gan_core.io import checkpoints
from gan_core.io.cards import ModelCard

SHIPPED = "pretrained/dcgan_mnist"
pytestmark = pytest.mark.usefixtures("one_thread")


def test_shipped_dcgan_card_reports_measured_metrics():
    card = ModelCard.load(SHIPPED)
    assert card.kind == "dcgan" and card.network in dcgan.NETWORKS and card.steps > 0
    m = card.metrics
    assert m["n_samples"] == 10_000 and sum(m["class_histogram"]) == 10_000
    assert np.isfinite(m["frechet_distance"]) and np.isfinite(m["frechet_baseline_test_vs_train"])
    assert m["frechet_baseline_test_vs_train"] < m["frechet_distance"]
    assert checkpoints.paths(SHIPPED)[0].stat().st_size < 50e6
    # the score's two parts, which the lesson quotes: all ten digits alike, the loss is in the doubt
    assert m["mnist_score"] == pytest.approx(np.exp(m["variety"] - m["doubt"]), rel=1e-6)
    assert m["variety"] > 2.29 and 0 < m["doubtful_share"] < 0.2 and m["doubt"] > 0
    assert m["mnist_score"] >= 9.0  # the bar, on the card's 10,000 samples


@pytest.mark.long_running
def test_shipped_dcgan_card_is_honest_and_meets_the_balance_and_frechet_bars():
    """On 10,000 new samples (not the card's seed): the issue's bars, MNIST score >= 9.0, every digit 7-13% of
    the samples and Fréchet distance <= 1.5, and the card's numbers reproduce."""
    from gan_core.eval.evaluator import Evaluator

    nets, card = load(SHIPPED)
    G = nets["G"]
    assert card.network == "infogan_half" and card.config["loss"] == "hinge"
    images = generate_images(G, 10_000, seed=2024)
    m = Evaluator().evaluate(images)
    fractions = np.array(m["class_histogram"]) / 10_000
    assert ((fractions >= 0.07) & (fractions <= 0.13)).all(), m["class_histogram"]
    assert m["frechet_distance"] <= 1.5, m["frechet_distance"]
    # this seed gives 9.09, three more 9.05-9.08, the card's 9.02; the book DCGAN had 7.94, the weights these
    # replaced 8.872
    assert m["mnist_score"] >= 9.0, m["mnist_score"]
    assert abs(m["mnist_score"] - card.metrics["mnist_score"]) < 0.1, (m["mnist_score"], card.metrics)
    assert abs(m["frechet_distance"] - card.metrics["frechet_distance"]) < 0.3, (m, card.metrics)
    assert abs(m["doubt"] - card.metrics["doubt"]) < 0.01, (m["doubt"], card.metrics["doubt"])


def test_the_shipped_preset_is_the_recipe_the_shipped_weights_were_trained_with():
    """`train dcgan --preset shipped` repeats the shipped run: same settings, same number of steps (settings
    added to the config after the run must be off in the preset, as they were in the run)."""
    from gan_core.core.config import config_dict
    from gan_core.families.dcgan.config import DCGANConfig
    from gan_core.families.dcgan.presets import PRESETS

    card, preset = ModelCard.load(SHIPPED), PRESETS["shipped"]
    recipe, defaults = preset.to_dict()["config"], config_dict(DCGANConfig())
    common = recipe.keys() & card.config.keys()
    assert {k: recipe[k] for k in common} == {k: card.config[k] for k in common}
    assert all(recipe[k] == defaults[k] for k in recipe.keys() - card.config.keys())
    assert card.steps == preset.budget
