"""CycleGAN: translate handwritten digits into typeset ones and back, with no pairs to learn from."""
import secrets

import numpy as np
import streamlit as st

from gan_core.eval.readers import TYPESET_READER_NAME
from gan_core.families.cyclegan.evaluate import BARS, source_digits
from gan_core.families.cyclegan.official import translate_photo
from gan_core.families.cyclegan.round_trip import round_trip
from gan_core.families.cyclegan.trainer import translate
from gan_core.families.cyclegan.walkthrough import walk_through_iteration
from gan_core.io.paths import PRETRAINED
from gan_core.io.uploads import UploadRejected, read_image, to_mnist
from ui import plots
from ui.cyclegan_views import (
    DIRECTION_LABELS,
    DOMAIN,
    Graders,
    official_generator,
    show_grades,
    show_progress,
    show_round_trip,
    show_training_curves,
    show_translations,
)
from ui.resources import (
    cyclegan,
    digit_classifier,
    digit_reader,
    domain_judge,
    require_mnist,
)

SHIPPED, PLAIN = str(PRETRAINED / "cyclegan_digits"), str(PRETRAINED / "cyclegan_digits_plain")
MODELS = {SHIPPED: "CycleGAN + semantic term (shipped)", PLAIN: "Plain CycleGAN"}

st.title("CycleGAN: handwritten ↔ typeset digits")
st.markdown(
    "Pix2pix-style translation needs **pairs**: this photo, and the same scene as a painting. Often there are "
    "none. We have 60,000 handwritten digits (domain **A**) and can render any number of typeset digits "
    "(domain **B**), but no handwritten digit has a typeset twin. **CycleGAN** learns the translation anyway, "
    "with four networks:\n"
    "- two generators, **G_AB** (handwritten → typeset) and **G_BA** (typeset → handwritten);\n"
    "- two discriminators, **D_A** (is this a real handwritten digit?) and **D_B** (a real typeset one?).\n\n"
    "The adversarial terms alone would let G_AB turn every 3 into *some* convincing typeset digit — a 7, say. "
    "The **cycle** term forbids that: going there and back must return the input, G_BA(G_AB(a)) ≈ a, so the "
    "translation has to keep what the digit *is*. The **identity** term asks each generator to leave alone an "
    "image that is already in its target domain. With least-squares adversarial losses (the seed's mean squared "
    "error), λ = 10 and the identity weight 0.5·λ:"
)
st.latex(r"""\begin{aligned}
\mathcal{L} = \;& \mathbb{E}_a\big[(D_B(G_{AB}(a)) - 1)^2\big] + \mathbb{E}_b\big[(D_A(G_{BA}(b)) - 1)^2\big]
  && \text{validity (MSE)} \\
+ \;& \lambda\,\big(\lVert G_{BA}(G_{AB}(a)) - a\rVert_1 + \lVert G_{AB}(G_{BA}(b)) - b\rVert_1\big)
  && \text{cycle (MAE)} \\
+ \;& 0.5\,\lambda\,\big(\lVert G_{BA}(a) - a\rVert_1 + \lVert G_{AB}(b) - b\rVert_1\big)
  && \text{identity (MAE)} \\
+ \;& \lambda_{sem}\,\big(\mathrm{CE}(T_B(G_{AB}(a)), \hat y_A(a)) + \mathrm{CE}(T_A(G_{BA}(b)), \hat y_B(b))\big)
  && \text{semantic (CyCADA, optional)}
\end{aligned}""")
st.markdown("Each discriminator is trained as in every GAN so far — real images to 1, translated ones to 0 — "
            "and sees a **pool of 50 past translations** as well as the newest ones, so the generators cannot "
            "win by hopping to whatever D forgot.")

st.markdown(
    "The last line is not in the original CycleGAN; the shipped model has it, and the plain one does not. "
    "T_A and T_B are **teacher readers**: a handwritten-digit reader and a typeset-digit reader. ŷ_A(a) is the "
    "digit T_A reads in a — a *pseudo-label*, never the dataset's label. The term asks that the translation of "
    "a be read as the same digit by the reader of the target domain (Hoffman et al., *CyCADA*, 2018). The "
    "teachers are trained apart (other seed, other width) from the readers that grade the translations below, "
    "so a generator that learned to fool its teachers would not fool the graders.")

