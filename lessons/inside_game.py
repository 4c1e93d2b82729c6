"""Lesson: inside the game — a 2-D playground showing D's decision surface, G's manifold and gradients,
and one training iteration in slow motion (after GAN Lab, Kahng et al. 2018)."""
from functools import partial

import streamlit as st

from gan_core.data.shapes import DRAW_EXTENT, drawn, strokes_from_canvas
from gan_core.families.toy import playground as pg
from gan_core.families.toy.family import config_from_card, trained_from
from gan_core.families.toy.inside import HIST_BINS, LAYERS, SMOOTHING, InsideTrainer
from gan_core.families.toy.presets import shipped_name
from gan_core.families.toy.slow_motion import SlowMotion
from gan_core.io import checkpoints, paths
from gan_core.io.cards import ModelCard
from gan_core.losses import LOSSES
from ui import challenge_panel, live, words
from ui import inside_views as views
from ui.overview import overview_svg
from ui.resources import training_device

KEY, RUN_KEY, CANVAS_PX = "ig", "ig_run", 300

st.title("Inside the game (2-D)")
st.markdown(
    "The other lessons watch a GAN **from outside**: what G makes. Here you look **inside the game** on a plane, "
    "where every sample is a point. The blue points are real; G turns noise z into the orange ones. Behind them, "
    "**D's decision surface** colours the plane by D(x), its belief that a point is real. The **arrows** show where "
    "G's loss pushes each generated point, and **G's manifold** shows the image of a regular grid of noise.\n\n"
    "One iteration is the lecture's algorithm: D takes k steps up the gradient of "
    "mean[log D(x) + log(1 − D(G(z)))] on a real and a (detached) fake batch; then G steps, through the frozen D, "
    "to raise log D(G(z)). For a fixed G the best D is D\\*(x) = p_data(x) / (p_data(x) + p_g(x)). When p_g = "
    "p_data it is ½ everywhere: the surface fades to white and the arrows shrink.")


def k(name: str) -> str:
    return f"{KEY}_{name}"


# --- the settings a link carries (read once per session; bad parts are ignored with a notice) ---------------
if k("link_read") not in st.session_state:
    values, problems = pg.from_query(st.query_params.to_dict())
    for name, value in values.items():
        if name == "layers":
            for layer in LAYERS:
                st.session_state[k(f"layer_{layer}")] = layer in value
        else:
            st.session_state[k(name)] = value
    st.session_state[k("link_read")], st.session_state[k("problems")] = True, problems
else:  # widgets that one run does not draw (a drawing not made yet stops the page early) keep their values
    for name in [*pg.SETTINGS, *(f"layer_{layer}" for layer in LAYERS), "part"]:
        if k(name) in st.session_state:
            st.session_state[k(name)] = st.session_state[k(name)]
if st.session_state[k("problems")]:
    st.warning(words.link_notice(st.session_state[k("problems")]), icon=":material/link_off:")


def drawing_target() -> dict | None:
    """The canvas, and the strokes of the drawing the student accepted (None until one is)."""
    from streamlit_drawable_canvas import st_canvas

    st.caption(f"Draw the real data with the mouse: the square shows [−{DRAW_EXTENT:g}, {DRAW_EXTENT:g}]². "
               "Points are spread along your strokes, with a little noise.")
    canvas = st_canvas(stroke_width=3, stroke_color="#1f77b4", background_color="#fafafa", height=CANVAS_PX,
                       width=CANVAS_PX, drawing_mode="freedraw", key=k("canvas"))
    if st.button("Use this drawing", key=k("use_drawing"), icon=":material/draw:"):
        objects = (canvas.json_data or {}).get("objects", [])
        try:
            strokes = strokes_from_canvas(objects, CANVAS_PX)
            drawn(strokes)  # refuses an empty drawing or a dot, with the reason
            st.session_state[k("strokes")] = strokes
        except ValueError as exc:
            st.error(f"Refused: {exc}.", icon=":material/block:")
    return st.session_state.get(k("strokes"))


def trained_game(shape: str) -> ModelCard | None:
    try:
        return ModelCard.load(paths.PRETRAINED / shipped_name(shape))
    except checkpoints.CheckpointError:
        return None


def start_trained(shape: str) -> None:
    """Button callback: the shipped game of `shape` into the run, and its settings into the widgets."""
    config = config_from_card(trained_game(shape).config)
    layers = tuple(name for name in LAYERS if st.session_state.get(k(f"layer_{name}")))
    for name, value in pg.values_of(config, layers).items():
        if name != "layers":
            st.session_state[k(name)] = value
    base = pg.other_settings(config)
    st.session_state[k("base")] = (shape, base)
    page_config = pg.make_config(pg.values_of(config), **base)
    spec = (paths.PRETRAINED / shipped_name(shape), training_device(), page_config)
    st.session_state[RUN_KEY].reset(live.hosted(trained_from)(spec), page_config)


