"""Checkpoints: `NAME.safetensors` (weights) beside `NAME.json` (the model card).

Weights are stored with safetensors (a flat, typed tensor format: loading never unpickles, so
a checkpoint cannot run code). Several networks share one file under prefixes ("G.", "D.",
"model."). The card is plain JSON: architecture, preset, config, steps, epochs, wall time,
device, metrics, date. Both files are written atomically (temp file + rename), so a crash mid
write never leaves a half checkpoint under the real name.

Every load problem raises CheckpointError with a message that names the file and the fix.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import torch
from torch import nn

from gan_core.io.paths import PRETRAINED

SUFFIX = ".safetensors"
CARD_SUFFIX = ".json"
FORMAT = "gan-classroom-checkpoint/1"


class CheckpointError(RuntimeError):
    """A missing, truncated, wrong-format or wrong-shape checkpoint."""


def paths(name: str | Path) -> tuple[Path, Path]:
    """(weights path, card path) for 'pretrained/dcgan_mnist' (with or without a suffix)."""
    p = Path(name)
    if p.suffix in (SUFFIX, CARD_SUFFIX):
        p = p.with_suffix("")
    return p.with_name(p.name + SUFFIX), p.with_name(p.name + CARD_SUFFIX)


def resolve(name: str) -> Path:
    """A checkpoint name: a path (with or without suffix), or a name under pretrained/."""
    p = Path(name)
    weights, card = paths(p)
    return p if weights.exists() or card.exists() or p.parent != Path(".") else PRETRAINED / p.name


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600 files; checkpoints are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def state_tensors(modules: dict[str, nn.Module]) -> dict[str, torch.Tensor]:
    """Flat {prefix.key: tensor} of the modules' state dicts, contiguous on the CPU."""
    return {f"{prefix}.{key}": value.detach().cpu().contiguous().clone()
            for prefix, module in modules.items() for key, value in module.state_dict().items()}


def save(name: str | Path, modules: dict[str, nn.Module], card: dict[str, Any],
         dtype: torch.dtype | None = None) -> tuple[Path, Path]:
    """Write the modules' weights and card atomically; returns their paths. `dtype` (e.g. float16) shrinks files."""
    return write(name, state_tensors(modules), {**card, "modules": sorted(modules)}, dtype)


