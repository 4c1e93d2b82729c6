"""Semi-supervised GAN: a classifier taught by a few labels and a generator, against the same network on the
labels alone."""
from dataclasses import fields, replace
from functools import partial

import numpy as np
import streamlit as st

from gan_core.families.registry import live_trainer
from gan_core.families.sgan.config import SGANConfig
from gan_core.families.sgan.presets import PRESETS
from gan_core.io import checkpoints, paths
from gan_core.io.cards import ModelCard
from gan_core.io.images import tile
from ui import challenge_panel, plots, sgan_views
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
from ui.resources import require_mnist, shipped_samples
from ui.words import SGAN_GENERATOR_LOSSES, SGAN_NETWORKS

KEY = "sgan"
PRETRAINED = str(paths.PRETRAINED / "sgan_mnist")
DCGAN = str(paths.PRETRAINED / "dcgan_mnist")
LIVE = PRESETS["live_cpu"].config
BUDGETS = [1, 5, 10, 20, 50, 100, 600]  # labels per class
BOOK = {"sgan": 0.8941, "baseline": 0.6922}  # the book's Keras SGAN with 100 labels (the lecture notes)


def card_of(name: str) -> ModelCard | None:
    try:
        return ModelCard.load(name)
    except checkpoints.CheckpointError:
        return None


st.title("Semi-supervised GAN")
st.markdown(
    "Labels are expensive; unlabelled images are cheap. A **semi-supervised GAN** (SGAN) turns the "
    "discriminator into the classifier we actually want. Instead of one output, *real or fake*, D has "
    "**K = 10 outputs l₁ … l₁₀, one per digit**, and a fake is the unspoken class K + 1. It learns from three "
    "kinds of images at once: a **few labelled digits** (the book uses 100, ten per class), **unlabelled real "
    "digits** (all the rest of MNIST), and **G's fakes**. Telling real digits from fakes forces D to learn what "
    "digits look like from all 60,000 images, not only from the 100 that carry a label.")
st.markdown("**One network, two heads.** The same ten logits feed both. The classifier head is a softmax over "
            "the digits; the real/fake head needs no extra output (Salimans et al. 2016):")
st.latex(r"p(y=k \mid x) = \frac{e^{l_k}}{Z + 1},\quad p(\text{fake} \mid x) = \frac{1}{Z+1},\qquad "
         r"Z = \sum_{k=1}^{K} e^{l_k}")
st.latex(r"D(x) = \frac{Z}{Z+1} = \sigma\Big(\log \sum_{k=1}^{K} e^{l_k}\Big)")
st.markdown("D is trained on the sum of a supervised and an unsupervised loss; G either fools D "
            "(non-saturating) or matches the average of D's last hidden features f on real digits "
            "(**feature matching**, Salimans et al.):")
st.latex(r"L_D = \underbrace{-\,\mathbb{E}_{(x,y)\in\text{labelled}} \log \operatorname{softmax}(l(x))_y}_"
         r"{\text{supervised}} \;\underbrace{-\,\mathbb{E}_{x\sim p_\text{data}} \log D(x) "
         r"- \mathbb{E}_{z} \log\big(1 - D(G(z))\big)}_{\text{unsupervised}}")
st.latex(r"L_G^{\text{FM}} = \big\| \mathbb{E}_{x} f(x) - \mathbb{E}_{z} f(G(z)) \big\|^2 \quad\text{or}\quad "
         r"L_G^{\text{NS}} = -\,\mathbb{E}_{z} \log D(G(z))")
st.caption("Our trainer weighs the supervised term twice the unsupervised one (Salimans et al.'s L_sup + ½·L_unsup); "
           "it is the same GAN loop as every other lesson, with D's real/fake logit log Z.")

require_mnist("train", "test")
card, dcgan_card = card_of(PRETRAINED), card_of(DCGAN)

