"""Conditional GAN: both conditioning styles, the shared loop with labels, the CLI. (The shipped CGAN's bars:
tests/quality/test_shipped_cgan.py.)"""
import numpy as np
import pytest
import torch

from gan_core.cli import main
from gan_core.core.loop import GANTrainer
from gan_core.data.mnist import DeviceDataset, load_mnist
from gan_core.eval.metrics import label_agreement
from gan_core.families.cgan import networks as cgan
from gan_core.families.cgan.config import CGANConfig
from gan_core.families.cgan.sample import generate_conditional, style_content_grid
from gan_core.families.cgan.trainer import ConditionalImageGANTrainer
from gan_core.families.dcgan.trainer import ImageGANTrainer
from gan_core.families.registry import load
from gan_core.io import checkpoints
from tests.support.cli_runs import train_then_resume


@pytest.mark.parametrize("conditioning", cgan.CONDITIONING)
def test_both_conditioning_styles_map_noise_and_label_to_images_and_logits(conditioning):
    torch.manual_seed(0)
    G, D = cgan.build("tiny", conditioning)
    z = torch.randn(6, cgan.Z_DIM)
    y = torch.tensor([0, 1, 2, 3, 4, 5])
    x = G(z, y)
    assert x.shape == (6, 1, 28, 28) and x.min() >= -1 and x.max() <= 1
    assert D(x, y).shape == (6, 1)
    G.eval()
    with torch.no_grad():  # the label changes the image for the same noise ...
        a, b = G(z, torch.full((6,), 3)), G(z, torch.full((6,), 8))
        assert (a - b).abs().mean() > 1e-4
        # ... and D's verdict for the same image
        D.eval()
        assert (D(a, torch.full((6,), 3)) - D(a, torch.full((6,), 8))).abs().max() > 0
    # the label code can be interpolated: the code of a digit gives the same image as the digit
    code = G.label_code(torch.full((6,), 3))
    assert torch.allclose(G.forward_code(z, code), a, atol=1e-6)
    with pytest.raises(TypeError):
        G(z, torch.zeros(6))  # float labels are a mistake


@pytest.mark.parametrize("conditioning", cgan.CONDITIONING)
def test_discriminator_options_projection_and_per_digit_spread(conditioning):
    torch.manual_seed(0)
    _, D = cgan.build("tiny", conditioning, projection=True, minibatch_std=True)
    x, y = torch.randn(8, 1, 28, 28), torch.tensor([0, 0, 0, 1, 1, 2, 3, 3])
    assert D(x, y).shape == (8, 1) and D.project is not None
    # the per-digit spread: a digit whose samples are identical has spread ~0, a varied one does not
    h = torch.randn(8, 16, 7, 7)
    h[1] = h[0]
    h[2] = h[0]
    spread = cgan.class_spread(h, y)
    assert spread[:3].max() < 1e-2 and spread[3:5].min() > 0.5 and spread[5] < 1e-2  # digit 2 is seen once
    assert torch.equal(spread[0], spread[1])


def test_balanced_labels_give_n_over_10_of_each_digit():
    assert np.bincount(cgan.balanced_labels(10_000).numpy()).tolist() == [1000] * 10
    assert np.bincount(cgan.balanced_labels(25).numpy(), minlength=10).tolist() == [3] * 5 + [2] * 5


def test_label_agreement_counts_per_requested_digit():
    probs = np.eye(10)[[0, 0, 1, 1, 2]]
    m = label_agreement(probs, [0, 1, 1, 1, 2])
    assert m["agreement"] == pytest.approx(0.8)
    assert m["agreement_per_digit"][:3] == [1.0, pytest.approx(2 / 3), 1.0]
    assert m["agreement_min"] == pytest.approx(2 / 3)


@pytest.fixture(scope="module")
def small_trainer():
    images, labels = load_mnist("train")
    data = DeviceDataset(images[:2048], labels[:2048], seed=0)
    trainer = ConditionalImageGANTrainer(CGANConfig(network="tiny", batch_size=32, seed=3), dataset=data)
    grid0 = trainer.grid().copy()
    snap = trainer.step(30)
    return trainer, grid0, snap


def test_cgan_trains_on_the_one_loop_with_labels(small_trainer):
    trainer, grid0, snap = small_trainer
    assert isinstance(trainer, ImageGANTrainer)  # the one loop: D and G updates are GANTrainer's, not copies
    assert type(trainer)._d_update is GANTrainer._d_update and type(trainer)._g_update is GANTrainer._g_update
    assert snap.step == 30
    for key in ("d_loss", "g_loss", "d_real", "d_fake", "d_fake_after"):
        assert np.isfinite(getattr(snap, key)), key
    # the grid is the 10x10 style-vs-content table and it changed with training
    assert snap.grid.shape == (10 * 30 + 2, 10 * 30 + 2) and not np.array_equal(snap.grid, grid0)
    assert trainer.fixed_labels[:12].tolist() == list(range(10)) + [0, 1]
    assert torch.equal(trainer.fixed_noise[0], trainer.fixed_noise[9])  # one z per row
    x, y = trainer.sample_real(16)
    assert x.shape == (16, 1, 28, 28) and y.shape == (16,) and y.dtype == torch.int64
    cond = trainer.sample_condition(1000)
    assert cond.min() >= 0 and cond.max() <= 9 and len(torch.unique(cond)) == 10


