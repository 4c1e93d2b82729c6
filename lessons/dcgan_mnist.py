"""DCGAN on MNIST: train the seeds' deep convolutional GAN live and judge it with real numbers."""
from dataclasses import replace
from functools import partial

import numpy as np
import streamlit as st

from gan_core.data.mnist import load_mnist
from gan_core.eval.metrics import DOUBTFUL
from gan_core.families.dcgan import networks as dcgan
from gan_core.families.dcgan.presets import PRESETS
from gan_core.families.dcgan.trainer import evaluation_due
from gan_core.families.registry import live_trainer
from gan_core.io import checkpoints, paths
from gan_core.io.cards import ModelCard
from gan_core.io.images import tile
from ui import challenge_panel, plots
from ui.live import (
    IMAGE_TICK_EVERY,
    IMAGE_TICK_SECONDS,
    controls,
    following_run,
    get_run,
    hosted,
    live_view,
    show_status,
)
from ui.resources import device_label, digit_classifier, require_mnist, shipped_samples, training_device
from ui.words import DCGAN_NETWORKS, LOSS_TITLES

KEY = "dcgan"
PRETRAINED = str(paths.PRETRAINED / "dcgan_mnist")
EVAL_EVERY_S = 10.0  # seconds of training between MNIST-score measurements (500 digits on a CPU: under a second)
DOUBT_SAMPLES, DOUBTED_SHOWN = 1000, 14  # digits sampled to find the doubted ones; how many of those are shown

st.title("DCGAN on MNIST")
st.markdown(
    "A **deep convolutional GAN** swaps the small fully connected networks of the 1-D lesson for "
    "convolutions. The generator turns a 100-number noise vector into a 28×28 image by *growing* it: a dense "
    "layer makes a 7×7 stack of feature maps, and **transposed convolutions** double its size twice. The "
    "discriminator does the reverse with **strided convolutions** (no pooling) and ends in one number: the "
    "logit of \"real\".\n\n"
    "The recipe that made this stable (Radford et al.): batch norm in both networks except G's output and "
    "D's input, ReLU in G with **tanh** on the output (so images live in [−1, 1]), **leaky ReLU (0.2)** in D, "
    "Adam with **lr 2·10⁻⁴ and β₁ = 0.5**, and weights drawn from **N(0, 0.02)**. The training loop is the "
    "very same one as in the 1-D lesson: a D step on a real and a fake batch, then a G step through the frozen D."
)


def pretrained_card():
    try:
        return ModelCard.load(PRETRAINED)
    except checkpoints.CheckpointError:
        return None


card = pretrained_card()
# why the shipped run's loss helped, in the words of the lesson: keyed by the loss and whether R1 was on
LOSS_WHY = {
    "hinge": "the **hinge loss** stops pushing D on samples it already judges with a margin; ",
    "non_saturating+r1": "the **R1 penalty** (Mescheder et al. 2018) keeps D's slope at the real digits small, so "
                         "the game settles instead of circling; ",
}


def why_loss(config: dict) -> str:
    key = config["loss"] + ("+r1" if config.get("r1_gamma", 0) > 0 else "")
    return LOSS_WHY.get(key, f"the {config['loss'].replace('_', ' ')} loss; ")


def why_rates(config: dict) -> str:
    """The two time-scale update rule, when the shipped run used it."""
    if config["lr_d"] <= config["lr_g"]:
        return ""
    return (f" D also learns **{config['lr_d'] / config['lr_g']:g}× as fast as G** (learning rates "
            f"{config['lr_d']:g} and {config['lr_g']:g}: the two time-scale update rule, Heusel et al. 2017), with "
            f"Adam's β₁ = {config['beta1']:g} and β₂ = {config.get('beta2', 0.999):g}, so D keeps up with G.")


st.info(f"Training on **{device_label()}**. On a laptop CPU pick the *tiny* network: digits appear within a "
        f"minute. The *book* and *small* networks are the seeds' own, meant for a GPU: on a CPU they take "
        f"hours.", icon=":material/memory:")
