"""The bad-input catalogue: what a class of students will type, upload and break, page by page.

Each case asserts the message a student sees and that the session goes on.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from gan_core.families.cyclegan.official import ResnetGenerator
from tests.support.bad_files import MakesMarker, png_bomb, png_bytes
from ui.lessons import LESSONS

ROOT = Path(__file__).resolve().parents[2]
PAGES = [lesson.path for lesson in LESSONS]
SIZE_WORDS = ("size", "samples", "steps", "units", "layers", "exemplars", "lines")


def numeric_widgets(at):
    """Sliders and number inputs. (Select sliders offer a fixed list, so they cannot leave it; AppTest
    also cannot set one whose options are formatted.)"""
    return list(at.slider) + list(at.number_input)


def limits(widget) -> tuple:
    return widget.min, widget.max


def set_to(widget, end: int) -> None:
    lo, hi = limits(widget)
    if isinstance(widget.value, (tuple, list)):  # a range slider: the narrowest and the widest range
        widget.set_value((lo, lo) if end == 0 else (lo, hi))
    else:
        widget.set_value((lo, hi)[end])


@pytest.mark.parametrize("page", PAGES, ids=[Path(p).stem for p in PAGES])
def test_every_numeric_widget_has_limits_and_the_page_survives_them(app_page, page):
    """Widgets refuse what is out of range themselves (finite min and max, sizes >= 1); every widget at
    its minimum, then at its maximum, renders and trains a live tick without an exception."""
    at = app_page(page)
    widgets = numeric_widgets(at)
    for w in widgets:
        lo, hi = limits(w)
        assert lo is not None and hi is not None and np.isfinite([lo, hi]).all(), (page, w.label)
        if any(word in w.label.lower() for word in SIZE_WORDS) and "seed" not in w.label.lower():
            assert lo >= 1, f"{page}: {w.label!r} accepts {lo}"
    for end in (0, 1):
        for w in numeric_widgets(at):
            set_to(w, end)
        at.run()
        assert not at.exception, (page, end, [e.value for e in at.exception])
        start = [b for b in at.button if b.label == "Start" and not b.disabled]
        if start:  # and a live run at these settings trains a tick (or stops with a reason)
            start[0].click().run()
            at.run()
            assert not at.exception, (page, end, [e.value for e in at.exception])
            for b in at.button:
                if b.label == "Reset":
                    b.click()
            at.run()


def start_until(at, key: str, done, ticks: int = 40):
    at.button(key=f"{key}_start").click().run()
    for _ in range(ticks):
        run = at.session_state[key]
        if done(run):
            return run
        at.run()
    return at.session_state[key]


def test_a_diverging_learning_rate_stops_with_an_explanation_and_keeps_the_last_good_state(app_page):
    at = app_page("lessons/gaussian_gan.py")
    at.selectbox(key="g1_preset").set_value("Fast").run()
    at.number_input(key="g1_lr_g").set_value(1e4)
    at.number_input(key="g1_lr_d").set_value(1e4)
    at.selectbox(key="g1_optimizer").set_value("sgd")
    at.run()
    run = start_until(at, "g1_run", lambda r: r.snapshot.diverged)
    assert run.snapshot.diverged and not run.running
    errors = [e.value for e in at.error]
    assert any("diverged" in e and "learning rate" in e and "last good state" in e for e in errors), errors
    kept = run.trainer.snapshot()  # the trainer may live in a worker process: ask it for the kept state
    assert np.isfinite(kept.fake).all() and kept.step == run.snapshot.step  # the kept state is usable
    assert at.button(key="g1_run_start").disabled  # Start waits for Reset ...
    at.number_input(key="g1_lr_g").set_value(1e-3)
    at.number_input(key="g1_lr_d").set_value(1e-3)
    at.button(key="g1_run_reset").click().run()  # ... and Reset brings back a fresh run
    assert not at.exception and not at.session_state["g1_run"].snapshot.diverged
    assert not at.button(key="g1_run_start").disabled


# --- uploads -------------------------------------------------------------------------------------
DIGIT = np.zeros((60, 60), np.uint8)
DIGIT[10:50, 27:33] = 255  # a "1"
BAD_IMAGES = {
    "empty": (b"", "empty"),
    "not an image": (b"%PDF-1.4 hello", "not an image"),
    "truncated PNG": (png_bytes(np.random.default_rng(0).integers(0, 255, (64, 64), np.uint8))[:300], "truncated"),
    "decompression bomb": (png_bomb(), "too large"),
}


@pytest.fixture
def cyclegan_upload(app_page):
    at = app_page("lessons/cyclegan.py")
    at.radio(key="cyclegan_input").set_value("Upload a PNG/JPEG").run()
    return at


@pytest.mark.parametrize("case", list(BAD_IMAGES))
def test_bad_digit_uploads_are_refused_and_the_session_continues(cyclegan_upload, case):
    at = cyclegan_upload
    data, reason = BAD_IMAGES[case]
    at.file_uploader(key="cyclegan_upload").upload("digit.png", data, "image/png").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(e.value.startswith("Refused") and reason in e.value for e in at.error), [e.value for e in at.error]
    # the session goes on: a good upload is translated
    at.file_uploader(key="cyclegan_upload").upload("digit.png", png_bytes(DIGIT), "image/png").run()
    assert not at.exception and not at.error
    assert any(m.label.startswith("Cycle error") for m in at.metric)


def test_pickled_pth_is_refused_and_nothing_is_executed(cyclegan_upload, tmp_path):
    marker = tmp_path / "pwned"
    buf = io.BytesIO()
    torch.save({"model.1.weight": MakesMarker(marker)}, buf)
    at = cyclegan_upload
    at.session_state["cyclegan_tab"] = "Photo models (official checkpoints)"  # only the open tab runs
    at.run()
    at.file_uploader(key="cyclegan_weights").upload("latest_net_G.pth", buf.getvalue()).run()
    assert not at.exception
    assert any("Refused" in e.value and "Nothing from it was executed" in e.value for e in at.error)
    assert not marker.exists()


def test_safetensors_of_the_wrong_shape_are_refused_with_the_mismatch(cyclegan_upload):
    from safetensors.torch import save

    tensors = {k: v.clone() for k, v in ResnetGenerator().state_dict().items()}
    tensors["model.1.weight"] = torch.zeros(32, 3, 7, 7)  # ngf 32 instead of 64
    at = cyclegan_upload
    at.session_state["cyclegan_tab"] = "Photo models (official checkpoints)"  # only the open tab runs
    at.run()
    at.file_uploader(key="cyclegan_weights").upload("horse2zebra.safetensors", save(tensors)).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any("Refused" in e and "wrong shape" in e and "model.1." in e for e in errors), errors


# --- missing or corrupt data and weights ----------------------------------------------------------
PROBE = r"""
import json, sys
from streamlit import config
from streamlit.testing.v1 import AppTest
config.set_option("client.showErrorDetails", "full")
out = {}
for page in sys.argv[1:]:
    at = AppTest.from_file("app.py", default_timeout=120)
    at.run()
    at.switch_page(page)
    at.run()
    out[page] = {"exceptions": [e.value for e in at.exception], "errors": [e.value for e in at.error],
                 "warnings": [w.value for w in at.warning], "titles": [t.value for t in at.title]}
