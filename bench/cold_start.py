"""Benchmark: seconds from `streamlit run app.py` to the first served page (health + index + home script).

Run: python bench/cold_start.py
"""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    port = free_port()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                             "--server.port", str(port), "--browser.gatherUsageStats", "false"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.05)
            if time.perf_counter() - start > 120:
                raise SystemExit("server did not become healthy within 120 s")
        healthy = time.perf_counter() - start
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            r.read()
        served = time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait(10)
    # the app script itself runs when a browser connects; time its imports and home page in-process
    t0 = time.perf_counter()
    from streamlit.testing.v1 import AppTest

    AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    script = time.perf_counter() - t0
    print(f"server healthy after {healthy:.2f} s, index page served after {served:.2f} s; "
          f"first run of app.py + home page (imports torch, scipy): {script:.2f} s")


if __name__ == "__main__":
    main()
