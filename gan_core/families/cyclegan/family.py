"""The CycleGAN family in the registry: handwritten <-> typeset digits, graded per direction on
being in the target domain (domain judge), keeping the digit (readers) and changing what a person sees."""
from __future__ import annotations

import functools

import numpy as np

from gan_core.families.cyclegan.config import CycleGANConfig
from gan_core.families.cyclegan.evaluate import (
    Judges,
    evaluate_translation,
    in_target_ratio,
    selection_key,
    source_digits,
)
from gan_core.families.cyclegan.networks import DIRECTIONS, PATCHES
from gan_core.families.cyclegan.presets import PRESETS
from gan_core.families.cyclegan.trainer import CycleGANTrainer, load_cyclegan, translate
from gan_core.families.dcgan.networks import count_parameters
from gan_core.families.registry import Family

PERIODIC_KEYS = ("ab_in_target", "ba_in_target", "ab_label_kept", "ba_label_kept", "ab_change", "ba_change",
                 "ab_frechet_to_target", "ba_frechet_to_target", "cycle_l1", "bars_met")


@functools.cache
def judges(device="cpu") -> Judges:
    return Judges.shipped(device)


def card(trainer, metrics: dict) -> dict:
    c = trainer.config
    blur = f" seen through a {c.d_blur:g}-px blur" if c.d_blur else ""
    return {"dataset": "A: MNIST handwritten digits; B: typeset digits (gan_core.data.typeset)",
            "architecture": f"G_AB, G_BA: {'U-Net-skipped' if c.skips else 'plain (no skips)'} residual "
                            f"encoder-decoders "
                            f"(width {c.width}, {c.blocks} residual blocks, instance norm); D_A, D_B: PatchGANs (width "
                            f"{c.d_width}) of {PATCHES[c.d_patch]}-pixel patches{blur}; least squares, lambda_semantic "
                            f"{c.semantic_weight:g}, lambda_cycle {c.cycle_weight:g}, lambda_identity "
                            f"{c.identity_weight:g}, pool of {c.replay_size} past translations",
            "parameters": {"G_AB": count_parameters(trainer.G.AB), "G_BA": count_parameters(trainer.G.BA),
                           "D_A": count_parameters(trainer.D.A), "D_B": count_parameters(trainer.D.B)},
            "bars_met": metrics.get("bars_met"),
            "loss_curves": {k: [round(v, 5) for v in vals] for k, vals in trainer.history.copy().items()}}


def load(path, device="cpu") -> dict:
    G, D, _ = load_cyclegan(path, device)
    return {"G": G, "D": D}


def evaluate(nets: dict, config: dict, n: int, seed: int = 0) -> dict:
    return evaluate_translation(nets["G"], judges(), n=n, seed=seed)


def sample(nets: dict, card_: dict, n: int, seed: int = 0, direction: str | None = None) -> dict:
    if direction not in DIRECTIONS:
        raise ValueError("a CycleGAN needs --direction AB (handwritten -> typeset) or BA (typeset -> handwritten)")
    inputs, labels = source_digits(direction, n, seed)
    return {"inputs": inputs, "images": translate(nets["G"], inputs, direction), "labels": labels.astype(np.uint8)}


def report(m: dict) -> str:
    """Both directions' measures, each next to the untranslated inputs' figure, and the bars."""
    lines = []
    for k, what in (("ab", "AB (handwritten -> typeset)"), ("ba", "BA (typeset -> handwritten)")):
        lines.append(
            f"{what}: in target domain {m[k + '_in_target']:.4f} (untranslated {m[k + '_untranslated_in_target']:.4f}; "
            f"{in_target_ratio(m, k):.3f} of the judge's accuracy on real digits), label kept "
            f"{m[k + '_label_kept']:.4f} (untranslated {m[k + '_untranslated_read_as_label']:.4f}), mean change "
            f"{m[k + '_change']:.3f}, Frechet to target {m[k + '_frechet_to_target']:.2f} (untranslated "
            f"{m[k + '_untranslated_frechet_to_target']:.2f}), cycle L1 {m[k + '_cycle_l1']:.4f}")
    failed = [name for name, ok in m["bars"].items() if not ok]
    lines.append("all bars met" if m["bars_met"] else f"bars not met: {', '.join(failed)}")
    return "\n".join(lines)


def periodic(trainer) -> tuple[dict, tuple, str]:
    """500 inputs per direction; adversarial training oscillates, so the best periodic state is kept too."""
    m = evaluate_translation(trainer.G, judges(trainer.device), n=500, seed=1)
    trainer.metrics_history.append({"step": trainer.step_count, "elapsed_s": round(trainer.elapsed, 1),
                                    **{k: m[k] for k in PERIODIC_KEYS}})
    return m, selection_key(m), (f"(500) in target AB {m['ab_in_target']:.3f} BA {m['ba_in_target']:.3f}, kept AB "
                                 f"{m['ab_label_kept']:.3f} BA {m['ba_label_kept']:.3f}")


def line(snap) -> str:
    return (f"D {snap.d_loss:.3f} G {snap.g_loss:.3f} | cycle {snap.losses['cycle']:.3f} identity "
            f"{snap.losses['identity']:.3f} semantic {snap.losses['semantic']:.3f} | cycle L1 (8+8 fixed) "
            f"{snap.cycle_l1:.3f}")


FAMILY = Family("cyclegan", "a CycleGAN between handwritten (MNIST) and typeset digits", CycleGANConfig,
                CycleGANTrainer, card, load, evaluate, report, line, periodic, sample,
                sample_options={"direction": (str, "AB (handwritten -> typeset) or BA (typeset -> handwritten)")},
                defaults={"eval_samples": 2000}, presets=PRESETS)
