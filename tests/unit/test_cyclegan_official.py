"""The official CycleGAN ResNet generator: key layout, parameter count, tolerant and strict loading."""
import numpy as np
import pytest
import torch
from PIL import Image

from gan_core.families.cyclegan.official import (
    ResnetGenerator,
    WeightsMismatch,
    load_official,
    translate_photo,
)


def official_layout_state_dict() -> dict[str, torch.Tensor]:
    """A state dict built from the layout description alone (not from our module)."""
    sd, ngf = {}, 64

    def conv(i, cin, cout, k, transposed=False):
        sd[f"model.{i}.weight"] = torch.randn((cin, cout, k, k) if transposed else (cout, cin, k, k)) * 0.01
        sd[f"model.{i}.bias"] = torch.zeros(cout)

    def old_norm_buffers(prefix, c):  # what checkpoints from old PyTorch versions carry
        sd[f"{prefix}.running_mean"], sd[f"{prefix}.running_var"] = torch.zeros(c), torch.ones(c)
        sd[f"{prefix}.num_batches_tracked"] = torch.tensor(0)

    conv(1, 3, ngf, 7)
    old_norm_buffers("model.2", ngf)
    conv(4, ngf, 2 * ngf, 3)
    conv(7, 2 * ngf, 4 * ngf, 3)
    for b in range(9):
        for j in (1, 5):
            sd[f"model.{10 + b}.conv_block.{j}.weight"] = torch.randn(256, 256, 3, 3) * 0.01
            sd[f"model.{10 + b}.conv_block.{j}.bias"] = torch.zeros(256)
        old_norm_buffers(f"model.{10 + b}.conv_block.2", 256)
    conv(19, 4 * ngf, 2 * ngf, 3, transposed=True)
    conv(22, 2 * ngf, ngf, 3, transposed=True)
    conv(26, ngf, 3, 7)
    return sd


def test_layout_matches_the_official_description():
    net = ResnetGenerator()
    sd = net.state_dict()
    assert len(sd) == 48
    assert sum(v.numel() for v in sd.values()) == 11_378_179
    official = {k: v for k, v in official_layout_state_dict().items()
                if not k.endswith(("running_mean", "running_var", "num_batches_tracked"))}
    assert {k: tuple(v.shape) for k, v in sd.items()} == {k: tuple(v.shape) for k, v in official.items()}


def test_official_checkpoint_with_stale_norm_buffers_loads_and_translates():
    sd = official_layout_state_dict()
    net = load_official(sd)
    assert torch.equal(net.state_dict()["model.26.weight"], sd["model.26.weight"])
    photo = Image.fromarray(np.random.default_rng(0).integers(0, 255, (70, 90, 3), np.uint8))
    out = translate_photo(net, photo, max_side=64)
    assert out.shape == (48, 64, 3) and out.dtype == np.uint8  # resized to multiples of 4, longest side 64


def test_mismatched_weights_are_reported_clearly():
    sd = official_layout_state_dict()
    del sd["model.13.conv_block.5.weight"]
    sd["model.99.weight"] = torch.zeros(1)
    sd["model.4.weight"] = torch.zeros(128, 64, 5, 5)
    with pytest.raises(WeightsMismatch) as err:
        load_official(sd)
    text = str(err.value)
    assert "1 missing" in text and "model.13.conv_block.5.weight" in text
    assert "1 unexpected" in text and "model.99.weight" in text
    assert "wrong shape" in text and "model.4.weight" in text
