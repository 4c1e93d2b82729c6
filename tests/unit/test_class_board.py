"""The class board's store and the teacher's code: joining, progress, engine-checked challenges, what survives a
killed process, what is refused. Every store test runs on SQLite and on a real PostgreSQL server started for the
module (tests/support/postgres.py); where none can be started, the PostgreSQL half says why in the summary."""
import csv
import io
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from class_board import store as board
from class_board.store import Refused, Store
from class_board.teacher import LOCKED_S, WRONG_TRIES, TeacherGate
from gan_core import theory
from gan_core.challenges import CHALLENGES
from tests.support.postgres import server_programs, temporary_server

VALUE = CHALLENGES["minimax.value_at_equilibrium"]
DONE = VALUE.verdict(theory.gaussian_game(0.0, 1.0, 0.0, 1.0), "p_g_equals_p_data")  # the engine's own verdicts
NOT_DONE = VALUE.verdict(theory.gaussian_game(0.0, 1.0, 2.5, 1.0), "p_g_equals_p_data")


@pytest.fixture(scope="module")
def postgres_url():
    if server_programs() is None:
        pytest.skip("NOTICE: no PostgreSQL server programs here (scripts/ensure_postgres.py installs Debian's "
                    "postgresql): the class board's store was tested on SQLite only")
    with temporary_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def board_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'board.sqlite'}"
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    board.metadata.drop_all(Store(url).engine)  # the next test starts from an empty board


@pytest.fixture
def db(board_url):
    return Store(board_url)


def test_students_join_with_a_checked_nickname_and_duplicates_get_a_suffix(db):
    assert db.join("ab12", "  Ada  ")[0] == "Ada"
    assert db.join("AB12", "Ada")[0] == "Ada-2" and db.join("ab12", "Ada")[0] == "Ada-3"
    assert db.join("cd34", "Ada")[0] == "Ada"  # another class
    assert db.join("ab12", "李雷")[0] == "李雷"  # any script's letters
    for bad, reason in [("<b>x</b>", "nickname_characters"), ("x" * 21, "nickname_too_long"), ("   ", "nickname_empty"),
                        ("a\u202eb", "nickname_characters"), ("\"onerror=", "nickname_characters")]:
        with pytest.raises(Refused, match=reason):
            db.join("ab12", bad)
    with pytest.raises(Refused, match="class_code"):
        db.join("a b", "Bob")
    assert [r["nickname"] for r in db.board("AB12")] == ["Ada", "Ada-2", "Ada-3", "李雷"]


def test_progress_is_written_at_most_once_a_second_and_only_through_the_students_token(db, monkeypatch):
    _, token = db.join("ab12", "Ada")
    clock = [100.0]
    monkeypatch.setattr(board.time, "monotonic", lambda: clock[0])
    assert db.update(token, "gaussian_gan", "training", 120, 0.4)
    assert not db.update(token, "gaussian_gan", "training", 180, 0.3)  # 0 s later: dropped
    clock[0] += board.UPDATE_EVERY_S
    assert db.update(token, "gaussian_gan", "training", 240, 0.2)
    row = db.board("ab12")[0]
    assert (row["lesson"], row["state"], row["step"], row["measure"]) == ("gaussian_gan", "training", 240, 0.2)
    with pytest.raises(Refused, match="unknown_student"):
        db.update("someone-elses-guess", "minimax", "idle", 0, None)
    with pytest.raises(Refused, match="state"):
        db.update(token, "minimax", "hacked", 0, None)


def test_a_challenge_is_recorded_only_with_the_engines_verdict_and_the_first_stays(db):
    _, ada = db.join("ab12", "Ada")
    _, bob = db.join("ab12", "Bob")
    with pytest.raises(Refused, match="not_done"):
        db.complete(ada, VALUE.key, NOT_DONE, {"mu_g": 2.5})
    with pytest.raises(Refused, match="not_done"):
        db.complete(ada, VALUE.key, {"done": True}, {})  # a page's claim is not a verdict
    assert db.complete(ada, VALUE.key, DONE, {"mu_g": 0.0})
    assert not db.complete(ada, VALUE.key, DONE, {"mu_g": 0.1})  # already finished
    with pytest.raises(Refused, match="unknown_student"):
        db.complete("forged-token", VALUE.key, DONE, {})
    assert db.board("ab12")[0]["challenges"] == [VALUE.key] and db.board("ab12")[1]["challenges"] == []
    results = db.results("ab12", VALUE.key)
    assert [(r["nickname"], r["settings"]) for r in results] == [("Ada", {"mu_g": 0.0})]
    assert results[0]["measures"]["value_gap"] < 0.01
    assert db.steps_to_goal("ab12", VALUE.key) == [0] and bob  # no names in what students may see


def test_the_board_exports_as_csv_and_a_reset_empties_only_its_class(db):
    assert not db.shows_results("ab12")  # students see nothing of each other until the teacher says so
    db.show_results("ab12", True)
    db.show_results("ab12", True)  # twice: still one row
    assert db.shows_results("ab12") and not db.shows_results("cd34")
    _, ada = db.join("ab12", "Ada")
    db.join("cd34", "Cy")
    db.complete(ada, VALUE.key, DONE, {})
    rows = list(csv.reader(io.StringIO(db.csv("ab12"))))
    assert rows[0] == ["nickname", "lesson", "state", "step", "measure", "challenges"]
    assert rows[1] == ["Ada", "", "idle", "0", "", VALUE.key]
    db.reset("ab12")
    assert db.board("ab12") == [] and [r["nickname"] for r in db.board("cd34")] == ["Cy"]
    assert not db.shows_results("ab12")


def test_a_finished_challenge_survives_a_killed_process_and_the_student_rejoins(board_url):
    url = board_url
    child = textwrap.dedent(f"""
        import os, signal
        from class_board.store import Store
        from gan_core import theory
        from gan_core.challenges import CHALLENGES
        c = CHALLENGES["minimax.value_at_equilibrium"]
        db = Store({url!r})
        _, token = db.join("ab12", "Ada")
        db.complete(token, c.key, c.verdict(theory.gaussian_game(0, 1, 0, 1), "p_g_equals_p_data"), {{}})
        print(token, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=120,
                          cwd=os.getcwd())
    assert done.returncode == -signal.SIGKILL, done.stderr
    token = done.stdout.split()[0]
    after = Store(url)  # a restarted replica
    assert after.rejoin(token) == ("AB12", "Ada")
    assert after.board("ab12")[0]["challenges"] == [VALUE.key]


def test_the_teacher_code_is_needed_and_wrong_codes_lock_the_session_for_a_while():
    assert TeacherGate("").try_code("anything") == "disabled"
    gate = TeacherGate("s3cret")
    assert gate.try_code("s3cret", now=0.0) == "ok"
    for _ in range(WRONG_TRIES):
        assert gate.try_code("guess", now=1.0) == "wrong"
    assert gate.try_code("s3cret", now=2.0) == "locked"  # even the right code waits
    assert gate.try_code("s3cret", now=1.0 + LOCKED_S) == "ok"
