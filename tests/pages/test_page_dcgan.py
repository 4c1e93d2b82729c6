"""AppTest: the DCGAN page renders, Start trains, the pretrained DCGAN loads with its grid and doubted digits."""
import base64
import io
import re

import numpy as np
from PIL import Image
from safetensors.torch import load as safetensors_load

from gan_core.io.cards import ModelCard
from tests.support.killed_worker import kill_the_worker_then_reset

PAGE = "lessons/dcgan_mnist.py"


def _step(at) -> int:
    for c in at.caption:
        m = re.search(r"Step \*\*([\d,]+)\*\*", c.value)
        if m:
            return int(m.group(1).replace(",", ""))
    raise AssertionError("no step counter on the page")


def _live_grid(at) -> np.ndarray:
    """G's grid as the browser gets it: inline, so a redraw cannot delete the frame the browser fetches."""
    urls = [i.url for im in at.get("image") for i in im.proto.imgs if i.url.startswith("data:image/png;base64,")]
    assert len(urls) == 1, "G's grid should be the page's one inline image"
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(urls[0].split(",", 1)[1]))))


def test_page_renders_with_controls_and_grid(app_page):
    at = app_page(PAGE)
    assert at.title[0].value == "DCGAN on MNIST"
    labels = [b.label for b in at.button]
    assert {"Start", "Pause", "Reset", "Start from the pretrained DCGAN"} <= set(labels)
    assert at.selectbox(key="dcgan_network").value == "tiny"
    assert _step(at) == 0
    assert len(at.get("image")) >= 1  # real digits and G's grid
    for network in at.selectbox(key="dcgan_network").options:  # each offered network is described on the page
        at.selectbox(key="dcgan_network").select(network).run()
        assert not at.exception and any(c.value.startswith(f"**{network}** — ") for c in at.caption), network


def test_start_advances_the_step_counter(app_page):
    at = app_page(PAGE)
    at.button(key="dcgan_start").click()
    at.run()
    first, first_grid = _step(at), _live_grid(at)
    at.run()  # one more fragment tick
    assert not at.exception, [e.value for e in at.exception]
    assert _step(at) > first >= 0 and _step(at) >= 1
    grid = _live_grid(at)
    assert grid.shape == first_grid.shape == (8 * 30 + 2, 8 * 30 + 2)  # 64 digits, 2-pixel gaps
    assert not np.array_equal(grid, first_grid)  # the new steps redrew it
    assert any("steps/s" in (p.proto.text or "") for p in at.get("progress"))
    score = [m for m in at.metric if m.label == "MNIST score"]  # measured on the first trained tick
    assert score and 1.0 <= float(score[0].value) <= 10.0
    at.button(key="dcgan_pause").click()
    at.run()
    assert at.button(key="dcgan_start").disabled is False


def test_start_from_pretrained_shows_its_grid(app_page):
    at = app_page(PAGE)
    card = ModelCard.load("pretrained/dcgan_mnist")
    at.button(key="dcgan_pretrained").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Pretrained DCGAN loaded" in s.value for s in at.success)
    assert at.selectbox(key="dcgan_network").value == card.network
    assert _step(at) == card.steps
    assert len(at.get("image")) >= 1


def test_the_doubted_digits_of_the_pretrained_generator_are_shown_beside_real_ones(app_page):
    at = app_page(PAGE)
    at.button(key="dcgan_pretrained").click()
    at.run()
    at.button(key="dcgan_doubt").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    steps = ModelCard.load("pretrained/dcgan_mnist").steps
    assert list(table["digits"]) == [f"this generator (step {steps:,})", "real test digits", "shipped conditional GAN"]
    mine, real, _ = (table.iloc[i] for i in range(3))
    assert mine["doubt"] > real["doubt"] > 0  # the unconditional generator's in-between digits
    assert abs(np.exp(mine["variety"] - mine["doubt"]) - mine["MNIST score"]) < 0.05
    shown = [i for im in at.get("image") for i in im.proto.imgs if i.caption]
    assert len(shown) == 14 and all(re.fullmatch(r"\d: \d+% · \d: \d+%", i.caption) for i in shown)


def test_the_dcgan_trains_and_is_measured_in_a_worker_process_and_its_checkpoint_downloads(app_page, one_worker):
    at = app_page(PAGE)
    run = at.session_state["dcgan"]
    assert run.trainer.pid in one_worker.pids()  # the server's process only draws
    at.button(key="dcgan_start").click().run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert run.snapshot.metrics is not None and run.snapshot.metrics["step"] > 0  # measured in the worker
    assert [m for m in at.metric if m.label == "MNIST score"]
    at.button(key="dcgan_pause").click().run()
    assert [b for b in at.get("download_button") if "checkpoint" in b.proto.label]
    tensors = safetensors_load(run.ask("checkpoint_bytes"))
    assert any(k.startswith("G.") for k in tensors) and any(k.startswith("D.") for k in tensors)


def test_a_killed_dcgan_worker_gives_a_message_and_reset_trains_again(app_page, one_worker):
    kill_the_worker_then_reset(app_page(PAGE), "dcgan")
