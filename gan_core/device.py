"""Pick the training device: CUDA, then Apple MPS, then CPU; GAN_DEVICE overrides."""
from __future__ import annotations

import os

import torch

ENV_VAR = "GAN_DEVICE"


def pick_device(preferred: str | None = None) -> torch.device:
    """Return the best available device, or the one named by `preferred` / $GAN_DEVICE.

    An override that names an unavailable device raises ValueError with the reason, rather than
    silently training somewhere else.
    """
    name = (preferred or os.environ.get(ENV_VAR, "")).strip().lower()
    if name:
        if name.startswith("cuda") and not torch.cuda.is_available():
            raise ValueError(f"{ENV_VAR}={name!r} but no CUDA GPU is available")
        if name == "mps" and not _mps_available():
            raise ValueError(f"{ENV_VAR}={name!r} but Apple MPS is not available")
        try:
            return torch.device(name)
        except RuntimeError as exc:
            raise ValueError(f"{ENV_VAR}={name!r} is not a device torch knows: {exc}") from None
    if torch.cuda.is_available():
        return torch.device("cuda")
    if _mps_available():
        return torch.device("mps")
    return torch.device("cpu")


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend and backend.is_available())


def describe(device: torch.device | None = None) -> str:
    """Human-readable name, e.g. 'NVIDIA H100 (CUDA)' or 'CPU (2 threads)'."""
    device = device or pick_device()
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)} (CUDA)"
    if device.type == "mps":
        return "Apple GPU (MPS)"
    n = torch.get_num_threads()
    return f"CPU ({n} thread{'s' if n != 1 else ''})"


THREADS_VAR = "GAN_TORCH_THREADS"


def configure_threads(default: int = 1) -> int:
    """Set torch's intra-op CPU threads from $GAN_TORCH_THREADS, else to `default`.

    One thread is the deliberate default for the app: a server runs many students' trainers
    at once, and multi-threaded ops then fight over the cores. Measured on a busy 2-core
    machine, the 1-D trainer ran 28 iterations/s with 1 thread and 2 with 2 threads. A
    single user on a many-core machine can raise it (GAN_TORCH_THREADS=8).
    """
    value = os.environ.get(THREADS_VAR, "").strip()
    try:
        threads = int(value) if value else default
    except ValueError:
        raise ValueError(f"{THREADS_VAR}={value!r} is not a whole number of threads") from None
    torch.set_num_threads(max(1, threads))
    return torch.get_num_threads()
