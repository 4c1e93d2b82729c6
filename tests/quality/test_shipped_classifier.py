"""The shipped evaluation classifier (pretrained/mnist_classifier): its test accuracy and card, and the
scores it gives real digits and noise."""
import numpy as np
import pytest

from gan_core.data.mnist import load_mnist
from gan_core.eval.evaluator import Evaluator
from gan_core.eval.readers import CLASSIFIER_NAME, accuracy
from gan_core.io import checkpoints


@pytest.fixture(scope="module")
def evaluator():
    if not checkpoints.paths(CLASSIFIER_NAME)[0].exists():
        pytest.fail("pretrained/mnist_classifier.safetensors is missing: python -m gan_core train classifier ...")
    return Evaluator()


@pytest.mark.long_running
def test_shipped_classifier_is_at_least_99_percent_accurate(evaluator):
    images, labels = load_mnist("test")
    acc = accuracy(evaluator.model, images, labels)
    assert acc >= 0.990, acc
    assert evaluator.card.metrics["test_accuracy"] == pytest.approx(acc, abs=1e-4)


def test_real_digits_score_near_ten_and_shuffled_pixels_do_not(evaluator):
    images, _ = load_mnist("test")
    real = evaluator.evaluate(images[:2000])
    assert real["mnist_score"] > 9.5
    assert min(real["class_histogram"]) > 150
    noise = np.random.default_rng(0).integers(0, 256, (2000, 28, 28), dtype=np.uint8)
    fake = evaluator.evaluate(noise)
    assert fake["mnist_score"] < 3 and fake["frechet_distance"] > 10 * real["frechet_distance"]
    assert 0 < evaluator.baseline < real["frechet_distance"] + 1  # 10k test vs train is the closest pair
