"""safetensors + JSON card: round trip, atomic writes, and clear errors (never unpickling)."""
import json
import pickle

import pytest
import torch

from gan_core.families.dcgan import networks as dcgan
from gan_core.io import checkpoints
from gan_core.io.checkpoints import CheckpointError


def _save_tiny(tmp_path, seed=0):
    torch.manual_seed(seed)
    G, D = dcgan.build("tiny")
    name = tmp_path / "model"
    checkpoints.save(name, {"G": G, "D": D}, {"kind": "dcgan", "preset": "tiny", "steps": 7})
    return name, G, D


def test_round_trip_restores_identical_weights_and_card(tmp_path):
    name, G, D = _save_tiny(tmp_path)
    G2, D2 = dcgan.build("tiny")
    checkpoints.load_into(name, {"G": G2, "D": D2})
    for a, b in ((G, G2), (D, D2)):
        for (k, v), (k2, v2) in zip(a.state_dict().items(), b.state_dict().items()):
            assert k == k2 and torch.equal(v, v2)
    card = checkpoints.read_card(name)
    assert card["steps"] == 7 and card["format"] == checkpoints.FORMAT and card["modules"] == ["D", "G"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json", "model.safetensors"]  # no temp files left


def test_a_halved_checkpoint_is_half_the_size_and_loads_back_into_float32_networks(tmp_path):
    """scripts/halve_checkpoint.py (runs in progress committed to training/): float16 on disk, same card."""
    from scripts.halve_checkpoint import halve

    name, G, D = _save_tiny(tmp_path)
    halve(str(name), str(tmp_path / "half"))
    G2, D2 = dcgan.build("tiny")
    checkpoints.load_into(tmp_path / "half", {"G": G2, "D": D2})
    for a, b in ((G, G2), (D, D2)):
        for v, v2 in zip(a.state_dict().values(), b.state_dict().values()):
            assert v2.dtype == v.dtype and torch.allclose(v.float(), v2.float(), rtol=1e-3, atol=1e-4)
    size = lambda stem: checkpoints.paths(tmp_path / stem)[0].stat().st_size  # noqa: E731
    assert size("half") < 0.6 * size("model")
    card = checkpoints.read_card(tmp_path / "half")
    assert card["storage_dtype"] == "float16" and card["steps"] == 7


def test_missing_files_are_named(tmp_path):
    with pytest.raises(CheckpointError, match="nothing.safetensors is missing"):
        checkpoints.load_into(tmp_path / "nothing", {"G": dcgan.build_generator("tiny")})
    with pytest.raises(CheckpointError, match="nothing.json is missing"):
        checkpoints.read_card(tmp_path / "nothing")


def test_truncated_file_gives_clear_error(tmp_path):
    name, _, _ = _save_tiny(tmp_path)
    path = checkpoints.paths(name)[0]
    path.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(CheckpointError, match="truncated or not a valid .safetensors"):
        checkpoints.load_into(name, {"G": dcgan.build_generator("tiny")})
    path.write_bytes(b"\x01\x02")
    with pytest.raises(CheckpointError, match="truncated"):
        checkpoints.read_tensors(name)


def test_pickle_is_refused_not_loaded(tmp_path):
    class Boom:
        def __reduce__(self):
            return (exec, ("import pathlib; pathlib.Path('PWNED').write_text('x')",))

    path = tmp_path / "evil.safetensors"
    path.write_bytes(pickle.dumps({"G.weight": Boom()}))
    with pytest.raises(CheckpointError, match="not a .safetensors file|not a valid"):
        checkpoints.read_tensors(tmp_path / "evil")
    assert not (tmp_path / "PWNED").exists()


def test_wrong_shape_and_wrong_architecture(tmp_path):
    name, _, _ = _save_tiny(tmp_path)
    with pytest.raises(CheckpointError, match="missing|shape"):
        checkpoints.load_into(name, {"G": dcgan.build_generator("small")})
    # same keys, different widths: a shape error that names the tensor
    tensors = checkpoints.read_tensors(name)
    tensors["G.0.weight"] = torch.zeros(3, 3)
    from safetensors.torch import save_file
    save_file(tensors, str(checkpoints.paths(name)[0]))
    with pytest.raises(CheckpointError, match=r"G\.0\.weight has shape \(3, 3\)"):
        checkpoints.load_into(name, {"G": dcgan.build_generator("tiny")})


def test_bad_card_gives_clear_error(tmp_path):
    name, _, _ = _save_tiny(tmp_path)
    card = checkpoints.paths(name)[1]
    card.write_text('{"format": "gan-cl')
    with pytest.raises(CheckpointError, match="not valid JSON"):
        checkpoints.read_card(name)
    card.write_text(json.dumps({"format": "something else"}))
    with pytest.raises(CheckpointError, match="not a GAN Classroom card"):
        checkpoints.read_card(name)


def test_failed_write_keeps_the_old_checkpoint(tmp_path, monkeypatch):
    name, G, D = _save_tiny(tmp_path)
    before = checkpoints.paths(name)[0].read_bytes()

    def broken(tensors, path, metadata=None):
        open(path, "wb").write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr("safetensors.torch.save_file", broken)
    with pytest.raises(OSError):
        checkpoints.save(name, {"G": G, "D": D}, {"kind": "dcgan"})
    assert checkpoints.paths(name)[0].read_bytes() == before
    assert not list(tmp_path.glob("*.tmp"))
