"""The shipped semi-supervised GAN (pretrained/sgan_mnist): its card is honest, and its classifier meets the bar
on all 10,000 MNIST test digits, far above the same network trained on the same labels alone."""
import numpy as np
import pytest

from gan_core.data.mnist import load_mnist
from gan_core.families.registry import load
from gan_core.families.sgan import subset
from gan_core.families.sgan.evaluate import judge

SHIPPED = "pretrained/sgan_mnist"


@pytest.fixture(scope="module")
def shipped():
    return load(SHIPPED)


def test_the_card_records_the_labels_the_run_and_the_baseline(shipped):
    nets, card = shipped
    assert card.kind == "sgan" and card.partial is False and card.status != "diverged" and card.steps > 0
    assert set(nets) == {"G", "D", "baseline"}
    lab = card.extra["labelled_subset"]
    assert lab["count"] == 100 and lab["per_class"] == 10 and card.config["labels_per_class"] == 10
    # the 100 labelled digits are exactly those its seed draws, ten of each digit
    assert lab["indices"] == subset.split(10, lab["seed"], card.config["val_size"]).labelled.tolist()
    _, labels = load_mnist("train")
    assert np.bincount(labels[lab["indices"]], minlength=10).tolist() == [10] * 10
    assert card.command.startswith("python -m gan_core train sgan")
    assert card.wall_time_s <= 30 * 60, card.wall_time_s  # trained in half an hour at most
    m = card.metrics
    assert m["n_test"] == 10_000 and len(m["test_confusion"]) == 10 and len(m["baseline_test_confusion"]) == 10
    # the kept state is the best on the validation slice, a check the card lists
    best = card.extra["selection"]
    checks = card.extra["accuracy_during_training"]
    assert best["sgan_val"] == max(r["sgan_val"] for r in checks)
    assert any(r["step"] == best["step"] for r in checks)


@pytest.mark.long_running
def test_the_shipped_classifier_meets_the_bar_on_the_whole_test_set(shipped):
    nets, card = shipped
    images, labels = load_mnist("test")
    sgan, base = judge(nets["D"], images, labels), judge(nets["baseline"], images, labels)
    assert sgan["n"] == 10_000
    assert sgan["accuracy"] >= 0.97, sgan["accuracy"]
    # the card says what this measures (eval mode has no noise: the same weights give the same digits)
    assert sgan["accuracy"] == pytest.approx(card.metrics["test_accuracy"], abs=1e-4)
    assert base["accuracy"] == pytest.approx(card.metrics["baseline_test_accuracy"], abs=1e-4)
    assert sgan["confusion"] == card.metrics["test_confusion"]
    # the same network on the same 100 labels alone is far behind
    assert base["accuracy"] <= sgan["accuracy"] - 0.05, (base["accuracy"], sgan["accuracy"])
    assert min(sgan["per_digit"]) >= 0.9, sgan["per_digit"]
