"""Untrusted uploads are refused with a reason; pickled code is never run."""
import io
import pickle

import numpy as np
import pytest
import torch
from PIL import Image

from gan_core.io.uploads import UploadRejected, read_image, read_weights, to_mnist
from tests.support.bad_files import MakesMarker, png_bomb, png_bytes


def test_empty_and_non_images_are_refused():
    with pytest.raises(UploadRejected, match="empty"):
        read_image(b"")
    with pytest.raises(UploadRejected, match="not an image"):
        read_image(b"hello, this is a text file")


def test_truncated_png_is_refused():
    data = png_bytes(Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64), np.uint8)))
    with pytest.raises(UploadRejected, match="truncated or corrupt"):
        read_image(data[: len(data) // 2])


def test_decompression_bomb_is_refused_before_decoding():
    with pytest.raises(UploadRejected, match="too large|decompression bomb"):
        read_image(png_bomb())


def test_other_formats_are_refused():
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, format="GIF")
    with pytest.raises(UploadRejected, match="GIF images are not supported"):
        read_image(buf.getvalue())


def test_dark_digit_on_white_paper_becomes_an_mnist_digit():
    img = Image.new("L", (200, 300), 255)
    arr = np.asarray(img).copy()
    arr[60:240, 90:110] = 0  # a dark vertical stroke: a "1"
    digit = to_mnist(read_image(png_bytes(Image.fromarray(arr)), mode="L"))
    assert digit.shape == (28, 28) and digit.dtype == np.uint8
    assert digit[0].max() == 0 and digit[:, 0].max() == 0  # black background
    ys, xs = np.nonzero(digit > 50)
    assert ys.max() - ys.min() + 1 in (19, 20, 21)  # the ink fills a 20-pixel box, as in MNIST
    assert abs(xs.mean() - 13.5) < 1.5 and abs(ys.mean() - 13.5) < 1.5  # centred by mass
    with pytest.raises(UploadRejected, match="blank"):
        to_mnist(Image.new("L", (50, 50), 255))


def test_pickled_code_in_a_pth_is_refused_and_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    buf = io.BytesIO()
    torch.save({"model.1.weight": torch.zeros(1), "payload": MakesMarker(marker)}, buf)
    with pytest.raises(UploadRejected, match="Nothing from it was executed"):
        read_weights(buf.getvalue(), "latest_net_G.pth")
    assert not marker.exists()
    # the same file through plain pickle would have run the payload: the test's premise holds
    pickle.loads(pickle.dumps(MakesMarker(marker)))
    assert marker.exists()


def test_weights_files_round_trip_and_bad_ones_are_explained():
    from safetensors.torch import save

    tensors = {"a": torch.arange(6.0).reshape(2, 3)}
    assert torch.equal(read_weights(save(tensors), "x.safetensors")["a"], tensors["a"])
    buf = io.BytesIO()
    torch.save({"state_dict": tensors}, buf)
    assert torch.equal(read_weights(buf.getvalue(), "x.pth")["a"], tensors["a"])
    with pytest.raises(UploadRejected, match="not a valid .safetensors"):
        read_weights(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}", "x.safetensors")
    with pytest.raises(UploadRejected, match="truncated or not a PyTorch"):
        read_weights(buf.getvalue()[:40], "x.pth")
    with pytest.raises(UploadRejected, match="empty"):
        read_weights(b"", "x.pth")
    with pytest.raises(UploadRejected, match=".safetensors or .pth"):
        read_weights(b"abc", "x.onnx")
