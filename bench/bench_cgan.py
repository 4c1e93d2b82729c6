"""CGAN latency: generating 1, 16 and 100 digits with the shipped CGAN on this CPU.

    python bench/bench_cgan.py                 # model time and full page rerun time
    python bench/bench_cgan.py --model-only --threads 1

Model time is the generator alone (noise -> uint8 digits, as the page calls it), the median of
`--repeats` runs after a warm-up, as wall time and as the calling thread's CPU time (on a machine
shared with other jobs, wall time includes waiting for a core). Page rerun time is a full rerun of the
Conditional GAN page in Streamlit's AppTest (generation, the classifier's verdicts, the 10x10 table,
drawing), the median of `--page-repeats` reruns, each with new noise ("new handwriting").
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np
import torch

from gan_core.latent import LatentModel

ROOT = Path(__file__).resolve().parents[1]
SIZES = (1, 16, 100)


def model_latency(model: LatentModel, n: int, repeats: int) -> dict:
    z = model.noise(n, 0)
    labels = np.arange(n) % 10
    model.decode(z, labels)  # warm-up
    times, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.thread_time()
        model.decode(z, labels)
        times.append(1000 * (time.perf_counter() - t0))
        cpu.append(1000 * (time.thread_time() - c0))
    return {"n": n, "median_ms": round(statistics.median(times), 2), "min_ms": round(min(times), 2),
            "max_ms": round(max(times), 2),
            # CPU time of this thread: the model's own cost, without waiting for a busy machine's cores
            # (meaningful with --threads 1; with more threads the workers' time is not counted)
            "median_cpu_ms": round(statistics.median(cpu), 2)}


def page_latency(n: int, repeats: int) -> dict:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("lessons/conditional_gan.py")
    at.run()
    at.select_slider(key="cgan_n").set_value(n)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    times = []
    for _ in range(repeats):
        at.button(key="cgan_new").click()
        t0 = time.perf_counter()
        at.run()
        times.append(1000 * (time.perf_counter() - t0))
        assert at.session_state["cgan_last"]["images"].shape == (n, 28, 28)
    return {"n": n, "median_ms": round(statistics.median(times), 1), "min_ms": round(min(times), 1)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeats", type=int, default=30)
    p.add_argument("--page-repeats", type=int, default=5)
    p.add_argument("--model-only", action="store_true")
    p.add_argument("--threads", type=int, default=None)
    args = p.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    model = LatentModel.load(ROOT / "pretrained" / "cgan_mnist")
    card = model.card
    print(f"CGAN {card.network} ({card.conditioning}), {card.steps} steps; torch threads {torch.get_num_threads()}")
    result = {"threads": torch.get_num_threads(), "model": [], "page": []}
    for n in SIZES:
        r = model_latency(model, n, args.repeats)
        result["model"].append(r)
        print(f"model time, {n:3d} digits: median {r['median_ms']:7.2f} ms wall (min {r['min_ms']:.2f}, max "
              f"{r['max_ms']:.2f}); median {r['median_cpu_ms']:.2f} ms CPU time of the calling thread")
    if not args.model_only:
        for n in SIZES:
            r = page_latency(n, args.page_repeats)
            result["page"].append(r)
            print(f"page rerun, {n:3d} digits: median {r['median_ms']:7.1f} ms (min {r['min_ms']:.1f})")
    m = card.get("metrics", {})
    if m:
        print(f"card: agreement {m.get('agreement', float('nan')):.4f}, "
              f"lowest digit {m.get('agreement_min', float('nan')):.4f}, "
              f"MNIST score {m.get('mnist_score', float('nan')):.3f} on {m.get('n_samples')} samples")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
