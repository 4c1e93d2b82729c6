"""The toy2d family in the registry: GANs on the playground's 2-D shapes, graded by the KL and JS
divergence between the real and the generated 2-D histograms (and mode coverage on mixtures)."""
from __future__ import annotations

from dataclasses import fields

import numpy as np
import torch

from gan_core.eval.metrics import histogram_2d, kl_js, mode_coverage
from gan_core.families.registry import Family
from gan_core.families.toy.config import Toy2DConfig
from gan_core.families.toy.inside import HIST_BINS, SMOOTHING, InsideTrainer
from gan_core.families.toy.presets import PRESETS
from gan_core.io.cards import ModelCard, layer_summary
from gan_core.io.trainer_state import restore


def config_from_card(config: dict) -> Toy2DConfig:
    """The training settings a card records, as a config (lists back to tuples; unknown keys dropped)."""
    known = {f.name for f in fields(Toy2DConfig) if f.init}
    return Toy2DConfig(**{k: tuple(v) if isinstance(v, list) else v for k, v in config.items() if k in known})


def load_trained(name, device="cpu", config: Toy2DConfig | None = None) -> tuple[InsideTrainer, ModelCard]:
    """A trainer holding a shipped game's weights and step count, built with the card's settings (or with
    `config`, the same settings as a page's widgets write them)."""
    card = ModelCard.load(name)
    trainer = InsideTrainer(config or config_from_card(card.config), device)
    restore(trainer, name)
    return trainer, card


def trained_from(spec: tuple) -> InsideTrainer:
    """load_trained's trainer from (name, device, config): a factory a worker process can build (workers.py)."""
    return load_trained(*spec)[0]


def card(trainer, metrics: dict) -> dict:
    return {"dataset": trainer.target.label, "architecture": f"G: {layer_summary(trainer.G)}; D: "
                                                             f"{layer_summary(trainer.D)}",
            "parameters": {k: sum(p.numel() for p in m.parameters()) for k, m in trainer.networks().items()}}


def load(path, device="cpu") -> dict:
    trainer, _ = load_trained(path, device)
    return {"G": trainer.G.eval(), "D": trainer.D.eval()}


def evaluate(nets: dict, config: dict, n: int, seed: int = 0) -> dict:
    """KL(real || generated) and JS on the playground's histograms (HIST_BINS² cells over the plane, SMOOTHING
    per cell) between n generated and n real points, and the same between two real samples (the floor)."""
    trainer = InsideTrainer(config_from_card(config))  # the target, the plane and the noise prior
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        fake = nets["G"](trainer._noise(n, gen).to(next(nets["G"].parameters()).device)).cpu()
    rng = np.random.default_rng(seed + 1)
    real, other = (torch.from_numpy(trainer.target.sample(n, rng)) for _ in range(2))
    hist = lambda x: histogram_2d(x, trainer.lo, trainer.hi, HIST_BINS)  # noqa: E731
    kl, js = kl_js(hist(real), hist(fake), SMOOTHING)
    kl_floor, js_floor = kl_js(hist(real), hist(other), SMOOTHING)
    out = {"kl": kl, "js": js, "kl_floor": kl_floor, "js_floor": js_floor, "n_samples": n, "sample_seed": seed,
           "histogram": f"{HIST_BINS}x{HIST_BINS} cells over [{trainer.lo:.3f}, {trainer.hi:.3f}]^2, "
                        f"+{SMOOTHING} per cell"}
    if trainer.multimodal:
        out |= mode_coverage(fake.numpy()[:2500], trainer.mode_centres, trainer.mode_stds)
    return out


def report(m: dict) -> str:
    modes = f"; modes {m['modes_captured']}/{m['n_modes']}, high quality {m['hq_fraction']:.3f}" if "n_modes" in m \
        else ""
    return (f"JS {m['js']:.4f} (two real samples: {m['js_floor']:.4f}), KL {m['kl']:.4f} "
            f"({m['kl_floor']:.4f}) on {m['n_samples']} samples{modes}")


def line(snap) -> str:
    return f"{snap.steps_per_s:,.0f} it/s | D {snap.d_loss:.3f} G {snap.g_loss:.3f} | JS {snap.js:.3f} KL {snap.kl:.3f}"


FAMILY = Family("toy2d", "a GAN on a 2-D shape (the playground's shipped games)", Toy2DConfig, InsideTrainer,
                card, load, evaluate, report, line, presets=PRESETS)