require_mnist("test")  # domain A's inputs
loaded = {name: cyclegan(name) for name in MODELS}
G, D, card = loaded[SHIPPED]
if G is None:
    st.error(f"The pretrained CycleGAN is missing or broken: {card}. Train it with "
             f"`python -m gan_core train cyclegan --semantic-weight 1 --out pretrained/cyclegan_digits`.",
             icon=":material/error:")
    st.stop()
available = {name: label for name, label in MODELS.items() if loaded[name][0] is not None}
judge, judge_card = domain_judge()
classifier = digit_classifier()  # the MNIST classifier the other pages already hold in memory
graders = Graders({"A": ("the MNIST classifier", classifier.model if classifier else None),
                   "B": ("the typeset reader", digit_reader(str(TYPESET_READER_NAME)))}, judge)

plain_card = loaded[PLAIN][2] if PLAIN in available else None
with st.expander("The identity trap: why the plain CycleGAN seems to change nothing", expanded=False):
    pm = plain_card.metrics if plain_card else {}
    if "ab_change" in pm:
        st.markdown(
            f"Run the plain CycleGAN on a handwritten 3 and you get the same handwritten 3 back. Measured on "
            f"{pm['n_per_direction']:,} inputs per direction, it changes the average pixel by only "
            f"**{pm['ab_change']:.1%}** (handwritten → typeset) and **{pm['ba_change']:.1%}** (typeset → "
            f"handwritten) of the pixel range. The domain judge — a network that tells handwriting from type "
            f"by *shape*, through a blur — calls **{pm['ab_in_target']:.1%}** of its 'typeset' outputs typeset "
            f"(the untouched inputs: {pm['ab_untranslated_in_target']:.1%}), and **{pm['ba_in_target']:.1%}** of "
            f"its 'handwritten' outputs handwritten.\n\n"
            "Yet its own discriminators were fooled. The generators learned a **faint texture** that a CNN reads "
            "as 'the other domain' while a person sees no change — CycleGAN's steganography (Chu et al. 2017). "
            "Three things push a generator toward that trap, and the plain model had all three:\n"
            f"- the **identity term** (weight {plain_card.config['identity_weight']:g}) rewards returning an "
            "image unchanged, and a handwritten 3 and a typeset 3 are close enough in pixels that *some* of that "
            "reward leaks to cross-domain inputs;\n"
            "- **U-Net skips** carry the input's pixels straight to the output: copying is the easy solution;\n"
            "- the **cycle term** is smallest for a translation that changes nothing.\n\n"
            f"The shipped model drops the identity term (weight {card.config['identity_weight']:g}), makes its "
            f"discriminators look through a {card.config.get('d_blur', 0):g}-pixel blur (so a faint texture no "
            f"longer fools them either), adds the semantic term (weight {card.config.get('semantic_weight', 0):g}), "
            "which keeps the digit while the shape changes, and trains far longer "
            f"({card.steps:,} steps against {plain_card.steps:,}; cycle weight "
            f"{card.config['cycle_weight']:g}). The U-Net skips stayed: without them the outputs were blurrier "
            "and no more often in the target domain. Its progress over training is on the *How good are they?* tab.")
    judge_m = judge_card.metrics if judge_card else {}
    if judge_m:
        st.caption(f"The domain judge reads {judge_m['handwritten_accuracy']:.1%} of MNIST test digits as "
                   f"handwritten and {judge_m['typeset_accuracy']:.1%} of fresh renders as typeset "
                   f"({judge_m['heldout_n_per_domain']:,} of each); the bars for translations are relative to "
                   f"those figures.")

with st.expander("What the cycle does not promise: keeping the digit"):
    st.markdown(
        "No term of the plain loss says *keep the digit*. The cycle term only asks that F(G(x)) return x, and a "
        "generator can satisfy it while changing what the digit *is*: it can hide the input in faint pixel "
        "patterns that the other generator reads back, or swap look-alike digits in both directions at once — "
        "a handwritten 4 becomes a typeset 9 and a typeset 9 a handwritten 4, and every round trip still "
        "closes. A 1 can grow a typeset flag until it reads as a 7. The batch tab below shows both models on the "
        "same inputs: look for 4 ↔ 9 and 1 → 7. The semantic term is what rules these swaps out: the typeset "
        "reader must see in the translation the digit that the handwriting reader saw in the input.")