# --- data --------------------------------------------------------------------------------------------------
c1, c2 = st.columns([1, 1])
shape = c1.selectbox("Real data", list(pg.SHAPES) + ["drawn"], key=k("shape"), format_func=words.SHAPE_TITLES.get)
strokes = None
with c2:
    if shape == "drawn":
        strokes = drawing_target()
        if strokes is None:
            st.info("Draw something, then press **Use this drawing**.", icon=":material/draw:")
            st.stop()

# --- hyperparameters ---------------------------------------------------------------------------------------
with st.expander("Hyperparameters", expanded=True):
    h1, h2, h3, h4 = st.columns(4)
    h1.selectbox("Loss", pg.LOSSES, key=k("loss"), format_func=words.LOSS_TITLES.get,
                 help="Non-saturating: the log loss with G maximising log D(G(z)). Wasserstein-GP: a critic "
                      "that scores instead of classifying, kept 1-Lipschitz by a gradient penalty.")
    h1.number_input("Batch size", 8, 1024, key=k("batch_size"), step=32)
    h1.number_input("Seed", 0, 9999, key=k("seed"))
    for col, net, name in ((h2, "d", "D"), (h3, "g", "G")):
        col.selectbox(f"{name}'s optimizer", list(words.OPTIMIZER_TITLES), key=k(f"{net}_optimizer"),
                      format_func=words.OPTIMIZER_TITLES.get)
        col.number_input(f"{name}'s learning rate", 1e-5, 1.0, key=k(f"lr_{net}"), format="%.1e", step=1e-4)
        col.number_input(f"{name} steps per iteration", 1, 10, key=k(f"{net}_steps"))
        col.number_input(f"{name}'s hidden layers", 1, 4, key=k(f"{net}_layers"))
        col.number_input(f"Neurons per {name} layer", 2, 256, key=k(f"{net}_width"), step=8)
    h4.radio("Noise dimension", [1, 2], key=k("noise_dim"), horizontal=True,
             help="1: G's manifold is a curve; 2: a deformed mesh.")
    h4.radio("Noise prior p_z", ["uniform", "normal"], key=k("noise"), format_func=words.NOISE_TITLES.get)

values = {name: st.session_state[k(name)] for name in pg.SETTINGS if name != "layers"}
base_shape, base = st.session_state.get(k("base"), (None, {}))
base = base if base_shape == shape else {}
if base:
    st.caption("Kept from the trained game's card (no widget sets them): "
               + ", ".join(f"`{name}` = {value}" for name, value in base.items()) + ".")
try:
    config = pg.make_config(values, target="drawn" if strokes else None,
                            target_params={"strokes": strokes} if strokes else None, **base)
    config.validate()
except ValueError as exc:
    st.error(f"These settings cannot train: {exc}.", icon=":material/block:")
    st.stop()


make_trainer = live.hosted(partial(InsideTrainer, device=training_device()))  # in a worker process (ui/live.py)


run = live.following_run(RUN_KEY, config, make_trainer)
card = trained_game(shape) if shape != "drawn" else None
if card:
    m = card.metrics
    c1.button("Start from a trained model", key=k("trained"), on_click=start_trained, args=(shape,),
              icon=":material/model_training:")
    c1.caption(f"The shipped game was trained by the command line for {card.steps:,} iterations "
               f"({card.minutes:.1f} min on {card.device}); on {m['n_samples']:,} samples its JS is "
               f"{m['js']:.3f}, against {m['js_floor']:.3f} between two real samples (its card).")

# --- training controls -------------------------------------------------------------------------------------
live.controls(RUN_KEY, run, config, make_trainer, start_label="Play")
if st.session_state.get(k("slow"), (None,))[0] is not run.trainer:
    st.session_state[k("slow")] = (run.trainer, SlowMotion())
slow = st.session_state[k("slow")][1]
s1, s2, s3, _ = st.columns([2, 1, 1.5, 1.5])
part = s1.radio("Step", pg.STEP_PARTS, key=k("part"), format_func=words.STEP_TITLES.get, horizontal=True)
idle = not run.running and not run.snapshot.diverged
if s2.button("Step", key=k("step"), disabled=not idle, icon=":material/skip_next:", width="stretch"):
    with run.lock:
        slow.stop()
        run.snapshot = run.trainer.step_part(part)
if s3.button("Slow motion: next phase", key=k("phase"), disabled=not idle, icon=":material/slow_motion_video:",
             width="stretch"):
    with run.lock:
        slow.advance(run.trainer)
        run.snapshot = run.trainer.snapshot()
