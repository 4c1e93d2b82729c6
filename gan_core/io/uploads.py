"""Untrusted files from students: images and weights, refused with a reason when unsafe or broken.

Images are decoded by Pillow only after their header has been checked (format, pixel count),
so a decompression bomb is refused before it is decompressed. Weights are read as safetensors,
or as a `.pth` through `torch.load(weights_only=True)`, which refuses any pickled object other
than plain tensors and containers: nothing in an uploaded file is ever executed.
"""
from __future__ import annotations

import io
import pickle
import zipfile
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps, UnidentifiedImageError

from gan_core.data.typeset import frame_like_mnist

MAX_PIXELS = 16_000_000  # a 4000x4000 photo; anything larger is refused before decoding
FORMATS = {"PNG", "JPEG"}


class UploadRejected(ValueError):
    """An upload we will not use; the message says why, in words for a student."""


def read_image(data: bytes, mode: str = "RGB", max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Decode a PNG or JPEG into a Pillow image in `mode` ("RGB" or "L")."""
    if not data:
        raise UploadRejected("The file is empty.")
    try:
        img = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise UploadRejected("This file is not an image we can read: upload a PNG or JPEG.") from None
    except Image.DecompressionBombError:
        raise UploadRejected("This image is far too large (it looks like a decompression bomb).") from None
    if img.format not in FORMATS:
        raise UploadRejected(f"{img.format} images are not supported: upload a PNG or JPEG.")
    width, height = img.size
    if width * height > max_pixels:
        raise UploadRejected(f"This image is too large ({width}×{height} pixels; at most {max_pixels:,} pixels).")
    try:
        img.load()
    except (OSError, SyntaxError, ValueError) as exc:
        raise UploadRejected(f"The image file is truncated or corrupt ({exc}).") from None
    return ImageOps.exif_transpose(img).convert(mode)


def to_mnist(img: Image.Image) -> np.ndarray:
    """A 28×28 uint8 digit, white on black, framed as MNIST frames digits.

    A photo of a dark digit on light paper is inverted first and its background level removed.
    """
    gray = np.asarray(img.convert("L"), dtype=np.float32)
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    if border.mean() > 127:  # light background: invert to white-on-black
        gray = 255.0 - gray
    gray = np.clip(gray - np.percentile(gray, 50), 0, None)  # drop the background level
    if gray.max() <= 0:
        raise UploadRejected("The image is blank: no digit found.")
    return frame_like_mnist(gray)


def read_weights(data: bytes, filename: str) -> dict[str, torch.Tensor]:
    """Tensors from an uploaded `.safetensors` or `.pth` file, without running any of its code."""
    if not data:
        raise UploadRejected("The weights file is empty.")
    name = filename.lower()
    if name.endswith(".safetensors"):
        from safetensors.torch import load as load_safetensors

        try:
            return load_safetensors(data)
        except Exception as exc:  # safetensors raises several types for a bad header
            raise UploadRejected(f"This is not a valid .safetensors file ({exc}).") from None
    if name.endswith((".pth", ".pt")):
        try:
            obj = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
        except pickle.UnpicklingError as exc:
            raise UploadRejected(
                "Refused: this .pth file contains pickled Python objects other than tensors, which could run "
                f"code when loaded. Nothing from it was executed. ({str(exc).splitlines()[0]})") from None
        except (RuntimeError, EOFError, ValueError, OSError) as exc:
            raise UploadRejected(f"This .pth file is truncated or not a PyTorch weights file ({exc}).") from None
        if isinstance(obj, dict) and "state_dict" in obj and isinstance(obj["state_dict"], dict):
            obj = obj["state_dict"]
        if not isinstance(obj, dict) or not all(isinstance(v, torch.Tensor) for v in obj.values()):
            raise UploadRejected("This .pth file does not hold a state dict (a mapping of names to tensors).")
        return dict(obj)
    raise UploadRejected("Weights must be a .safetensors or .pth file.")


def read_digit_batch(path: str | Path) -> np.ndarray:
    """The uint8 (N, 28, 28) `images` array of an .npz file; UploadRejected, with the reason, for anything else."""
    path = Path(path)
    if not path.is_file():
        raise UploadRejected(f"{path} does not exist")
    with open(path, "rb") as f:
        if f.read(4) != b"PK\x03\x04":  # an .npz is a zip archive of .npy arrays
            raise UploadRejected(f"{path} is not an .npz file (np.savez(path, images=...) makes one)")
    try:
        with np.load(path, allow_pickle=False) as data:
            if "images" not in data.files:
                raise UploadRejected(f"{path} holds {sorted(data.files)}, not an array named `images`")
            images = data["images"]
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise UploadRejected(f"{path} is not a readable .npz file ({exc})") from None
    except ValueError as exc:
        if "allow_pickle" in str(exc):
            raise UploadRejected(f"{path} holds pickled objects, which are never loaded") from None
        raise
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28) or len(images) == 0:
        raise UploadRejected(f"the images must be uint8 N x 28 x 28 (white digits on black, as MNIST); {path} "
                             f"holds {images.dtype} {images.shape}")
    return images
