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
