"""A cohort trains many students' toy GANs in one vectorised step: a student's run is the same whether it
trains alone or beside 29 others, its optimiser state survives leaving the cohort, and what cannot be
batched is left to train alone."""
from dataclasses import replace

import numpy as np
import pytest
import torch

from gan_core.core import cohort
from gan_core.core.cohort import Cohort
from gan_core.families.toy import playground as pg
from gan_core.families.toy.config import PRESETS_1D
from gan_core.families.toy.inside import InsideTrainer
from gan_core.families.toy.presets import SHAPES
from gan_core.families.toy.trainer import DistributionTrainer

pytestmark = pytest.mark.usefixtures("one_thread")
STEPS = 40
PLAYGROUND = pg.make_config(pg.defaults())


def weights(trainer) -> torch.Tensor:
    return torch.cat([p.detach().reshape(-1) for net in (trainer.G, trainer.D) for p in net.parameters()])


def classmates(config, n: int) -> list:
    """n other students on the same network: other seeds, shapes and learning rates."""
    shapes = list(SHAPES)
    return [InsideTrainer(replace(config, seed=100 + i, target=shapes[i % len(shapes)], lr_d=config.lr_d * (1 + i % 3),
                                  lr_g=config.lr_g * (1 + i % 2))) for i in range(n)]


def assert_same_snapshot(alone, batched, tol: float) -> None:
    """The numbers a page shows: the step, the losses, the curves, the generated points."""
    assert batched.step == alone.step and batched.status == alone.status
    for name in ("d_loss", "g_loss", "d_real", "d_fake", "d_fake_after", "js", "kl", "hq_fraction"):
        a, b = getattr(alone, name), getattr(batched, name)
        assert a == pytest.approx(b, abs=tol, nan_ok=True), name
    assert alone.history["step"] == batched.history["step"]
    for name in ("d_loss", "g_loss", "js"):
        np.testing.assert_allclose(batched.history[name], alone.history[name], atol=tol, err_msg=name)
    np.testing.assert_allclose(batched.fake_x, alone.fake_x, atol=tol)
    np.testing.assert_allclose(batched.fake_y, alone.fake_y, atol=tol)


def test_a_student_in_a_class_of_30_trains_as_alone():
    alone = InsideTrainer(PLAYGROUND).step(STEPS)
    student = InsideTrainer(PLAYGROUND)
    snaps = Cohort([student, *classmates(PLAYGROUND, 29)]).step(STEPS)
    assert_same_snapshot(alone, snaps[0], tol=1e-3)
    assert len({round(s.d_loss, 6) for s in snaps}) > 20  # the others trained their own runs


@pytest.mark.parametrize("optimizer", ["adam", "sgd", "rmsprop"])
def test_each_optimizer_matches_torch(optimizer):
    config = replace(PLAYGROUND, optimizer=optimizer, g_optimizer=optimizer, lr_half_life=10, loss="least_squares")
    alone = InsideTrainer(config)
    alone.step(STEPS)
    student = InsideTrainer(config)
    Cohort([student, *classmates(config, 4)]).step(STEPS)
    # Adam and RMSprop divide by a gradient's size: near-zero gradients magnify float rounding
    tol = 1e-6 if optimizer == "sgd" else 5e-3
    assert torch.allclose(weights(student), weights(alone), atol=tol)
    assert weights(student).abs().max() > 0.1  # real weights, compared after real training
    assert (weights(student) != weights(InsideTrainer(config))).any()


def test_the_1d_seminar_network_with_its_moments_discriminator_batches():
    seed_paper = PRESETS_1D["Seed paper"].config
    alone = DistributionTrainer(seed_paper).step(5)
    others = [DistributionTrainer(replace(seed_paper, seed=s, lr_d=2e-3)) for s in range(1, 10)]
    student = DistributionTrainer(seed_paper)
    snap = Cohort([student, *others]).step(5)[0]
    assert snap.step == alone.step == 5
    assert snap.w1 == pytest.approx(alone.w1, abs=1e-4) and snap.d_loss == pytest.approx(alone.d_loss, abs=1e-4)
    np.testing.assert_allclose(snap.fake, alone.fake, atol=1e-4)


