"""Latent space: interpolation (lerp vs slerp), a 3 morphing into an 8, vector arithmetic, attribute sliders."""
import math

import numpy as np
import streamlit as st

from gan_core.eval.attributes import ATTRIBUTES, measure
from gan_core.eval.readers import classify
from gan_core.io.paths import PRETRAINED
from gan_core.latent import arithmetic_demo, interpolate, lerp
from ui import plots
from ui.resources import digit_classifier, pretrained_generator
from ui.words import ATTRIBUTE_UNITS

MODELS = {"cgan": ("Conditional GAN (pretrained)", str(PRETRAINED / "cgan_mnist")),
          "dcgan": ("DCGAN (pretrained)", str(PRETRAINED / "dcgan_mnist"))}

st.title("Latent space")
st.markdown(
    "A generator is a map from a **latent space** — here 100 numbers z drawn from N(0, I) — to images. Points "
    "that are close in z give similar digits, so we can *walk* through the space and do arithmetic in it. "
    "In 100 dimensions almost all of the prior's mass lies on a thin shell of radius about √100 = 10: the "
    "straight line (**lerp**) between two samples dips inside the shell, towards latents the generator rarely "
    "saw in training, while the spherical path (**slerp**) stays on it."
)


def load_model(key: str):
    return pretrained_generator(MODELS[key][1])


@st.cache_resource(show_spinner="Finding the attribute direction ...")
def direction(key: str, attribute: str, label):
    return load_model(key)[0].direction(attribute, n=1000, seed=1234, label=label)


@st.cache_resource(show_spinner="Collecting exemplars ...")
def demo(key: str, attribute: str, digit_a: int, digit_c: int, k: int, seed: int):
    return arithmetic_demo(load_model(key)[0], attribute, digit_a, digit_c, k=k, seed=seed, classify=classify_fn)


def classify_fn(images: np.ndarray) -> np.ndarray:
    return classify(digit_classifier().model, images)[0]


key = st.radio("Model", list(MODELS), format_func=lambda k: MODELS[k][0], horizontal=True, key="lat_model")
model, error = load_model(key)
if model is None:
    st.warning(f"The {MODELS[key][0]} is not available ({error}). "
               + ("It is still being trained; choose the Conditional GAN meanwhile." if key == "dcgan" else
                  "Train it with `python -m gan_core train cgan --out pretrained/cgan_mnist`."),
               icon=":material/hourglass_empty:")
    st.stop()
evaluator = digit_classifier()
if evaluator is None:
    st.error("The evaluation classifier (pretrained/mnist_classifier) is missing; this page needs it.")
    st.stop()


def verdict_captions(images: np.ndarray, prefix=None):
    probs = classify_fn(images)
    pred, conf = probs.argmax(1), probs.max(1)
    pre = prefix or [""] * len(images)
    return [f"{p}{d} {c:.0%}" for p, d, c in zip(pre, pred, conf)], pred


cond = model.conditional
sqrt_d = math.sqrt(model.z_dim)

# --- 1. interpolation ---------------------------------------------------------------------------
st.header("1 · Walk from one digit to another")
c1, c2, c3 = st.columns(3)
method = c1.radio("Path", ["slerp", "lerp"], horizontal=True, key="lat_method",
                  format_func=lambda m: {"slerp": "spherical (slerp)", "lerp": "linear (lerp)"}[m])
steps = c1.slider("Steps N", 2, 16, 8, key="lat_steps")
digit = c2.slider("Digit (the CGAN's label)", 0, 9, 3, key="lat_digit") if cond else None
pick = c3.radio("Choose the endpoints", ["by seed", "from a grid"], horizontal=True, key="lat_pick")
if pick == "by seed":
    seed_a = c3.number_input("Seed of the start", 0, 99_999, 1, key="lat_seed_a")
    seed_b = c3.number_input("Seed of the end", 0, 99_999, 2, key="lat_seed_b")
    z_a, z_b = model.noise(1, seed_a)[0], model.noise(1, seed_b)[0]