if card:
    m, cfg = card.metrics, card.config
    score = f" It scores **{m['mnist_score']:.2f}** on {m['n_samples']:,} samples" if "mnist_score" in m else ""
    if score and "doubt" in m:  # the score's parts (see "Why not 10?" below)
        score += (f": variety {m['variety']:.3f} of ln 10 ≈ 2.303, doubt {m['doubt']:.3f}, and "
                  f"{m['doubtful_share']:.0%} of its digits get a top guess under {DOUBTFUL:.0%}")
    score += "." if score else ""
    st.markdown(
        f"**The shipped weights** use the *{card.network}* network ({DCGAN_NETWORKS[card.network]}), "
        f"trained with the {cfg['loss'].replace('_', ' ')} loss, batch {cfg['batch_size']} and "
        f"{card.generator_weights or 'G as trained'}, for {card.minutes:.0f} min on "
        f"{card.device or '?'}.{score} Why not the seeds' networks? On a CPU the book DCGAN needed about two "
        "hours to pass a score of 8 and never reached 9 (`python bench/bench_dcgan.py --race` gives the table). "
        "What made the difference: **spectral normalisation** caps how steeply D can change (Miyato et "
        f"al. 2018), so D cannot run away from G and no batch norm is needed in D; {why_loss(cfg)}"
        "and an **exponential moving average of G's weights** smooths out the last oscillations of the game."
        + why_rates(cfg))
require_mnist("train", "test")

with st.expander("Settings", expanded=True):
    c1, c2, c3 = st.columns(3)
    network = c1.selectbox("Network", list(dcgan.NETWORKS), index=list(dcgan.NETWORKS).index("tiny"),
                           key="dcgan_network",
                           help="\n\n".join(f"**{k}**: {v}" for k, v in DCGAN_NETWORKS.items()))
    quick, book = PRESETS["cpu_quick_start"].config, PRESETS["seeds_book"].config
    start = quick if training_device().type == "cpu" else book
    lr = c1.select_slider("Learning rate (G and D)", [5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3], value=start.lr_g,
                          key="dcgan_lr", format_func=lambda v: f"{v:g}")
    batch = c2.select_slider("Batch size", [32, 64, 128, 256], value=start.batch_size, key="dcgan_batch",
                             help=f"On a CPU the page starts at batch {quick.batch_size} and lr {quick.lr_g:g} "
                                  f"(Adam β₁ {quick.beta1:g}, β₂ {quick.beta2:g}): more, smaller steps draw digits "
                                  f"sooner. The seeds use batch {book.batch_size} and lr {book.lr_g:g}.")
    d_steps = c2.number_input("D steps per G step (k)", 1, 5, 1, key="dcgan_k")
    flip = c3.slider("Label flipping (fraction of real labels)", 0.0, 0.5, 0.0, 0.05, key="dcgan_flip",
                     help="The MATLAB example flips 30% of the real labels to 'fake' so that D does not win too fast.")
    smooth = c3.slider("One-sided label smoothing", 0.0, 0.3, 0.0, 0.05, key="dcgan_smooth",
                       help="Real targets become 1 − s instead of 1.")
    seed = c3.number_input("Seed", 0, 9999, 0, key="dcgan_seed")
    st.caption(f"**{network}** — {DCGAN_NETWORKS[network]}")

settings = replace(start, network=network, lr_g=float(lr), lr_d=float(lr), batch_size=int(batch), d_steps=int(d_steps),
                   label_flip=float(flip), label_smoothing=float(smooth), seed=int(seed))  # the rest: the preset's


make_trainer = hosted(partial(live_trainer, "dcgan"))  # in a trainer worker when the server has them


@st.cache_resource
def real_grid() -> np.ndarray:
    images, _ = load_mnist("test")
    return tile(images[np.random.default_rng(0).choice(len(images), 64, replace=False)])


def start_from_pretrained() -> None:
    """Button callback (runs before the rerun, so it may set the network widget)."""
    card = pretrained_card()
    config = replace(settings, network=card.network, loss=card.config["loss"], batch_size=card.config["batch_size"])
    trainer = hosted(partial(live_trainer, "dcgan", checkpoint=PRETRAINED))(config)
    st.session_state["dcgan_network"] = card.network
    get_run(KEY, config, make_trainer).reset(trainer, config)
    st.session_state["dcgan_loaded"] = card