if run.running:
    slow.stop()

# --- the plane and its layers ------------------------------------------------------------------------------
toggles = st.columns(len(LAYERS))
shown = {layer for col, layer in zip(toggles, LAYERS)
         if col.toggle(words.LAYER_TITLES[layer], key=k(f"layer_{layer}"))}
values["layers"] = tuple(layer for layer in LAYERS if layer in shown)
query = pg.to_query(values)
if shape == "drawn":
    query.pop("shape")  # a drawing does not travel in a link
if st.query_params.to_dict() != query:
    st.query_params.from_dict(query)


def phase_numbers(snap) -> dict:
    """The overview's numbers: the latest ones, or in slow motion those this iteration has revealed so far."""
    n, d, g = slow.phase, slow.d, slow.g
    if not n:
        return {name: getattr(snap, name) for name in ("d_real", "d_fake", "d_loss", "g_loss")}
    out = {"d_real": d["real_score"].mean() if n >= 2 else None, "d_fake": d["fake_score"].mean() if n >= 2 else None,
           "d_loss": d["loss"] if n >= 3 else None, "g_loss": g["loss"] if n >= 7 else None}
    if n >= 6:
        out["d_fake"] = g["fake_score"].mean()
    return out


def draw(snap) -> None:
    live.show_status(snap)
    trainer, phase = run.trainer, slow.current
    st.markdown(overview_svg(phase_numbers(snap), phase), unsafe_allow_html=True)
    left, right = st.columns([3, 2])
    if phase:
        figure = views.phase_plane(slow, trainer.lo, trainer.hi, trainer.mode_centres)
    else:
        figure = views.plane(trainer.layers(shown), shown, trainer.mode_centres)
    left.plotly_chart(figure, key=k("plane"), width="stretch")
    with right:
        if phase:
            title, sentence = words.PHASE_WORDS[phase.code]
            steps = (slow.d if phase.half == "d" else slow.g)["steps"]
            more = f" ({steps} {'D' if phase.half == 'd' else 'G'} updates this iteration: shown, the last.)" \
                if steps > 1 else ""
            st.info(f"**{phase.number}. {title}.** {sentence}{more}", icon=":material/slow_motion_video:")
        m1, m2, m3 = st.columns(3)
        m1.metric("JS divergence", f"{snap.js:.3f}", help=f"JS(real, generated); two real samples: {snap.js_floor:.3f}")
        m2.metric("KL divergence", f"{snap.kl:.3f}",
                  help=f"KL(real ‖ generated); two real samples: {snap.kl_floor:.3f}")
        if snap.n_modes:
            m3.metric("Modes captured", f"{snap.modes_captured} / {snap.n_modes}")
    st.plotly_chart(views.metrics_figure(snap.history, snap.js_floor), key=k("metrics"))
    challenge_panel.panel("inside_game", snap, trainer.config)


live.live_view(RUN_KEY, run, draw, seconds=live.PLANE_TICK_SECONDS, every=live.PLANE_TICK_EVERY)

st.subheader("What to look for")
st.markdown(
    "- **The surface** starts as a sharp blue island around the real data and orange elsewhere. As G catches "
    "up it pales toward white (D(x) = ½): D can no longer tell. With the Wasserstein loss the colours are the "
    "critic's score, centred on the middle between its mean score on reals and on fakes.\n"
    "- **The arrows** point from each fake toward where D is more convinced it is real, the gradient that G's "
    "update follows through the frozen D. Press *Step* with **G only** and watch the points move along them; "
    "with **D only**, the surface moves and the points stay.\n"
    "- **G's manifold** shows how G bends the noise space. Dark cells are compressed, with many samples per area; "
    "pale cells are stretched thin. A continuous G cannot tear, so on *Three disjoint regions* it must stretch a "
    "thin bridge between them.\n"
    "- **Slow motion** walks through one iteration in its eight phases: D's half (1–4), then G's half (5–8).\n"
    "- Try the **minimax** loss with a strong D (5 D steps): fakes far from the data get almost no push (the "
    "saturating loss). The non-saturating loss keeps the arrows long there.")
st.caption(
    f"KL(real ‖ generated) and JS are measured between 2-D histograms of {HIST_BINS}×{HIST_BINS} cells over the "
    f"plotted square, each from the run's fixed evaluation samples (real and generated), with {SMOOTHING} added "
    "to every cell's count so that KL stays finite; points outside the square count in the nearest edge cell. "
    "Two real samples of the same size already differ a little: that floor is in each metric's tooltip. "
    f"Losses offered: {', '.join(words.LOSS_TITLES[name] for name in pg.LOSSES if name in LOSSES)}.")