# --- the live run -------------------------------------------------------------------------------------
st.subheader("Train it: the SGAN against the same network on the labels alone")
c1, c2, c3 = st.columns(3)
per_class = c1.select_slider("Labels per class", BUDGETS, value=10, key="sgan_labels",
                             help="How many training digits of each class keep their label. The rest of "
                                  "MNIST is used without labels.")
g_loss = c2.selectbox("Generator loss", list(SGAN_GENERATOR_LOSSES), key="sgan_gloss",
                      format_func=lambda k: SGAN_GENERATOR_LOSSES[k].split(":")[0])
seed = c3.number_input("Seed", 0, 9999, 0, key="sgan_seed", help="Seeds the weights, the noise and which "
                                                                  "digits keep their labels.")
settings = replace(LIVE, labels_per_class=int(per_class), generator_loss=g_loss, seed=int(seed), label_seed=int(seed))
st.caption(f"**{10 * per_class:,} labelled digits** ({per_class} per class); all {60_000 - LIVE.val_size:,} "
           f"training digits outside the validation slice are used without labels. The baseline is the same "
           f"classifier ({SGAN_NETWORKS[LIVE.network]}), with the same starting weights, input noise, labelled "
           f"batches and steps, but it never sees an unlabelled digit or a fake.")


make_trainer = hosted(partial(live_trainer, "sgan"))  # in a trainer worker when the server has them


def start_from_pretrained() -> None:
    """Button callback: a trainer with the card's settings (the live check cadence), loaded with its weights."""
    names = {f.name for f in fields(SGANConfig)}
    config = replace(SGANConfig(**{k: v for k, v in card_of(PRETRAINED).config.items() if k in names}),
                     test_subset=LIVE.test_subset, check_every=LIVE.check_every)
    trainer = hosted(partial(live_trainer, "sgan", checkpoint=PRETRAINED))(config)
    # remembered with the widgets' settings, not the card's recipe (which no widget shows): "Settings changed"
    # then means that a widget moved after the load
    get_run(KEY, settings, make_trainer).reset(trainer, settings)
    st.session_state["sgan_loaded"] = True


def pretrained_summary(card: ModelCard | None) -> str:
    """The shipped SGAN in one line, its numbers read from its card."""
    if card is None:
        return "No pretrained SGAN found (train one with `python -m gan_core train sgan --preset shipped ...`)."
    m, lab = card.metrics, card.extra.get("labelled_subset", {})
    return (f"Pretrained: {lab.get('count', '?')} labels (label seed {lab.get('seed', '?')}), {card.steps:,} steps "
            f"in {card.minutes:.0f} min on {card.device or '?'}; test accuracy **{100 * m['test_accuracy']:.2f}%**, "
            f"the baseline **{100 * m['baseline_test_accuracy']:.2f}%** (all {m['n_test']:,} test digits).")


run = following_run(KEY, settings, make_trainer)
controls(KEY, run, settings, make_trainer)
with st.container(horizontal=True, vertical_alignment="center"):
    st.button("Start from the pretrained SGAN", key="sgan_pretrained", on_click=start_from_pretrained,
              disabled=card is None or run.running, icon=":material/download_done:")
    st.caption(pretrained_summary(card))
if st.session_state.get("sgan_loaded") and run.trainer.config.network == "mlp":
    st.success("Pretrained SGAN loaded: its D, its G and its baseline. Press **Start** to keep training them.",
               icon=":material/check_circle:")


