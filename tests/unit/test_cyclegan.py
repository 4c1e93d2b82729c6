"""CycleGAN wiring on the shared loop: two games, the cycle/identity/semantic terms, the image pools."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from gan_core.cli import main
from gan_core.eval.readers import CLASSIFIER_NAME, TYPESET_READER_NAME, load_reader
from gan_core.families.cyclegan.config import TEACHERS, CycleGANConfig
from gan_core.families.cyclegan.evaluate import cycle_error, source_digits
from gan_core.families.cyclegan.round_trip import round_trip
from gan_core.families.cyclegan.trainer import CycleGANTrainer, load_cyclegan, translate
from gan_core.families.cyclegan.walkthrough import walk_through_iteration
from gan_core.tricks.replay import Replay
from tests.support.cli_runs import train_then_resume

TINY = dict(width=8, blocks=1, batch_size=8, typeset_train=64, seed=3)


def test_two_games_route_each_domain_to_its_networks():
    """Game A: G_BA turns typeset inputs into fakes that D_A judges against real handwriting; game B the reverse."""
    trainer = CycleGANTrainer(CycleGANConfig(**TINY))
    game_a, game_b = trainer.games
    real_a, cond = game_a.sample_real(4)
    assert real_a.shape == (4, 1, 28, 28) and cond is None
    with torch.no_grad():
        b = game_a.sample_noise(4)
        assert torch.allclose(game_a.generate(b, None), trainer.G.BA(b))
        assert torch.allclose(game_b.generate(real_a, None), trainer.G.AB(real_a))
        assert torch.allclose(game_a.discriminate(real_a, None), trainer.D.A(real_a))
        assert game_b.discriminate(b, None).shape == (4, 1, 7, 7)  # a 7x7 PatchGAN map
    before = {k: v.clone() for k, v in trainer.D.B.state_dict().items()}
    trainer.step(2)
    assert any(not torch.equal(v, before[k]) for k, v in trainer.D.B.state_dict().items())


def test_cycle_terms_are_cycle_plus_identity_with_the_paper_ratio():
    """Two games (G_BA vs D_A, G_AB vs D_B) plus the cycle and identity terms at the paper's 2:1 ratio,
    halved like the loop's LSGAN-style ½·MSE adversarial terms."""
    c = CycleGANConfig(**TINY)
    trainer = CycleGANTrainer(c)
    a, b = trainer.data_a.batch(4)[0], trainer.data_b.batch(4)[0]
    with torch.no_grad():
        fake_a, fake_b = trainer.G.BA(b), trainer.G.AB(a)
        cycle = F.l1_loss(trainer.G.BA(fake_b), a) + F.l1_loss(trainer.G.AB(fake_a), b)
        identity = F.l1_loss(trainer.G.BA(a), a) + F.l1_loss(trainer.G.AB(b), b)
        got = trainer.cycle_terms.g_penalty(trainer, [b, a], [fake_a, fake_b], [None, None])
    assert c.identity_weight == 0.5 * c.cycle_weight == 5.0
    assert len(trainer.games) == 2
    assert torch.allclose(got, 0.5 * (10 * cycle + 5 * identity))


def test_semantic_term_asks_the_target_teacher_for_the_source_teachers_digit():
    """CyCADA's term: pseudo-labels from the source domain's teacher, never the dataset's labels; the
    teachers stay frozen and are not the readers that evaluate the translator."""
    c = CycleGANConfig(**TINY, semantic_weight=2.0, identity_weight=0.0)
    trainer = CycleGANTrainer(c)
    teacher_a, teacher_b = trainer.cycle_terms.teachers["A"], trainer.cycle_terms.teachers["B"]
    a, b = trainer.data_a.batch(6)[0], trainer.data_b.batch(6)[0]
    fake_a, fake_b = trainer.G.BA(b), trainer.G.AB(a)
    got = trainer.cycle_terms.g_penalty(trainer, [b, a], [fake_a, fake_b], [None, None])
    with torch.no_grad():
        cycle = F.l1_loss(trainer.G.BA(fake_b), a) + F.l1_loss(trainer.G.AB(fake_a), b)
        semantic = (F.cross_entropy(teacher_b(fake_b), teacher_a(a).argmax(1))
                    + F.cross_entropy(teacher_a(fake_a), teacher_b(b).argmax(1)))
    assert torch.allclose(got.detach(), 0.5 * (10 * cycle + 2.0 * semantic), atol=1e-5)
    frozen = {k: v.clone() for k, v in teacher_a.state_dict().items()}
    trainer.step(2)
    assert all(torch.equal(v, frozen[k]) for k, v in teacher_a.state_dict().items())
    assert trainer.snapshot().losses["semantic"] > 0
    assert {TEACHERS["A"].name, TEACHERS["B"].name}.isdisjoint({CLASSIFIER_NAME.name, TYPESET_READER_NAME.name})
    assert teacher_a.head.in_features == 128 and teacher_a.body[0].out_channels != load_reader().body[0].out_channels
    assert CycleGANTrainer(CycleGANConfig(**TINY)).cycle_terms.teachers is None  # off by default


def test_a_few_steps_train_and_snapshot():
    trainer = CycleGANTrainer(CycleGANConfig(**TINY))
    before = {k: v.clone() for k, v in trainer.G.state_dict().items()}
    snap = trainer.step(3)
    assert snap.status == "training" and snap.step == 3
    assert np.isfinite([snap.d_loss, snap.g_loss, snap.cycle_l1]).all()
    assert snap.losses["cycle"] > 0 and "identity" in snap.history
    assert any(not torch.equal(v, before[k]) for k, v in trainer.G.state_dict().items())
    for name in ("a", "ab", "aba", "b", "ba", "bab"):
        assert getattr(snap, name).shape == (8, 28, 28) and getattr(snap, name).dtype == np.uint8
    pools = trainer.trick(Replay).buffers
    assert sorted(pools) == [0, 1] and all(0 < len(p) <= 50 for p in pools.values())  # one pool per domain
    out = translate(trainer.G, snap.a, "AB")
    assert np.array_equal(out, snap.ab)  # eval-mode translation is what the snapshot shows