run = following_run(KEY, settings, make_trainer)  # an untrained run follows the widgets at once
controls(KEY, run, settings, make_trainer)

p1, p2 = st.columns([1, 2])
p1.button("Start from the pretrained DCGAN", key="dcgan_pretrained", on_click=start_from_pretrained,
          disabled=card is None or run.running, icon=":material/download_done:")
if card is None:
    p2.caption("No pretrained DCGAN found (train one with `python -m gan_core train dcgan ...`).")
else:
    m = card.metrics
    p2.caption(f"Pretrained: network **{card.network}**, {card.steps:,} steps ({card.epochs:.1f} epochs) "
               f"on {card.device or '?'}" + (f"; MNIST score {m['mnist_score']:.2f} on {m['n_samples']:,} samples"
                                                 if "mnist_score" in m else ""))
loaded = st.session_state.get("dcgan_loaded")
if loaded and run.trainer.config.network == loaded.network and run.snapshot.step >= loaded.steps:
    st.success(f"Pretrained DCGAN loaded (network {loaded.network}, trained {loaded.steps:,} steps). "
               f"Press **Start** to keep training it.", icon=":material/check_circle:")

judge = digit_classifier()
if judge is None:
    st.warning("The evaluation classifier (pretrained/mnist_classifier) is missing: no MNIST score.")


def draw(snap) -> None:
    show_status(snap)
    in_epoch = snap.epoch - int(snap.epoch)
    st.progress(min(in_epoch, 1.0), text=f"Epoch {int(snap.epoch) + 1} · {100 * in_epoch:.0f}% of "
                f"{snap.steps_per_epoch} steps · {snap.steps_per_s:.1f} steps/s · {snap.images_per_s:,.0f} images/s")
    if judge is not None and evaluation_due(snap, EVAL_EVERY_S):  # measured where the trainer lives
        snap = run.update("evaluate_live", n=500 if run.trainer.device_type == "cpu" else 2000)
    left, right = st.columns(2)
    with left:
        st.markdown("**Real MNIST digits**")
        st.image(real_grid(), width=300, clamp=True)
    with right:
        st.markdown(f"**G's progression — the same 64 noise vectors, step {snap.grid_step:,}**")
        st.image(plots.inline_png(snap.grid), width=300)
    h = snap.history
    c1, c2 = st.columns(2)
    c1.plotly_chart(plots.curves(h, {"d_loss": "Loss_D", "g_loss": "Loss_G"}, "Losses",
                                 LOSS_TITLES[run.trainer.loss_name]),
                    key=f"{KEY}_loss", width="stretch")
    c2.plotly_chart(plots.curves(h, {"d_real": "D(x)", "d_fake": "D(G(z)) before D update",
                                     "d_fake_after": "D(G(z)) after D update"}, "Discriminator scores",
                                 "score" if run.trainer.loss_is_critic else "probability"),
                    key=f"{KEY}_scores", width="stretch")
    m = snap.metrics
    if m is not None:
        a, b, c = st.columns(3)
        real = judge.card.metrics.get("test_mnist_score")
        a.metric("MNIST score", f"{m['mnist_score']:.2f}", help="Inception Score with our MNIST classifier: "
                 "high when each digit is recognisable AND all ten digits appear."
                 + (f" Real test digits: {real:.2f}." if real else ""))
        b.metric("Fréchet distance", f"{m['frechet_distance']:.1f}",
                 help=f"On the classifier's 128 penultimate features. Real test vs real train: "
                      f"{m['frechet_baseline_test_vs_train']:.2f}")
        c.metric("Digits present", f"{sum(1 for x in m['class_histogram'] if x > 0)} / 10",
                 help="A missing digit is mode collapse.")
        c1, c2 = st.columns(2)
        c1.plotly_chart(plots.digit_histogram(m["class_histogram"], f"Digits in {m['n_samples']} samples"),
                        key=f"{KEY}_hist", width="stretch")
        c2.plotly_chart(plots.metric_curve(snap.metrics_history, "mnist_score", "MNIST score", ceiling=10),
                        key=f"{KEY}_score_curve", width="stretch")
    challenge_panel.panel("dcgan_mnist", snap, run.trainer.config)


