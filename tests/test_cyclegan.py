"""CycleGAN wiring on the shared loop: pair packing, cycle/identity terms, the image pool."""
import numpy as np
import torch
import torch.nn.functional as F

from gan_core.cyclegan import CycleGANConfig, CycleGANTrainer, translate

TINY = dict(width=8, blocks=1, batch_size=8, typeset_train=64, seed=3)


def test_pair_packing_routes_each_domain_to_its_networks():
    trainer = CycleGANTrainer(CycleGANConfig(**TINY))
    pair = trainer.sample_real(4)[0]
    assert pair.shape == (4, 2, 28, 28)
    with torch.no_grad():
        fake = trainer.G(pair)
        assert torch.allclose(fake[:, :1], trainer.G.BA(pair[:, 1:]))  # G_BA(b) is a fake of domain A
        assert torch.allclose(fake[:, 1:], trainer.G.AB(pair[:, :1]))
        scores = trainer.D(pair)
        assert scores.shape == (4, 2 * 7 * 7)  # two 7x7 PatchGAN maps
        assert torch.allclose(scores[:, :49], trainer.D.A(pair[:, :1]).flatten(1))


def test_generator_penalty_is_cycle_plus_identity_with_the_paper_ratio():
    c = CycleGANConfig(**TINY)
    trainer = CycleGANTrainer(c)
    z = trainer.sample_noise(4)
    with torch.no_grad():
        fake = trainer.G(z)
        a, b = z[:, :1], z[:, 1:]
        cycle = F.l1_loss(trainer.G.BA(fake[:, 1:]), a) + F.l1_loss(trainer.G.AB(fake[:, :1]), b)
        identity = F.l1_loss(trainer.G.BA(a), a) + F.l1_loss(trainer.G.AB(b), b)
        got = trainer.generator_penalty(z, fake, None)
    assert c.identity_weight == 0.5 * c.cycle_weight == 5.0
    assert torch.allclose(got, 0.25 * (10 * cycle + 5 * identity))


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
    assert 0 < len(trainer.replay) <= 50  # CycleGAN's pool of past translations is filling
    out = translate(trainer.G, snap.a, "AB")
    assert np.array_equal(out, snap.ab)  # eval-mode translation is what the snapshot shows
