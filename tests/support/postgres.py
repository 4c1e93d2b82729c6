"""A throwaway PostgreSQL server for the class board's tests: a new cluster in a temporary folder, reached over
a Unix socket there (no TCP port, nothing left behind). Debian's server programs, run as the postgres user
when the tests run as root (PostgreSQL refuses to run as root)."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager


def server_programs() -> str | None:
    """The folder with initdb and pg_ctl (Debian: /usr/lib/postgresql/<version>/bin), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return os.path.dirname(found[-1])
    path = shutil.which("pg_ctl")
    return os.path.dirname(path) if path and shutil.which("initdb") else None


@contextmanager
def temporary_server():
    """Yield an SQLAlchemy URL of a fresh PostgreSQL server; stop and delete it afterwards."""
    bin_dir = server_programs()
    if bin_dir is None:
        raise RuntimeError("no PostgreSQL server programs (scripts/ensure_postgres.py installs them)")
    folder = tempfile.mkdtemp(prefix="gan-pg-")
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_user:
        shutil.chown(folder, "postgres")
    data = os.path.join(folder, "data")
    run = lambda *cmd: subprocess.run([*as_user, *cmd], check=True, capture_output=True, text=True)  # noqa: E731
    try:
        run(f"{bin_dir}/initdb", "-D", data, "-A", "trust", "-U", "postgres")
        run(f"{bin_dir}/pg_ctl", "-D", data, "-w", "-l", os.path.join(folder, "log"), "-o",
            f"-k {folder} -c listen_addresses='' -p 5432", "start")
        yield f"postgresql+psycopg://postgres@/postgres?host={folder}&port=5432"
    finally:
        subprocess.run([*as_user, f"{bin_dir}/pg_ctl", "-D", data, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
