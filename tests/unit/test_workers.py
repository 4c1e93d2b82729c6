"""gan_core.workers: trainers in worker processes give the same runs as in-process ones, pass errors
back, and a worker that dies gives an error at once, not a hang."""
import os
import signal
import time
from dataclasses import replace

import numpy as np
import pytest

from gan_core.families.toy.config import PRESETS_1D
from gan_core.families.toy.trainer import DistributionTrainer
from gan_core.workers import TrainerPool, WorkerLost

FAST = PRESETS_1D["Fast"].config


@pytest.fixture(scope="module")
def pool():
    p = TrainerPool(1)
    yield p
    p.close()


def test_a_hosted_trainer_gives_the_in_process_trainers_snapshots(pool):
    remote = pool.host(DistributionTrainer, FAST)
    assert remote.pid != os.getpid() and remote.config == FAST
    here = DistributionTrainer(FAST)
    a, b = remote.step(60), here.step(60)
    assert a.step == b.step == 60
    assert np.array_equal(a.fake, b.fake) and a.w1 == b.w1 and a.history == b.history
    assert np.array_equal(remote.learned_map()["g"], here.learned_map()["g"])
    with pytest.raises(AttributeError, match="not available"):
        remote.G  # noqa: B018 - the networks stay in the worker


def test_errors_travel_back_and_divergence_is_a_snapshot(pool):
    with pytest.raises(ValueError, match="noise prior"):
        pool.host(DistributionTrainer, replace(FAST, noise="bad"))
    wild = pool.host(DistributionTrainer, replace(FAST, lr_g=1e4, lr_d=1e4, optimizer="sgd", momentum=0.0))
    snap = wild.step(200)
    assert snap.diverged and snap.divergence["reason"]
    assert pool.host(DistributionTrainer, FAST).step(5).step == 5  # the worker goes on


def test_collected_handles_free_their_trainers(pool):
    import gc

    gc.collect()
    pool.hosted()  # flushes the drops of earlier tests' handles
    before = pool.hosted()[0]
    handles = [pool.host(DistributionTrainer, FAST) for _ in range(3)]
    assert pool.hosted()[0] == before + 3
    del handles
    gc.collect()
    assert pool.hosted()[0] == before  # dropped with the next request


def test_a_killed_worker_raises_at_once_and_is_replaced():
    p = TrainerPool(1)
    try:
        remote = p.host(DistributionTrainer, FAST)
        os.kill(remote.pid, signal.SIGKILL)
        start = time.monotonic()
        with pytest.raises(WorkerLost):
            remote.train_for(0.05)
        assert time.monotonic() - start < 5
        fresh = p.host(DistributionTrainer, FAST)
        assert fresh.pid != remote.pid and fresh.step(3).step == 3
    finally:
        p.close()


def test_a_new_trainer_goes_to_the_worker_with_the_fewest_runs_that_train():
    p = TrainerPool(2)
    try:
        training, idle = p.host(DistributionTrainer, FAST), p.host(DistributionTrainer, FAST)  # one on each
        assert training.pid != idle.pid
        training.train_for(0.01)
        later = [p.host(DistributionTrainer, FAST) for _ in range(2)]  # an idle handle (a tab left open) costs nothing
        assert [t.pid for t in later] == [idle.pid, idle.pid]
    finally:
        p.close()


def test_students_training_together_are_batched_and_a_step_on_the_side_releases_them(pool):
    from gan_core.families.toy import playground as pg
    from gan_core.families.toy.inside import InsideTrainer

    config = pg.make_config(pg.defaults())
    first, second = pool.host(InsideTrainer, config), pool.host(InsideTrainer, replace(config, seed=1))
    assert first.lo < first.hi and first.mode_centres.shape[1:] == (2,)  # constants, read once
    alone = second.train_for(0.02)  # nobody else trains yet: on its own
    assert [] in pool.cohorts()
    first.train_for(0.02)  # asked within ACTIVE_S of the other: both train in one step
    assert [2] in pool.cohorts()
    assert second.snapshot().step > alone.step  # it trained on its classmate's tick
    paused = second.snapshot()  # a pause: it leaves the group, which trains on without it
    first.train_for(0.02)
    assert [] in pool.cohorts() and second.snapshot().step == paused.step  # first trains on its own
    second.train_for(0.02)  # ticking again: back in
    first.train_for(0.02)
    assert [2] in pool.cohorts()
    stepped = second.step_part("d")  # a half step of its own: it leaves the cohort first
    assert stepped.step == second.snapshot().step and [] in pool.cohorts()
    assert first.train_for(0.02).step > 0
