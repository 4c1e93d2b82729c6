"""A short CLI run, then the same run resumed: the helper behind every family's resume test."""
import json
from pathlib import Path

from gan_core.cli import main


def train_then_resume(model: str, folder: Path, epochs: tuple[float, float], *flags: str) -> tuple[dict, dict]:
    """(the first run's card, the resumed run's card) of `train MODEL` to epochs[0], then on to epochs[1]."""
    out = str(folder / "run")
    common = [*flags, "--threads", "1", "--out", out]
    assert main(["train", model, "--epochs", str(epochs[0]), *common]) == 0
    first = json.loads((folder / "run.json").read_text())
    assert main(["train", model, "--epochs", str(epochs[1]), "--resume", out, *common]) == 0
    return first, json.loads((folder / "run.json").read_text())
