"""Benchmark: what a student sees on the DCGAN page after pressing Start with the CPU defaults.

A real server (`streamlit run app.py`) and headless Chromium: open the page, press Start, and read the
page once a second: the step counter, the seconds trained, and the MNIST score the page shows. Prints a
row at each mark and when the score shown first reaches the target (the issue's bar: 6 within 60 s).
The page trains a share of the wall clock (ui/live.py: IMAGE_TICK_SECONDS of every IMAGE_TICK_EVERY for
a lone student, less when a class trains at once) and measures its score every EVAL_EVERY_S seconds of
training (lessons/dcgan_mnist.py); this bench is where those settings meet the clock.

Run: python bench/bench_live_dcgan.py [--seconds 90] [--marks 30,45,60,90] [--target 6]
(the server's log and a screenshot at the end: logs/bench_live_dcgan*)
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import time
from pathlib import Path

from app_server import ensure_browser, streamlit_server  # bench/ is on sys.path when run as python bench/x.py

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT / "logs"
STATUS = re.compile(r"Step ([0-9,]+) · [0-9,.]+ steps/s · ([0-9.]+) s trained")


def read(page) -> tuple[int, float, float | None]:
    """(step, seconds trained, MNIST score shown or None) from the page's text."""
    status = STATUS.search(page.inner_text("body"))
    metrics = page.locator('[data-testid="stMetric"]').filter(has_text="MNIST score")
    shown = metrics.locator('[data-testid="stMetricValue"]').all_inner_texts() if metrics.count() else []
    step, trained = (int(status.group(1).replace(",", "")), float(status.group(2))) if status else (0, 0.0)
    return step, trained, float(shown[0]) if shown else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=90, help="how long to watch after Start (default 90)")
    ap.add_argument("--marks", default="30,45,60,90", help="seconds after Start to print a row at")
    ap.add_argument("--target", type=float, default=6.0, help="report when the score shown first reaches this")
    args = ap.parse_args()
    marks = sorted(float(m) for m in args.marks.split(",") if float(m) <= args.seconds)
    chromium = ensure_browser.find_chromium()
    if chromium is None:
        raise SystemExit("no Chromium found: run python scripts/ensure_browser.py")
    from playwright.sync_api import sync_playwright

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; load average "
          f"{os.getloadavg()[0]:.2f}")
    LOGS.mkdir(exist_ok=True)
    server = streamlit_server.start(log=LOGS / "bench_live_dcgan_server.log", timeout=120)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=ensure_browser.CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1400, "height": 1800}).new_page()
            page.goto(f"{server.url}/dcgan_mnist")
            page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000)
            page.wait_for_function("() => /Step [0-9]/.test(document.body.innerText)", timeout=120_000)
            page.get_by_role("button", name="Start", exact=True).click()
            start, reached = time.monotonic(), None
            print(f"{'after Start':>11} {'step':>6} {'s trained':>9} {'score shown':>11}")
            while True:
                now = time.monotonic() - start
                step, trained, score = read(page)
                if reached is None and score is not None and score >= args.target:
                    reached = now
                    print(f"{now:10.1f}s {step:6,d} {trained:9.1f} {score:11.2f}   <- first score >= {args.target:g}")
                if marks and now >= marks[0]:
                    marks.pop(0)
                    print(f"{now:10.1f}s {step:6,d} {trained:9.1f} {'-' if score is None else f'{score:.2f}':>11}")
                if now >= args.seconds and not marks:
                    break
                time.sleep(max(0.0, 1.0 - (time.monotonic() - start - now)))
            page.screenshot(path=str(LOGS / "bench_live_dcgan.png"), full_page=True)
            browser.close()
    finally:
        server.stop(grace=15)
    print(f"score shown >= {args.target:g}: " + (f"{reached:.1f} s after Start" if reached is not None
                                                 else f"not within {args.seconds:g} s"))


if __name__ == "__main__":
    main()