def test_leaving_the_cohort_keeps_the_optimiser_state():
    alone = InsideTrainer(PLAYGROUND)
    alone.step(2 * STEPS)
    student = InsideTrainer(PLAYGROUND)
    group = Cohort([student, *classmates(PLAYGROUND, 3)])
    group.step(STEPS)
    group.release()
    state = student.opt_g.state[next(student.G.parameters())]
    assert float(state["step"]) == STEPS and state["exp_avg"].abs().sum() > 0
    student.step(STEPS)  # alone again, with its own weights and Adam's moments
    assert student.step_count == 2 * STEPS
    assert torch.allclose(weights(student), weights(alone), atol=5e-3)
    before = weights(student).clone()
    group.step(1)  # the released cohort's storage is no longer the student's
    assert torch.equal(weights(student), before)


def test_a_diverging_student_stops_and_the_others_go_on():
    wild = replace(PLAYGROUND, optimizer="sgd", g_optimizer="sgd", lr_d=1e4, lr_g=1e4)
    calm = [InsideTrainer(replace(wild, lr_d=1e-3, lr_g=1e-3, seed=s)) for s in range(3)]
    diverging = InsideTrainer(wild)
    good_before = weights(diverging).clone()
    snaps = Cohort([diverging, *calm]).step(STEPS)
    assert snaps[0].diverged and snaps[0].divergence["lr_g"] == 1e4
    assert torch.isfinite(weights(diverging)).all()
    assert not any(s.diverged for s in snaps[1:]) and all(s.step == STEPS for s in snaps[1:])
    frozen, step = weights(diverging).clone(), diverging.step_count
    Cohort([diverging, *calm]).step(5)  # a diverged run trains no more, in a cohort as alone
    assert torch.equal(weights(diverging), frozen) and diverging.step_count == step
    assert not torch.equal(weights(calm[0]), good_before)


def test_only_what_can_be_batched_is_grouped():
    plain = [InsideTrainer(replace(PLAYGROUND, seed=s)) for s in range(3)]
    wider = InsideTrainer(replace(PLAYGROUND, d_hidden=(96, 96)))
    flipped = InsideTrainer(replace(PLAYGROUND, label_flip=0.1))  # a trick: its own loop
    critic = InsideTrainer(replace(PLAYGROUND, loss="wasserstein_gp"))  # a gradient penalty
    groups, alone = cohort.group([*plain, wider, flipped, critic])
    assert sorted(len(g) for g in groups) == [1, 3]
    assert alone == [flipped, critic]
    with pytest.raises(ValueError, match="batch key"):
        Cohort([plain[0], wider])


def test_a_group_trains_no_longer_than_its_students_ask():
    from gan_core.core.batcher import Batcher

    hosted = Batcher()
    seed_paper = PRESETS_1D["Seed paper"].config  # 40 updates an iteration: far longer than a 1 ms ask
    for i in range(3):
        hosted.add(i, DistributionTrainer(replace(seed_paper, seed=i)))
    assert hosted.train_for(0, 1e-3).step == 1  # alone: at least one iteration, on its own
    assert hosted.cohort_sizes() == []
    assert hosted.train_for(1, 1e-3).step == 1  # student 1 joins: one iteration of the pair, longer than asked
    assert hosted.cohort_sizes() == [2]
    later = [hosted.train_for(i, 1e-3) for i in (2, 0, 1, 2)]  # the group owes the time: no training
    assert [s.step for s in later] == [0, 2, 1, 0]
    assert hosted.cohort_sizes() == [2]  # no training, so no cohort rebuilt for student 2 yet
