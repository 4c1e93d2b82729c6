"""The CycleGAN lesson's views: verdicts under the digits, the round trip, a batch, the models' grades and curves."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st

from gan_core.eval.domain_judge import typeset_share
from gan_core.eval.readers import classify
from gan_core.families.cyclegan.evaluate import in_target_ratio
from gan_core.families.cyclegan.official import WeightsMismatch, load_official
from gan_core.families.cyclegan.round_trip import RoundTrip
from gan_core.io.uploads import UploadRejected, read_weights
from ui import plots

DOMAIN = {"A": "handwritten (MNIST)", "B": "typeset (rendered fonts)"}
DIRECTION_LABELS = {"AB": "Handwritten → typeset (G_AB)", "BA": "Typeset → handwritten (G_BA)"}


@dataclass
class Graders:
    """Who says what a digit is: a reader per domain ({"A": (its name, network or None), "B": ...}), and
    the domain judge (or None), which says whether a digit looks handwritten or typeset."""

    readers: dict[str, tuple[str, Any]]
    judge: Any

    def read(self, domain: str, images: np.ndarray) -> tuple[list[str], np.ndarray | None]:
        """The verdicts of the reader of `domain` on images of that domain ('7 · 98%') and the digits it
        read, or blanks and None without that reader."""
        _, reader = self.readers[domain]
        if reader is None:
            return [""] * len(images), None
        probs, _ = classify(reader, images)
        return [f"{p} · {c:.0%}" for p, c in zip(probs.argmax(1), probs.max(1))], probs.argmax(1)

    def looks(self, images: np.ndarray) -> list[str]:
        """The domain judge's verdicts: 'typeset 97%' or 'handwritten 88%', or blanks without a judge."""
        if self.judge is None:
            return [""] * len(images)
        p = typeset_share(self.judge, images)
        return [f"typeset {q:.0%}" if q > 0.5 else f"handwritten {1 - q:.0%}" for q in p]


def enlarge(img: np.ndarray, scale: int = 6) -> np.ndarray:
    return np.kron(np.asarray(img, np.uint8), np.ones((scale, scale), np.uint8))


def show_round_trip(rt: RoundTrip, graders: Graders, i: int = 0) -> None:
    """The i-th digit's round trip, x → G(x) → F(G(x)) and F(x), each with its verdicts, then its three errors."""
    source, target = rt.direction[0], rt.direction[1]
    shown = [("x", "The input", rt.inputs[i], source),
             ("G(x)", f"Translated to {DOMAIN[target]}", rt.translated[i], target),
             ("F(G(x))", "Translated back", rt.reconstructed[i], source),
             ("F(x)", "x through the generator into its own domain", rt.identity[i], source)]
    for col, (title, what, img, domain) in zip(st.columns(4), shown):
        col.markdown(f"**{title}**")  # one line each, so the four images line up
        col.image(enlarge(img), width=168, clamp=True)
        verdict, look = graders.read(domain, img[None])[0][0], graders.looks(img[None])[0]
        col.caption(what + (f"; {graders.readers[domain][0]} reads **{verdict}**" if verdict else "")
                    + (f"; the domain judge says **{look}**" if look else ""))
    m1, m2, m3 = st.columns(3)
    m1.metric("Change |G(x) − x|", f"{rt.change[i]:.1%}",
              help="Mean absolute pixel change of the translation, as a share of the pixel range: near 0 "
                   "means the 'translation' is the input.")
    m2.metric("Cycle error |F(G(x)) − x|", f"{rt.cycle_error[i]:.3f}",
              help="Mean absolute pixel difference in the networks' [−1, 1] units: 0 is a perfect round trip, "
                   "2 would be every pixel inverted.")
    m3.metric("Identity change |F(x) − x|", f"{rt.identity_error[i]:.3f}",
              help="How much the generator into x's own domain changes x.")


def show_translations(label: str, translated: np.ndarray, digits: np.ndarray, target: str, graders: Graders) -> None:
    """One model's translations of a batch: the target reader's verdicts (green: the input's digit), then the
    domain judge's."""
    verdicts, read = graders.read(target, translated)
    ok = None if read is None else read == digits
    st.markdown(f"**{label}** — read by {graders.readers[target][0]} (green: the input's digit)")
    st.image(plots.captioned_grid(translated, verdicts, ok, cols=8, scale=3), clamp=True)
    st.image(plots.captioned_grid(translated, graders.looks(translated), cols=8, scale=1), clamp=True,
             caption="… and what the domain judge makes of each translation")


