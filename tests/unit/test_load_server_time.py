"""The load test's server time per click: $GAN_TIMING_LOG lines matched to the click of their session."""
import json

from bench.classroom.server_time import match, read_log


def line(session, t, cpu, kind="run"):
    return {"t": t, "session": session, "page": "gaussian_gan", "kind": kind, "cpu_ms": cpu, "wall_ms": 2 * cpu}


def test_lines_go_to_the_click_of_their_session_and_a_rerun_adds_up():
    windows = [("a", "1-D GAN: Start", 10.0, 10.5), ("a", "live tick", 11.0, 11.2),
               ("b", "1-D GAN: Start", 10.1, 10.6), ("a", "live tick", 11.5, 11.6)]
    lines = [line("a", 10.2, 8.0), line("a", 10.4, 5.0),  # Start's click run, then st.rerun()'s run
             line("b", 10.3, 7.0), line("a", 11.1, 3.0, "tick"), line("a", 11.55, 4.0, "tick"),
             line("a", 11.3, 9.0, "tick"),  # between two clicks of its session: matches none
             line("warm-up", 10.2, 50.0)]  # a session that is not the class's
    got = match(windows, lines)
    assert got.cpu_ms["1-D GAN: Start"] == [13.0, 7.0]
    assert got.wall_ms["1-D GAN: Start"] == [26.0, 14.0]
    assert got.cpu_ms["live tick"] == [3.0, 4.0]
    assert (got.lines, got.matched) == (6, 5)
    assert abs(got.cpu_s - 0.027) < 1e-9


def test_a_line_cut_short_by_a_killed_server_is_skipped(tmp_path):
    path = tmp_path / "timing.jsonl"
    path.write_text(json.dumps(line("a", 1.0, 2.0)) + "\n" + '{"t": 2.0, "sess')
    assert read_log(path) == [line("a", 1.0, 2.0)]
    assert read_log(tmp_path / "absent.jsonl") == []
