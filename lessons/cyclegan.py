"""CycleGAN: translate handwritten digits into typeset ones and back, with no pairs to learn from."""
import secrets

import numpy as np
import streamlit as st

from gan_core.classifier import TYPESET_READER_NAME, classify
from gan_core.cyclegan import translate, walk_through_iteration
from gan_core.cyclegan_eval import cycle_error, source_digits
from gan_core.cyclegan_official import WeightsMismatch, load_official, translate_photo
from gan_core.uploads import UploadRejected, read_image, read_weights, to_mnist
from ui import plots
from ui.resources import cyclegan, digit_classifier, digit_reader, require_mnist

DOMAIN = {"A": "handwritten (MNIST)", "B": "typeset (rendered fonts)"}
DIRECTION_LABELS = {"AB": "Handwritten → typeset (G_AB)", "BA": "Typeset → handwritten (G_BA)"}

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
  && \text{identity (MAE)}
\end{aligned}""")
st.markdown("Each discriminator is trained as in every GAN so far — real images to 1, translated ones to 0 — "
            "and sees a **pool of 50 past translations** as well as the newest ones, so the generators cannot "
            "win by hopping to whatever D forgot.")

require_mnist("test")  # domain A's inputs
G, D, card = cyclegan()
if G is None:
    st.error(f"The pretrained CycleGAN is missing or broken: {card}. Train it with "
             f"`python -m gan_core train cyclegan --out pretrained/cyclegan_digits`.", icon=":material/error:")
    st.stop()
with st.expander("What the cycle does not promise: keeping the digit"):
    noise = card["config"].get("cycle_noise", 0.0)
    st.markdown(
        "No term of the loss says *keep the digit*. The cycle term only asks that F(G(x)) return x, and a "
        "generator can satisfy it while changing what the digit *looks like*: it can hide the input in faint "
        "pixel patterns that the other generator reads back (Chu et al., *CycleGAN, a master of "
        "steganography*, 2017), or take a feature of the other domain too far — typeset 1s have a flag, so "
        "G_AB grows one on a handwritten 1 until it reads as a 7.\n\n"
        "We measured it. In every CPU run the share of digits kept *fell* as training went on (handwritten → "
        "typeset from about 77–82% after 700–1,100 steps to 51–72% after 2,000–3,500; typeset → handwritten "
        "from 92–95% to 70–84%), with large or small PatchGAN patches, discriminators 4× as wide, two learning "
        "rates, and with noise added inside the cycle term against hidden patterns"
        + (f" (the shipped model used noise of std {noise:g})" if noise > 0 else "")
        + ". The shipped weights are the best early checkpoint. Papers that need the meaning kept add a term "
        "that uses it — CyCADA's semantic consistency loss asks a source-domain classifier to give x and G(x) "
        "the same label — which a purely unpaired CycleGAN does not have.\n\n"
        "The shipped generators are U-Nets: skips carry the input's pixels past the bottleneck, so they edit "
        "the digit rather than redraw it, and stay close to it. Without the skips (`--no-skips`) every output "
        "is redrawn from a small code, and the strokes really do change style — but the round trip also "
        "closes when look-alike digits swap places. In our skip-free runs most handwritten 4s became "
        "typeset 9s and typeset 9s became handwritten 4s. Domain B now has 21 faces, several of them with an "
        "open 4 and a straight-stemmed 9 as people write them; in a skip-free run on it, 31 of 60 handwritten "
        "4s still came out as typeset 9s.")

judge = digit_classifier()  # the MNIST classifier the other pages already hold in memory
READERS = {"A": ("the MNIST classifier", judge.model if judge else None),
           "B": ("the typeset reader", digit_reader(str(TYPESET_READER_NAME)))}


def read(domain: str, images: np.ndarray) -> list[str]:
    """The verdicts of the reader of `domain` on images of that domain ('7 · 98%'), or blanks."""
    _, reader = READERS[domain]
    if reader is None:
        return [""] * len(images)
    probs, _ = classify(reader, images)
    return [f"{p} · {c:.0%}" for p, c in zip(probs.argmax(1), probs.max(1))]


def enlarge(img: np.ndarray, scale: int = 6) -> np.ndarray:
    return np.kron(np.asarray(img, np.uint8), np.ones((scale, scale), np.uint8))


if "cyclegan_seed" not in st.session_state:
    st.session_state["cyclegan_seed"] = 0


def new_sample() -> None:
    st.session_state["cyclegan_seed"] = secrets.randbelow(1_000_000)


translate_tab, batch_tab, iteration_tab, photo_tab = st.tabs(
    ["Translate a digit", "A batch of 8", "One training iteration", "Photo models (official checkpoints)"])

with translate_tab:
    c1, c2 = st.columns(2)
    direction = c1.radio("Direction", list(DIRECTION_LABELS), format_func=DIRECTION_LABELS.get, key="cyclegan_dir")
    source, target = direction[0], direction[1]
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
                               height=224, width=224, drawing_mode="freedraw", key="cyclegan_canvas")
        if canvas.image_data is not None and canvas.image_data[..., :3].max() > 0:
            try:
                x = to_mnist(np.asarray(canvas.image_data[..., :3].max(-1), np.uint8))
            except UploadRejected as exc:
                st.info(str(exc))
    if x is None:
        st.info(f"Give me a {DOMAIN[source]} digit to translate.", icon=":material/draw:")
    else:
        fx = translate(G, x[None], direction)
        back = translate(G, fx, direction[::-1])
        same = translate(G, x[None], target + source)  # the generator into x's own domain: should change nothing
        cols = st.columns(4)
        shown = [("x", "The input", x, source), ("G(x)", f"Translated to {DOMAIN[target]}", fx[0], target),
                 ("F(G(x))", "Translated back", back[0], source), ("F(x)", "Identity: x is already in F's domain",
                                                                  same[0], source)]
        for col, (title, what, img, domain) in zip(cols, shown):
            col.markdown(f"**{title}**")  # one line each, so the four images line up
            col.image(enlarge(img), width=168, clamp=True)
            verdict = read(domain, img[None])[0]
            col.caption(what + (f"; {READERS[domain][0]} reads **{verdict}**" if verdict else ""))
        m1, m2 = st.columns(2)
        m1.metric("Cycle error |F(G(x)) − x|", f"{cycle_error(x[None], back)[0]:.3f}",
                  help="Mean absolute pixel difference in the networks' [−1, 1] units: 0 is a perfect round trip, "
                       "2 would be every pixel inverted.")
        m2.metric("Identity change |F(x) − x|", f"{cycle_error(x[None], same)[0]:.3f}",
                  help="How much the generator into x's own domain changes x: small, thanks to the identity loss.")

with batch_tab:
    direction_b = st.radio("Direction", list(DIRECTION_LABELS), format_func=DIRECTION_LABELS.get,
                           key="cyclegan_batch_dir", horizontal=True)
    xs, ys = source_digits(direction_b, 8, int(st.session_state["cyclegan_seed"]) + 1)
    fxs = translate(G, xs, direction_b)
    backs = translate(G, fxs, direction_b[::-1])
    s, t = direction_b[0], direction_b[1]
    for title, imgs, domain in ((f"Inputs ({DOMAIN[s]})", xs, s), ("Translations", fxs, t),
                                ("Reconstructions", backs, s)):
        st.markdown(f"**{title}** — read by {READERS[domain][0]}")
        st.image(plots.captioned_grid(imgs, read(domain, imgs), cols=8, scale=3), clamp=True)
    errors = cycle_error(xs, backs)
    st.caption(f"Cycle error per digit: {', '.join(f'{e:.3f}' for e in errors)} (mean {errors.mean():.3f}). "
               f"The inputs' true digits: {', '.join(map(str, ys))}.")

with iteration_tab:
    st.markdown(
        "One training iteration, step by step, on 4 handwritten and 4 typeset digits with the shipped networks "
        "(computed, not applied: nothing is updated).\n\n"
        "**1. Discriminator step.** D_A judges real handwritten digits (target 1) and G_BA's translations "
        "(target 0); D_B does the same for typeset digits and G_AB's translations. The four squared errors are "
        "summed and D_A, D_B take one gradient step.")
    a, _ = source_digits("AB", 4, 7)
    b, _ = source_digits("BA", 4, 7)
    it = walk_through_iteration(G, D, a, b, card["config"]["cycle_weight"], card["config"]["identity_weight"])
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
    st.caption(f"Generator loss = Σ weight × term = **{it.g_total:.3f}**. Validity terms are small when D is "
               f"fooled; cycle and identity terms are small when the round trip and the identity map are faithful.")
    curves = card.get("loss_curves", {})
    if curves.get("step"):
        st.markdown("**The shipped model's training curves**")
        l1, l2 = st.columns(2)
        l1.plotly_chart(plots.curves(curves, {"d_loss": "Loss_D", "g_loss": "Loss_G (total)"}, "Adversarial losses",
                                     "least squares"), key="cyclegan_losses", width="stretch")
        l2.plotly_chart(plots.curves(curves, {"cycle": "cycle (MAE, A + B)", "identity": "identity (MAE, A + B)"},
                                     "Cycle and identity terms", "MAE"), key="cyclegan_cycle", width="stretch")

m = card.get("metrics", {})
with st.expander("How good is the shipped CycleGAN?"):
    if "ab_label_kept" in m:
        st.markdown(
            f"Does a translation keep the digit? Each output is read by a reader of its *target* domain, on "
            f"**{m['n_per_direction']:,} inputs per direction**:\n"
            f"- handwritten → typeset: the typeset reader (100% on held-out renders) reads G_AB(a) as a's digit for "
            f"**{m['ab_label_kept']:.1%}** of MNIST test digits (on the untranslated handwriting it manages "
            f"{m['ab_untranslated_read_as_label']:.1%});\n"
            f"- typeset → handwritten: the MNIST classifier reads G_BA(b) as b's digit for **{m['ba_label_kept']:.1%}** "
            f"of fresh typeset digits (on the untranslated typeset digits: {m['ba_untranslated_read_as_label']:.1%});\n"
            f"- mean cycle error **{m['cycle_l1']:.3f}** (A → B → A {m['ab_cycle_l1']:.3f}, B → A → B "
            f"{m['ba_cycle_l1']:.3f}).")
    st.caption(f"{card.get('steps', 0):,} steps ({card.get('epochs', 0):.1f} MNIST epochs, "
               f"{card.get('wall_time_s', 0) / 60:.0f} min) on {card.get('device', '?')}: `{card.get('command', '')}`")

with photo_tab:
    st.markdown(
        "The CycleGAN authors published photo translators (horse ↔ zebra, summer ↔ winter, photo → Monet, …). "
        "Their generator is a ResNet: 9 residual blocks, 64 base channels, reflection padding, instance norm — "
        "11,378,179 parameters. Upload one of their `latest_net_G.pth` files (or a `.safetensors` of it) and a "
        "photo. The `.pth` is read with `torch.load(weights_only=True)`: tensors only, no code is ever run.")
    p1, p2 = st.columns(2)
    weights = p1.file_uploader("Generator weights", type=["pth", "pt", "safetensors"], key="cyclegan_weights")
    photo = p2.file_uploader("A photo (PNG/JPEG; resized to at most 512 px)", type=["png", "jpg", "jpeg"],
                             key="cyclegan_photo")
    net = None
    if weights is not None:
        cached = st.session_state.get("cyclegan_official")
        if cached and cached[0] == (weights.name, weights.size):
            net = cached[1]
        else:
            try:
                net = load_official(read_weights(weights.getvalue(), weights.name))
                st.session_state["cyclegan_official"] = ((weights.name, weights.size), net)
            except (UploadRejected, WeightsMismatch) as exc:
                st.error(f"Refused: {exc}", icon=":material/block:")
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
