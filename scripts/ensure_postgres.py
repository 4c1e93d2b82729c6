"""Make sure the class board's tests can start a throwaway PostgreSQL server, and say so.

The store's tests run against SQLite always, and against a real PostgreSQL when its server programs are here
(tests/support/postgres.py starts one in a temporary folder). Missing, they are installed from Debian's
`postgresql` package when this runs as root with apt-get; otherwise it says so and the PostgreSQL tests report
why they did not run. Exit status 0 either way: SQLite is the default store.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tests.support.postgres import server_programs  # noqa: E402


def main() -> int:
    if server_programs():
        print(f"PostgreSQL server programs: {server_programs()}")
        return 0
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("PostgreSQL not found: installing Debian's postgresql package ...", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], env=env, check=False)
    found = server_programs()
    print(f"PostgreSQL server programs: {found}" if found else
          "NOTICE: no PostgreSQL server programs (initdb, pg_ctl): the class board's PostgreSQL tests will say "
          "they did not run; install Debian's postgresql package to run them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
