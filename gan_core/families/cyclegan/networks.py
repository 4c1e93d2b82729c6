"""CycleGAN's networks for 28x28 digits: two generators (U-Net or ResNet) and two PatchGAN discriminators."""
from __future__ import annotations

import torch
from torch import nn

from gan_core.eval.domain_judge import blur_ink, gaussian_kernel

DIRECTIONS = ("AB", "BA")  # AB: handwritten -> typeset, BA: typeset -> handwritten


def _norm(c: int) -> nn.Module:
    return nn.InstanceNorm2d(c, affine=True)


class ResBlock(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(c, c, 3, padding=1, padding_mode="reflect"), _norm(c), nn.ReLU(True),
                                  nn.Conv2d(c, c, 3, padding=1, padding_mode="reflect"), _norm(c))

    def forward(self, x):
        return x + self.body(x)


class DigitGenerator(nn.Module):
    """Encoder-decoder for 28×28: 28 → 14 → 7, residual blocks, 7 → 14 → 28.

    skips=True: U-Net skips carry the 28×28 and 14×14 features past the bottleneck, so copying the
    input is easy and G edits it locally. skips=False: the official CycleGAN ResNet layout (no skips),
    so every output is redrawn from the 7×7 code."""

    def __init__(self, width: int = 32, blocks: int = 3, skips: bool = True):
        super().__init__()
        w = width
        self.skips = skips
        k = 2 if skips else 1  # the decoder's inputs are twice as wide where a skip joins them
        self.inp = nn.Sequential(nn.Conv2d(1, w, 3, padding=1, padding_mode="reflect"), _norm(w), nn.ReLU(True))
        self.down1 = nn.Sequential(nn.Conv2d(w, 2 * w, 4, 2, 1), _norm(2 * w), nn.ReLU(True))
        self.down2 = nn.Sequential(nn.Conv2d(2 * w, 4 * w, 4, 2, 1), _norm(4 * w), nn.ReLU(True))
        self.res = nn.Sequential(*[ResBlock(4 * w) for _ in range(blocks)])
        self.up1 = nn.Sequential(nn.ConvTranspose2d(4 * w, 2 * w, 4, 2, 1), _norm(2 * w), nn.ReLU(True))
        self.up2 = nn.Sequential(nn.ConvTranspose2d(k * 2 * w, w, 4, 2, 1), _norm(w), nn.ReLU(True))
        self.out = nn.Conv2d(k * w, 1, 3, padding=1, padding_mode="reflect")

    def forward(self, x):
        h0 = self.inp(x)
        h1 = self.down1(h0)
        h = self.up1(self.res(self.down2(h1)))
        if not self.skips:
            return torch.tanh(self.out(self.up2(h)))
        h = self.up2(torch.cat([h, h1], 1))
        return torch.tanh(self.out(torch.cat([h, h0], 1)))


PATCHES = {"large": 26, "small": 12}  # receptive field of one score, in pixels of the 28×28 input


class PatchDiscriminator(nn.Module):
    """PatchGAN: a map of real/fake scores, each judging an overlapping patch of the input.

    "large": a 7×7 map of 26-pixel patches — nearly the whole digit, so D also judges its shape.
    "small": a 14×14 map of 12-pixel patches — strokes, corners and serifs: D judges the style,
    which leaves the shape (the digit) to the cycle loss."""

    def __init__(self, width: int = 32, patch: str = "large", blur: float = 0.0):
        super().__init__()
        w = width
        # blur > 0: D sees its input through a fixed Gaussian blur of that std (px), like the domain judge,
        # so a faint texture cannot fool it and only a change of shape can
        self.register_buffer("blur", gaussian_kernel(blur) if blur > 0 else torch.zeros(0), persistent=False)
        if patch not in PATCHES:
            raise ValueError(f"patch must be one of {sorted(PATCHES)}, got {patch!r}")
        second = nn.Conv2d(w, 2 * w, 4, 2, 1) if patch == "large" else nn.Conv2d(w, 2 * w, 3, 1, 1)
        self.net = nn.Sequential(
            nn.Conv2d(1, w, 4, 2, 1), nn.LeakyReLU(0.2, True),
            second, _norm(2 * w), nn.LeakyReLU(0.2, True),
            nn.Conv2d(2 * w, 4 * w, 3, 1, 1), _norm(4 * w), nn.LeakyReLU(0.2, True),
            nn.Conv2d(4 * w, 1, 3, 1, 1) if patch == "large" else nn.Conv2d(4 * w, 1, 1))

    def forward(self, x):
        if self.blur.numel():
            x = blur_ink(x, self.blur)
        return self.net(x)


class GeneratorPair(nn.Module):
    """G_AB (handwritten -> typeset) and G_BA, held together so that a checkpoint stores both."""

    def __init__(self, width: int, blocks: int, skips: bool = True):
        super().__init__()
        self.AB, self.BA = DigitGenerator(width, blocks, skips), DigitGenerator(width, blocks, skips)


class DiscriminatorPair(nn.Module):
    """D_A (judges handwriting) and D_B (judges type), held together so that a checkpoint stores both."""

    def __init__(self, width: int, patch: str = "large", blur: float = 0.0):
        super().__init__()
        self.A, self.B = PatchDiscriminator(width, patch, blur), PatchDiscriminator(width, patch, blur)


