"""Every lesson loads in Chromium without exceptions or console errors; key interactions work."""
from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS, screenshot, wait_idle
from ui.lessons import LESSONS

# one worker runs them all (one server, one browser), and they start first: together they take minutes
pytestmark = [pytest.mark.xdist_group("browser"), pytest.mark.long_running]

PAGES = [("home", "")] + [(Path(lesson.path).stem, Path(lesson.path).stem) for lesson in LESSONS]


def step_counter(page) -> int:
    text = page.locator("text=/Step [0-9,]+/").first.inner_text()
    return int(re.search(r"Step ([0-9,]+)", text).group(1).replace(",", ""))


def start_and_watch_steps(page, start: str = "Start") -> None:
    # exact: "Start" alone also matches "Start from the pretrained DCGAN", which a page still rendering
    # can list first; and the live view (its step counter) must be on the page before Start is pressed
    page.wait_for_function("() => /Step [0-9]/.test(document.body.innerText)", timeout=60_000)
    wait_idle(page)
    page.get_by_role("button", name=start, exact=True).click()
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


def toggle(page, label: str) -> None:
    page.locator('[data-testid="stCheckbox"]').filter(has_text=label).locator("label").click()
    wait_idle(page)


def layer_combinations(page, name: str, layers: dict[str, bool]) -> None:
    """A screenshot of the plane (the page's first chart) for every on/off combination of `layers`
    (label -> whether it is on now), into artifacts/e2e/NAME_layers_<on layers>.png."""
    for combo in itertools.product([False, True], repeat=len(layers)):
        for (label, now), want in zip(list(layers.items()), combo):
            if now != want:
                toggle(page, label)
                layers[label] = want
        page.wait_for_timeout(300)
        on = "+".join(label.split()[-1].lower() for label, state in layers.items() if state) or "points"
        plane = page.locator('[data-testid="stPlotlyChart"]').first
        plane.screenshot(path=str(ARTIFACTS / f"{name}_layers_{on}.png"))
        assert page.locator('[data-testid="stException"]').count() == 0


def click_and_wait(page, button: str, text: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.get_by_text(text).first.wait_for(timeout=60_000)
    wait_idle(page)


def draw_a_stroke(page) -> None:
    """Pick "Draw your own", draw one stroke with the mouse on the canvas, and use it as the real data."""
    page.get_by_role("combobox", name="Real data").click()
    page.get_by_role("option", name="Draw your own").click()
    wait_idle(page)
    canvas = page.locator("canvas.upper-canvas")  # the drawing canvas's top layer (fabric.js), which takes the mouse
    canvas.wait_for(timeout=60_000)
    wait_idle(page)
    canvas.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + 220)
    page.mouse.down()
    for i in range(1, 21):
        page.mouse.move(box["x"] + 40 + 11 * i, box["y"] + 220 - 8 * i)
    page.mouse.up()
    wait_idle(page)
    page.wait_for_timeout(1000)  # the canvas sends the stroke on mouse up
    page.get_by_role("button", name="Use this drawing").click()
    wait_idle(page)
    alerts = read_all(page, ('[data-testid="stAlert"]', "innerText"))
    assert not any("Refused" in a for a in alerts), alerts
    page.get_by_role("button", name="Reset", exact=True).click()  # the trained run keeps its data until Reset
    page.wait_for_function("() => /Step 0/.test(document.body.innerText)", timeout=60_000)
    wait_idle(page)
    screenshot(page, "inside_game_drawn")


def inside_game(page) -> None:
    """The playground: a trained game under every layer combination, D-only and full steps, the eight
    slow-motion phases, Play/Pause, then a drawing of one's own."""
    page.wait_for_function("() => /Step [0-9]/.test(document.body.innerText)", timeout=60_000)
    wait_idle(page)
    page.get_by_role("button", name="Start from a trained model").click()
    page.wait_for_function("() => /Step [1-9]/.test(document.body.innerText)", timeout=60_000)
    wait_idle(page)
    layer_combinations(page, "inside_game", {"D's decision surface": True, "G's manifold": False,
                                             "G's gradients": True})
    toggle(page, "G's manifold")
    for number, title in ((1, "G makes fakes"), (2, "D judges reals and fakes"), (3, "D's loss"),
                          (4, "D's gradients and update"), (5, "G makes fakes again"), (6, "D (frozen) judges them"),
                          (7, "G's loss"), (8, "G's gradients and update")):
        click_and_wait(page, "Slow motion: next phase", f"{number}. {title}.")
        if number in (4, 8):
            screenshot(page, f"inside_game_phase{number}")
    page.get_by_text("One full iteration").click()
    wait_idle(page)
    before = step_counter(page)
    click_and_wait(page, "Step", f"Step {before + 1:,}")
    start_and_watch_steps(page, start="Play")
    screenshot(page, "inside_game")
    draw_a_stroke(page)


def mode_collapse(page) -> None:
    start_and_watch_steps(page)
    layer_combinations(page, "mode_collapse", {"D's decision surface": True, "G's gradients": True,
                                               "G's manifold": False})


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
    "mode_collapse": mode_collapse,
    "inside_game": inside_game,
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
