"""Datasets for the image lessons (MNIST from the bundled IDX files)."""
from gan_core.data.mnist import (
    DeviceDataset,
    MNISTError,
    load_mnist,
    read_idx,
    to_float,
    to_uint8,
)

__all__ = ["MNISTError", "DeviceDataset", "load_mnist", "read_idx", "to_float", "to_uint8"]
