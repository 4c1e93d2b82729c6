"""The app starter and browser finder that the browser tests use too (scripts/), for the bench scripts.

Run as `python bench/x.py`, Python puts bench/ on sys.path, not the repository root, and scripts/ is
not part of the installed package: so this one module loads them by their paths, and the bench scripts
`from app_server import streamlit_server` (or `ensure_browser`).
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"scripts.{name}", ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


streamlit_server = _load("streamlit_server")
ensure_browser = _load("ensure_browser")