else:
    pool_seed = c3.number_input("Grid seed", 0, 99_999, 0, key="lat_pool_seed")
    pool = model.noise(16, pool_seed)
    pool_images = model.decode(pool, digit)
    st.image(plots.captioned_grid(pool_images, [f"#{i + 1}" for i in range(16)], cols=8, scale=2), clamp=True)
    g1, g2 = st.columns(2)
    a = g1.pills("Start", list(range(1, 17)), default=1, key="lat_grid_a") or 1
    b = g2.pills("End", list(range(1, 17)), default=2, key="lat_grid_b") or 2
    z_a, z_b = pool[a - 1], pool[b - 1]

path = interpolate(z_a, z_b, steps, method)
strip = model.decode(path, digit)
st.session_state["lat_strip"] = strip
captions, _ = verdict_captions(strip)
st.image(plots.captioned_grid(strip, captions, cols=steps, scale=2), clamp=True,
         caption=f"{steps} steps by {method}; under each: the classifier's label and confidence")
left, right = st.columns(2)
left.plotly_chart(plots.latent_animation(strip, [f"step {i + 1}/{steps}" for i in range(steps)], method.upper()),
                  key="lat_anim", width="stretch")
other = interpolate(z_a, z_b, steps, "lerp" if method == "slerp" else "slerp")
norms = {method: path.norm(dim=1).tolist(), ("lerp" if method == "slerp" else "slerp"): other.norm(dim=1).tolist()}
right.plotly_chart(plots.norm_along_path(norms, sqrt_d), key="lat_norms", width="stretch")
right.caption("Halfway between two independent samples, lerp's |z| drops to about 10/√2 ≈ 7; slerp keeps it "
              "between the endpoints' norms.")

# --- 2. label interpolation (CGAN) --------------------------------------------------------------
if cond:
    st.header("2 · Morph one digit into another (label interpolation)")
    st.markdown("Keep z (the handwriting) fixed and slide the CGAN's *label input* from one digit's code to "
                "another's: the one-hot vector (1, 0) becomes (0.5, 0.5) becomes (0, 1) for the two digits.")
    m1, m2, m3 = st.columns(3)
    d_from = m1.selectbox("From digit", range(10), index=3, key="lat_from")
    d_to = m2.selectbox("To digit", range(10), index=8, key="lat_to")
    morph_seed = m3.number_input("Handwriting seed", 0, 99_999, 5, key="lat_morph_seed")
    codes = model.label_codes([d_from, d_to])
    code_path = lerp(codes[0], codes[1], np.linspace(0, 1, steps))
    morph = model.decode(model.noise(1, morph_seed).expand(steps, -1), codes=code_path)
    st.session_state["lat_morph"] = morph
    m_caps, m_pred = verdict_captions(morph)
    st.image(plots.captioned_grid(morph, m_caps, cols=steps, scale=2), clamp=True,
             caption=f"{d_from} → {d_to} in {steps} steps; under each: the classifier's label and confidence")
    st.plotly_chart(plots.latent_animation(morph, [f"{d_from}→{d_to} step {i + 1}/{steps}" for i in range(steps)],
                                           "Label morph"), key="lat_morph_anim", width="content")

# --- 3. vector arithmetic -----------------------------------------------------------------------
st.header(("3" if cond else "2") + " · Vector arithmetic with concepts")
st.markdown(
    "Radford et al. averaged the z of a few exemplars per concept, then combined the averages: "
    "*man with glasses − man without glasses + woman without glasses = woman with glasses*. Here the concepts "
    "are measurable: **stroke thickness** (ink mass: how many white pixels' worth of ink) and **slant** "
    "(from the image moments: horizontal drift of the ink per row, positive when the digit leans right).")
