"""Benchmark: what one live redraw of "Inside the game (2-D)" costs, one student alone on one CPU thread.

A redraw is what the page's live tick does: train for the tick's time box (ui.live.PLANE_TICK_SECONDS),
compute the plane's layers (every layer on), and build the figures as Streamlit does (take each chart's
dicts and turn them into JSON; the model overview's SVG). It prints the milliseconds in
training, in the layers and in the figures per redraw, and the redraws per second they allow; then
the same with the layers' cache at work (a redraw without training between: nothing to recompute).
Run: python bench/bench_inside_game.py [--seconds 20] [--shape circle] [--noise-dim 2]
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--shape", default="circle")
    parser.add_argument("--noise-dim", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
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
