"""AppTest: the semi-supervised GAN page renders, Start trains the SGAN and its baseline side by side, the label
budget slider changes the labelled digits, and the pretrained SGAN loads with its card's numbers."""
import re

from gan_core.io.cards import ModelCard

PAGE = "lessons/semi_supervised_gan.py"


STEP = re.compile(r"Step \*\*([\d,]+)\*\*")


def _step(at) -> int:
    found = [STEP.search(c.value) for c in at.caption]
    return next(int(m.group(1).replace(",", "")) for m in found if m)


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_page_renders_the_equations_controls_and_labelled_digits(app_page):
    at = app_page(PAGE)
    assert at.title[0].value == "Semi-supervised GAN"
    latex = " ".join(e.value for e in at.latex)
    assert r"\frac{Z}{Z+1}" in latex and r"\log \sum_{k=1}^{K} e^{l_k}" in latex
    buttons = {b.label for b in at.button}
    assert {"Start", "Pause", "Reset", "Start from the pretrained SGAN", "Other examples"} <= buttons
    assert at.select_slider(key="sgan_labels").value == 10
    assert _step(at) == 0 and _metric(at, "Labelled digits") == "100"
    assert any(s.value == "The 100 labelled digits this run learns from" for s in at.subheader)
    assert len([m for m in at.metric if m.label.startswith("real/fake head")]) == 3


def test_the_label_budget_slider_changes_the_labelled_digits(app_page):
    at = app_page(PAGE)
    at.select_slider(key="sgan_labels").set_value(1).run()
    assert not at.exception, [e.value for e in at.exception]
    assert _metric(at, "Labelled digits") == "10"
    assert any(s.value == "The 10 labelled digits this run learns from" for s in at.subheader)
    at.select_slider(key="sgan_labels").set_value(50).run()
    assert _metric(at, "Labelled digits") == "500"


def test_start_advances_both_runs(app_page):
    at = app_page(PAGE)
    at.button(key="sgan_start").click()
    at.run()
    for _ in range(30):  # fragment ticks until the first accuracy check (every 50 steps)
        if _metric(at, "SGAN test accuracy") != "–":
            break
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert _step(at) >= 50
    sgan, base = (float(_metric(at, k).rstrip("%")) for k in ("SGAN test accuracy", "Baseline test accuracy"))
    assert 20 < sgan <= 100 and 20 < base <= 100  # both trained: far above chance (10%)
    charts = [c for c in at.get("plotly_chart") if "Accuracy of both classifiers" in c.proto.spec]
    assert charts and '"SGAN' in charts[0].proto.spec and "baseline" in charts[0].proto.spec
    specs = [c.proto.spec for c in at.get("plotly_chart") if "% right" in c.proto.spec]
    assert any('"SGAN: ' in s for s in specs) and any('"Baseline: ' in s for s in specs)  # both confusion matrices
    at.button(key="sgan_pause").click()
    at.run()
    assert at.button(key="sgan_start").disabled is False


def test_start_from_pretrained_reports_the_cards_numbers(app_page):
    card = ModelCard.load("pretrained/sgan_mnist")
    at = app_page(PAGE)
    text = " ".join(c.value for c in at.caption)
    assert f"{100 * card.metrics['test_accuracy']:.2f}%" in text
    assert f"{100 * card.metrics['baseline_test_accuracy']:.2f}%" in text
    at.button(key="sgan_pretrained").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Pretrained SGAN loaded" in s.value for s in at.success)
    assert _step(at) == card.steps
    assert not any("Settings changed" in i.value for i in at.info)  # nothing moved since the load
    at.select_slider(key="sgan_labels").set_value(1).run()
    assert any("Settings changed" in i.value for i in at.info)  # now a widget did


def test_the_pretrained_sgan_loads_and_answers_the_two_heads_in_a_worker_process(app_page, one_worker):
    at = app_page(PAGE)
    at.button(key="sgan_pretrained").click().run()
    assert not at.exception, [e.value for e in at.exception]
    run = at.session_state["sgan"]
    assert run.trainer.pid in one_worker.pids() and run.snapshot.step == ModelCard.load("pretrained/sgan_mnist").steps
    heads = [float(m.value) for m in at.metric if m.label.startswith("real/fake head")]
    assert len(heads) == 3 and all(0 < h < 1 for h in heads)
    assert heads[1] > heads[2]  # the trained D calls the unlabelled real digit more real than the fake
    at.button(key="sgan_other").click().run()
    assert [float(m.value) for m in at.metric if m.label.startswith("real/fake head")] != heads
