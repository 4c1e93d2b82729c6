"""The class board's store: who joined which class, what each student's run is doing, which challenges they finished.

One code path for SQLite (a file, WAL mode: embedded, nothing to install) and PostgreSQL (`GAN_CLASS_DB` names one,
for replicas on several machines), through SQLAlchemy Core. Every replica behind the proxy reads and writes the
same rows, so a board survives a replica's restart and a student who reconnects keeps their entry.

What it trusts: a student writes only through the token `join` gave them, so nobody writes another's entry; a
challenge is recorded only with the engine's verdict (gan_core/challenges.py), never with a number from the page;
a nickname is checked before it is stored. Progress writes are small and at most one a second per student.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import threading
import time
import unicodedata
from dataclasses import asdict
from typing import Any

import sqlalchemy as sa

ENV_VAR = "GAN_CLASS_DB"
DEFAULT_URL = "sqlite:///logs/class_board.sqlite"
NICKNAME_MAX = 20
CLASS_CODE = re.compile(r"[A-Za-z0-9]{3,12}")
UPDATE_EVERY_S = 1.0  # at most one progress write a second per student
STATES = ("idle", "training", "diverged", "done")

metadata = sa.MetaData()
students = sa.Table(
    "students", metadata,
    sa.Column("class_code", sa.String(12), primary_key=True),
    sa.Column("nickname", sa.String(NICKNAME_MAX + 4), primary_key=True),
    sa.Column("token", sa.String(64), nullable=False, unique=True),
    sa.Column("lesson", sa.String(40), nullable=False, default=""),
    sa.Column("state", sa.String(10), nullable=False, default="idle"),
    sa.Column("step", sa.Integer, nullable=False, default=0),
    sa.Column("measure", sa.Float, nullable=True),  # the lesson's main measure
    sa.Column("updated", sa.Float, nullable=False),
)
classes = sa.Table(  # what the teacher chose to show the class
    "classes", metadata,
    sa.Column("class_code", sa.String(12), primary_key=True),
    sa.Column("show_results", sa.Boolean, nullable=False, default=False),
)
completions = sa.Table(
    "completions", metadata,
    sa.Column("class_code", sa.String(12), primary_key=True),
    sa.Column("nickname", sa.String(NICKNAME_MAX + 4), primary_key=True),
    sa.Column("challenge", sa.String(64), primary_key=True),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("measures", sa.Text, nullable=False),  # JSON: the verdict's measures
    sa.Column("settings", sa.Text, nullable=False),  # JSON: the settings the run trained with
    sa.Column("at", sa.Float, nullable=False),
)


class Refused(ValueError):
    """A request the store will not carry out; the message is a reason code (ui/words.py words it)."""


def check_nickname(raw: str) -> str:
    """The nickname as stored: trimmed, NFC, letters (any script), digits, spaces, '-', '_' and '.', 1-20
    characters. Markup, control characters and emoji are refused, not escaped."""
    name = unicodedata.normalize("NFC", str(raw)).strip()
    name = re.sub(r"\s+", " ", name)
    if not name:
        raise Refused("nickname_empty")
    if len(name) > NICKNAME_MAX:
        raise Refused("nickname_too_long")
    if not all(ch.isalnum() or ch in " -_." for ch in name):
        raise Refused("nickname_characters")
    return name


def check_class_code(raw: str) -> str:
    code = str(raw).strip().upper()
    if not CLASS_CODE.fullmatch(code):
        raise Refused("class_code")
    return code


class Store:
    """The board's rows in the database at `url` ($GAN_CLASS_DB, else a SQLite file under logs/)."""

    def __init__(self, url: str | None = None):
        url = url or os.environ.get(ENV_VAR) or DEFAULT_URL
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            os.makedirs(os.path.dirname(os.path.abspath(url[len("sqlite:///"):])), exist_ok=True)
        self.engine = sa.create_engine(url, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)
        self._last_write: dict[str, float] = {}  # token -> when its progress was last written (this process)
        self._lock = threading.Lock()

    # --- students -----------------------------------------------------------------------------------------
    def join(self, class_code: str, nickname: str) -> tuple[str, str]:
        """Enter the class: (the nickname as stored, with a suffix if taken, and the student's token)."""
        code, name = check_class_code(class_code), check_nickname(nickname)
        token = secrets.token_urlsafe(24)
        with self.engine.begin() as db:
            taken = {r.nickname for r in db.execute(sa.select(students.c.nickname)
                                                   .where(students.c.class_code == code))}
            stored, n = name, 2
            while stored in taken:
                stored, n = f"{name}-{n}", n + 1
            db.execute(students.insert().values(class_code=code, nickname=stored, token=token, lesson="",
                                                state="idle", step=0, measure=None, updated=time.time()))
        return stored, token

    def rejoin(self, token: str) -> tuple[str, str] | None:
        """(class code, nickname) of a token, for a student who reconnects; None if it is unknown."""
        with self.engine.connect() as db:
            row = db.execute(sa.select(students.c.class_code, students.c.nickname)
                             .where(students.c.token == token)).first()
        return None if row is None else (row.class_code, row.nickname)

    def update(self, token: str, lesson: str, state: str, step: int, measure: float | None) -> bool:
        """Write the student's progress, unless they wrote less than UPDATE_EVERY_S ago (then False)."""
        if state not in STATES:
            raise Refused("state")
        now = time.monotonic()
        with self._lock:
            if now - self._last_write.get(token, -UPDATE_EVERY_S) < UPDATE_EVERY_S:
                return False
            self._last_write[token] = now
        with self.engine.begin() as db:
            done = db.execute(students.update().where(students.c.token == token).values(
                lesson=lesson[:40], state=state, step=int(step), measure=None if measure is None else float(measure),
                updated=time.time())).rowcount
        if not done:
            raise Refused("unknown_student")
        return True

    def complete(self, token: str, challenge: str, verdict: Any, settings: dict[str, Any]) -> bool:
        """Record a finished challenge from the engine's Verdict (gan_core/challenges.py); the first one stays.
        Refused unless the verdict says done."""
        if not getattr(verdict, "done", False):
            raise Refused("not_done")
        who = self.rejoin(token)
        if who is None:
            raise Refused("unknown_student")
        row = dict(class_code=who[0], nickname=who[1], challenge=challenge, step=int(verdict.step),
                   measures=json.dumps(asdict(verdict)["measures"]), settings=json.dumps(settings, default=str),
                   at=time.time())
        with self.engine.begin() as db:
            if db.execute(sa.select(completions.c.step).where(
                    completions.c.class_code == who[0], completions.c.nickname == who[1],
                    completions.c.challenge == challenge)).first() is not None:
                return False
            db.execute(completions.insert().values(**row))
        return True

    # --- the teacher's view -------------------------------------------------------------------------------
    def board(self, class_code: str) -> list[dict[str, Any]]:
        """Every student of the class with their progress and the challenges they finished."""
        code = check_class_code(class_code)
        with self.engine.connect() as db:
            rows = db.execute(sa.select(students).where(students.c.class_code == code)
                              .order_by(students.c.nickname)).mappings().all()
            done = db.execute(sa.select(completions).where(completions.c.class_code == code)).mappings().all()
        finished: dict[str, list[str]] = {}
        for d in done:
            finished.setdefault(d["nickname"], []).append(d["challenge"])
        return [{k: r[k] for k in ("nickname", "lesson", "state", "step", "measure", "updated")}
                | {"challenges": sorted(finished.get(r["nickname"], []))} for r in rows]

    def results(self, class_code: str, challenge: str) -> list[dict[str, Any]]:
        """Who finished a challenge, in how many steps, with which settings (fewest steps first)."""
        code = check_class_code(class_code)
        with self.engine.connect() as db:
            rows = db.execute(sa.select(completions).where(completions.c.class_code == code,
                                                           completions.c.challenge == challenge)
                              .order_by(completions.c.step)).mappings().all()
        return [{"nickname": r["nickname"], "step": r["step"], "measures": json.loads(r["measures"]),
                 "settings": json.loads(r["settings"])} for r in rows]

    def steps_to_goal(self, class_code: str, challenge: str) -> list[int]:
        """The class's steps to the goal, without names: what students may see of each other."""
        return [r["step"] for r in self.results(class_code, challenge)]

    def show_results(self, class_code: str, show: bool) -> None:
        """The teacher's switch: whether students see the class's anonymous steps-to-goal (steps_to_goal)."""
        code = check_class_code(class_code)
        with self.engine.begin() as db:
            if db.execute(classes.update().where(classes.c.class_code == code).values(show_results=show)).rowcount == 0:
                db.execute(classes.insert().values(class_code=code, show_results=show))

    def shows_results(self, class_code: str) -> bool:
        code = check_class_code(class_code)
        with self.engine.connect() as db:
            return bool(db.execute(sa.select(classes.c.show_results).where(classes.c.class_code == code)).scalar())

    def reset(self, class_code: str) -> None:
        code = check_class_code(class_code)
        with self.engine.begin() as db:
            db.execute(classes.delete().where(classes.c.class_code == code))
            db.execute(completions.delete().where(completions.c.class_code == code))
            db.execute(students.delete().where(students.c.class_code == code))

    def csv(self, class_code: str) -> str:
        """The board as CSV (one row per student; challenges separated by spaces)."""
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["nickname", "lesson", "state", "step", "measure", "challenges"])
        for r in self.board(class_code):
            writer.writerow([r["nickname"], r["lesson"], r["state"], r["step"],
                             "" if r["measure"] is None else r["measure"], " ".join(r["challenges"])])
        return out.getvalue()


def _sqlite_pragmas(connection, _record) -> None:
    """WAL: readers do not wait for the writer, and the file stays consistent if a replica is killed."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
