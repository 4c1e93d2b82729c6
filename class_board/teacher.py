"""The teacher's code: set when the server starts ($GAN_TEACHER_CODE; no code, no teacher page), compared in
constant time, with wrong tries rate-limited per session."""
from __future__ import annotations

import hmac
import os
import time

ENV_VAR = "GAN_TEACHER_CODE"
WRONG_TRIES, LOCKED_S = 5, 60.0  # after this many wrong codes in a row, a session waits this long


class TeacherGate:
    """One session's door to the teacher's page."""

    def __init__(self, code: str | None = None):
        self.code = os.environ.get(ENV_VAR, "") if code is None else code
        self.wrong, self.locked_until = 0, 0.0

    @property
    def enabled(self) -> bool:
        return bool(self.code)

    def try_code(self, given: str, now: float | None = None) -> str:
        """'ok', 'wrong', 'locked' (too many wrong tries: wait) or 'disabled' (no code was set)."""
        now = time.monotonic() if now is None else now
        if not self.enabled:
            return "disabled"
        if now < self.locked_until:
            return "locked"
        if hmac.compare_digest(str(given).encode(), self.code.encode()):
            self.wrong = 0
            return "ok"
        self.wrong += 1
        if self.wrong >= WRONG_TRIES:
            self.wrong, self.locked_until = 0, now + LOCKED_S
        return "wrong"
