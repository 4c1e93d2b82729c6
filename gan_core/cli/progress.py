"""A training run's progress on a terminal or in a log: a redrawn bar, or a plain line now and then."""
from __future__ import annotations

import math
import sys
import time


def say(text: str) -> None:
    """A message about the run: on stderr, so that stdout carries only results."""
    print(text, file=sys.stderr, flush=True)


def hms(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "--:--"
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60:02d}:{s % 60:02d}"


class Progress:
    """A one-line bar redrawn on a terminal; a plain line every `log_every` seconds in a log file."""

    def __init__(self, total: int, stream=None, log_every: float = 30.0):
        self.total, self.stream, self.log_every = max(1, total), stream or sys.stderr, log_every
        self.tty, self._last_log = self.stream.isatty(), 0.0

    def update(self, done: int, elapsed: float, rate: float, text: str, force: bool = False) -> None:
        frac = min(done / self.total, 1.0)
        eta = (self.total - done) / rate if rate > 0 else float("nan")
        line = (f"[{'#' * int(frac * 30):.<30}] {frac:6.1%} step {done}/{self.total} | {rate:5.2f} steps/s | "
                f"{hms(elapsed)} elapsed, ETA {hms(eta)} | {text}")
        if self.tty:
            self.stream.write("\r" + line[:200].ljust(200))
        elif force or time.monotonic() - self._last_log >= self.log_every:
            self.stream.write(line + "\n")
            self._last_log = time.monotonic()
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
