"""AppTest: the Latent space page renders for the CGAN and copes with the DCGAN; N steps give N images."""
from gan_core.io import checkpoints

PAGE = "lessons/latent_space.py"


def test_page_renders_with_interpolation_morph_arithmetic_and_sliders(app_page):
    at = app_page(PAGE)
    assert at.title[0].value == "Latent space"
    headers = [h.value for h in at.header]
    assert any("Walk" in h for h in headers) and any("Morph" in h for h in headers)
    assert any("arithmetic" in h for h in headers) and any("sliders" in h for h in headers)
    assert at.session_state["lat_strip"].shape == (8, 28, 28)
    assert at.session_state["lat_morph"].shape == (8, 28, 28)
    assert len(at.get("plotly_chart")) >= 3  # two animations and the norm plot


def test_interpolation_with_n_steps_yields_n_images(app_page):
    at = app_page(PAGE)
    for n in (3, 11):
        at.slider(key="lat_steps").set_value(n).run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.session_state["lat_strip"].shape == (n, 28, 28)
        assert at.session_state["lat_morph"].shape == (n, 28, 28)
    at.radio(key="lat_method").set_value("lerp").run()
    assert at.session_state["lat_strip"].shape == (11, 28, 28)


def test_dcgan_choice_shows_its_samples_or_a_clear_message(app_page):
    at = app_page(PAGE)
    at.radio(key="lat_model").set_value("dcgan").run()
    assert not at.exception, [e.value for e in at.exception]
    if checkpoints.paths("pretrained/dcgan_mnist")[0].exists():
        assert at.session_state["lat_strip"].shape[0] == at.slider(key="lat_steps").value
    else:
        assert any("not available" in w.value for w in at.warning)
