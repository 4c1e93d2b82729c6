"""Benchmark: what one live redraw of "Inside the game (2-D)" costs, one student alone on one CPU thread.

A redraw is what the page's live tick does: train for the tick's time box (ui.live.PLANE_TICK_SECONDS),
compute the plane's layers (every layer on), and build the figures as Streamlit does (take each chart's
dicts and turn them into JSON; the model overview's SVG). It prints the milliseconds in
training, in the layers and in the figures per redraw, and the redraws per second they allow; then
the same with the layers' cache at work (a redraw without training between: nothing to recompute).
With --browser it measures what a student sees instead: a real server (`streamlit run app.py`), headless
Chromium on the page with every layer on (the link's `layers=`), Play pressed, and the page's step counter
read every 20 ms: the redraws per second that reach the screen, and the bytes of the websocket frames.
Run: python bench/bench_inside_game.py [--seconds 20] [--shape circle] [--noise-dim 2] [--browser]
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

import plotly.io
import plotly.tools
import torch

from gan_core.families.toy import playground as pg
from gan_core.families.toy.inside import LAYERS, InsideTrainer
from ui import inside_views, live
from ui.overview import overview_svg


def figures(trainer, snap, layers) -> int:
    """Build every figure of a redraw as st.plotly_chart does; returns the bytes of JSON sent."""
    sent = len(overview_svg({k: getattr(snap, k) for k in ("d_real", "d_fake", "d_loss", "g_loss")}))
    charts = [inside_views.plane(layers, set(LAYERS), trainer.mode_centres),
              inside_views.metrics_figure(snap.history, snap.js_floor)]
    for chart in charts:
        figure = plotly.tools.return_figure_from_figure_or_data(chart, validate_figure=True)
        sent += len(plotly.io.to_json(figure, validate=False))
    return sent


def measure(trainer, seconds: float, train: bool) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"train": [], "layers": [], "figures": [], "kb": [], "rate": []}
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        snap = trainer.train_for(live.PLANE_TICK_SECONDS) if train else trainer.snapshot()
        t1 = time.perf_counter()
        layers = trainer.layers(LAYERS)
        t2 = time.perf_counter()
        kb = figures(trainer, snap, layers) / 1024
        t3 = time.perf_counter()
        for key, value in zip(times, (t1 - t0, t2 - t1, t3 - t2, kb, snap.steps_per_s)):
            times[key].append(value)
    return times


def report(label: str, times: dict[str, list[float]]) -> None:
    ms = {k: 1000 * statistics.median(times[k]) for k in ("train", "layers", "figures")}
    total = sum(ms.values())
    print(f"{label}: {len(times['train'])} redraws; median ms per redraw: training {ms['train']:.1f}, "
          f"layers {ms['layers']:.1f}, figures {ms['figures']:.1f} (total {total:.1f}; "
          f"{statistics.median(times['kb']):.0f} KB of figure JSON; training at "
          f"{statistics.median(times['rate']):.0f} iterations/s) -> {1000 / total:.1f} redraws/s")


COUNT_REDRAWS = r"""() => {
    window.__redraws = []; let last = null;
    setInterval(() => {
        const caption = [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
            .map(c => c.innerText).find(t => / steps\/s · /.test(t));
        const step = caption && caption.match(/Step ([0-9,]+)/)[1];
        if (step && step !== last) { window.__redraws.push(performance.now()); last = step; }
    }, 20);
}"""


def in_browser(seconds: float, shape: str, noise_dim: int) -> None:
    """A lone student's redraws per second in headless Chromium, every layer on."""
    from app_server import ensure_browser, streamlit_server  # bench/ is on sys.path
    from playwright.sync_api import sync_playwright

    chromium = ensure_browser.find_chromium()
    if chromium is None:
        raise SystemExit("no Chromium found: run python scripts/ensure_browser.py")
    logs = Path(__file__).resolve().parents[1] / "logs"
    logs.mkdir(exist_ok=True)
    server = streamlit_server.start(log=logs / "bench_inside_game_server.log", timeout=120)
    frames: list[int] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=ensure_browser.CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1400, "height": 1600}).new_page()
            page.on("websocket", lambda ws: ws.on("framereceived", lambda data: frames.append(len(data))))
            page.goto(f"{server.url}/inside_game?shape={shape}&noise_dim={noise_dim}&layers={','.join(LAYERS)}")
            page.wait_for_function("() => / steps\\/s · /.test(document.body.innerText)", timeout=120_000)
            page.get_by_role("button", name="Play", exact=True).click()
            time.sleep(3)  # the first ticks: the fragment's timer starts, caches warm
            page.evaluate(COUNT_REDRAWS)
            sent_before = len(frames)
            time.sleep(seconds)
            stamps = page.evaluate("window.__redraws")
            page.screenshot(path=str(logs / "bench_inside_game.png"), full_page=True)
            page.get_by_role("button", name="Pause", exact=True).click()  # a still plane to photograph
            time.sleep(2)
            plane = page.locator('[data-testid="stPlotlyChart"]').first
            plane.screenshot(path=str(logs / "bench_inside_game_plane.png"))
            browser.close()
    finally:
        server.stop(grace=15)
    sizes = frames[sent_before:]
    print(f"headless Chromium, every layer on, {seconds:g} s after Play's first 3 s: {len(stamps)} redraws "
          f"-> {len(stamps) / seconds:.1f} redraws/s; websocket frames received {len(sizes)}, "
          f"{sum(sizes) / max(1, len(stamps)) / 1024:.0f} KB per redraw (screenshots: logs/bench_inside_game.png, "
          f"the plane: logs/bench_inside_game_plane.png)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--shape", default="circle")
    parser.add_argument("--noise-dim", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--browser", action="store_true", help="measure in headless Chromium against a real server")
    args = parser.parse_args()
    if args.browser:
        in_browser(args.seconds, args.shape, args.noise_dim)
        return
    torch.set_num_threads(args.threads)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"{torch.get_num_threads()} torch thread(s); load average {os.getloadavg()[0]:.2f}")
    values = pg.defaults() | {"shape": args.shape, "noise_dim": args.noise_dim}
    trainer = InsideTrainer(pg.make_config(values))
    print(f"playground defaults on {args.shape!r}, noise dimension {args.noise_dim}, every layer on; the page "
          f"trains {live.PLANE_TICK_SECONDS} s per tick, one tick every {live.PLANE_TICK_EVERY} s")
    measure(trainer, 2.0, True)  # warm up
    report("live (train, then redraw)", measure(trainer, args.seconds, True))
    report("paused (redraw only; the layers come from the cache)", measure(trainer, args.seconds / 4, False))


if __name__ == "__main__":
    main()
