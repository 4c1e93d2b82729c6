"""Mode collapse: watch a GAN collapse on the ring / grid benchmarks, then cure it, live."""
from functools import partial

import streamlit as st

from gan_core.families.toy import mode_collapse as mc
from ui import challenge_panel, inside_views, plots
from ui.live import controls, following_run, hosted, live_view, show_status
from ui.resources import training_device
from ui.words import LAYER_TITLES, MODE_COLLAPSE_METHODS, MODE_COLLAPSE_TARGETS

st.title("Mode collapse and its cures")
st.markdown(
    "A generator only has to **fool the discriminator**, not to cover the data. Often the cheapest way "
    "to fool D is to make one kind of output very well — so G gradually becomes less diverse and piles "
    "its samples onto one or a few *modes* of the data. D then learns to reject that spot, and G **hops** "
    "to another mode, cycling through a few without ever covering them all. That is *mode collapse*.\n\n"
    "The standard test beds are mixtures of tight Gaussians: a **ring of 8** (std 0.01) and a **grid of 25** "
    "(std 0.05). We count a generated point as *high quality* when it lies within 3 standard deviations of "
    "its nearest mode centre (the circles), a mode as *captured* when at least one high-quality point "
    "belongs to it, and measure how unevenly the points are shared among the modes with the *reverse KL* "
    "between that share and the uniform one (0 = perfectly even, log 8 ≈ 2.08 = everything on one mode). "
    "All three are computed on 2500 generated points, as in the VEEGAN, PacGAN and GDPP papers."
)

WHY = {
    "vanilla": "The plain non-saturating GAN. Nothing stops G from putting all its samples where D is currently "
               "fooled; D rejects that region a few steps later and G moves on — watch the *modes captured* "
               "line stay low while the points jump around the ring.",
    "pacgan": "**Packing** (PacGAN): D sees m = 4 samples concatenated and decides whether the *pack* is real. "
              "Four real samples almost always come from different modes; four collapsed samples sit on the "
              "same one. So a collapsed G is rejected at once, even when each sample on its own looks perfect.",
    "minibatch_std": "**Mini-batch features** (standard-deviation flavour): D receives, next to each sample's "
                     "features, the spread of those features over the whole batch. A collapsed batch has far too "
                     "little spread, so D rejects it and G is pushed to diversify.",
    "minibatch_disc": "**Mini-batch discrimination** (Salimans et al.): D measures how close each sample is to the "
                      "others in its batch. Batches of near-identical samples stand out, so G cannot win by "
                      "repeating one good output.",
    "wgan_gp": "**Wasserstein loss with gradient penalty**: the critic scores samples instead of classifying them, "
               "and its gradient norm is kept near 1. Its score keeps a useful slope everywhere, so the "
               "generator is pulled towards *every* mode it is missing instead of only away from the one D "
               "currently rejects.",
    "wgan_clip": "**Wasserstein loss with weight clipping** (the seeds' WGAN): the critic maximises D(x) − D(G(z)) "
                 "with its weights clipped to ±0.01 so that it stays Lipschitz. The earth-mover distance still "
                 "shrinks when G moves mass towards a missing mode, so G has a reason to spread out — but "
                 "clipping makes the critic weak and slow, so training takes longer.",
    "unrolled": "**Unrolled GAN**: G's loss looks ahead — it is computed against the discriminator *after* k = 5 "
                "further D updates, with gradients flowing back through those updates. Hopping to a new mode "
                "stops paying off because G can 'see' that D will follow it there.",
    "replay": "**Experience replay**: half of D's fake batch comes from a buffer of G's older outputs. D keeps "
              "rejecting the modes G visited earlier, so G cannot cycle back to them; it has to cover the data.",
    "label_tricks": "**Label flipping and one-sided smoothing**: 30% of the real labels are flipped to fake (15% of "
                    "all labels) and the rest are 0.9 instead of 1. This keeps D from winning too fast, which "
                    "calms the hop-and-chase dynamics — a mild remedy that often is not enough on its own.",
    "sharp_minibatch_std": "**Mini-batch standard deviation on a sharper network.** Curing the collapse finds "
                           "the modes; hitting modes only 0.01 wide also needs a network that can resolve them. "
                           "This preset keeps the mini-batch feature but uses 2-D noise, a deeper generator, a "
                           "leaky-ReLU discriminator, and halves the learning rates near the end so the samples "
                           "settle onto the centres. On the grid the generator also learns 1.5× faster than D: "
                           "with equal speeds, D soon marks an empty row of modes as 'real', yet G's points never "
                           "move there — a faster G does. It changes the network too, so it is *not* a "
                           "like-for-like comparison with vanilla: it shows what a full recipe reaches.",
}

