"""The ResNet generator of the official CycleGAN code (Zhu et al. 2017), written from its description.

Layout (flat `model.N` keys, 48 tensors, 11,378,179 parameters for RGB, ngf 64, 9 blocks):
reflection-pad 3, conv 7×7 → 64, two stride-2 convs (128, 256), nine residual blocks of
[pad 1, conv 3×3, norm, ReLU, pad 1, conv 3×3, norm], two stride-2 transposed convs (128, 64),
reflection-pad 3, conv 7×7 → 3, tanh. Instance norm without affine parameters, so convs keep biases.
This lets teachers load the project's published `latest_net_G.pth` photo models.
"""
from __future__ import annotations

import torch
from torch import nn

# InstanceNorm buffers that checkpoints saved by old PyTorch versions carry; the layers have none.
STALE_NORM_KEYS = ("running_mean", "running_var", "num_batches_tracked")


class ResnetBlock(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3), nn.InstanceNorm2d(dim), nn.ReLU(True),
            nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3), nn.InstanceNorm2d(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv_block(x)


class ResnetGenerator(nn.Module):
    def __init__(self, in_channels: int = 3, out_channels: int = 3, ngf: int = 64, n_blocks: int = 9):
        super().__init__()
        layers: list[nn.Module] = [nn.ReflectionPad2d(3), nn.Conv2d(in_channels, ngf, 7), nn.InstanceNorm2d(ngf),
                                   nn.ReLU(True)]
        for i in range(2):
            c = ngf * 2**i
            layers += [nn.Conv2d(c, 2 * c, 3, stride=2, padding=1), nn.InstanceNorm2d(2 * c), nn.ReLU(True)]
        layers += [ResnetBlock(ngf * 4) for _ in range(n_blocks)]
        for i in range(2):
            c = ngf * 2 ** (2 - i)
            layers += [nn.ConvTranspose2d(c, c // 2, 3, stride=2, padding=1, output_padding=1),
                       nn.InstanceNorm2d(c // 2), nn.ReLU(True)]
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, out_channels, 7), nn.Tanh()]
        self.model = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)


class WeightsMismatch(ValueError):
    """A state dict that does not fit the official layout; the message lists what differs."""


def clean_state_dict(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Drop InstanceNorm running statistics and a DataParallel `module.` prefix."""
    out = {}
    for key, value in tensors.items():
        key = key.removeprefix("module.")
        if key.rsplit(".", 1)[-1] in STALE_NORM_KEYS:
            continue
        out[key] = value
    return out


def load_official(tensors: dict[str, torch.Tensor]) -> ResnetGenerator:
    """A ResnetGenerator holding the given official weights; raises WeightsMismatch if they do not fit."""
    tensors = clean_state_dict(tensors)
    probe = tensors.get("model.1.weight")
    in_ch = probe.shape[1] if probe is not None and probe.dim() == 4 else 3
    last = tensors.get("model.26.weight")
    out_ch = last.shape[0] if last is not None and last.dim() == 4 else 3
    ngf = probe.shape[0] if probe is not None and probe.dim() == 4 else 64
    net = ResnetGenerator(in_ch, out_ch, ngf)
    own = net.state_dict()
    missing = sorted(set(own) - set(tensors))
    unexpected = sorted(set(tensors) - set(own))
    wrong = [f"{k}: file {tuple(tensors[k].shape)} vs model {tuple(own[k].shape)}"
             for k in sorted(set(own) & set(tensors)) if tensors[k].shape != own[k].shape]
    if missing or unexpected or wrong:
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing (e.g. {', '.join(missing[:3])})")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected (e.g. {', '.join(unexpected[:3])})")
        if wrong:
            parts.append(f"{len(wrong)} with the wrong shape (e.g. {'; '.join(wrong[:2])})")
        raise WeightsMismatch("These weights do not fit the official CycleGAN ResNet generator (9 blocks): "
                              + "; ".join(parts) + ".")
    net.load_state_dict({k: v.float() for k, v in tensors.items()})
    return net.eval()


def photo_tensor(img, max_side: int = 512) -> torch.Tensor:
    """A PIL RGB photo as a (1, 3, H, W) tensor in [-1, 1], H and W multiples of 4, at most max_side."""
    import numpy as np
    from PIL import Image

    w, h = img.size
    scale = min(1.0, max_side / max(w, h))
    w, h = max(4, int(w * scale) // 4 * 4), max(4, int(h * scale) // 4 * 4)
    arr = np.asarray(img.convert("RGB").resize((w, h), Image.BICUBIC), dtype=np.float32)
    return torch.from_numpy(arr).permute(2, 0, 1).unsqueeze(0) / 127.5 - 1.0


def translate_photo(net: ResnetGenerator, img, max_side: int = 512):
    """Translate a PIL photo; returns a uint8 H×W×3 array."""
    with torch.no_grad():
        out = net(photo_tensor(img, max_side))[0]
    return ((out.permute(1, 2, 0).clamp(-1, 1) + 1) * 127.5).round().byte().numpy()
