"""The shipped evaluation classifier and the MNIST metrics built on it."""
import numpy as np
import pytest
import torch

from gan_core.data import load_mnist
from gan_core.eval.evaluator import Evaluator
from gan_core.eval.metrics import (
    class_histogram,
    feature_stats,
    frechet_distance,
    mnist_score,
)
from gan_core.eval.readers import CLASSIFIER_NAME, accuracy, random_shift
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


def test_mnist_score_and_histogram_on_known_predictions():
    onehot = np.eye(10)[np.arange(1000) % 10]
    assert mnist_score(onehot) == pytest.approx(10.0, rel=1e-6)
    assert mnist_score(np.eye(10)[np.zeros(1000, int)]) == pytest.approx(1.0)  # one digit only: collapse
    assert mnist_score(np.full((100, 10), 0.1)) == pytest.approx(1.0)  # unsure about everything
    assert class_histogram(onehot) == [100] * 10


def test_frechet_distance_is_zero_for_equal_and_grows_with_shift():
    f = np.random.default_rng(0).normal(size=(2000, 8))
    s = feature_stats(f)
    assert frechet_distance(s, s) == pytest.approx(0.0, abs=1e-6)
    assert frechet_distance(s, feature_stats(f + 1.0)) == pytest.approx(8.0, rel=1e-3)  # |mu shift|^2


def test_random_shift_moves_digits_without_changing_them():
    images, _ = load_mnist("test")
    x = torch.from_numpy(images[:8].astype(np.float32) / 127.5 - 1).unsqueeze(1)
    y = random_shift(x, 2, torch.Generator().manual_seed(0))
    assert y.shape == x.shape and not torch.equal(x, y)
    assert (y > 0).sum() <= (x > 0).sum()  # pixels can fall off the edge, none appear
