"""Where the project's files live: one ROOT, so nothing depends on the working directory."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository: app.py, data/, pretrained/
PRETRAINED = ROOT / "pretrained"
DATA = ROOT / "data"