def test_generators_with_and_without_unet_skips():
    """skips=False is the official ResNet layout: no path around the 7x7 bottleneck."""
    from gan_core.families.cyclegan.networks import DigitGenerator

    torch.manual_seed(0)
    x = torch.rand(2, 1, 28, 28) * 2 - 1
    with_skips, plain = DigitGenerator(8, 1, skips=True), DigitGenerator(8, 1, skips=False)
    assert with_skips(x).shape == plain(x).shape == (2, 1, 28, 28)
    assert plain.out.in_channels == 8 and with_skips.out.in_channels == 16
    trainer = CycleGANTrainer(CycleGANConfig(**TINY, skips=False, d_width=12))
    assert trainer.G.AB.skips is False and np.isfinite(trainer.step(2).g_loss)
    assert trainer.D.B.net[0].out_channels == 12 and trainer.G.AB.inp[0].out_channels == 8  # widths set apart


# --- the shipped translator in the CLI and the walk-through (its bars: tests/quality/test_shipped_cyclegan.py) --
SHIPPED = "pretrained/cyclegan_digits"


@pytest.fixture(scope="module")
def shipped():
    return load_cyclegan(SHIPPED)


def test_sample_cli_writes_inputs_translations_and_labels(tmp_path):
    out = tmp_path / "ab.npz"
    assert main(["sample", "cyclegan_digits", "--direction", "BA", "--n", "20", "--out", str(out)]) == 0
    with np.load(out) as z:
        assert z["inputs"].shape == z["images"].shape == (20, 28, 28) and z["images"].dtype == np.uint8
        assert sorted(z["labels"].tolist()) == sorted(list(range(10)) * 2)  # balanced typeset inputs
        b, labels = source_digits("BA", 20, 0)
        assert np.array_equal(z["inputs"], b) and np.array_equal(z["labels"], labels)
    assert main(["sample", "cyclegan_digits", "--n", "4", "--out", str(out)]) == 2  # no --direction: refused


def test_walk_through_iteration_reports_the_seeds_terms(shipped):
    G, D, card = shipped
    a, _ = source_digits("AB", 4, 0)
    b, _ = source_digits("BA", 4, 0)
    it = walk_through_iteration(G, D, a, b, 10.0, 5.0)
    assert len(it.d_losses) == 4 and len(it.g_losses) == 6
    assert set(it.images) == {"a", "b", "G_BA(b)", "G_AB(a)", "G_BA(G_AB(a))", "G_AB(G_BA(b))", "G_BA(a)", "G_AB(b)"}
    assert np.array_equal(it.images["G_AB(a)"], translate(G, a, "AB"))
    recon = float(np.abs(it.images["G_BA(G_AB(a))"].astype(float) - a).mean() / 127.5)
    assert abs(it.g_losses["cycle: G_BA(G_AB(a)) vs a (MAE)"] - recon) < 0.01  # same number, two routes
    assert it.g_total == pytest.approx(sum(it.weights[k] * v for k, v in it.g_losses.items()))
    assert sorted(set(it.weights.values())) == [1.0, 5.0, 10.0]


@pytest.mark.parametrize("direction", ["AB", "BA"])
def test_round_trip_is_translate_there_and_back_with_its_errors(shipped, direction):
    """x → G(x) → F(G(x)) is translate applied twice; F(x) is the generator into x's own domain; the errors
    are cycle_error's, and the change is mean |G(x) − x| over the pixel range."""
    G, _, _ = shipped
    x, _ = source_digits(direction, 3, 5)
    back = direction[::-1]
    rt = round_trip(G, x, direction)
    fx = translate(G, x, direction)
    assert rt.direction == direction and np.array_equal(rt.inputs, x)
    assert np.array_equal(rt.translated, fx)
    assert np.array_equal(rt.reconstructed, translate(G, fx, back))
    assert np.array_equal(rt.identity, translate(G, x, back))
    assert np.array_equal(rt.cycle_error, cycle_error(x, rt.reconstructed))
    assert np.array_equal(rt.identity_error, cycle_error(x, rt.identity))
    assert rt.cycle_error.shape == rt.identity_error.shape == rt.change.shape == (3,)
    for i in range(3):  # the change of each digit: mean |G(x) − x| as a share of the pixel range
        assert rt.change[i] == pytest.approx(np.abs(fx[i].astype(float) - x[i]).mean() / 255)
    one = round_trip(G, x[:1], direction)  # one digit, as the page asks (a batch of one may round differently)
    assert np.array_equal(one.translated, translate(G, x[:1], direction)) and one.change.shape == (1,)
    assert 0 < rt.change.max() < 1 and rt.cycle_error.max() < 0.3  # the shipped model translates, and comes back
    with pytest.raises(ValueError):
        round_trip(G, x, "AA")


@pytest.mark.long_running
def test_cli_resume_continues_a_cyclegan_run_from_its_checkpoint(tmp_path):
    first, card = train_then_resume("cyclegan", tmp_path, (0.001, 0.002), "--width", "8", "--d-width", "8",
                                    "--blocks", "1", "--batch-size", "8", "--typeset-train", "64",
                                    "--eval-samples", "50")
    assert card["resumed_from"]["steps"] == first["steps"] > 0 and card["steps"] == round(0.002 * 60_000 / 8)
    assert card["wall_time_s"] > first["wall_time_s"] and card["metrics"]["n_per_direction"] == 50
