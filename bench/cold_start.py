"""Benchmark: seconds from `streamlit run app.py` to the first served page (health + index + home script).

Run: python bench/cold_start.py        (the server's log: logs/cold_start_server.log)
"""
from __future__ import annotations

import time
import urllib.request
from pathlib import Path

from app_server import streamlit_server  # bench/ is on sys.path when run as python bench/x.py

ROOT = Path(__file__).resolve().parents[1]
LOG = ROOT / "logs" / "cold_start_server.log"


def main() -> None:
    port = streamlit_server.free_port()
    start = time.perf_counter()
    server = streamlit_server.launch(port, log=LOG)
    try:
        server.wait_healthy(timeout=120, interval=0.05, request_timeout=1)
        healthy = time.perf_counter() - start
        with urllib.request.urlopen(f"{server.url}/", timeout=10) as r:
            r.read()
        served = time.perf_counter() - start
    except streamlit_server.NotHealthy as e:
        raise SystemExit(f"server did not become healthy: {e}") from None
    finally:
        server.stop(grace=10)
    # the app script itself runs when a browser connects; time its imports and home page in-process
    t0 = time.perf_counter()
    from streamlit.testing.v1 import AppTest

    AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    script = time.perf_counter() - t0
    print(f"server healthy after {healthy:.2f} s, index page served after {served:.2f} s; "
          f"first run of app.py + home page (imports torch, scipy): {script:.2f} s")


if __name__ == "__main__":
    main()
