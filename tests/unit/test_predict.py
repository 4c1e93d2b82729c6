"""`python -m gan_core predict NAME --images IN.npz --out OUT.npz`: every shipped reader reads digits, and bad
input files get a clear error instead of a traceback."""
import numpy as np
import pytest

from gan_core.cli import main
from gan_core.data.mnist import load_mnist
from gan_core.data.typeset import typeset_digits

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def digits(tmp_path_factory):
    folder = tmp_path_factory.mktemp("predict")
    images, labels = load_mnist("test")
    np.savez(folder / "mnist.npz", images=images[:200])
    typeset, typeset_labels = typeset_digits(200, seed=99)
    np.savez(folder / "typeset.npz", images=typeset)
    return folder, labels[:200], typeset_labels


def _predict(name, images, out) -> dict:
    assert main(["predict", name, "--images", str(images), "--out", str(out), "--threads", "1"]) == 0
    with np.load(out) as result:
        return {k: result[k] for k in result.files}


@pytest.mark.parametrize("name,data,classes,right", [
    ("mnist_classifier", "mnist", 10, 0.97), ("typeset_reader", "typeset", 10, 0.9),
    ("domain_judge", "mnist", 2, 0.9), ("sgan_mnist", "mnist", 10, 0.9)])
def test_every_shipped_reader_predicts_labels_and_probabilities(digits, name, data, classes, right):
    folder, mnist_labels, typeset_labels = digits
    out = _predict(name, folder / f"{data}.npz", folder / f"{name}.npz")
    assert set(out) == {"labels", "probabilities"} and out["labels"].dtype == np.uint8
    assert out["probabilities"].shape == (200, classes)
    assert np.allclose(out["probabilities"].sum(1), 1, atol=1e-4)
    assert np.array_equal(out["labels"], out["probabilities"].argmax(1))
    truth = {"mnist": mnist_labels, "typeset": typeset_labels}[data] if classes == 10 else np.zeros(200)
    assert (out["labels"] == truth).mean() >= right  # the judge calls MNIST digits handwritten (0)


def test_bad_files_get_a_clear_error(digits, tmp_path, capsys):
    folder, _, _ = digits
    images, _ = load_mnist("test")
    np.save(tmp_path / "one.npy", images[:3])
    np.savez(tmp_path / "other.npz", pictures=images[:3])
    np.savez(tmp_path / "float.npz", images=images[:3].astype(np.float32))
    np.savez(tmp_path / "flat.npz", images=images[:3].reshape(3, -1))
    np.savez(tmp_path / "objects.npz", images=np.array([{"a": 1}], dtype=object))
    (tmp_path / "text.npz").write_text("not an archive")
    cases = {"missing.npz": "does not exist", "one.npy": "is not an .npz", "text.npz": "is not an .npz",
             "other.npz": "not an array named `images`", "float.npz": "must be uint8 N x 28 x 28",
             "flat.npz": "must be uint8 N x 28 x 28", "objects.npz": "never loaded"}
    for file, message in cases.items():
        assert main(["predict", "mnist_classifier", "--images", str(tmp_path / file),
                     "--out", str(tmp_path / "o.npz")]) == 2, file
        assert message in capsys.readouterr().err, file
    out = str(tmp_path / "o.npz")
    assert main(["predict", "dcgan_mnist", "--images", str(folder / "mnist.npz"), "--out", out]) == 2
    assert "draws digits" in capsys.readouterr().err
    assert main(["predict", "mnist_classifier", "--images", str(folder / "mnist.npz"), "--out",
                 str(tmp_path / "o.png")]) == 2
    assert not (tmp_path / "o.npz").exists()