def draw(snap) -> None:
    show_status(snap)
    last = snap.accuracy[-1] if snap.accuracy else None
    a, b, c = st.columns(3)
    a.metric("SGAN test accuracy", f"{100 * last['sgan_test']:.1f}%" if last else "–")
    b.metric("Baseline test accuracy", f"{100 * last['baseline_test']:.1f}%" if last else "–")
    c.metric("Labelled digits", f"{snap.labelled:,}")
    st.caption(f"Accuracy on the first {run.trainer.config.test_subset:,} test digits, measured every "
               f"{run.trainer.config.check_every} steps.")
    left, right = st.columns([3, 2])
    left.plotly_chart(sgan_views.accuracy_curves(snap.accuracy), key=f"{KEY}_acc", width="stretch")
    with right:
        st.markdown(f"**G's samples, step {snap.step:,}**")
        st.image(plots.inline_png(snap.grid), width=300)
    if snap.confusion:
        m1, m2 = st.columns(2)
        m1.plotly_chart(sgan_views.confusion_matrix(snap.confusion["sgan"], "SGAN"), key=f"{KEY}_cm_sgan",
                        width="stretch")
        m2.plotly_chart(sgan_views.confusion_matrix(snap.confusion["baseline"], "Baseline"), key=f"{KEY}_cm_base",
                        width="stretch")
    st.plotly_chart(plots.curves(snap.history, {"sup_loss": "SGAN: cross-entropy on labelled digits",
                                                "baseline_loss": "baseline: cross-entropy", "d_loss": "SGAN: D loss",
                                                "g_loss": "SGAN: G loss"}, "Losses"),
                    key=f"{KEY}_loss", width="stretch")
    challenge_panel.panel("semi_supervised_gan", snap, run.trainer.config)


live_view(KEY, run, draw, seconds=IMAGE_TICK_SECONDS, every=IMAGE_TICK_EVERY)

# --- the labelled digits ------------------------------------------------------------------------------
images, labels = run.trainer.labelled_images
st.subheader(f"The {len(labels):,} labelled digits this run learns from")
show = np.concatenate([np.flatnonzero(labels == d)[:10] for d in range(10)])
st.image(plots.captioned_grid(images[show], labels[show], cols=min(20, len(show))),
         caption=("All of them." if len(show) == len(labels) else f"Ten of each digit, out of {len(labels):,}.")
         + " Every other training digit is used without its label.")

# --- two heads ----------------------------------------------------------------------------------------
st.subheader("Three digits through the two heads")
st.markdown("A **labelled** digit feeds the supervised loss through the softmax head; an **unlabelled** real "
            "digit and a **fake** feed the unsupervised loss through D(x) = Z/(Z+1). "
            + ("This D has not trained yet: press **Start**, or load the pretrained SGAN." if run.snapshot.step == 0
               else f"This is the D of the run above, at step {run.snapshot.step:,}."))
pick = st.session_state.setdefault("sgan_pick", 0)
if st.button("Other examples", key="sgan_other"):
    st.session_state["sgan_pick"] = pick = pick + 1
example = run.ask("two_heads_example", pick)  # None: the run's worker stopped (the live view says so)
if example is not None:
    trio, heads = example
    for col, name, i, loss in zip(st.columns(3), ("Labelled", "Unlabelled real", "Fake G(z)"), range(3),
                                  (f"−log softmax(l)_{labels[pick % len(labels)]}", "−log D(x)", "−log(1 − D(x))")):
        with col:
            st.image(np.kron(trio[i], np.ones((4, 4), np.uint8)), caption=name)
            st.plotly_chart(sgan_views.heads_chart(heads["probabilities"][i], "classifier head: softmax(l)"),
                            key=f"{KEY}_head_{i}", width="stretch")
            st.metric("real/fake head: D(x) = Z/(Z+1)", f"{heads['real'][i]:.3f}", help=f"Z = {heads['Z'][i]:.3g}")
            st.caption(f"Its loss term: **{loss}**")

# --- the bad generator ------------------------------------------------------------------------------
st.subheader("Why this generator looks worse than a DCGAN's")
st.markdown(
    "Look at G's samples below: beside fair digits there are broken strokes, half-digits, shapes *between* two "
    "digits, and the MNIST score is lower than the DCGAN's. That is not a failure. "
    "Dai et al. (2017, *Good semi-supervised learning that requires a bad GAN*) showed that a discriminator "
    "classifies best when its generator is **bad** in a particular way: it should put fakes in the **gaps "
    "between the classes**, the low-density regions between the clusters of 3s and 8s. D learns to call those "
    "regions *fake*, so the boundaries between digits fall where no real digit lives. A perfect generator would "
    "copy real digits, and then the unsupervised loss could teach D nothing about where one class ends. "
    "Feature matching makes G match D's average features rather than fool D, which keeps its samples near, "
    "not on, the data.")
