"""Every lesson loads in Chromium without exceptions or console errors; key interactions work."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import screenshot, wait_idle
from ui.lessons import LESSONS

# one worker runs them all (one server, one browser), and they start first: together they take minutes
pytestmark = [pytest.mark.xdist_group("browser"), pytest.mark.long_running]

PAGES = [("home", "")] + [(Path(lesson.path).stem, Path(lesson.path).stem) for lesson in LESSONS]


def step_counter(page) -> int:
    text = page.locator("text=/Step [0-9,]+/").first.inner_text()
    return int(re.search(r"Step ([0-9,]+)", text).group(1).replace(",", ""))


def start_and_watch_steps(page) -> None:
    # exact: "Start" alone also matches "Start from the pretrained DCGAN", which a page still rendering
    # can list first; and the live view (its step counter) must be on the page before Start is pressed
    page.wait_for_function("() => /Step [0-9]/.test(document.body.innerText)", timeout=60_000)
    wait_idle(page)
    page.get_by_role("button", name="Start", exact=True).click()
    # while a run trains, its fragment reruns on a timer, so the script may never read "notRunning"
    # on a busy machine: wait for the step counter itself
    page.wait_for_function("() => /Step [1-9]/.test(document.body.innerText)", timeout=60_000)
    first = step_counter(page)
    page.wait_for_function(f"() => parseInt((document.body.innerText.match(/Step ([0-9,]+)/) || ['', '0'])[1]"
                           f".replace(/,/g, '')) > {first}", timeout=60_000)
    second = step_counter(page)
    assert second > first, (first, second)
    page.get_by_role("button", name="Pause", exact=True).click()
    wait_idle(page)  # paused: the timer is off and the script comes to rest


METRICS = ('[data-testid="stMetricValue"]', "innerText")  # (selector, property read from each match)
IMAGES = ('[data-testid="stImage"] img', "src")


def read_all(page, what: tuple[str, str]) -> list[str]:
    selector, prop = what
    return page.locator(selector).evaluate_all(f"els => els.map(e => e.{prop})")


def wait_for_change(page, what: tuple[str, str], before: list[str]) -> None:
    """Wait until the app is idle and the `what` values on the page differ from `before`."""
    selector, prop = what
    wait_idle(page)
    page.wait_for_function(f"before => JSON.stringify([...document.querySelectorAll('{selector}')]"
                           f".map(e => e.{prop})) !== JSON.stringify(before)", arg=before, timeout=30_000)


def move_first_slider(page) -> None:
    before = read_all(page, METRICS)
    thumb = page.locator('[data-testid="stSlider"] input[type="range"]').nth(2)  # generator mean
    thumb.focus()
    for _ in range(5):
        thumb.press("ArrowLeft")
    wait_for_change(page, METRICS, before)


def press_slider(page, label: str, key: str) -> None:
    """One step of the slider labelled `label`. (Several quick presses start reruns that replace each
    other's images while the browser may still be fetching them: a console error, not an app bug.)"""
    thumb = page.locator('[data-testid="stSlider"]').filter(has_text=label).locator('input[type="range"]').first
    thumb.focus()
    thumb.press(key)


def move_digit_slider(page) -> None:
    """CGAN: a new digit is a new image."""
    before = read_all(page, IMAGES)
    press_slider(page, "Digit y", "ArrowRight")  # 3 -> 4
    wait_for_change(page, IMAGES, before)
    assert page.get_by_text("Requested digit: 4").count() == 1


def translate_new_sample(page) -> None:
    """CycleGAN: a new input goes round the cycle; its cycle error changes."""
    before = read_all(page, METRICS)
    page.get_by_role("button", name="New sample").click()
    wait_for_change(page, METRICS, before)


def change_interpolation_steps(page) -> None:
    """Latent space: fewer steps, a new interpolation strip."""
    before = read_all(page, IMAGES)
    press_slider(page, "Steps N", "ArrowLeft")  # 8 -> 7
    wait_for_change(page, IMAGES, before)


def train_both_then_change_the_label_budget(page) -> None:
    """SGAN: Start trains the SGAN and its baseline until both have an accuracy; then one step of the label
    slider and Reset give a run with 5 labels per class."""
    start_and_watch_steps(page)
    page.get_by_role("button", name="Start", exact=True).click()
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=\"stMetric\"]')].filter(e => "
                           "/^(SGAN|Baseline) test accuracy\\s*[0-9.]+%/.test(e.innerText)).length == 2",
                           timeout=120_000)
    page.get_by_role("button", name="Pause", exact=True).click()
    wait_idle(page)
    assert page.get_by_text("The 100 labelled digits this run learns from").count() == 1
    press_slider(page, "Labels per class", "ArrowLeft")  # 10 -> 5
    wait_idle(page)
    page.get_by_role("button", name="Reset", exact=True).click()
    page.wait_for_function("() => document.body.innerText.includes('The 50 labelled digits this run learns from')",
                           timeout=60_000)
    wait_idle(page)


INTERACTIONS = {
    "conditional_gan": move_digit_slider,
    "cyclegan": translate_new_sample,
    "latent_space": change_interpolation_steps,
    "minimax": move_first_slider,
    "gaussian_gan": start_and_watch_steps,
    "inverse_cdf": start_and_watch_steps,
    "mode_collapse": start_and_watch_steps,
    "dcgan_mnist": start_and_watch_steps,
    "semi_supervised_gan": train_both_then_change_the_label_budget,
}


@pytest.mark.parametrize("name,path", PAGES, ids=[n for n, _ in PAGES])
def test_page_loads_and_works(server_url, page, name, path):
    page.goto(f"{server_url}/{path}")
    page.wait_for_selector("h1", timeout=90_000)
    wait_idle(page)
    page.wait_for_timeout(500)
    assert page.locator('[data-testid="stException"]').count() == 0
    if name in INTERACTIONS:
        INTERACTIONS[name](page)
        assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, name)
    assert page.console_errors == [], page.console_errors
    assert page.failed_requests == [], page.failed_requests  # nothing fetched from outside, nothing missing