def metric_rows(m: dict) -> dict:
    """One column per direction of a card's measures, for a table."""
    def row(k: str) -> list[str]:
        return [f"{m[k + '_in_target']:.1%} (untranslated {m[k + '_untranslated_in_target']:.1%})",
                f"{m[k + '_label_kept']:.1%} (untranslated {m[k + '_untranslated_read_as_label']:.1%})",
                f"{m[k + '_change']:.1%}",
                f"{m[k + '_frechet_to_target']:.1f} (untranslated {m[k + '_untranslated_frechet_to_target']:.1f})",
                f"{m[k + '_cycle_l1']:.3f}"]
    return {"measure": ["in the target domain (domain judge)", "label kept (target reader)",
                        "mean change |G(x) − x|", "Fréchet distance to the target domain", "cycle error"],
            "handwritten → typeset": row("ab"), "typeset → handwritten": row("ba")}


def show_grades(label: str, card) -> None:
    """A model card's measures per direction, which bars they meet, and how the model was trained."""
    m = card.metrics
    if "ab_in_target" not in m:
        return
    missed = ", ".join(k for k, ok in m["bars"].items() if not ok)
    met = "meets every bar" if m["bars_met"] else f"misses: {missed}"
    st.markdown(f"**{label}** — {m['n_per_direction']:,} inputs per direction; {met}. In the target domain "
                f"at {in_target_ratio(m, 'ab'):.0%} / {in_target_ratio(m, 'ba'):.0%} of the judge's accuracy.")
    st.dataframe(metric_rows(m), hide_index=True)
    st.caption(f"{card.steps:,} steps ({card.epochs:.1f} MNIST epochs, {card.minutes:.0f} min) on "
               f"{card.device or '?'}: `{card.command}`")


def show_training_curves(card) -> None:
    """The adversarial losses and the cycle, identity and semantic terms of a card's training run."""
    curves = card.loss_curves
    if not curves.get("step"):
        return
    st.markdown("**The shipped model's training curves**")
    l1, l2 = st.columns(2)
    l1.plotly_chart(plots.curves(curves, {"d_loss": "Loss_D", "g_loss": "Loss_G (total)"}, "Adversarial losses",
                                 "least squares"), key="cyclegan_losses", width="stretch")
    terms = {k: v for k, v in {"cycle": "cycle (MAE, A + B)", "identity": "identity (MAE, A + B)",
                               "semantic": "semantic (CE, A + B)"}.items() if k in curves}
    l2.plotly_chart(plots.curves(curves, terms, "Cycle, identity and semantic terms", "loss"),
                    key="cyclegan_cycle", width="stretch")


def show_progress(card) -> None:
    """The periodic evaluations of a card's training run: in the target domain and digit kept, each way."""
    run = [p for p in card.metrics_during_training if "ab_in_target" in p]
    if not run:
        return
    st.markdown("**How the shipped model got there.** Every few minutes of training, 500 fresh inputs per "
                "direction were graded. The share in the target domain grows with training; the digits stay kept.")
    history = {k: [p[k] for p in run] for k in ("step", "ab_in_target", "ba_in_target", "ab_label_kept",
                                                 "ba_label_kept")}
    st.plotly_chart(plots.curves(history, {"ab_in_target": "handwritten → typeset: in target domain",
                                           "ba_in_target": "typeset → handwritten: in target domain",
                                           "ab_label_kept": "handwritten → typeset: digit kept",
                                           "ba_label_kept": "typeset → handwritten: digit kept"},
                                 "Periodic evaluations during training (500 inputs each way)", "share"),
                    key="cyclegan_progress", width="stretch")


def official_generator(weights) -> Any:
    """The official photo generator of an uploaded weights file (kept in the session while the same file
    stays uploaded), or None, with the reason shown, when the file is refused."""
    cached = st.session_state.get("cyclegan_official")
    if cached and cached[0] == (weights.name, weights.size):
        return cached[1]
    try:
        net = load_official(read_weights(weights.getvalue(), weights.name))
    except (UploadRejected, WeightsMismatch) as exc:
        st.error(f"Refused: {exc}", icon=":material/block:")
        return None
    st.session_state["cyclegan_official"] = ((weights.name, weights.size), net)
    return net
