"""AppTest: the home page and the three 1-D lessons."""
import json

from tests.support.killed_worker import kill_the_worker_then_reset


def chart_traces(at, index=0):
    return [t.get("name") for t in json.loads(at.get("plotly_chart")[index].proto.spec)["data"]]


def test_home_lists_lessons_and_device(app_page):
    at = app_page("lessons/home.py")
    text = " ".join(m.value for m in at.markdown) + " ".join(i.value for i in at.info)
    assert "CPU" in text or "GPU" in text or "CUDA" in text
    assert "The minimax game" in " ".join(str(p.proto) for p in at.get("page_link"))


def test_minimax_slider_changes_jsd(app_page):
    at = app_page("lessons/minimax.py")

    def jsd():
        return next(m.value for m in at.metric if m.label.startswith("JSD"))

    before = jsd()
    at.slider(key="mm_mu_g").set_value(0.0).run()
    assert jsd() != before and float(jsd()) == 0.0
    value = next(m.value for m in at.metric if m.label == "V(D*, G)")
    assert float(value) == -1.3863  # the -log 4 floor at p_g = p_data


def test_inverse_cdf_page_renders_and_trains(app_page):
    at = app_page("lessons/inverse_cdf.py")
    assert len(at.get("plotly_chart")) >= 3
    at.selectbox(key="icdf_target").set_value("Exponential (rate 1)").run()
    at.button(key="icdf_run_start").click().run()
    at.run()
    assert at.session_state["icdf_run"].snapshot.step > 0
    assert any(m.label.startswith("max |G(z)") for m in at.metric)


def test_live_page_start_advances_and_shows_both_histograms(app_page):
    at = app_page("lessons/gaussian_gan.py")
    at.selectbox(key="g1_preset").set_value("Fast").run()
    at.button(key="g1_run_start").click().run()
    first = at.session_state["g1_run"].snapshot.step
    at.run()
    second = at.session_state["g1_run"].snapshot.step
    assert 0 < first < second
    assert f"Step **{second:,}**" in " ".join(c.value for c in at.caption)
    assert {"real", "generated", "D(x)"} <= set(chart_traces(at, 0))
    assert not at.exception


def test_live_page_trains_in_a_worker_and_start_pause_reset_work(app_page, one_worker):
    at = app_page("lessons/gaussian_gan.py")
    at.selectbox(key="g1_preset").set_value("Fast").run()
    at.button(key="g1_run_start").click().run()
    at.run()
    run = at.session_state["g1_run"]
    assert run.trainer.pid in one_worker.pids() and run.snapshot.step > 0
    at.button(key="g1_run_pause").click().run()
    paused = run.snapshot.step
    at.run()
    assert run.snapshot.step == paused
    at.button(key="g1_run_reset").click().run()
    assert at.session_state["g1_run"].snapshot.step == 0


def test_a_killed_worker_gives_a_message_and_reset_trains_again(app_page, one_worker):
    kill_the_worker_then_reset(app_page("lessons/gaussian_gan.py"), "g1_run")
