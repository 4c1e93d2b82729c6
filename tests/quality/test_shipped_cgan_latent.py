"""The latent-space lesson on the shipped CGAN (pretrained/cgan_mnist): its thickness direction thickens
digits without changing them, and vector arithmetic makes a thick seven from thin ones."""
import numpy as np
import pytest
import torch

from gan_core.eval.attributes import ink_mass
from gan_core.eval.evaluator import Evaluator
from gan_core.eval.readers import classify
from gan_core.latent import LatentModel, arithmetic_demo

THICKNESS_STEP = 3.0  # latent units moved along the unit thickness direction (|z| is about 10)


@pytest.fixture(scope="module")
def cgan_model():
    return LatentModel.load("pretrained/cgan_mnist")


@pytest.fixture(scope="module")
def judge():
    return Evaluator()


def test_thickness_direction_thickens_cgan_digits_without_changing_them(cgan_model, judge):
    """200 random latents (random labels, each held fixed): moving along the thickness direction of that
    label raises ink mass in >= 90% of cases; the classifier's label stays the same in >= 90%."""
    rng = np.random.default_rng(7)
    labels = rng.integers(0, 10, 200)
    z = cgan_model.noise(200, seed=4242)
    directions = {d: cgan_model.direction("thickness", n=600, seed=1234, label=d) for d in range(10)}
    moved = torch.stack([cgan_model.move(z[i], directions[int(labels[i])], THICKNESS_STEP) for i in range(200)])
    before, after = cgan_model.decode(z, labels), cgan_model.decode(moved, labels)
    thicker = ink_mass(after) > ink_mass(before)
    p_before, _ = classify(judge.model, before)
    p_after, _ = classify(judge.model, after)
    same = p_before.argmax(1) == p_after.argmax(1)
    assert thicker.mean() >= 0.9, thicker.mean()
    assert same.mean() >= 0.9, same.mean()
    assert (ink_mass(after) - ink_mass(before)).mean() > 5  # a visible change, not a rounding effect


def test_vector_arithmetic_makes_a_thick_seven_from_thin_sevens(cgan_model, judge):
    res = arithmetic_demo(cgan_model, "thickness", 3, 7, k=3, seed=0, classify=lambda x: classify(judge.model, x)[0])
    assert res["A"].shape == (3, 28, 28) and res["C"].shape == (3, 28, 28)
    assert res["A_values"].mean() > res["B_values"].mean()
    assert res["after_value"] > res["before_value"]
    assert res["after_label"] == 7
