"""DCGAN presets, the image trainer on the shared GAN loop, the CLI. (The shipped weights' bars:
tests/quality/test_shipped_dcgan.py.)"""
import time
from dataclasses import replace

import numpy as np
import pytest
import torch

from gan_core.cli import main
from gan_core.core.loop import GANTrainer
from gan_core.core.run import Cadence, run_to
from gan_core.core.snapshot import Snapshot
from gan_core.families.dcgan import networks as dcgan
from gan_core.families.dcgan.config import DCGANConfig
from gan_core.families.dcgan.presets import PRESETS
from gan_core.families.dcgan.sample import generate_images
from gan_core.families.dcgan.trainer import CALIBRATION_BATCHES, ImageGANTrainer, evaluation_due
from gan_core.families.registry import load
from gan_core.io import checkpoints
from gan_core.io.trainer_state import restore
from gan_core.tricks.lipschitz import R1Penalty
from gan_core.tricks.top_k import TopK
from tests.support.cli_runs import train_then_resume

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.mark.parametrize("network", sorted(dcgan.NETWORKS))
def test_networks_map_noise_to_28x28_images_and_images_to_logits(network):
    torch.manual_seed(0)
    G, D = dcgan.build(network)
    x = G(torch.randn(4, 100))
    assert x.shape == (4, 1, 28, 28) and x.abs().max() <= 1.0
    assert D(x).shape == (4, 1)
    conv = next(m for m in G.modules() if isinstance(m, torch.nn.ConvTranspose2d))
    assert abs(conv.weight.std().item() - 0.02) < 0.002  # N(0, 0.02) initialisation