TARGET_KEYS = list(mc.TARGETS)
METHOD_KEYS = list(mc.METHODS)
CURE_KEYS = [m for m in METHOD_KEYS if m != "vanilla"]

c1, c2, c3 = st.columns([2, 2, 1])
target = c1.selectbox("Target", TARGET_KEYS, format_func=MODE_COLLAPSE_TARGETS.get, key="mc_target")
view = c3.radio("View", ["Single run", "Compare"], key="mc_view", horizontal=False)
seed = c3.number_input("Seed", min_value=0, max_value=9999, value=0, step=1, key="mc_seed")
if view == "Single run":
    method = c2.selectbox("Method", METHOD_KEYS, format_func=MODE_COLLAPSE_METHODS.get, key="mc_method")
else:
    method = c2.selectbox("Cure to compare with vanilla", CURE_KEYS, index=CURE_KEYS.index(mc.COMPARE_DEFAULT),
                          format_func=MODE_COLLAPSE_METHODS.get, key="mc_cure")
recipe = mc.preset(target, method)
cfg = recipe.config
st.caption(f"**{MODE_COLLAPSE_METHODS[method]}** — switches: {recipe.description}. "
           f"Budget used by the benchmark: {recipe.budget:,} steps."
           + (f" The learning rates halve every {cfg.lr_half_life} steps after step {cfg.lr_decay_start:,}, "
              "so the picture settles (freezes) soon after that." if cfg.lr_decay_start else ""))
st.info(WHY[method], icon=":material/lightbulb:")


make_trainer = hosted(partial(mc.from_settings, device=training_device()))  # in a worker process (ui/live.py)


PLANE_LAYERS = ("surface", "arrows", "manifold")  # on top of the generated points and the mode centres
PLANE_POINTS = 300  # generated points (and arrows) on the plane
shown = {"fake"}
if target in mc.PLANE_TARGETS:
    toggles = st.columns(len(PLANE_LAYERS) + 1)
    shown |= {layer for col, layer in zip(toggles, PLANE_LAYERS)
              if col.toggle(LAYER_TITLES[layer], value=layer != "manifold", key=f"mc_layer_{layer}")}


def draw_factory(key: str, title: str, run):
    def draw(snap):
        show_status(snap)
        if hasattr(snap, "modes_captured"):  # 2-D
            modes, n, hq, kl = snap.modes_captured, snap.n_modes, snap.hq_fraction, snap.reverse_kl
        else:  # 1-D mixture: histograms
            cov = snap.coverage or {}
            modes, n = cov.get("modes_captured", 0), cov.get("n_modes", 1)
            hq, kl = cov.get("hq_fraction", 0.0), cov.get("reverse_kl", 0.0)
        m1, m2, m3 = st.columns(3)
        m1.metric("Modes captured", f"{modes} / {n}")
        m2.metric("High quality", f"{100 * hq:.1f} %")
        m3.metric("Reverse KL", f"{kl:.3f}")
        if hasattr(snap, "fake_x"):  # the plane, with the layers asked for (D's verdict, G's push and manifold)
            layers = run.trainer.layers(shown, PLANE_POINTS)
            plane = inside_views.plane(layers, shown, snap.centres, title, snap.mode_std)
            st.plotly_chart(plane, key=f"{key}_scatter", width="stretch")
        else:
            st.plotly_chart(plots.histograms(snap, title), key=f"{key}_hist", width="stretch")
        st.plotly_chart(plots.modes_over_time(snap.history, n), key=f"{key}_modes", width="stretch")
        if key == "mc_single":
            challenge_panel.panel("mode_collapse", snap, run.trainer.config)
    return draw


if view == "Single run":
    settings = (target, method, int(seed))
    run = following_run("mc_single", settings, make_trainer)  # an untrained run follows the widgets
    controls("mc_single", run, settings, make_trainer)
    live_view("mc_single", run, draw_factory("mc_single", MODE_COLLAPSE_METHODS[run.settings[1]], run))
