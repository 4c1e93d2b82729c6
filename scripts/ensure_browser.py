"""Make sure the browser tests (tests/e2e) have a Chromium, and say which one.

In order: a system Chromium (or $GAN_CHROMIUM); else Playwright's own download
(`playwright install chromium`, which needs the internet); else the distribution's package
(`apt-get install chromium`, as root). If none can be had, exit 1 with what to do.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

SYSTEM = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# headless in a container (as root, no GPU) and quiet: no sandbox, no calls home
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def playwright_chromium() -> str | None:
    """The Chromium that `playwright install` downloaded, if it is there."""
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            path = p.chromium.executable_path
    except Exception:  # noqa: BLE001 - not installed, or no driver: there is no such browser
        return None
    return path if path and Path(path).exists() else None


def find_chromium() -> str | None:
    """A usable Chromium executable: $GAN_CHROMIUM, a system one, or Playwright's."""
    if os.environ.get("GAN_CHROMIUM"):
        return os.environ["GAN_CHROMIUM"] if Path(os.environ["GAN_CHROMIUM"]).exists() else None
    for name in SYSTEM:
        if found := shutil.which(name):
            return found
    return playwright_chromium()


def _try(command: list[str]) -> bool:
    print("trying:", " ".join(command), file=sys.stderr)
    try:
        return subprocess.run(command, timeout=900).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def main() -> int:
    if found := find_chromium():
        print(f"browser tests will use {found}")
        return 0
    if _try([sys.executable, "-m", "playwright", "install", "chromium"]) and (found := find_chromium()):
        print(f"browser tests will use Playwright's {found}")
        return 0
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        if _try(["apt-get", "update", "-qq"]) and _try(["apt-get", "install", "-y", "-qq", "chromium"]):
            if found := find_chromium():
                print(f"browser tests will use {found}")
                return 0
    print("FATAL: no Chromium for the browser tests. Install one (Debian/Ubuntu: `sudo apt-get install chromium`; "
          "elsewhere: `python -m playwright install chromium`), or point GAN_CHROMIUM at a Chromium executable.",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
