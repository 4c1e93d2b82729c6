"""AppTest: the mode-collapse page renders, Start advances training, Compare shows two live trainers."""
from __future__ import annotations

import re

from gan_core.families.toy import mode_collapse as mc
from ui.words import MODE_COLLAPSE_METHODS

PAGE = "lessons/mode_collapse.py"


def steps_shown(at) -> list[int]:
    out = []
    for c in at.caption:
        m = re.search(r"Step \*\*([\d,]+)\*\*", c.value)
        if m:
            out.append(int(m.group(1).replace(",", "")))
    return out


def test_page_renders_with_scatter_and_metrics(app_page):
    at = app_page(PAGE)
    assert at.title[0].value == "Mode collapse and its cures"
    assert steps_shown(at) == [0]
    labels = [m.label for m in at.metric]
    assert labels[:3] == ["Modes captured", "High quality", "Reverse KL"]  # then the challenge's measures
    assert labels[3:] == ["modes captured", "high-quality samples", "steps"]
    assert at.metric[0].value.endswith("/ 8")  # the ring is the default target
    specs = [c.proto.spec for c in at.get("plotly_chart")]
    assert len(specs) == 2 and "mode centres" in specs[0] and "modes captured" in specs[1]


def test_start_then_another_run_advances_the_step_counter(app_page):
    at = app_page(PAGE)
    at.button(key="mc_single_start").click().run()
    first = steps_shown(at)
    at.run()
    second = steps_shown(at)
    assert not at.exception, [e.value for e in at.exception]
    assert second[0] > 0 and second[0] > first[0], (first, second)
    assert at.button(key="mc_single_pause").disabled is False


def test_compare_shows_two_trainers_both_live(app_page):
    at = app_page(PAGE)
    at.radio(key="mc_view").set_value("Compare").run()
    best = MODE_COLLAPSE_METHODS[mc.COMPARE_DEFAULT]
    assert [s.value for s in at.subheader][:2] == ["Vanilla GAN (collapses)", best]
    assert steps_shown(at) == [0, 0]
    at.button(key="mc_cmp_start").click().run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    steps = steps_shown(at)
    assert len(steps) == 2 and all(s > 0 for s in steps), steps
    assert len(at.get("plotly_chart")) == 4  # a scatter and a modes chart per trainer
    vanilla, cure = (at.session_state[k].trainer.config for k in ("mc_run_van", "mc_run_cure"))
    assert vanilla.seed == cure.seed and vanilla == mc.preset("ring", "vanilla", 0).config
    assert cure == mc.preset("ring", mc.COMPARE_DEFAULT, 0).config and cure != vanilla


def test_1d_target_shows_histograms(app_page):
    at = app_page(PAGE)
    at.selectbox(key="mc_target").set_value("three_mode").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.metric[0].value.endswith("/ 3")
    spec = at.get("plotly_chart")[0].proto.spec
    assert "generated" in spec and "target pdf" in spec


def test_the_ring_shows_d_s_surface_and_g_s_push_and_the_manifold_on_demand(app_page):
    import json

    at = app_page(PAGE)

    def plane() -> list[dict]:
        return json.loads(at.get("plotly_chart")[0].proto.spec)["data"]

    kinds = [t["type"] for t in plane()]
    names = {t.get("name") for t in plane()}
    assert "heatmap" in kinds and any(str(n).startswith("−∂L_G/∂x") for n in names)
    assert "G's manifold (dark: dense)" not in names
    at.toggle(key="mc_layer_manifold").set_value(True).run()
    at.toggle(key="mc_layer_surface").set_value(False).run()
    names = {t.get("name") for t in plane()}
    assert "G's manifold (dark: dense)" in names and "heatmap" not in [t["type"] for t in plane()]
    assert any("What to look for" in s.value for s in at.subheader)
    at.selectbox(key="mc_method").set_value("minibatch_disc").run()
    at.toggle(key="mc_layer_surface").set_value(True).run()
    assert "heatmap" not in [t["type"] for t in plane()] and not at.exception  # no single-point verdict
