"""DCGAN presets, the image trainer on the shared GAN loop, the CLI, and the shipped weights' bars."""
import argparse
import json
import time

import numpy as np
import pytest
import torch

from gan_core import checkpoints, dcgan
from gan_core.cli import _train_loop, load_generator, main
from gan_core.image_training import DCGANConfig, ImageGANTrainer, generate_images, load_pretrained
from gan_core.training import GANTrainer, Snapshot

SHIPPED = "pretrained/dcgan_mnist"


@pytest.mark.parametrize("preset", ["book", "small", "tiny"])
def test_presets_map_noise_to_28x28_images_and_images_to_logits(preset):
    torch.manual_seed(0)
    G, D = dcgan.build(preset)
    x = G(torch.randn(4, 100))
    assert x.shape == (4, 1, 28, 28) and x.abs().max() <= 1.0
    assert D(x).shape == (4, 1)
    conv = next(m for m in G.modules() if isinstance(m, torch.nn.ConvTranspose2d))
    assert abs(conv.weight.std().item() - 0.02) < 0.002  # N(0, 0.02) initialisation


def test_book_preset_matches_the_seed_architecture():
    G, D = dcgan.build("book")
    convs = [m for m in G.modules() if isinstance(m, torch.nn.ConvTranspose2d)]
    assert [(c.in_channels, c.out_channels, c.stride[0]) for c in convs] == [(256, 128, 2), (128, 64, 1), (64, 1, 2)]
    assert [c.out_channels for c in D.modules() if isinstance(c, torch.nn.Conv2d)] == [32, 64, 128]


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Small convolutions on a shared 2-core machine run fastest (and steadiest) on one thread."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def trained_tiny():
    trainer = ImageGANTrainer(DCGANConfig(preset="tiny", batch_size=64, seed=1))
    grid0 = trainer.grid().copy()
    snap = trainer.step(40)
    return trainer, grid0, snap


def test_tiny_trains_on_the_shared_loop_with_finite_losses_and_a_changing_grid(trained_tiny):
    trainer, grid0, snap = trained_tiny
    assert isinstance(trainer, GANTrainer)
    for name in ("_d_update", "_g_update", "_run_chunk", "step", "train_for"):  # the loop is reused, not copied
        assert getattr(type(trainer), name) is getattr(GANTrainer, name), name
    assert snap.step == 40 and snap.status == "training"
    for key in ("d_loss", "g_loss", "d_real", "d_fake", "d_fake_after"):
        assert np.isfinite(getattr(snap, key)), key
        assert len(snap.history[key]) == 2  # one point per 25-step chunk
    assert 0 < snap.d_real < 1 and 0 < snap.d_fake < 1
    assert snap.grid.dtype == np.uint8 and snap.grid.shape == (8 * 30 + 2, 8 * 30 + 2)
    assert np.abs(snap.grid.astype(int) - grid0).mean() > 5  # G's progression: the grid changed
    assert snap.images_per_s == pytest.approx(snap.steps_per_s * 64)
    assert snap.epoch == pytest.approx(40 * 64 / 60000, abs=1e-9)  # G steps draw no real batch


def test_training_is_seeded():
    a = ImageGANTrainer(DCGANConfig(preset="tiny", batch_size=32, seed=5)).step(3)
    b = ImageGANTrainer(DCGANConfig(preset="tiny", batch_size=32, seed=5)).step(3)
    assert a.d_loss == b.d_loss and a.g_loss == b.g_loss and np.array_equal(a.grid, b.grid)


def test_checkpoint_round_trip_gives_identical_outputs(trained_tiny, tmp_path):
    trainer = trained_tiny[0]
    checkpoints.save(tmp_path / "tiny", {"G": trainer.G, "D": trainer.D},
                     {"kind": "dcgan", "preset": "tiny", "z_dim": 100, "steps": trainer.step_count})
    G, card = load_generator(str(tmp_path / "tiny"))
    assert card["steps"] == 40
    assert np.array_equal(generate_images(G, 100, seed=3), trainer.sample_images(100, seed=3))
    fresh = ImageGANTrainer(DCGANConfig(preset="tiny", batch_size=64, seed=9))
    load_pretrained(fresh, tmp_path / "tiny")
    assert fresh.step_count == 40 and np.array_equal(fresh.sample_images(50, seed=1), trainer.sample_images(50, seed=1))


def test_cli_sample_writes_png_and_npz(tmp_path):
    torch.manual_seed(0)
    G, D = dcgan.build("tiny")
    checkpoints.save(tmp_path / "g", {"G": G, "D": D}, {"kind": "dcgan", "preset": "tiny", "z_dim": 100, "steps": 0})
    assert main(["sample", str(tmp_path / "g"), "--n", "12", "--seed", "4", "--out", str(tmp_path / "s.npz")]) == 0
    images = np.load(tmp_path / "s.npz")["images"]
    assert images.shape == (12, 28, 28) and images.dtype == np.uint8
    assert np.array_equal(images, generate_images(G, 12, seed=4))
    assert main(["sample", str(tmp_path / "g"), "--n", "9", "--out", str(tmp_path / "s.png")]) == 0
    from PIL import Image
    assert Image.open(tmp_path / "s.png").size == (3 * 30 + 2, 3 * 30 + 2)
    assert main(["sample", str(tmp_path / "missing"), "--n", "4", "--out", str(tmp_path / "x.png")]) == 2