sgan_grid, dcgan_grid = shipped_samples(PRETRAINED), shipped_samples(DCGAN)
g1, g2 = st.columns(2)
if sgan_grid is not None:
    g1.image(tile(sgan_grid), width=300, caption="The pretrained SGAN's G: MNIST score "
                                                 f"{card.metrics['generator']['mnist_score']:.2f}")
if dcgan_grid is not None:
    g2.image(tile(dcgan_grid), width=300, caption=f"The pretrained DCGAN: MNIST score "
                                                  f"{dcgan_card.metrics['mnist_score']:.2f}")
if card is not None and dcgan_card is not None:
    lower = card.metrics["generator"]["mnist_score"] < dcgan_card.metrics["mnist_score"]
    st.caption("The MNIST score (an Inception score read by our MNIST classifier) is near 10 for confident, varied "
               f"digits. The SGAN's G scores {'lower' if lower else 'no lower'} than the DCGAN's, and its D "
               f"reads {100 * card.metrics['test_accuracy']:.2f}% of the test digits right: a good classifier and "
               f"a good generator are different goals.")

# --- the shipped SGAN -----------------------------------------------------------------------------------
st.subheader("The pretrained SGAN against its baseline")
st.markdown(f"**The figures to beat** (the sources): the book's Keras SGAN reached {100 * BOOK['sgan']:.2f}% test "
            f"accuracy with 100 labels after 8,000 iterations at batch 32, where the same network trained on the 100 "
            f"labels alone reached {100 * BOOK['baseline']:.2f}%. Salimans et al. (2016), with feature matching, "
            "reported 93 ± 6.5 test errors with 100 labels, about 99.1%.")
if card is None:
    st.info("No pretrained SGAN: `python -m gan_core train sgan --preset shipped --out pretrained/sgan_mnist`.")
else:
    m, lab, best = card.metrics, card.extra["labelled_subset"], card.extra["selection"]
    a, b, c, d = st.columns(4)
    a.metric("Shipped SGAN: test accuracy", f"{100 * m['test_accuracy']:.2f}%", help=f"All {m['n_test']:,} "
             "MNIST test digits.")
    b.metric("Its baseline: test accuracy", f"{100 * m['baseline_test_accuracy']:.2f}%",
             help="The same network, trained on the same labels alone, for as many steps.")
    c.metric("Labels it learned from", f"{lab['count']:,}", help=f"{lab['per_class']} per class, label seed "
             f"{lab['seed']}.")
    d.metric("Training time", f"{card.minutes:.0f} min", help=f"{card.steps:,} steps on {card.device}; "
             f"{card.extra.get('cpu_time_s', 0) / 60:.0f} CPU minutes of training.")
    checks = card.extra["accuracy_during_training"]
    st.plotly_chart(sgan_views.accuracy_curves(checks, references={"book's SGAN": BOOK["sgan"],
                                                                   "book's baseline": BOOK["baseline"]}),
                    key=f"{KEY}_shipped_acc", width="stretch")
    st.caption(f"During training, on the first {card.config['test_subset']:,} test digits. The shipped state is "
               f"step {best['step']:,}: the best of these checks on {card.extra['validation']['images']:,} held-out "
               f"training digits (labelled, never trained on); the test digits never chose anything.")
    m1, m2 = st.columns(2)
    m1.plotly_chart(sgan_views.confusion_matrix(m["test_confusion"], "Shipped SGAN"), key=f"{KEY}_cm_shipped",
                    width="stretch")
    m2.plotly_chart(sgan_views.confusion_matrix(m["baseline_test_confusion"], "Its baseline"),
                    key=f"{KEY}_cm_shipped_base", width="stretch")
