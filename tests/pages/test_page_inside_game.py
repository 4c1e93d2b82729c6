"""AppTest: "Inside the game (2-D)" renders its layers, steps D or G alone, walks slow motion through its
eight phases, reads and writes its settings in the link, and refuses bad settings and drawings with a message."""
from __future__ import annotations

import json

import torch

from gan_core.families.toy.slow_motion import PHASES
from ui.words import PHASE_WORDS

PAGE = "lessons/inside_game.py"


def traces(at, index: int = 0) -> list[dict]:
    return json.loads(at.get("plotly_chart")[index].proto.spec)["data"]


def names(at, index: int = 0) -> set:
    return {t.get("name") for t in traces(at, index)}


def weights(net) -> list[torch.Tensor]:
    return [p.detach().clone() for p in net.parameters()]


def same(a, b) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a, b))


def test_page_renders_the_plane_overview_and_metrics(app_page):
    at = app_page(PAGE)
    assert at.title[0].value == "Inside the game (2-D)"
    kinds = {t["type"] for t in traces(at)}
    assert "heatmap" in kinds and {"real", "generated"} <= names(at)
    assert any(str(n).startswith("−∂L_G/∂x") for n in names(at))  # the arrows, with their key
    heat = next(t for t in traces(at) if t["type"] == "heatmap")
    assert heat["zmid"] == heat["zmax"] / 2 and heat["colorbar"]["ticktext"] == ["0 looks fake", "½", "1 looks real"]
    svg = next(m.value for m in at.markdown if m.value.startswith("<svg"))
    assert "noise z" in svg and "D loss" in svg and "G loss" in svg
    assert {m.label for m in at.metric} >= {"JS divergence", "KL divergence"}
    metrics = traces(at, 1)
    assert {t["name"] for t in metrics} >= {"D loss", "G loss", "mean D(x)", "mean D(G(z))", "JS"}


def test_d_only_and_g_only_steps_touch_only_their_network(app_page, in_process_trainers):
    at = app_page(PAGE)
    trainer = at.session_state["ig_run"].trainer
    g0, d0 = weights(trainer.G), weights(trainer.D)
    at.button(key="ig_step").click().run()  # "D only" is the default
    assert same(weights(trainer.G), g0) and not same(weights(trainer.D), d0)
    assert at.session_state["ig_run"].snapshot.step == 0  # an iteration ends with G's half
    d1 = weights(trainer.D)
    at.radio(key="ig_part").set_value("g").run()
    at.button(key="ig_step").click().run()
    assert same(weights(trainer.D), d1) and not same(weights(trainer.G), g0)
    at.radio(key="ig_part").set_value("both").run()
    at.button(key="ig_step").click().run()
    assert at.session_state["ig_run"].snapshot.step == 2 and "Step **2**" in " ".join(c.value for c in at.caption)
    assert not at.exception


def test_slow_motion_advances_through_the_eight_phases(app_page, in_process_trainers):
    at = app_page(PAGE)
    trainer = at.session_state["ig_run"].trainer
    g0 = weights(trainer.G)
    for phase in PHASES:
        at.button(key="ig_phase").click().run()
        title, _ = PHASE_WORDS[phase.code]
        assert any(f"**{phase.number}. {title}.**" in i.value for i in at.info), phase
        svg = next(m.value for m in at.markdown if m.value.startswith("<svg"))
        assert f"phase {phase.number} of 8" in svg
        if phase.number == 4:
            assert "boundary before" in names(at)  # the heatmap after D's update, the old boundary dashed
            assert same(weights(trainer.G), g0)
        if phase.number == 8:
            assert {"fakes before G's update", "fakes after G's update"} <= names(at)
    assert not same(weights(trainer.G), g0) and at.session_state["ig_run"].snapshot.step == 1
    assert not at.exception