def write(name: str | Path, tensors: dict[str, torch.Tensor], card: dict[str, Any],
          dtype: torch.dtype | None = None) -> tuple[Path, Path]:
    """Write flat tensors (as read_tensors returns them) and their card atomically, floats cast to `dtype`."""
    from safetensors.torch import save_file

    weights_path, card_path = paths(name)
    if dtype is not None:
        tensors = {k: t.to(dtype) if t.is_floating_point() else t for k, t in tensors.items()}
    card = {**card, "format": FORMAT, "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "storage_dtype": str(dtype or "as trained").replace("torch.", "")}
    _atomic_write(weights_path, lambda tmp: save_file(tensors, tmp, metadata={"format": FORMAT}))
    _atomic_write(card_path, lambda tmp: Path(tmp).write_text(json.dumps(card, indent=2, default=_json_default) + "\n"))
    return weights_path, card_path


def _json_default(obj):
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if isinstance(obj, (set, tuple)):
        return list(obj)
    return str(obj)


def read_card(name: str | Path) -> dict[str, Any]:
    _, card_path = paths(name)
    if not card_path.is_file():
        raise CheckpointError(f"model card {card_path} is missing (every checkpoint has a .json card beside its "
                              f"{SUFFIX} file); re-create it with `python -m gan_core train ...`")
    try:
        card = json.loads(card_path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"model card {card_path} is not valid JSON ({exc}); the file is truncated or "
                              f"corrupt") from None
    if not isinstance(card, dict) or card.get("format") != FORMAT:
        found = card.get("format") if isinstance(card, dict) else None
        raise CheckpointError(f"model card {card_path} is not a GAN Classroom card (format {found!r}, "
                              f"expected {FORMAT!r})")
    return card


def update_card(name: str | Path, **fields: Any) -> dict[str, Any]:
    """Merge fields into an existing card (atomically)."""
    card = read_card(name)
    card.update(fields)
    _, card_path = paths(name)
    _atomic_write(card_path, lambda tmp: Path(tmp).write_text(json.dumps(card, indent=2, default=_json_default) + "\n"))
    return card


def record_metrics(name: str | Path, metrics: dict[str, Any]) -> Path:
    """Store a complete evaluation in a checkpoint's card (its bars too, where the family has them)."""
    bars = {"bars_met": metrics["bars_met"]} if "bars_met" in metrics else {}
    update_card(name, metrics=metrics, partial=False, **bars)
    return paths(name)[1]


def read_tensors(name: str | Path) -> dict[str, torch.Tensor]:
    """All tensors of a checkpoint, with safetensors (no pickle)."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    weights_path, _ = paths(name)
    if not weights_path.is_file():
        raise CheckpointError(f"checkpoint {weights_path} is missing; train one with `python -m gan_core train ...` "
                              f"or restore it from the repository")
    size = weights_path.stat().st_size
    try:
        with open(weights_path, "rb") as f:
            head = f.read(8)
        if len(head) < 8:
            raise CheckpointError(f"checkpoint {weights_path} is truncated ({size} bytes); it is not a complete "
                                  f"{SUFFIX} file")
        header_len = int.from_bytes(head, "little")
        if header_len <= 0 or header_len > min(size - 8, 100_000_000):
            raise CheckpointError(f"checkpoint {weights_path} is not a {SUFFIX} file (bad header length); "
                                  f"it may be a pickle (.pt) or another format, which is never loaded")
        return load_file(str(weights_path))
    except CheckpointError:
        raise
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise CheckpointError(f"checkpoint {weights_path} is truncated or not a valid {SUFFIX} file ({exc})") from None


def module_states(name: str | Path, expected: dict[str, dict[str, torch.Tensor]]) -> dict[str, dict[str, torch.Tensor]]:
    """Each network's state dict from a checkpoint, checked against the keys and shapes of `expected`
    (the networks' current state dicts): a checkpoint of another architecture or preset is refused."""
    weights_path, _ = paths(name)
    tensors = read_tensors(name)
    states = {}
    for prefix, own in expected.items():
        sub = {k[len(prefix) + 1:]: v for k, v in tensors.items() if k.startswith(prefix + ".")}
        missing = sorted(set(own) - set(sub))
        extra = sorted(set(sub) - set(own))
        if missing or extra:
            raise CheckpointError(f"checkpoint {weights_path} does not match the {prefix} network: "
                                  f"missing {missing[:5]}, unexpected {extra[:5]}; was it saved from another "
                                  f"architecture or preset?")
        for key, value in sub.items():
            if tuple(value.shape) != tuple(own[key].shape):
                raise CheckpointError(f"checkpoint {weights_path}: {prefix}.{key} has shape {tuple(value.shape)}, "
                                      f"the {prefix} network expects {tuple(own[key].shape)} (wrong preset or size?)")
        states[prefix] = {k: v.to(own[k].dtype) for k, v in sub.items()}
    return states


def load_into(name: str | Path, modules: dict[str, nn.Module]) -> None:
    """Load a checkpoint into modules built with the matching architecture."""
    for prefix, state in module_states(name, {k: m.state_dict() for k, m in modules.items()}).items():
        modules[prefix].load_state_dict(state)


def to_bytes(modules: dict[str, nn.Module], metadata: dict[str, str] | None = None) -> bytes:
    """The weights as .safetensors bytes (for a download button)."""
    from safetensors.torch import save

    return save(state_tensors(modules), metadata={"format": FORMAT, **(metadata or {})})
