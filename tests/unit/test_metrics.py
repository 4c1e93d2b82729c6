"""The MNIST metrics (score, class histogram, Fréchet distance) on known inputs, and the readers' random
shift. (The shipped evaluation classifier they are built on: tests/quality/test_shipped_classifier.py.)"""
import numpy as np
import pytest
import torch

from gan_core.data.mnist import load_mnist
from gan_core.eval.metrics import (
    class_histogram,
    feature_stats,
    frechet_distance,
    mnist_score,
    most_doubted,
    score_parts,
)
from gan_core.eval.readers import random_shift


def test_mnist_score_and_histogram_on_known_predictions():
    onehot = np.eye(10)[np.arange(1000) % 10]
    assert mnist_score(onehot) == pytest.approx(10.0, rel=1e-6)
    assert mnist_score(np.eye(10)[np.zeros(1000, int)]) == pytest.approx(1.0)  # one digit only: collapse
    assert mnist_score(np.full((100, 10), 0.1)) == pytest.approx(1.0)  # unsure about everything
    assert class_histogram(onehot) == [100] * 10


def test_the_score_is_the_inception_score_and_exp_of_variety_minus_doubt():
    probs = np.random.default_rng(0).dirichlet(np.full(10, 0.3), size=500)
    marginal = probs.mean(0)
    inception = np.exp((probs * (np.log(probs) - np.log(marginal))).sum(1).mean())  # exp E_x KL(p(y|x) || p(y))
    parts = score_parts(probs)
    assert mnist_score(probs) == pytest.approx(inception, rel=1e-9)
    assert np.exp(parts["variety"] - parts["doubt"]) == pytest.approx(inception, rel=1e-9)
    sure = score_parts(np.eye(10)[np.arange(1000) % 10])
    assert sure["variety"] == pytest.approx(np.log(10)) and sure["doubt"] == pytest.approx(0, abs=1e-9)
    assert sure["doubtful_share"] == 0.0
    assert score_parts(np.full((4, 10), 0.1))["doubtful_share"] == 1.0


def test_most_doubted_lists_the_least_sure_predictions_first():
    probs = np.eye(10)[[3, 1, 4, 1]].astype(float)
    probs[2] = 0
    probs[2, [4, 9]] = 0.55, 0.45  # a 4 or a 9
    probs[0] = 0
    probs[0, [3, 5, 8]] = 0.5, 0.3, 0.2  # more doubted still
    worst = most_doubted(probs, 2)
    assert [w["index"] for w in worst] == [0, 2]
    assert worst[0]["digits"] == [3, 5] and worst[1]["digits"] == [4, 9]
    assert worst[1]["probs"] == pytest.approx([0.55, 0.45])


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