else:
    st.markdown("Both runs start from the **same seed** (same initial weights, same noise); they differ only "
                "in the cure's switches (except *Mini-batch std + sharper network*, which also changes the "
                "network). On this small network the cures find every mode, but the points stay blurry "
                "around the centres (few count as high quality); the sharper-network preset shows both at once.")
    s_van, s_cure = (target, "vanilla", int(seed)), (target, method, int(seed))
    runs = {"mc_run_van": (following_run("mc_run_van", s_van, make_trainer), s_van),
            "mc_run_cure": (following_run("mc_run_cure", s_cure, make_trainer), s_cure)}
    b1, b2, b3, _ = st.columns([1, 1, 1, 3])
    any_running = any(r.running for r, _ in runs.values())
    if b1.button("Start both", key="mc_cmp_start", type="primary", disabled=any_running, width="stretch"):
        for r, s in runs.values():
            r.follow(s, make_trainer)
            r.running = not r.snapshot.diverged
        st.rerun()
    if b2.button("Pause", key="mc_cmp_pause", disabled=not any_running, width="stretch"):
        for r, _ in runs.values():
            r.pause()
        st.rerun()
    if b3.button("Reset", key="mc_cmp_reset", width="stretch"):
        for r, s in runs.values():
            r.reset(make_trainer(s), s)
        st.rerun()
    left, right = st.columns(2)
    for col, (key, (r, _)) in zip((left, right), runs.items()):
        with col:
            st.subheader(MODE_COLLAPSE_METHODS[r.settings[1]])
            live_view(key, r, draw_factory(key, f"seed {r.settings[2]}", r), seconds=0.1)

if target in mc.PLANE_TARGETS:
    st.subheader("What to look for")
    st.markdown(
        "The layers are those of *Inside the game (2-D)*: the heatmap is D's verdict on each point of the plane "
        "(blue: looks real, orange: looks fake), each arrow is where G's loss pushes a generated point (−∂L_G/∂x), "
        "and the manifold is G's image of a grid of noise (a 2-D slice when the noise has more dimensions).\n"
        "- **Vanilla:** D is not sharp enough to carve out one tiny mode, so it *tilts*: the side of the ring where "
        "G's points sit turns orange, the far side blue, and every arrow points the same way, toward the blue "
        "modes. A few hundred steps later G has hopped there and the tilt turns around.\n"
        "- **PacGAN and mini-batch standard deviation** change what the heatmap means: D judges a pack or a "
        "batch, so the colour at a point is D's verdict on a G *collapsed onto that point* (a pack or batch of "
        "copies). With packing the whole ring goes orange: a collapsed pack is rejected on every mode, even a real "
        "one, and G's points spread over the modes instead of hopping.\n"
        "- **Mini-batch discrimination** has no heatmap: its verdict on a point depends on how many copies are in "
        "the batch. Its arrows still show the push.\n"
        "- **WGAN-GP and WGAN:** the heatmap is the critic's score on its own scale. It is a long slope, not an "
        "island, highest on the modes G has not reached, and the arrows stay long there: G is pulled toward "
        "the missing modes instead of only away from the one it is on.\n"
        "- **Replay** looks like vanilla at first, but the orange stays on modes G has left: D remembers them, so "
        "G cannot hop back.\n"
        "- **Label flipping and smoothing** turn the whole heatmap paler and more orange (D is less sure of the "
        "reals); the tilt and the hopping remain.\n"
        "- **Unrolling** changes where G goes, not the picture: the arrows are the push through the current D, "
        "while the unrolled G follows D as it will be five updates later.")

with st.expander("All the cures, and what the benchmark measured"):
    for key in CURE_KEYS:
        st.markdown(f"- **{MODE_COLLAPSE_METHODS[key]}** — {WHY[key]}")
    st.markdown(
        "Published numbers with the same metrics (ring: modes of 8, HQ %): GAN 1/8 (99.3%), Unrolled GAN 7.6/8 "
        "(35.6%), VEEGAN 8/8 (52.9%), WGAN-GP 6.8/8 (59.6%), GDPP 8/8 (71.7%), PacGAN4 7.8/8 (95.9%). "
        "Grid (modes of 25): VEEGAN 24.6 (40%), GDPP 24.8 (68.5%), PacGAN4 24.8 (93.6%). "
        "`python bench/bench_mode_collapse.py` measures every preset here on this machine."
    )
