"""$GAN_TIMING_LOG: one JSON line per script run and per live tick, the server time the load test reports."""
import json

import pytest

from ui import timing


def lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def timing_log(tmp_path, monkeypatch):
    path = tmp_path / "timing.jsonl"
    monkeypatch.setenv(timing.ENV_VAR, str(path))
    return path


def test_each_script_run_writes_a_line_with_its_page_and_times(app_page, timing_log):
    at = app_page("lessons/minimax.py")  # the home page, then the minimax page
    at.slider(key="mm_mu_g").set_value(0.0).run()
    runs = lines(timing_log)
    assert [r["page"] for r in runs] == ["home", "minimax", "minimax"]
    for r in runs:
        assert r["kind"] == "run" and r["session"]
        assert 0 < r["cpu_ms"] <= r["wall_ms"] + 1 and r["wall_ms"] < 60_000
        assert abs(r["t"] - runs[-1]["t"]) < 120  # epoch seconds: the load test matches them to clicks
    assert runs[0]["t"] <= runs[1]["t"] <= runs[2]["t"]


def test_a_tick_inside_a_run_belongs_to_the_run(timing_log):
    work = timing.timed_fn("tick", lambda n: sum(i * i for i in range(n)))
    assert work(200_000) > 0  # a fragment rerun: the tick alone
    with timing.timed("run", "gaussian_gan"):  # a full run draws the fragment too
        work(1000)
    assert [(r["kind"], r["page"]) for r in lines(timing_log)] == [("tick", ""), ("run", "gaussian_gan")]
    assert lines(timing_log)[0]["cpu_ms"] > 0


def test_nothing_is_written_without_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv(timing.ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    with timing.timed("run", "home"):
        pass
    assert timing.timed_fn("tick", lambda: 7)() == 7
    assert list(tmp_path.iterdir()) == []