print(json.dumps(out))
"""


def broken_copy(tmp_path: Path, remove=(), truncate=()) -> Path:
    """A copy of the app whose listed files are removed or cut to 100 bytes."""
    dst = tmp_path / "app"
    shutil.copytree(ROOT, dst, ignore=shutil.ignore_patterns(".git", "artifacts", "logs", "runs", "scratch",
                                                             "__pycache__", "tests", "bench"))
    for rel in remove:
        (dst / rel).unlink()
    for rel in truncate:
        path = dst / rel
        path.write_bytes(path.read_bytes()[:100])
    return dst


def probe(app_dir: Path, pages: list[str]) -> dict:
    env = {**os.environ, "PYTHONPATH": str(app_dir)}
    done = subprocess.run([sys.executable, "-c", PROBE, *pages], cwd=app_dir, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_missing_mnist_stops_only_the_pages_that_need_it(tmp_path):
    app = broken_copy(tmp_path, remove=["data/mnist/train-images-idx3-ubyte.gz"],
                      truncate=["data/mnist/t10k-labels-idx1-ubyte.gz"])
    out = probe(app, ["lessons/dcgan_mnist.py", "lessons/cyclegan.py", "lessons/minimax.py",
                      "lessons/conditional_gan.py"])
    for page in ("lessons/dcgan_mnist.py", "lessons/cyclegan.py"):
        assert not out[page]["exceptions"], out[page]
        assert any("needs the MNIST digits" in e and "data/mnist" in e for e in out[page]["errors"]), out[page]
    assert "train-images-idx3-ubyte.gz is missing" in out["lessons/dcgan_mnist.py"]["errors"][0]
    assert "t10k-labels-idx1-ubyte.gz is corrupt" in out["lessons/cyclegan.py"]["errors"][0]
    for page in ("lessons/minimax.py", "lessons/conditional_gan.py"):  # unaffected
        assert out[page] == {**out[page], "exceptions": [], "errors": []}, out[page]


def test_corrupt_or_missing_weights_get_a_clear_message_on_their_pages_only(tmp_path):
    app = broken_copy(tmp_path, remove=["pretrained/cyclegan_digits.json"],
                      truncate=["pretrained/cgan_mnist.safetensors"])
    out = probe(app, ["lessons/conditional_gan.py", "lessons/latent_space.py", "lessons/cyclegan.py",
                      "lessons/dcgan_mnist.py", "lessons/gaussian_gan.py"])
    assert all(not v["exceptions"] for v in out.values()), out
    cgan = out["lessons/conditional_gan.py"]["errors"]
    assert any("pretrained CGAN is missing" in e and "cgan_mnist" in e for e in cgan), cgan
    latent = out["lessons/latent_space.py"]["warnings"]
    assert any("not available" in w for w in latent), latent
    cycle = out["lessons/cyclegan.py"]["errors"]
    assert any("CycleGAN is missing" in e and "cyclegan_digits" in e for e in cycle), cycle
    for page in ("lessons/dcgan_mnist.py", "lessons/gaussian_gan.py"):  # unaffected
        assert not out[page]["errors"], out[page]