if "cyclegan_seed" not in st.session_state:
    st.session_state["cyclegan_seed"] = 0


def new_sample() -> None:
    st.session_state["cyclegan_seed"] = secrets.randbelow(1_000_000)


def translate_view() -> None:
    """One digit through the chosen model and back: a sample, an upload or a drawing."""
    c1, c2 = st.columns(2)
    model_name = c1.radio("Model", list(available), format_func=available.get, key="cyclegan_model")
    Gm = loaded[model_name][0]
    direction = c1.radio("Direction", list(DIRECTION_LABELS), format_func=DIRECTION_LABELS.get, key="cyclegan_dir")
    source = direction[0]
    how = c2.radio("Input", ["A random sample", "Upload a PNG/JPEG", "Draw a digit"], key="cyclegan_input",
                   horizontal=True)
    x = None
    if how == "A random sample":
        c2.button("New sample", key="cyclegan_new", on_click=new_sample, icon=":material/refresh:")
        x = source_digits(direction, 1, int(st.session_state["cyclegan_seed"]))[0][0]
        c2.caption("MNIST test digits for A → B; freshly rendered typeset digits for B → A.")
    elif how == "Upload a PNG/JPEG":
        upload = c2.file_uploader("A photo or scan of one digit", type=["png", "jpg", "jpeg"], key="cyclegan_upload")
        if upload is not None:
            try:
                x = to_mnist(read_image(upload.getvalue(), "L"))
            except UploadRejected as exc:
                st.error(f"Refused: {exc}", icon=":material/block:")
    else:
        from streamlit_drawable_canvas import st_canvas

        with c2:
            st.caption("Draw one digit, large, in the middle.")
            canvas = st_canvas(stroke_width=18, stroke_color="#FFFFFF", background_color="#000000",
                               height=224, width=224, drawing_mode="freedraw", key="cyclegan_canvas",
                               return_image_data=True)  # 0.13 sends the pixels only when asked
        if canvas.image_data is not None and canvas.image_data[..., :3].max() > 0:
            try:
                x = to_mnist(np.asarray(canvas.image_data[..., :3].max(-1), np.uint8))
            except UploadRejected as exc:
                st.info(str(exc))
    if x is None:
        st.info(f"Give me a {DOMAIN[source]} digit to translate.", icon=":material/draw:")
    else:
        show_round_trip(round_trip(Gm, x[None], direction), graders)

def batch_view() -> None:
    """Eight inputs through both models."""
    direction_b = st.radio("Direction", list(DIRECTION_LABELS), format_func=DIRECTION_LABELS.get,
                           key="cyclegan_batch_dir", horizontal=True)
    xs, ys = source_digits(direction_b, 8, int(st.session_state["cyclegan_seed"]) + 1)
    s_dom, t_dom = direction_b[0], direction_b[1]
    st.markdown(f"**Inputs ({DOMAIN[s_dom]})** — true digits {', '.join(map(str, ys))}")
    st.image(plots.captioned_grid(xs, graders.looks(xs), cols=8, scale=3), clamp=True)
    for name, label in available.items():
        show_translations(label, translate(loaded[name][0], xs, direction_b), ys, t_dom, graders)
    st.caption("Press *New sample* on the first tab for another batch.")