v1, v2, v3, v4 = st.columns(4)
attribute = v1.radio("Attribute", list(ATTRIBUTES), key="lat_attr",
                     format_func=lambda a: {"thickness": "thickness", "slant": "slant"}[a])
digit_a = v2.selectbox("Digit of A and B", range(10), index=3, key="lat_digit_a")
digit_c = v3.selectbox("Digit of C", range(10), index=7, key="lat_digit_c")
k = v4.slider("Exemplars per concept", 3, 8, 3, key="lat_k")
word_hi, word_lo = ("thick", "thin") if attribute == "thickness" else ("slanted", "upright")
try:
    res = demo(key, attribute, int(digit_a), int(digit_c), int(k), 0)
except ValueError as exc:
    st.warning(str(exc))
    res = None
if res is not None:
    unit = ATTRIBUTE_UNITS[attribute]
    rows = [(f"A = {word_hi} {digit_a}s", res["A"], res["A_values"]),
            (f"B = {word_lo} {digit_a}s", res["B"], res["B_values"]),
            (f"C = {word_lo} {digit_c}s", res["C"], res["C_values"])]
    e1, e2 = st.columns([3, 2])
    for title, imgs, vals in rows:
        e1.markdown(f"**{title}** (mean {unit}: {np.mean(vals):.2f})")
        e1.image(plots.captioned_grid(imgs, [f"{v:.2f}" for v in vals], cols=len(imgs), scale=2), clamp=True)
    e2.markdown(f"**mean(A) − mean(B) + mean(C)** should be a **{word_hi} {digit_c}**")
    pair = np.stack([res["before"], res["after"]])
    e2.image(plots.captioned_grid(pair, [f"before {res['before_value']:.2f}", f"after {res['after_value']:.2f}"],
                                  cols=2, scale=4), clamp=True)
    e2.markdown(
        f"- {unit}: **{res['before_value']:.2f} → {res['after_value']:.2f}** (decoded mean(C) vs the result)\n"
        f"- classifier: **{res['before_label']}** ({res['before_conf']:.0%}) → **{res['after_label']}** "
        f"({res['after_conf']:.0%})")

# --- 4. attribute sliders -------------------------------------------------------------------------
st.header(("4" if cond else "3") + " · Attribute sliders")
st.markdown("The direction from the concept vector of the thinnest (or most upright) fifth of 1,000 samples to "
            "that of the thickest (most slanted) fifth. Move any sample along it.")
s1, s2, s3 = st.columns(3)
thick = s1.slider("thicker ←→", -6.0, 6.0, 0.0, 0.5, key="lat_thick",
                  help="Latent units along the thickness direction (|z| is about 10).")
slanted = s2.slider("more slanted ←→", -6.0, 6.0, 0.0, 0.5, key="lat_slant")
slider_seed = s3.number_input("Samples seed", 0, 99_999, 3, key="lat_slider_seed")
label = digit if cond else None
z0 = model.noise(8, slider_seed)
z1 = model.move(model.move(z0, direction(key, "thickness", label), thick), direction(key, "slant", label), slanted)
before, after = model.decode(z0, label), model.decode(z1, label)
b_caps, b_pred = verdict_captions(before)
a_caps, a_pred = verdict_captions(after)
st.image(plots.captioned_grid(np.concatenate([before, after]), b_caps + a_caps, cols=8, scale=2), clamp=True,
         caption="Top row: the samples; bottom row: moved along the directions (classifier's label and confidence)")
t1, t2, t3 = st.columns(3)
t1.metric("Mean ink mass", f"{measure(after, 'thickness').mean():.1f}",
          f"{measure(after, 'thickness').mean() - measure(before, 'thickness').mean():+.1f}")
t2.metric("Mean slant", f"{measure(after, 'slant').mean():.2f}",
          f"{measure(after, 'slant').mean() - measure(before, 'slant').mean():+.2f}")
t3.metric("Labels unchanged", f"{int((a_pred == b_pred).sum())} / 8")