def test_checkpoint_round_trip_and_cli_sample(small_trainer, tmp_path):
    trainer, _, _ = small_trainer
    name = tmp_path / "c"
    checkpoints.save(name, {"G": trainer.G, "D": trainer.D},
                     {"kind": "cgan", "preset": "tiny", "conditioning": trainer.config.conditioning, "z_dim": 100,
                      "steps": 30})
    nets, card = load(name)
    G = nets["G"]
    labels = cgan.balanced_labels(20).numpy()
    assert np.array_equal(generate_conditional(G, labels, seed=5), trainer.sample_images(20, seed=5))
    assert main(["sample", str(name), "--n", "20", "--seed", "5", "--out", str(tmp_path / "a.npz")]) == 0
    out = np.load(tmp_path / "a.npz")
    assert out["images"].shape == (20, 28, 28) and out["images"].dtype == np.uint8
    assert np.bincount(out["labels"], minlength=10).tolist() == [2] * 10
    assert np.array_equal(out["images"], generate_conditional(G, labels, seed=5))
    assert main(["sample", str(name), "--n", "7", "--label", "4", "--out", str(tmp_path / "b.npz")]) == 0
    assert np.load(tmp_path / "b.npz")["labels"].tolist() == [4] * 7
    assert main(["sample", str(name), "--n", "7", "--label", "12", "--out", str(tmp_path / "c.npz")]) == 2


def test_cli_resume_with_an_ema_generator_ships_the_average(tmp_path):
    """`train cgan --ema --resume`: the run continues from the checkpoint's step and the card says which G shipped."""
    first, card = train_then_resume("cgan", tmp_path, (0.01, 0.02), "--network", "tiny", "--eval-samples", "100",
                                    "--ema", "0.99")
    assert card["resumed_from"]["steps"] == first["steps"] > 0 and card["steps"] == round(0.02 * (60_000 // 64))
    assert card["generator_weights"].startswith("exponential moving average") and card["config"]["ema"] == 0.99
    trainer = ConditionalImageGANTrainer(CGANConfig(network="tiny", batch_size=32, ema=0.9, seed=1))
    trainer.step(3)
    assert trainer.sampler is trainer.ema.model
    G = trainer.sampler
    assert np.array_equal(trainer.sample_images(20, seed=4),
                          generate_conditional(G, cgan.balanced_labels(20).numpy(), seed=4))


def test_config_rejects_unknown_options():
    with pytest.raises(ValueError):
        CGANConfig(conditioning="telepathy").validate()
    with pytest.raises(ValueError):
        CGANConfig(network="huge").validate()


class _Recorder(torch.nn.Module):
    """A stand-in conditional G that remembers every (z, y) it was asked for."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def forward(self, z, y):
        self.calls.append((z.clone(), y.clone()))
        return torch.tanh(z[:, :1, None, None].expand(-1, 1, 28, 28) + y[:, None, None, None].float() / 10)


def test_style_content_grid_keeps_z_along_a_row_and_the_digit_down_a_column():
    G = _Recorder()
    images, labels = style_content_grid(G, rows=3, seed=11, z_dim=16)
    assert images.shape == (30, 28, 28) and images.dtype == np.uint8
    assert np.array_equal(labels, np.tile(np.arange(10), 3))
    (z, y), = G.calls
    assert np.array_equal(y.numpy(), labels)
    rows = torch.randn(3, 16, generator=torch.Generator().manual_seed(11))  # the seed's noise, one z per row
    for r in range(3):
        for d in range(10):
            assert torch.equal(z[r * 10 + d], rows[r]) and y[r * 10 + d] == d
    assert not torch.equal(rows[0], rows[1])
    # a real conditional G: each cell is G(z_r | d), as generate_conditional draws it
    torch.manual_seed(0)
    G, _ = cgan.build("tiny", "modulate")
    images, labels = style_content_grid(G, rows=2, seed=4, z_dim=cgan.Z_DIM)
    rows = torch.randn(2, cgan.Z_DIM, generator=torch.Generator().manual_seed(4))
    for r in range(2):
        for d in (0, 7):
            one = generate_conditional(G, [d], z=rows[r:r + 1])
            assert np.array_equal(images[r * 10 + d], one[0])
    assert np.array_equal(style_content_grid(G, rows=2, seed=4, z_dim=cgan.Z_DIM)[0], images)  # seeded