def iteration_view() -> None:
    """One training iteration of the shipped networks, term by term."""
    st.markdown(
        "One training iteration, step by step, on 4 handwritten and 4 typeset digits with the shipped networks "
        "(computed, not applied: nothing is updated).\n\n"
        "**1. Discriminator step.** D_A judges real handwritten digits (target 1) and G_BA's translations "
        "(target 0); D_B does the same for typeset digits and G_AB's translations. The four squared errors are "
        "summed and D_A, D_B take one gradient step.")
    a, _ = source_digits("AB", 4, 7)
    b, _ = source_digits("BA", 4, 7)
    it = walk_through_iteration(G, D, a, b, card.config["cycle_weight"], card.config["identity_weight"])
    st.dataframe({"term": list(it.d_losses), "mean squared error": [round(v, 4) for v in it.d_losses.values()]},
                 hide_index=True)
    st.markdown("**2. Generator step: six outputs.** Through the frozen discriminators, the generators are "
                "trained on all six at once:")
    names = list(it.images)
    grid = np.concatenate([it.images[k] for k in names])
    captions = [k for k in names for _ in range(4)]
    st.image(plots.captioned_grid(grid, captions, cols=8, scale=3), clamp=True)
    st.dataframe({"term": list(it.g_losses), "loss": [round(v, 4) for v in it.g_losses.values()],
                  "weight": list(it.weights.values()),
                  "weighted": [round(it.weights[k] * v, 4) for k, v in it.g_losses.items()]}, hide_index=True)
    st.caption(f"Generator loss = Σ weight × term = **{it.g_total:.3f}**, plus the semantic term (weight "
               f"{card.config.get('semantic_weight', 0):g}) that the teachers compute during training. Validity "
               f"terms are small when D is fooled; cycle and identity terms are small when the round trip and the "
               f"identity map are faithful.")
    show_training_curves(card)

def quality_view() -> None:
    """Each model's measured grades and the shipped model's progress."""
    st.markdown(
        "Does a model *translate*? Keeping the digit is not enough — a model that returns its input keeps every "
        "digit. So each model is graded, per direction, on fresh inputs, by measures that doing nothing fails:\n"
        f"- **in the target domain**: the domain judge's verdict on G(x); the bar is "
        f"{BARS['in_target_of_judge_accuracy']:.0%} "
        "of the judge's own accuracy on real digits of that domain;\n"
        f"- **label kept**: the target domain's reader reads the input's digit in G(x); bar {BARS['label_kept']:.0%};\n"
        f"- **Fréchet distance** (MNIST-classifier features) from the translations to real digits of the target "
        f"domain: at most {BARS['frechet_ratio']:.0%} of the untranslated inputs' distance;\n"
        "- the mean pixel change and the cycle error, reported.")
    for name, label in available.items():
        show_grades(label, loaded[name][2])
    show_progress(card)

def photo_view() -> None:
    """The authors' photo translators, uploaded by the student."""
    st.markdown(
        "The CycleGAN authors published photo translators (horse ↔ zebra, summer ↔ winter, photo → Monet, …). "
        "Their generator is a ResNet: 9 residual blocks, 64 base channels, reflection padding, instance norm — "
        "11,378,179 parameters. Upload one of their `latest_net_G.pth` files (or a `.safetensors` of it) and a "
        "photo. The `.pth` is read with `torch.load(weights_only=True)`: tensors only, no code is ever run.")
    p1, p2 = st.columns(2)
    weights = p1.file_uploader("Generator weights", type=["pth", "pt", "safetensors"], key="cyclegan_weights")
    photo = p2.file_uploader("A photo (PNG/JPEG; resized to at most 512 px)", type=["png", "jpg", "jpeg"],
                             key="cyclegan_photo")
    net = None if weights is None else official_generator(weights)
    if net is not None and photo is not None:
        try:
            img = read_image(photo.getvalue(), "RGB")
        except UploadRejected as exc:
            st.error(f"Refused: {exc}", icon=":material/block:")
        else:
            with st.spinner("Translating on the CPU ..."):
                out = translate_photo(net, img)
            o1, o2 = st.columns(2)
            o1.image(img, caption="Your photo", width="stretch")
            o2.image(out, caption=f"Translated ({out.shape[1]}×{out.shape[0]})", width="stretch")
    elif net is not None:
        st.success("Weights loaded: the ResNet generator accepted every tensor. Now a photo.")


VIEWS = {"Translate a digit": translate_view, "A batch of 8, both models": batch_view,
         "One training iteration": iteration_view, "How good are they?": quality_view,
         "Photo models (official checkpoints)": photo_view}
# only the open tab runs (a click on a tab reruns the page): a click costs one view's networks, not five
for tab, view in zip(st.tabs(list(VIEWS), key="cyclegan_tab", on_change="rerun"), VIEWS.values()):
    if tab.open:
        with tab:
            view()
