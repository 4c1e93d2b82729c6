"""Domain B for the CycleGAN lesson: typeset digits rendered offline, 28×28, white on black.

Fonts: Pillow's bundled scalable font plus twenty open-licence faces committed in gan_core/fonts
(with their licences). Each digit gets a random font, size, stroke width, rotation, shear and offset,
then is framed as MNIST frames its digits (ink in a 20×20 box, centre of mass at the centre).
The same seed always renders the same digits; labels are balanced and kept for evaluation only.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path(__file__).resolve().parents[1] / "fonts"
# Open-licence print faces (gan_core/fonts/LICENSE.md). Several of them draw the 4 open and the 9 with a
# straight stem, as most people write them: with only closed 4s in domain B, a handwritten 4 is nearer
# to a typeset 9 than to a typeset 4, and CycleGAN learns to swap them.
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansMono-Bold.ttf", "LiberationSans-Regular.ttf",
              "LiberationSerif-Regular.ttf", "Roboto-Regular.ttf", "ClearSans-Regular.ttf", "Cantarell-Regular.otf",
              "Cabin-Regular.otf", "Karla-Regular.otf", "LeagueSpartan-Regular.otf", "OSP-DIN.ttf",
              "Go-Regular.ttf", "B612-Regular.otf", "Jura-Regular.otf", "Sora-Regular.otf",
              "Comfortaa-Regular.ttf", "Quicksand-Regular.ttf", "Manrope-Regular.ttf", "routed-gothic.ttf")
CANVAS = 64


@lru_cache(maxsize=None)
def _font(index: int, size: int) -> ImageFont.FreeTypeFont:
    if index == 0:
        return ImageFont.load_default(size=size)  # Pillow's bundled scalable font
    return ImageFont.truetype(str(FONT_DIR / FONT_FILES[index - 1]), size)


N_FONTS = 1 + len(FONT_FILES)


def frame_like_mnist(gray: np.ndarray) -> np.ndarray:
    """Fit the ink of a white-on-black image in a 20×20 box, centre its mass in 28×28 (uint8)."""
    gray = np.asarray(gray, dtype=np.float32)
    if gray.max() <= 0:
        return np.zeros((28, 28), np.uint8)
    ys, xs = np.nonzero(gray > 0.2 * gray.max())
    crop = gray[ys.min(): ys.max() + 1, xs.min(): xs.max() + 1]
    scale = 20.0 / max(crop.shape)
    size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
    small = np.asarray(Image.fromarray(crop / crop.max() * 255).convert("L").resize(size, Image.LANCZOS), np.float32)
    canvas = np.zeros((28, 28), np.float32)
    top, left = (28 - small.shape[0]) // 2, (28 - small.shape[1]) // 2
    canvas[top: top + small.shape[0], left: left + small.shape[1]] = small
    total = canvas.sum()
    cy = (canvas.sum(1) * np.arange(28)).sum() / total
    cx = (canvas.sum(0) * np.arange(28)).sum() / total
    canvas = np.roll(canvas, (round(13.5 - cy), round(13.5 - cx)), axis=(0, 1))
    return np.clip(canvas, 0, 255).astype(np.uint8)


def render_digit(digit: int, rng: np.random.Generator) -> np.ndarray:
    """One typeset digit with random style, as a 28×28 uint8 array."""
    font = _font(int(rng.integers(N_FONTS)), int(rng.integers(30, 44)))
    stroke = int(rng.integers(0, 3))
    img = Image.new("L", (CANVAS, CANVAS), 0)
    draw = ImageDraw.Draw(img)
    offset = rng.uniform(-4, 4, size=2)
    draw.text((CANVAS / 2 + offset[0], CANVAS / 2 + offset[1]), str(int(digit)), fill=255, font=font,
              anchor="mm", stroke_width=stroke, stroke_fill=255)
    shear = rng.uniform(-0.3, 0.3)
    c = CANVAS / 2
    img = img.transform(img.size, Image.AFFINE, (1, shear, -shear * c, 0, 1, 0), resample=Image.BILINEAR)
    img = img.rotate(rng.uniform(-15, 15), resample=Image.BILINEAR)
    return frame_like_mnist(np.asarray(img))


def typeset_digits(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n rendered digits (uint8, n×28×28) and their labels, balanced over 0-9, deterministic per seed."""
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % 10).astype(np.int64)
    images = np.stack([render_digit(d, rng) for d in labels]) if n else np.zeros((0, 28, 28), np.uint8)
    return images, labels