def test_the_game_trains_steps_and_slows_down_in_a_worker_process(app_page, one_worker):
    at = app_page(PAGE)
    run = at.session_state["ig_run"]
    assert run.trainer.pid in one_worker.pids()
    at.button(key="ig_run_start").click().run()
    at.run()
    assert run.snapshot.step > 0 and one_worker.cohorts() == [[]]  # a class of one trains on its own
    at.button(key="ig_run_pause").click().run()
    trained = run.snapshot.step
    for _ in PHASES:
        at.button(key="ig_phase").click().run()
    assert run.snapshot.step == trained + 1 and {"fakes after G's update"} <= names(at)
    at.radio(key="ig_part").set_value("both").run()
    at.button(key="ig_step").click().run()
    assert run.snapshot.step == trained + 2 and not at.exception


def test_play_trains_and_the_layer_toggles_change_the_plane(app_page):
    at = app_page(PAGE)
    at.toggle(key="ig_layer_surface").set_value(False).run()
    at.toggle(key="ig_layer_manifold").set_value(True).run()
    assert "heatmap" not in {t["type"] for t in traces(at)} and "G's manifold (dark: dense)" in names(at)
    assert at.query_params["layers"] == "real,fake,manifold,arrows"  # the link follows the toggles
    at.button(key="ig_run_start").click().run()
    at.run()
    assert at.session_state["ig_run"].snapshot.step > 0 and not at.exception


def test_a_link_opens_its_settings(app_page):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"shape": "three_regions", "loss": "least_squares", "noise_dim": "1",
                            "layers": "fake,manifold"})
    at.run()
    at.switch_page(PAGE).run()
    assert not at.warning and not at.exception
    config = at.session_state["ig_run"].trainer.config
    assert (config.target, config.loss, config.noise_dim) == ("three_regions", "least_squares", 1)
    assert names(at) >= {"generated", "G's manifold (dark: dense)"} and "real" not in names(at)


def test_a_malformed_link_opens_the_defaults_with_a_notice(app_page):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"lr_d": "9", "d_steps": "two", "colour": "red"})
    at.run()
    at.switch_page(PAGE).run()
    notice = " ".join(w.value for w in at.warning)
    assert "`lr_d=9` is outside the allowed range" in notice and "`colour=red` is not a setting" in notice
    config = at.session_state["ig_run"].trainer.config
    assert (config.lr_d, config.d_steps) == (1e-3, 1) and not at.exception


def test_an_empty_drawing_is_refused_with_a_message(app_page):
    at = app_page(PAGE)
    at.selectbox(key="ig_shape").set_value("drawn").run()
    assert any("Use this drawing" in i.value for i in at.info)
    at.button(key="ig_use_drawing").click().run()
    assert any("Refused: the drawing is empty" in e.value for e in at.error) and not at.exception


def test_start_from_a_trained_model_loads_the_shipped_game_and_its_settings(app_page):
    from gan_core.io.cards import ModelCard

    at = app_page(PAGE)
    at.selectbox(key="ig_shape").set_value("grid").run()
    at.button(key="ig_trained").click().run()
    card = ModelCard.load("pretrained/toy2d_grid")
    run = at.session_state["ig_run"]
    assert run.snapshot.step == card.steps and run.trainer.config.d_minibatch == "std"
    assert at.session_state["ig_g_width"] == 128 and at.session_state["ig_lr_g"] == card.config["lr_g"]
    assert any("`d_minibatch` = std" in c.value for c in at.caption)  # kept from the card, said so
    assert any(f"{card.steps:,} iterations" in c.value and f"{card.metrics['js']:.3f}" in c.value
               for c in at.caption)  # the numbers in the prose come from the card
    assert not any("press **Reset**" in i.value for i in at.info)  # the widgets match the loaded game
    at.button(key="ig_step").click().run()
    assert not at.exception


def test_settings_survive_a_run_that_stops_early_for_a_drawing(app_page):
    at = app_page(PAGE)
    at.number_input(key="ig_g_width").set_value(128).run()
    at.selectbox(key="ig_shape").set_value("drawn").run()  # the page stops before its widgets: no drawing yet
    at.selectbox(key="ig_shape").set_value("line").run()
    assert at.number_input(key="ig_g_width").value == 128 and at.number_input(key="ig_lr_d").value == 1e-3
    assert at.session_state["ig_run"].trainer.config.g_hidden == (128, 128) and not at.exception
