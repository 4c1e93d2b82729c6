"""Every trained lesson shows its challenges in a panel; the minimax one is done only where the engine says so."""
import pytest

from gan_core.challenges import of_lesson
from ui.words import CHALLENGE_WORDS

PAGES = ["minimax", "gaussian_gan", "inside_game", "mode_collapse", "dcgan_mnist", "semi_supervised_gan"]


def titles(at) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("**Challenge: ")]


@pytest.mark.parametrize("lesson", PAGES)
def test_each_lesson_shows_its_challenges_with_their_live_measures(app_page, lesson):
    at = app_page(f"lessons/{lesson}.py")
    want = [f"**Challenge: {CHALLENGE_WORDS[c.key][0]}.**" for c in of_lesson(lesson)]
    shown = titles(at)
    assert want and all(any(s.startswith(w) for s in shown) for w in want), shown
    assert not any(s.value.startswith("Done, at step") for s in at.success)  # nothing trained, nothing done


def test_the_minimax_challenge_needs_the_equilibrium_and_the_right_reason(app_page):
    at = app_page("lessons/minimax.py")
    at.radio(key="mm_why").set_value("p_g_equals_p_data").run()
    assert not any(s.value.startswith("Done") for s in at.success)  # G is still at 2.5
    at.slider(key="mm_mu_g").set_value(0.0).run()  # p_g = p_data = N(0, 1)
    assert any(s.value.startswith("Done, at step 0") for s in at.success)
    assert "minimax.value_at_equilibrium" in at.session_state["challenges_done"]


def test_the_wrong_reason_does_not_finish_it(app_page):
    at = app_page("lessons/minimax.py")
    at.slider(key="mm_mu_g").set_value(0.0).run()
    at.radio(key="mm_why").set_value("d_is_untrained").run()
    assert not any(s.value.startswith("Done") for s in at.success) and not at.exception
