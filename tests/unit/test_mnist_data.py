"""The IDX reader on the bundled MNIST files, its errors on corrupt copies, and the device dataset."""
import gzip
import shutil

import numpy as np
import pytest
import torch

from gan_core.data.mnist import DATA_DIR, FILES, DeviceDataset, MNISTError, load_mnist, read_idx, to_float, to_uint8

TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]


def test_train_split_shapes_dtype_and_label_counts():
    images, labels = load_mnist("train")
    assert images.shape == (60000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (60000,) and labels.dtype == np.uint8
    assert np.bincount(labels, minlength=10).tolist() == TRAIN_COUNTS
    assert images.min() == 0 and images.max() == 255


def test_test_split_shapes_and_counts():
    images, labels = load_mnist("test")
    assert images.shape == (10000, 28, 28) and labels.shape == (10000,)
    assert np.bincount(labels, minlength=10).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_float_conversion_round_trips_to_uint8():
    images, _ = load_mnist("test")
    x = to_float(images[:50])
    assert x.shape == (50, 1, 28, 28) and x.dtype == torch.float32
    assert x.min() == -1.0 and x.max() == 1.0
    assert np.array_equal(to_uint8(x), images[:50])


def _copy_test_split(tmp_path):
    for split in ("test",):
        for kind in ("images", "labels"):
            shutil.copy(DATA_DIR / FILES[(split, kind)], tmp_path / FILES[(split, kind)])
    return tmp_path / FILES[("test", "images")], tmp_path / FILES[("test", "labels")]


def test_missing_file_is_named(tmp_path):
    _, labels = _copy_test_split(tmp_path)
    labels.unlink()
    with pytest.raises(MNISTError, match="t10k-labels-idx1-ubyte.gz is missing"):
        load_mnist("test", tmp_path)


def test_truncated_gzip_is_named_corrupt(tmp_path):
    images, _ = _copy_test_split(tmp_path)
    raw = images.read_bytes()
    images.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(MNISTError, match=r"t10k-images-idx3-ubyte.gz is corrupt"):
        load_mnist("test", tmp_path)


def test_wrong_magic_and_wrong_size_are_named(tmp_path):
    images, labels = _copy_test_split(tmp_path)
    raw = gzip.decompress(images.read_bytes())
    images.write_bytes(gzip.compress((1234).to_bytes(4, "big") + raw[4:]))
    with pytest.raises(MNISTError, match=r"t10k-images-idx3-ubyte.gz is corrupt: magic number 1234"):
        load_mnist("test", tmp_path)
    images.write_bytes(gzip.compress(raw[:-100]))  # header intact, pixels missing
    with pytest.raises(MNISTError, match=r"t10k-images.*bytes after decompression, expected 7840016"):
        load_mnist("test", tmp_path)
    # a labels file where an images file should be
    images.write_bytes(labels.read_bytes())
    with pytest.raises(MNISTError, match="magic number 2049, expected 2051"):
        read_idx(images, "images")


def test_device_dataset_visits_every_image_once_per_epoch():
    images = np.arange(100, dtype=np.uint8).repeat(784).reshape(100, 28, 28)
    ds = DeviceDataset(images, np.arange(100) % 10, seed=3)
    seen = []
    for _ in range(10):
        x, y = ds.batch(10)
        assert x.shape == (10, 1, 28, 28)
        seen += to_uint8(x)[:, 0, 0].tolist()
    assert sorted(seen) == list(range(100)) and seen != list(range(100))  # a permutation, shuffled
    assert ds.epoch == 0
    first_next = ds.batch(10)[0]
    assert ds.epoch == 1 and first_next.shape[0] == 10
