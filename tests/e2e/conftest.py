"""A real server and a real browser: `streamlit run app.py` driven by Debian's Chromium via Playwright."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from scripts import streamlit_server
from scripts.ensure_browser import CHROMIUM_ARGS, find_chromium

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "e2e"
# Streamlit's frontend probes /<page>/_stcore/health and host-config before falling back to the
# root; those 404s are its own path discovery, not failures of the app.
STREAMLIT_PROBE = re.compile(r"/[^/]+/_stcore/(health|host-config)$")


@pytest.fixture(scope="session")
def server_url():
    """One server for all browser tests (they share one xdist worker), on a free port; its log in artifacts/."""
    try:
        server = streamlit_server.start(log=ROOT / "artifacts" / "e2e_server.log", timeout=90)
    except streamlit_server.NotHealthy as e:
        pytest.fail(f"streamlit did not become healthy: {e}")
    yield server.url
    server.stop(grace=15)


@pytest.fixture(scope="session")
def browser():
    chromium = find_chromium()
    if chromium is None:
        pytest.fail("no Chromium for the browser tests: run `python scripts/ensure_browser.py` (`make test` does); "
                    "the browser tests never skip silently")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    pg = context.new_page()
    pg.console_errors, pg.failed_requests = [], []
    # "Failed to load resource" console lines carry no URL: judge those by the requests themselves
    pg.on("console", lambda msg: pg.console_errors.append(msg.text)
          if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
    pg.on("pageerror", lambda exc: pg.console_errors.append(str(exc)))
    pg.on("requestfailed", lambda req: pg.failed_requests.append(f"{req.url} ({req.failure})"))
    pg.on("response", lambda r: pg.failed_requests.append(f"{r.url} (HTTP {r.status})")
          if r.status >= 400 and not STREAMLIT_PROBE.search(r.url) else None)
    yield pg
    context.close()


def wait_idle(page, timeout: float = 90_000) -> None:
    """Connected to the server and no script run in progress."""
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=timeout)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
