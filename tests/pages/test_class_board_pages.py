"""The class board through the app: two students join a class from the sidebar, one finishes the minimax
challenge, and the teacher's board (behind GAN_TEACHER_CODE) shows both and who finished what."""
import pytest

from ui import class_session


@pytest.fixture
def classroom(tmp_path, monkeypatch):
    monkeypatch.setenv("GAN_CLASS_DB", f"sqlite:///{tmp_path / 'board.sqlite'}")
    monkeypatch.setenv("GAN_TEACHER_CODE", "chalk-42")
    class_session.store.clear()
    yield
    class_session.store.clear()


def join(at, code: str, name: str):
    at.text_input(key="join_code").input(code)
    at.text_input(key="join_name").input(name)
    next(b for b in at.button if b.label == "Join").click().run()
    return at


def test_two_students_and_the_teacher(app_page, classroom, monkeypatch):
    monkeypatch.setattr(class_session, "RESULTS_EVERY_S", 0.0)  # every rerun reads what the teacher shows
    ada = join(app_page("lessons/minimax.py"), "ab12", "Ada")
    assert not ada.exception and ada.session_state["class_seat"]["nickname"] == "Ada"
    assert ada.query_params["seat"] == ada.session_state["class_seat"]["token"]  # a reconnect keeps the seat
    ada.radio(key="mm_why").set_value("p_g_equals_p_data").run()
    ada.slider(key="mm_mu_g").set_value(0.0).run()  # the engine confirms: recorded on the board
    bob = join(app_page("lessons/minimax.py"), "AB12", "Ada")
    assert bob.session_state["class_seat"]["nickname"] == "Ada-2"  # taken: a suffix

    teacher = app_page("lessons/teacher.py")
    teacher.text_input(key="teacher_code").input("wrong")
    next(b for b in teacher.button if b.label == "Open the board").click().run()
    assert any("not the teacher code" in e.value for e in teacher.error)
    teacher.text_input(key="teacher_code").input("chalk-42")
    next(b for b in teacher.button if b.label == "Open the board").click().run()
    teacher.text_input(key="teacher_class").input("ab12").run()
    assert not teacher.exception, [e.value for e in teacher.exception]
    board = teacher.dataframe[0].value
    assert list(board["nickname"]) == ["Ada", "Ada-2"] and list(board["challenges done"]) == [1, 0]
    assert list(teacher.dataframe[1].value["nickname"]) == ["Ada"]  # who finished the minimax challenge
    bob.run()
    assert not any(c.value.startswith("Your class:") for c in bob.caption)  # nothing shown until the teacher says
    teacher.toggle(key="teacher_show").set_value(True).run()
    bob.run()
    assert any(c.value.startswith("Your class: 1 finished") for c in bob.caption)  # steps, no names
    assert not any("Ada" in c.value for c in bob.caption if c.value.startswith("Your class"))


def test_a_nickname_with_markup_is_refused_with_a_reason(app_page, classroom):
    at = join(app_page("lessons/home.py"), "ab12", "<img src=x>")
    assert any("letters, digits" in e.value for e in at.error) and "class_seat" not in at.session_state


def test_no_teacher_code_no_teacher_page(app_page, monkeypatch):
    monkeypatch.delenv("GAN_TEACHER_CODE", raising=False)
    at = app_page("lessons/home.py")
    try:
        at.switch_page("lessons/teacher.py").run()
    except Exception:  # noqa: BLE001 - AppTest refuses a page that is not in the navigation
        opened = False
    else:
        opened = any(t.value == "Teacher's board" for t in at.title)
    assert not opened


def test_a_student_who_reconnects_with_the_link_keeps_the_seat(app_page, classroom):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    first = join(app_page("lessons/home.py"), "ab12", "Ada")
    token = first.session_state["class_seat"]["token"]
    again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)  # a new browser session, the same link
    again.query_params["seat"] = token
    again.run()
    assert again.session_state["class_seat"] == {"class": "AB12", "nickname": "Ada", "token": token}
    assert any("as **Ada**" in c.value for c in again.caption)
    stranger = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    stranger.query_params["seat"] = "not-a-token"
    stranger.run()
    assert "class_seat" not in stranger.session_state  # an unknown seat is just not joined
