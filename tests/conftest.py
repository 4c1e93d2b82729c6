"""Shared test set-up for every folder (unit, pages, quality, e2e, golden): one torch thread, as the app;
the long-running tests first; helpers for Streamlit page tests."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
torch.set_num_threads(1)  # as the app does (gan_core.device.configure_threads): robust on a busy machine


def pytest_collection_modifyitems(items):
    """Long-running tests first (a stable sort keeps the rest in file order): the parallel workers
    start the minutes-long runs at once and fill in with short tests, instead of one worker
    starting a two-minute run when the others are done."""
    items.sort(key=lambda item: item.get_closest_marker("long_running") is None)


@pytest.fixture(scope="module")
def one_thread():
    """One torch thread for a module's tests and its module-scoped fixtures, whatever a page test run in the
    same worker set before (the app's configure_threads). Small convolutions on a shared 2-core machine run
    fastest, and steadiest, on one thread. Use: pytestmark = pytest.mark.usefixtures("one_thread")."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(autouse=True)
def full_error_details():
    """The app redacts exceptions for students (.streamlit/config.toml); tests want the real message."""
    from streamlit import config

    config.set_option("client.showErrorDetails", "full")
    yield


@pytest.fixture
def one_worker():
    """The app's trainer pool, set to one worker process for the test (whatever the machine's cores)."""
    from gan_core.workers import TrainerPool
    from ui import live

    saved, pool = dict(live._POOL), TrainerPool(1)
    live._POOL["pool"] = pool
    yield pool
    live._POOL.clear()
    live._POOL.update(saved)
    pool.close()


@pytest.fixture
def in_process_trainers():
    """The app's trainers in the test's own process (no worker pool), for tests that look at their networks."""
    from ui import live

    saved = dict(live._POOL)
    live._POOL["pool"] = None
    yield
    live._POOL.clear()
    live._POOL.update(saved)


@pytest.fixture
def app_page():
    """Open the app at a page path ('lessons/minimax.py') and return the rendered AppTest."""
    from streamlit.testing.v1 import AppTest

    def open_page(path: str, timeout: float = 120):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
        at.run()
        if path != "lessons/home.py":
            at.switch_page(path)
            at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert_valid_charts(at)
        return at

    return open_page


def assert_valid_charts(at) -> None:
    """Every Plotly chart on the rendered page passes Plotly's own validator: pages draw with
    ui.chart.Chart, which skips validation to stay cheap, so a misspelt property fails here instead."""
    import json

    import plotly.graph_objects as go

    for chart in at.get("plotly_chart"):
        go.Figure(json.loads(chart.proto.spec))
