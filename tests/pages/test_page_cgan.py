"""AppTest: the Conditional GAN page renders, the digit slider steers the label and the image."""
import numpy as np

PAGE = "lessons/conditional_gan.py"


def test_page_renders_grid_table_and_timing(app_page):
    at = app_page(PAGE)
    assert at.title[0].value == "Conditional GAN"
    assert at.slider(key="cgan_digit").value == 3
    assert len(at.get("image")) >= 2  # the sample grid and the 10x10 style-vs-content table
    timing = [c.value for c in at.caption if "ms** of model time" in c.value]
    assert timing, [c.value for c in at.caption]
    last = at.session_state["cgan_last"]
    assert last["digit"] == 3 and last["images"].shape == (32, 28, 28)


def test_digit_slider_changes_the_requested_label_and_the_image(app_page):
    at = app_page(PAGE)
    at.checkbox(key="cgan_fixed").check().run()
    first = at.session_state["cgan_last"]
    at.slider(key="cgan_digit").set_value(7).run()
    assert not at.exception, [e.value for e in at.exception]
    second = at.session_state["cgan_last"]
    assert first["digit"] == 3 and second["digit"] == 7 and first["seed"] == second["seed"]
    assert not np.array_equal(first["images"], second["images"])
    assert any(s.value == "Requested digit: 7" for s in at.subheader)


def test_new_handwriting_draws_new_noise(app_page):
    at = app_page(PAGE)
    first = at.session_state["cgan_last"]
    at.button(key="cgan_new").click().run()
    second = at.session_state["cgan_last"]
    assert second["digit"] == first["digit"] and second["seed"] != first["seed"]
    assert not np.array_equal(first["images"], second["images"])
