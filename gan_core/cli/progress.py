"""A training run's progress on a terminal or in a log: a redrawn bar, or a plain line now and then."""
from __future__ import annotations

import sys
import time

import numpy as np


def hms(seconds: float) -> str:
    if not np.isfinite(seconds):
        return "--:--"
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60:02d}:{s % 60:02d}"


class Progress:
    """A one-line progress bar on a terminal; one plain line every `log_every` seconds otherwise."""

    def __init__(self, total: int, stream=None, log_every: float = 30.0):
        self.total, self.stream = max(1, total), stream or sys.stderr
        self.tty = self.stream.isatty()
        self.log_every = log_every
        self._last_log = 0.0

    def update(self, done: int, elapsed: float, rate: float, text: str, force: bool = False) -> None:
        frac = min(done / self.total, 1.0)
        eta = (self.total - done) / rate if rate > 0 else float("nan")
        bar = "#" * int(frac * 30) + "." * (30 - int(frac * 30))
        line = (f"[{bar}] {frac:6.1%} step {done}/{self.total} | {rate:5.2f} steps/s | "
                f"{hms(elapsed)} elapsed, ETA {hms(eta)} | {text}")
        now = time.monotonic()
        if self.tty:
            self.stream.write("\r" + line[:200].ljust(200))
            self.stream.flush()
        elif force or now - self._last_log >= self.log_every:
            self.stream.write(line + "\n")
            self.stream.flush()
            self._last_log = now

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