def test_shipped_dcgan_card_reports_measured_metrics():
    card = json.loads(checkpoints.paths(SHIPPED)[1].read_text())
    assert card["kind"] == "dcgan" and card["preset"] in dcgan.PRESETS and card["steps"] > 0
    m = card["metrics"]
    assert m["n_samples"] == 10_000 and sum(m["class_histogram"]) == 10_000
    assert np.isfinite(m["frechet_distance"]) and np.isfinite(m["frechet_baseline_test_vs_train"])
    assert m["frechet_baseline_test_vs_train"] < m["frechet_distance"]
    assert checkpoints.paths(SHIPPED)[0].stat().st_size < 50e6


@pytest.mark.long_running
def test_shipped_dcgan_card_is_honest_on_a_fresh_draw():
    """The card's numbers reproduce on 10,000 new samples, and every digit is 6-14% of them.

    The issue's score bar (MNIST score >= 9.0) is NOT met by these CPU-trained weights (book preset,
    40,010 steps, 2 h on CPU; card: 7.94); the digit-balance bar is. This test checks the card's claims
    and the balance bar.
    """
    from gan_core.classifier import Evaluator

    G, card = load_generator(SHIPPED)
    images = generate_images(G, 10_000, seed=2024)  # not the card's seed: a fresh draw
    m = Evaluator().evaluate(images)
    assert abs(m["mnist_score"] - card["metrics"]["mnist_score"]) < 0.2, (m["mnist_score"], card["metrics"])
    assert m["mnist_score"] > 7.5
    assert abs(m["frechet_distance"] - card["metrics"]["frechet_distance"]) < 0.5, (m, card["metrics"])
    fractions = np.array(m["class_histogram"]) / 10_000
    assert ((fractions >= 0.06) & (fractions <= 0.14)).all(), m["class_histogram"]  # the balance bar


def test_ema_generator_is_sampled_and_round_trips(tmp_path):
    trainer = ImageGANTrainer(DCGANConfig(preset="tiny", batch_size=32, ema=0.9, seed=2))
    trainer.step(4)
    assert trainer.sampler is trainer.G_ema
    ema_w = next(trainer.G_ema.parameters())
    assert not torch.equal(ema_w, next(trainer.G.parameters()))  # an average, not a copy
    checkpoints.save(tmp_path / "ema", {"G": trainer.sampler, "D": trainer.D},
                     {"kind": "dcgan", "preset": "tiny", "z_dim": 100, "steps": 4})
    G, _ = load_generator(str(tmp_path / "ema"))
    assert np.array_equal(generate_images(G, 16, seed=1), trainer.sample_images(16, seed=1))


def test_cli_resume_continues_steps_epochs_and_the_card(tmp_path):
    out = str(tmp_path / "run")
    common = ["--preset", "tiny", "--batch-size", "64", "--eval-samples", "200", "--threads", "1", "--out", out]
    assert main(["train", "dcgan", "--epochs", "0.02", *common]) == 0
    first = json.loads((tmp_path / "run.json").read_text())
    assert main(["train", "dcgan", "--epochs", "0.04", "--resume", out, *common]) == 0
    card = json.loads((tmp_path / "run.json").read_text())
    assert card["resumed_from"]["steps"] == first["steps"] > 0
    assert card["steps"] == round(0.04 * (60_000 // 64))  # to the new total, not 0.04 epochs more
    assert card["epochs"] == pytest.approx(0.04, abs=0.002)  # counts the epochs before the resume
    assert card["metrics"]["n_samples"] == 200


def test_cli_progress_line_takes_a_snapshot_only_now_and_then():
    """A snapshot can cost as much as the steps (an EMA grid re-measures batch norms): the CLI takes
    one for its line about every 20x its cost, not after every chunk of 25 steps."""
    class TimedTrainer:  # 1 ms a step, 20 ms a snapshot
        chunk, step_count, status, message, snapshots = 5, 0, "training", "", 0

        def train_steps(self, n):
            time.sleep(0.001 * n)
            self.step_count += n
            return True

        def snapshot(self):
            self.snapshots += 1
            time.sleep(0.02)
            return Snapshot(step=self.step_count, status="training", message="", elapsed_s=1.0, steps_per_s=1e3,
                            d_loss=0.0, g_loss=0.0, d_real=0.5, d_fake=0.5)

    trainer = TimedTrainer()
    _train_loop(trainer, 1000, argparse.Namespace(max_minutes=0, eval_every_min=0, checkpoint_every_min=0),
                lambda: None, line=lambda snap: "")
    assert trainer.step_count == 1000
    assert 2 <= trainer.snapshots <= 6  # ~1 s of steps, a line every ~0.4 s, and the last one (was 200)
