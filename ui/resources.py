"""Process-wide, read-only resources, created once and shared by every session."""
from __future__ import annotations

import streamlit as st
import torch

from gan_core.device import configure_threads, describe, pick_device


@st.cache_resource
def training_device() -> torch.device:
    configure_threads()
    return pick_device()


def device_label() -> str:
    return describe(training_device())


@st.cache_resource
def pretrained_generator(name: str):
    """(LatentModel, None), or (None, why) when the weights are missing or broken; loaded once per process.

    Shared by every session and never modified (eval mode, no gradients)."""
    from gan_core.io import checkpoints
    from gan_core.latent import LatentModel

    try:
        return LatentModel.load(name), None
    except checkpoints.CheckpointError as exc:
        return None, str(exc)


@st.cache_resource
def digit_classifier():
    """The shipped MNIST classifier as an Evaluator (the process's one copy), or None when its weights are missing
    or broken."""
    from gan_core.eval.evaluator import shipped
    from gan_core.io import checkpoints

    try:
        return shipped()
    except checkpoints.CheckpointError:
        return None


@st.cache_resource
def cyclegan(name: str):
    """(G pair, D pair, card), or (None, None, why) when the weights are missing or broken; loaded once."""
    from gan_core.families.cyclegan.trainer import load_cyclegan
    from gan_core.io import checkpoints

    try:
        return load_cyclegan(name)
    except checkpoints.CheckpointError as exc:
        return None, None, str(exc)


@st.cache_resource
def domain_judge():
    """(the shipped domain judge, its card), or (None, None) when its weights are missing or broken."""
    from gan_core.eval.domain_judge import load_judge
    from gan_core.io import checkpoints

    try:
        return load_judge()
    except checkpoints.CheckpointError:
        return None, None


@st.cache_resource
def digit_reader(name: str):
    """A shipped digit reader (eval mode), or None when its weights are missing or broken."""
    from gan_core.eval.readers import load_reader
    from gan_core.io import checkpoints

    try:
        return load_reader(name)
    except checkpoints.CheckpointError:
        return None


def require_mnist(*splits: str) -> None:
    """Stop the page with a clear message when the MNIST files it needs are missing or corrupt.

    Only the page that needs the digits stops; every other lesson works as before."""
    from gan_core.data.mnist import MNISTError, load_mnist

    try:
        for split in splits or ("train", "test"):
            load_mnist(split)  # cached after the first success
    except MNISTError as exc:
        st.error(f"This lesson needs the MNIST digits, and they cannot be read: {exc}. The other lessons still "
                 f"work.", icon=":material/error:")
        st.stop()


@st.cache_resource
def shipped_samples(name: str, n: int = 64, seed: int = 1):
    """uint8 samples of a shipped generator (any family that samples), made once per process; None when its
    weights are missing or broken."""
    from gan_core.families import registry
    from gan_core.io import checkpoints

    try:
        nets, card = registry.load(name)
    except checkpoints.CheckpointError:
        return None
    return registry.get(card.kind).sample(nets, card, n, seed)["images"]
