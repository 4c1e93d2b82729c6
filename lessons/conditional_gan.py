"""Conditional GAN: ask for a digit, get that digit, in many handwritings."""
import secrets
import time
from dataclasses import replace

import numpy as np
import streamlit as st

from gan_core.eval.readers import classify
from gan_core.families.cgan.config import CGANConfig
from gan_core.families.cgan.presets import PRESETS as CGAN_PRESETS
from gan_core.families.cgan.sample import style_content_grid
from gan_core.families.cgan.trainer import ConditionalImageGANTrainer
from gan_core.io import paths
from ui import plots
from ui.live import (
    IMAGE_TICK_EVERY,
    IMAGE_TICK_SECONDS,
    controls,
    following_run,
    live_view,
    show_status,
)
from ui.resources import (
    digit_classifier,
    pretrained_generator,
    require_mnist,
    training_device,
)

PRETRAINED = str(paths.PRETRAINED / "cgan_mnist")
KEY = "cgan_live"

st.title("Conditional GAN")
st.markdown(
    "A plain GAN draws *some* digit; you cannot ask for a 7. A **conditional GAN** gives both players the "
    "label y as an extra input: the generator draws G(z | y), and the discriminator judges whether x is a "
    "real example **of digit y**. The game is the same minimax game, with every term conditioned on y:"
)
st.latex(r"\min_G \max_D \; V(D,G) = \mathbb{E}_{x\sim p_\text{data}}\big[\log D(x\mid y)\big] "
         r"+ \mathbb{E}_{z\sim p_z}\big[\log\big(1 - D(G(z\mid y)\mid y)\big)\big]")
st.markdown(
    "A fake 3 that looks like a perfect 8 is still rejected, so G must learn to draw *the requested* digit. "
    "The noise z is left with everything the label does not say — thickness, slant, loops, the pen's wobble: "
    "the **handwriting**.\n\n"
    "Two ways to feed y in, both in `gan_core.cgan`:\n"
    "- **one-hot label maps** (PyTorch textbook): y as a one-hot vector gets its own first layer in G, whose "
    "feature maps are *concatenated* with those of z; D sees ten 28×28 one-hot \"label images\" stacked on x;\n"
    "- **a label embedding multiplied into z** (Keras book): G starts from z ⊙ embed(y); D gets one extra "
    "channel, an embedding of y reshaped to 28×28.\n\n"
    "A third, used by the shipped model: the embedding scales G's first feature maps of z, channel by channel."
)


model, error = pretrained_generator(PRETRAINED)
if model is None:
    st.error(f"The pretrained CGAN is missing: {error}. Train it with "
             f"`python -m gan_core train cgan --out {PRETRAINED}`.", icon=":material/error:")
    st.stop()
evaluator = digit_classifier()
if evaluator is None:
    st.warning("The evaluation classifier (pretrained/mnist_classifier) is missing: no verdicts under the digits.")
STYLE_NAMES = {"concat": "one-hot label maps", "embed": "a label embedding multiplied into z",
               "modulate": "a label embedding that scales G's first feature maps of z"}
st.caption(f"The shipped model uses {STYLE_NAMES.get(model.card.conditioning, '?')}"
           f"{' and a per-digit minibatch spread in D' if model.card.minibatch_std else ''}. Our CPU runs "
           f"with concatenated one-hot maps collapsed *within* each digit — every z drew the same 3: the label alone "
           f"explained enough of the real digits' variety, so G turned z down. Scaling z's features by the label "
           f"leaves G no way to ignore z without losing the label too.")

if "cgan_noise_seed" not in st.session_state:
    st.session_state["cgan_noise_seed"] = 0


def new_handwriting() -> None:
    st.session_state["cgan_noise_seed"] = secrets.randbelow(1_000_000)


c1, c2, c3 = st.columns([3, 2, 2])
digit = c1.slider("Digit y", 0, 9, 3, key="cgan_digit")
n = c2.select_slider("Samples", [1, 8, 16, 32, 50, 100], value=32, key="cgan_n")
fixed = c3.checkbox("Fixed seed", value=False, key="cgan_fixed",
                    help="The same noise every time: only the digit changes when you move the slider.")
if fixed:
    seed = int(c3.number_input("Seed", 0, 999_999, 0, key="cgan_seed"))
else:
    c3.button("New handwriting", key="cgan_new", on_click=new_handwriting, icon=":material/refresh:",
              help="Draw new noise vectors z: new handwriting, same digit.")
    seed = int(st.session_state["cgan_noise_seed"])

def verdicts(imgs: np.ndarray, wanted: np.ndarray):
    if evaluator is None:
        return [""] * len(imgs), None, None
    probs, _ = classify(evaluator.model, imgs)
    pred, conf = probs.argmax(1), probs.max(1)
    return [f"{p} · {c:.0%}" for p, c in zip(pred, conf)], pred == wanted, pred