def test_infogan_presets_normalise_every_discriminator_layer_spectrally():
    """Spectral norm: after a few power iterations each D layer's largest singular value is about 1."""
    torch.manual_seed(0)
    G, D = dcgan.build("infogan_half")
    layers = [m for m in D.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    assert len(layers) == 4 and all(torch.nn.utils.parametrize.is_parametrized(m) for m in layers)
    D.train()
    for _ in range(30):  # each training-mode forward runs one power iteration
        D(torch.randn(2, 1, 28, 28))
    fc = layers[-2]  # a dense layer: its weight matrix is the operator
    assert torch.linalg.matrix_norm(fc.weight.detach(), 2).item() == pytest.approx(1.0, abs=0.05)
    assert abs(fc.parametrizations.weight.original.std().item() - 0.02) < 0.002  # DCGAN init under the norm
    assert dcgan.count_parameters(G) < 2e6


def test_hinge_loss_pushes_only_inside_the_margin():
    from gan_core.losses import get_loss

    hinge = get_loss("hinge")
    real, fake = torch.tensor([2.0, 0.5]), torch.tensor([-3.0, 0.0])
    # D: relu(1 - real) + relu(1 + fake): 0 and 0.5 for reals, 0 and 1 for fakes
    assert hinge.d_loss(real, fake, torch.ones(2)).item() == pytest.approx(0.25 + 0.5)
    assert hinge.g_loss(fake).item() == pytest.approx(1.5)  # G: -mean D(G(z))
    assert hinge.is_critic and torch.equal(hinge.score(real), real)


def test_book_preset_matches_the_seed_architecture():
    G, D = dcgan.build("book")
    convs = [m for m in G.modules() if isinstance(m, torch.nn.ConvTranspose2d)]
    assert [(c.in_channels, c.out_channels, c.stride[0]) for c in convs] == [(256, 128, 2), (128, 64, 1), (64, 1, 2)]
    assert [c.out_channels for c in D.modules() if isinstance(c, torch.nn.Conv2d)] == [32, 64, 128]


@pytest.fixture(scope="module")
def trained_tiny():
    trainer = ImageGANTrainer(DCGANConfig(network="tiny", batch_size=64, seed=1))
    grid0 = trainer.grid().copy()
    snap = trainer.step(40)
    return trainer, grid0, snap


def test_a_d_update_changes_only_d_and_a_g_update_only_g():
    trainer = ImageGANTrainer(DCGANConfig(network="tiny", batch_size=16, seed=2))

    def weights(net):  # parameters only: batch-norm statistics move whenever a network runs in train mode
        return {k: v.detach().clone() for k, v in net.named_parameters()}

    g0, d0 = weights(trainer.G), weights(trainer.D)
    trainer._d_update()
    assert all(torch.equal(v, g0[k]) for k, v in weights(trainer.G).items())
    assert any(not torch.equal(v, d0[k]) for k, v in weights(trainer.D).items())
    d1 = weights(trainer.D)
    trainer.D.requires_grad_(False)
    trainer._g_update()
    assert all(torch.equal(v, d1[k]) for k, v in weights(trainer.D).items())
    assert any(not torch.equal(v, g0[k]) for k, v in weights(trainer.G).items())


def test_tiny_trains_on_the_shared_loop_with_finite_losses_and_a_changing_grid(trained_tiny):
    trainer, grid0, snap = trained_tiny
    assert isinstance(trainer, GANTrainer) and len(trainer.games) == 1
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
    a = ImageGANTrainer(DCGANConfig(network="tiny", batch_size=32, seed=5)).step(3)
    b = ImageGANTrainer(DCGANConfig(network="tiny", batch_size=32, seed=5)).step(3)
    assert a.d_loss == b.d_loss and a.g_loss == b.g_loss and np.array_equal(a.grid, b.grid)


def test_the_live_view_evaluates_once_trained_then_every_few_seconds_of_training():
    trainer = ImageGANTrainer(DCGANConfig(network="tiny", batch_size=16, seed=2))
    snap = trainer.snapshot()

    def at(step: int, elapsed_s: float):
        return replace(snap, step=step, elapsed_s=elapsed_s)

    assert not evaluation_due(at(0, 0.0), 20.0)  # an untrained G is not measured
    assert evaluation_due(at(5, 1.0), 20.0)  # trained and never measured
    snap = replace(snap, metrics={"step": 5, "elapsed_s": 1.0})
    assert not evaluation_due(at(50, 20.9), 20.0)
    assert evaluation_due(at(60, 21.0), 20.0)  # 20 s of training since the last measurement
    assert evaluation_due(at(3, 1.5), 20.0)  # the last measurement is from a later step: restarted


def test_checkpoint_round_trip_gives_identical_outputs(trained_tiny, tmp_path):
    trainer = trained_tiny[0]
    checkpoints.save(tmp_path / "tiny", {"G": trainer.G, "D": trainer.D},
                     {"kind": "dcgan", "preset": "tiny", "z_dim": 100, "steps": trainer.step_count})
    nets, card = load(str(tmp_path / "tiny"))
    G = nets["G"]
    assert card.steps == 40
    assert np.array_equal(generate_images(G, 100, seed=3), trainer.sample_images(100, seed=3))
    fresh = ImageGANTrainer(DCGANConfig(network="tiny", batch_size=64, seed=9))
    restore(fresh, tmp_path / "tiny")
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


@pytest.mark.long_running
def test_the_live_pages_cpu_default_draws_digits_after_a_minutes_worth_of_steps():
    """The DCGAN page's CPU defaults (the cpu_quick_start preset: the tiny network, lr 2e-3, Adam (0, 0.9), an EMA
    of G) for 1,300 steps, what one thread of this machine trains in about 58 s: the issue's bar, MNIST score of
    500 samples >= 6 (measured 6.47, 6.26 and 6.45 for seeds 0, 1 and 2)."""
    from gan_core.eval.evaluator import Evaluator

    quick = PRESETS["cpu_quick_start"]
    trainer = ImageGANTrainer(quick.config, "cpu")
    assert trainer.config.network == "tiny" and quick.budget == 1300
    trainer.step(quick.budget)
    m = trainer.evaluate(Evaluator(), n=500)
    assert m["mnist_score"] >= 6.0, m["mnist_score"]


def test_ema_generator_is_sampled_and_round_trips(tmp_path):
    trainer = ImageGANTrainer(DCGANConfig(network="tiny", batch_size=32, ema=0.9, seed=2))
    trainer.step(4)
    assert trainer.sampler is trainer.ema.model
    ema_w = next(trainer.ema.model.parameters())
    assert not torch.equal(ema_w, next(trainer.G.parameters()))  # an average, not a copy
    checkpoints.save(tmp_path / "ema", {"G": trainer.sampler, "D": trainer.D},
                     {"kind": "dcgan", "preset": "tiny", "z_dim": 100, "steps": 4})
    G = load(str(tmp_path / "ema"))[0]["G"]
    assert np.array_equal(generate_images(G, 16, seed=1), trainer.sample_images(16, seed=1))


def test_the_grid_measures_the_ema_on_one_batch_and_samples_on_all_of_them():
    """The live grid's cheap batch-norm measurement never leaks into samples: after a grid, the sampler
    measures again on every calibration batch, and gives what a trainer that never drew a grid gives."""
    def trained():
        trainer = ImageGANTrainer(DCGANConfig(network="tiny", batch_size=32, ema=0.9, seed=2))
        trainer.step(3)
        return trainer

    bn = lambda t: next(m for m in t.ema.model.modules() if isinstance(m, torch.nn.BatchNorm2d))  # noqa: E731
    previewed, plain = trained(), trained()
    previewed.grid()
    one_batch = bn(previewed).running_var.clone()
    assert previewed._ema_calibrated == (3, 1)
    samples = previewed.sample_images(16, seed=1)
    assert previewed._ema_calibrated == (3, CALIBRATION_BATCHES)
    assert not torch.equal(one_batch, bn(previewed).running_var)  # measured again, on more samples
    assert np.array_equal(samples, plain.sample_images(16, seed=1))
    previewed.grid()  # the full measurement at this step serves the grid too: nothing measured again
    assert previewed._ema_calibrated == (3, CALIBRATION_BATCHES)


def test_cli_resume_continues_steps_epochs_and_the_card(tmp_path):
    first, card = train_then_resume("dcgan", tmp_path, (0.02, 0.04), "--network", "tiny", "--batch-size", "64",
                                    "--eval-samples", "200")
    assert card["resumed_from"]["steps"] == first["steps"] > 0
    assert card["steps"] == round(0.04 * (60_000 // 64))  # to the new total, not 0.04 epochs more
    assert card["epochs"] == pytest.approx(0.04, abs=0.002)  # counts the epochs before the resume
    assert card["metrics"]["n_samples"] == 200


def test_a_presets_run_lasts_its_budget_unless_a_length_is_given(tmp_path, monkeypatch):
    """`train dcgan --preset shipped` repeats the shipped run to its step count; --steps and --epochs win."""
    monkeypatch.setitem(PRESETS, "cpu_quick_start", replace(PRESETS["cpu_quick_start"], budget=12))
    common = ["--preset", "cpu_quick_start", "--eval-samples", "200", "--max-minutes", "0.5", "--threads", "1"]
    for length, steps in (([], 12), (["--steps", "7"], 7), (["--epochs", "0.01"], round(0.01 * (60_000 // 32)))):
        out = tmp_path / f"run{steps}"
        assert main(["train", "dcgan", *common, *length, "--out", str(out)]) == 0
        card = checkpoints.read_card(out)
        assert card["steps"] == steps and card["preset"]["name"] == "cpu_quick_start", length


def test_a_long_run_reports_progress_only_now_and_then():
    """A snapshot can cost as much as the steps (an EMA grid re-measures batch norms): a run's progress
    report (one snapshot) comes about every 20x its cost, not after every chunk of steps."""
    class TimedTrainer:  # 1 ms a step, 20 ms a snapshot
        chunk, step_count, status, snapshots = 5, 0, "training", 0

        def train_steps(self, n):
            time.sleep(0.001 * n)
            self.step_count += n
            return True

        def snapshot(self):
            self.snapshots += 1
            time.sleep(0.02)
            return Snapshot(step=self.step_count, status="training", elapsed_s=1.0, steps_per_s=1e3,
                            d_loss=0.0, g_loss=0.0, d_real=0.5, d_fake=0.5)

    trainer = TimedTrainer()
    why = run_to(trainer, 1000, Cadence(checkpoint_every_min=0), on_progress=lambda extra: trainer.snapshot())
    assert trainer.step_count == 1000 and why == "done"
    assert 2 <= trainer.snapshots <= 6  # ~1 s of steps, a line every ~0.4 s, and the last one (was 200)


def test_top_k_trains_g_only_on_the_fakes_d_rates_most_real():
    """Top-k (Sinha et al. 2020): G's loss is taken over the k fakes with the highest D scores."""
    trainer = ImageGANTrainer(DCGANConfig(network="tiny", batch_size=16, top_k=0.25, seed=4))
    top_k = trainer.trick(TopK)
    game = trainer.games[0]
    fake = game.generate(game.sample_noise(16), None)
    with torch.no_grad():
        everyone = trainer.judge(game, fake)[:, 0]
        kept = top_k.judge_fakes(trainer, game, fake, None)[:, 0]
    assert kept.shape == (4,) and torch.allclose(kept.sort().values, everyone.sort().values[-4:])
    assert trainer.step(2).step == 2 and ImageGANTrainer(DCGANConfig(network="tiny")).trick(TopK) is None


def test_annealed_top_k_keeps_the_whole_batch_first_and_shrinks_to_its_floor():
    """Sinha et al. anneal k: share = max(floor, decay^epoch), so the first epochs train G on every fake."""
    top_k = TopK(0.5, decay=0.98)
    assert top_k.share(0.0) == 1.0 and top_k.share(10.0) == pytest.approx(0.98 ** 10)
    assert top_k.share(100.0) == 0.5 and TopK(0.5).share(0.0) == 0.5
    trainer = ImageGANTrainer(DCGANConfig(network="tiny", batch_size=16, top_k=0.25, top_k_decay=0.9, seed=4))
    game = trainer.games[0]
    fake = game.generate(game.sample_noise(16), None)
    with torch.no_grad():
        assert len(trainer.trick(TopK).judge_fakes(trainer, game, fake, None)) == 16  # epoch 0: all kept
    with pytest.raises(ValueError, match="decay"):
        DCGANConfig(network="tiny", top_k=0.5, top_k_decay=1.0).validate()


def test_r1_penalises_ds_squared_slope_at_the_real_data():
    """R1 (Mescheder et al. 2018) adds gamma/2 * E ||grad_x D(x)||^2 over the real batch to D's loss: for a
    linear D(x) = w.x + b the gradient is w everywhere, so the penalty is gamma/2 * ||w||^2; it trains."""
    trainer = ImageGANTrainer(DCGANConfig(network="infogan_half", batch_size=8, r1_gamma=2.0, seed=1))
    r1 = trainer.trick(R1Penalty)
    linear = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(28 * 28, 1))
    game = replace(trainer.games[0], discriminate=lambda x, cond=None: linear(x))
    real = torch.randn(8, 1, 28, 28)
    penalty = r1.d_penalty(trainer, game, real, None, None)
    assert torch.allclose(penalty, linear[1].weight.pow(2).sum()), penalty  # gamma/2 = 1
    penalty.backward()  # differentiable in D's weights: it shapes D's update
    assert linear[1].weight.grad.abs().sum() > 0
    trained = ImageGANTrainer(DCGANConfig(network="infogan_half", batch_size=8, r1_gamma=1.0, seed=1)).step(2)
    assert trained.step == 2 and trained.status != "diverged"
    assert ImageGANTrainer(DCGANConfig(network="tiny")).trick(R1Penalty) is None


def test_lazy_r1_applies_the_penalty_on_every_nth_d_step_n_times_as_strong():
    trainer = ImageGANTrainer(DCGANConfig(network="infogan_half", batch_size=8, r1_gamma=2.0, r1_every=3, seed=1))
    r1 = trainer.trick(R1Penalty)
    linear = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(28 * 28, 1))
    game = replace(trainer.games[0], discriminate=lambda x, cond=None: linear(x))
    real, penalties = torch.randn(8, 1, 28, 28), []
    for _ in range(6):
        penalties.append(r1.d_penalty(trainer, game, real, None, None))
        r1.after_d_step(trainer)
    every = 3 * linear[1].weight.pow(2).sum()  # gamma/2 = 1, times the interval
    assert [p is None for p in penalties] == [False, True, True, False, True, True]
    assert torch.allclose(penalties[0], every) and torch.allclose(penalties[3], every)
    trained = ImageGANTrainer(DCGANConfig(network="infogan_half", batch_size=8, r1_gamma=1.0, r1_every=4)).step(5)
    assert trained.step == 5 and trained.status != "diverged"


def test_adams_betas_reach_both_optimisers_and_bad_ones_are_refused():
    """The shipped recipe trains with Adam beta1 0, beta2 0.9 (and a D four times as fast as G)."""
    trainer = ImageGANTrainer(DCGANConfig(network="tiny", beta1=0.0, beta2=0.9, lr_g=1e-4, lr_d=4e-4))
    groups = {name: opt.param_groups[0] for name, opt in (("G", trainer.opt_g), ("D", trainer.opt_d))}
    assert groups["G"]["betas"] == groups["D"]["betas"] == (0.0, 0.9)
    assert (groups["G"]["lr"], groups["D"]["lr"]) == (1e-4, 4e-4)
    for bad in (dict(beta1=1.0), dict(beta2=-0.1)):
        with pytest.raises(ValueError, match="beta"):
            DCGANConfig(network="tiny", **bad).validate()


def test_a_live_tick_in_a_busy_class_keeps_the_last_grid_until_the_run_trained_more(monkeypatch):
    from gan_core.families.dcgan import trainer as module

    trainer = ImageGANTrainer(DCGANConfig(network="tiny", batch_size=16, seed=1))
    monkeypatch.setattr(module, "LIVE_GRID_TRAINED_S", 1e9)  # nothing trains that long: every tick holds the grid
    first = trainer.train_for(0.0)  # one iteration; no grid yet, so it is drawn
    sliver = trainer.train_for(0.0)
    assert (first.step, first.grid_step, sliver.step, sliver.grid_step) == (1, 1, 2, 1)
    assert np.array_equal(sliver.grid, first.grid)
    monkeypatch.setattr(module, "LIVE_GRID_EVERY_S", 0.0)  # ... unless the wall clock says it is old
    assert trainer.train_for(0.0).grid_step == 3
    monkeypatch.setattr(module, "LIVE_GRID_EVERY_S", 1e9)
    monkeypatch.setattr(module, "LIVE_GRID_TRAINED_S", 0.0)  # the run trained enough since the last grid
    redrawn = trainer.train_for(0.0)
    assert redrawn.grid_step == redrawn.step == 4 and not np.array_equal(redrawn.grid, first.grid)
    monkeypatch.setattr(module, "LIVE_GRID_TRAINED_S", 1e9)
    assert trainer.step(1).grid_step == 5  # explicit steps always redraw