live_view(KEY, run, draw, seconds=IMAGE_TICK_SECONDS, every=IMAGE_TICK_EVERY)

data = run.ask("checkpoint_bytes") if not run.running and run.snapshot.step > 0 else None
if data is not None:
    st.download_button("Download this checkpoint (.safetensors)", data,
                       file_name=f"dcgan_{network}_{run.snapshot.step}.safetensors",
                       mime="application/octet-stream", key="dcgan_download", icon=":material/download:")

st.subheader("Why not 10? The digits the classifier doubts")
st.markdown(
    "The MNIST score has two parts: **score = exp(variety − doubt)**. *Variety* is the entropy of the "
    "classifier's average prediction: ln 10 ≈ 2.30 when all ten digits are equally common, lower when some go "
    "missing (mode collapse). *Doubt* is the average entropy of one prediction: 0 when the classifier is sure "
    "of every digit.\n\n"
    "An unconditional generator is **one continuous map** from noise to images. On its way from the noise that "
    "draws a 4 to the noise that draws a 9 it passes through shapes that are neither, and some of its samples "
    "land there: the real digits have gaps between them, the Gaussian noise has none. A conditional GAN (its own "
    "lesson, under Generate) is told which digit to draw, so it never has to cross. Measure it on this page's "
    "generator:")


@st.cache_resource
def doubt_of_references() -> list[dict]:
    """The score's parts for the real test digits and the shipped conditional GAN: the rows to compare with."""
    rows = [("real test digits", load_mnist("test")[0]),
            ("shipped conditional GAN", shipped_samples("pretrained/cgan_mnist", DOUBT_SAMPLES))]
    return [{"digits": name, **judge.doubt_report(images, 0)} for name, images in rows if images is not None]


if st.button(f"Sample {DOUBT_SAMPLES:,} digits and find the doubted ones", key="dcgan_doubt", disabled=judge is None,
             icon=":material/help:"):
    st.session_state["dcgan_doubt_result"] = run.ask("doubt_report", DOUBT_SAMPLES, DOUBTED_SHOWN)
if st.session_state.get("dcgan_doubt_result") and judge is not None:
    step, report, doubted = st.session_state["dcgan_doubt_result"]
    rows = [{"digits": f"this generator (step {step:,})", **report}, *doubt_of_references()]
    st.dataframe({"digits": [r["digits"] for r in rows], "samples": [r["n_samples"] for r in rows],
                  "MNIST score": [round(r["mnist_score"], 2) for r in rows],
                  "variety": [round(r["variety"], 3) for r in rows], "doubt": [round(r["doubt"], 3) for r in rows],
                  f"top guess under {DOUBTFUL:.0%}": [f"{r['doubtful_share']:.1%}" for r in rows]},
                 hide_index=True, width="stretch")
    worst = report["most_doubted"]
    st.markdown(f"**The {len(worst)} digits of this generator the classifier doubts most**, with its two "
                "likeliest readings:")
    st.image(doubted, width=108,
             caption=[" · ".join(f"{d}: {p:.0%}" for d, p in zip(w["digits"], w["probs"])) for w in worst])

with st.expander("What to watch"):
    st.markdown(
        "- **D(x)** starts near 1 and **D(G(z))** near 0: D wins at first. As G improves both drift toward ½.\n"
        "- **Before vs after the D update**: D(G(z)) drops during D's own step and rises again in G's step — the "
        "tug of war, one batch at a time.\n"
        "- **Loss_D = BCE on the real batch + BCE on the fake batch**; **Loss_G = −log D(G(z))** (non-saturating).\n"
        "- The **MNIST score** is an Inception Score computed with a small CNN trained on MNIST (≥ 99% test "
        "accuracy). It is exp of the average KL divergence between the classifier's prediction for one image and "
        "its average prediction: confident *and* varied samples score near 10.\n"
        "- The **digit histogram** is the quickest check for mode collapse: a missing bar is a digit G never draws."
    )
