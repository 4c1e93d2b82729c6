"""The live view's fair share: when a class trains at once, ticks train less and come less often."""
import time

from ui import live


def runs(n: int, running: bool = True, ticked_s_ago: float = 0.0):
    made = [live.LiveRun(trainer=None, settings=None, running=running) for _ in range(n)]
    for r in made:
        r.last_tick = time.monotonic() - ticked_s_ago
        live._TRAINING.add(r)
    return made


def test_one_student_gets_the_full_tick():
    live._TRAINING.clear()
    keep = runs(1)
    assert live.training_now() == 1
    assert live.tick_seconds(live.TICK_SECONDS, live.tick_interval(live.TICK_EVERY)) == live.TICK_SECONDS
    assert live.tick_interval(live.TICK_EVERY) == live.TICK_EVERY
    del keep


def test_thirty_students_each_get_an_update_a_second_and_share_the_training_budget():
    live._TRAINING.clear()
    keep = runs(30) + runs(5, running=False) + runs(4, ticked_s_ago=60)  # paused, and closed tabs
    assert live.training_now() == 30
    every = live.tick_interval(live.TICK_EVERY)
    assert live.TICK_EVERY < every <= live.MAX_TICK_EVERY  # fewer ticks, but at least one a second
    assert 30 * live.DRAW_COST_S / every <= live.DRAW_SHARE + 0.25  # redraws leave the server room for clicks
    per_tick = live.tick_seconds(live.TICK_SECONDS, every)
    assert per_tick < live.TICK_SECONDS
    assert 30 * per_tick / every <= live.training_capacity() + 1e-9  # all training runs together fit what trains them
    del keep


def test_a_few_students_get_the_full_rate():
    live._TRAINING.clear()
    keep = runs(5)
    assert live.tick_interval(live.TICK_EVERY) == live.TICK_EVERY
    assert live.tick_interval(live.IMAGE_TICK_EVERY) == live.IMAGE_TICK_EVERY
    del keep


def test_runs_of_ended_sessions_leave_the_count():
    live._TRAINING.clear()
    made = runs(3)
    assert live.training_now() == 3
    del made
    import gc

    gc.collect()
    assert live.training_now() == 0


def test_a_lone_students_image_run_trains_two_thirds_of_the_clock_and_a_class_shares_the_cores():
    """Alone, the DCGAN page trains 2/3 of the wall clock (its score of 6 within a minute of Start:
    bench/bench_live_dcgan.py); ten image runs together still fit what trains them."""
    live._TRAINING.clear()
    keep = runs(1)
    every = live.tick_interval(live.IMAGE_TICK_EVERY)
    assert live.tick_seconds(live.IMAGE_TICK_SECONDS, every) / every >= 2 / 3 - 1e-9
    keep += runs(9)
    every = live.tick_interval(live.IMAGE_TICK_EVERY)
    per_tick = live.tick_seconds(live.IMAGE_TICK_SECONDS, every)
    assert per_tick < live.IMAGE_TICK_SECONDS and 10 * per_tick / every <= live.training_capacity() + 1e-9
    del keep