# A class moves the same slider over the same seeds: each drawing is made once and shared (the shipped
# weights are fixed), so a slider move costs a lookup, not 132 generated and classified digits.
@st.cache_data(max_entries=256, show_spinner=False)
def requested(digit: int, n: int, seed: int) -> dict:
    z, labels = model.noise(n, seed), np.full(n, digit)
    t0 = time.perf_counter()
    images = model.decode(z, labels)
    model_ms = 1000 * (time.perf_counter() - t0)
    captions, ok, _ = verdicts(images, labels)
    grid = plots.captioned_grid(images, captions, ok, cols=min(10, n), scale=2)
    return {"images": images, "model_ms": model_ms, "agree": None if ok is None else int(ok.sum()),
            "png": plots.png_bytes(grid, compress_level=1)}


@st.cache_data(max_entries=64, show_spinner=False)
def style_content_png(seed: int) -> bytes:
    table, table_y = style_content_grid(model.G, rows=10, seed=seed + 7919, z_dim=model.z_dim)  # other z than above
    captions, ok, _ = verdicts(table, table_y)
    return plots.png_bytes(plots.captioned_grid(table, captions, ok, cols=10, scale=2), compress_level=1)


drawn = requested(int(digit), int(n), seed)
st.session_state["cgan_last"] = {"digit": int(digit), "seed": seed, "images": drawn["images"]}
st.subheader(f"Requested digit: {digit}")
st.image(drawn["png"])
summary = (f"Generated {n} digit{'s' if n > 1 else ''} in **{drawn['model_ms']:.1f} ms** of model time on the CPU "
           f"(seed {seed}).")
if drawn["agree"] is not None:
    summary += f" The classifier agrees on **{drawn['agree']} of {n}**; under each digit: its verdict and confidence."
st.caption(summary)

st.subheader("Style vs content: the same z writes every digit")
st.markdown("Each **row** is one noise vector z, each **column** asks for digit 0–9. Content (which digit) comes "
            "from y; style (thickness, slant, width) stays with z along the row.")
st.image(style_content_png(seed))

card = model.card
m = card.metrics
with st.expander("How good is the shipped CGAN?"):
    if "agreement" in m and evaluator is not None:
        per = m.get("agreement_per_digit", [])
        ref = evaluator.card.metrics
        st.markdown(
            f"Judged by our MNIST classifier ({ref['test_accuracy']:.1%} test accuracy) on **{m['n_samples']:,} "
            f"samples** ({m['n_samples'] // 10:,} per digit): it agrees with the requested digit on "
            f"**{m['agreement']:.2%}** (lowest digit {m['agreement_min']:.2%}); MNIST score **{m['mnist_score']:.2f}** "
            f"(real test digits: {ref['test_mnist_score']:.2f}); Fréchet distance {m['frechet_distance']:.2f}.\n\n"
            + " · ".join(f"{d}: {a:.1%}" for d, a in enumerate(per)))
    st.caption(f"Network {card.network}, {card.conditioning} conditioning, {card.steps:,} steps "
               f"({card.epochs:.1f} epochs, {card.minutes:.0f} min) on {card.device or '?'}.")

with st.expander("Train a CGAN live (tiny network)"):
    live = st.toggle("Show the live trainer", value=False, key="cgan_live_on",
                     help="The same loop and live view as the DCGAN page, with labels.")
    if live:
        require_mnist("train")
        l1, l2 = st.columns(2)
        style = l1.radio("Conditioning", ["modulate", "concat", "embed"], horizontal=True, key="cgan_live_style",
                         format_func=lambda s: {"modulate": "embedding × z's features", "concat": "one-hot label maps",
                                                "embed": "embedding × z"}[s])
        live_seed = l2.number_input("Seed", 0, 9999, 0, key="cgan_live_seed")
        settings = replace(CGAN_PRESETS["live_tiny"].config, conditioning=style, seed=int(live_seed))

        def make_trainer(config: CGANConfig) -> ConditionalImageGANTrainer:
            return ConditionalImageGANTrainer(config, training_device())

        run = following_run(KEY, settings, make_trainer)  # an untrained run follows the widgets at once
        controls(KEY, run, settings, make_trainer)

        def draw(snap) -> None:
            show_status(snap)
            a, b = st.columns(2)
            a.markdown(f"**Rows: fixed z · columns: digits 0–9 — step {snap.step:,}**")
            a.image(plots.inline_png(snap.grid), width=320)
            b.plotly_chart(plots.curves(snap.history, {"d_loss": "Loss_D", "g_loss": "Loss_G"}, "Losses", "BCE"),
                           key=f"{KEY}_loss", width="stretch")

        live_view(KEY, run, draw, seconds=IMAGE_TICK_SECONDS, every=IMAGE_TICK_EVERY)
