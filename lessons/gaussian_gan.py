"""Lesson: the seminar's 1-D Gaussian GAN, trained live."""
from dataclasses import asdict, fields

import streamlit as st

from gan_core.core.config import OPTIMIZERS
from gan_core.data.distributions import TARGETS_1D
from gan_core.families.toy.config import PRESETS_1D, DistributionConfig
from gan_core.families.toy.networks import ACTIVATIONS
from gan_core.families.toy.trainer import DistributionTrainer
from gan_core.losses import LOSSES
from ui import challenge_panel, live
from ui.plots import curves, histograms
from ui.words import LOSS_TITLES

KEY = "g1"
RUN_KEY = "g1_run"

st.title("Train a 1-D GAN, live")
st.markdown(
    "The seminar's PyTorch GAN in its smallest form: G turns one number of noise into one number, D "
    "judges numbers. The target is **N(4, 1.25)**. Press **Start** and watch the orange histogram "
    "(generated) move onto the blue one (real)."
)

# --- settings -------------------------------------------------------------------------------
FIELDS = [f.name for f in fields(DistributionConfig)]


def load_preset() -> None:
    """Copy the chosen preset's values into the widgets."""
    preset = asdict(PRESETS_1D[st.session_state[f"{KEY}_preset"]].config)
    for name in ("g_hidden", "d_hidden"):
        widths = preset.pop(name)
        preset[f"{name}_layers"], preset[f"{name}_width"] = len(widths), widths[0]
    for name, value in preset.items():
        st.session_state[f"{KEY}_{name}"] = value


if f"{KEY}_preset" not in st.session_state:
    st.session_state[f"{KEY}_preset"] = "Seed paper"
    load_preset()

st.selectbox("Preset", list(PRESETS_1D), key=f"{KEY}_preset", on_change=load_preset,
             help="Seed paper: the seminar's exact settings. Fast: tuned to fit the same target in seconds.")


def k(name: str) -> str:
    return f"{KEY}_{name}"


with st.expander("Settings (every option of the trainer)", expanded=False):
    c1, c2, c3 = st.columns(3)
    with c1:
        st.markdown("**Data and noise**")
        target = st.selectbox("Target", list(TARGETS_1D), key=k("target"))
        params = {}
        for pname, default in TARGETS_1D[target][1].items():
            params[pname] = st.number_input(f"{target}: {pname}", value=float(default), step=0.1,
                                            min_value=0.05 if pname in ("std", "rate", "separation") else -50.0,
                                            max_value=50.0, key=k(f"tp_{target}_{pname}"))
        noise = st.radio("Noise prior p_z", ["uniform", "normal"], key=k("noise"), horizontal=True)
        d_input = st.radio("D sees", ["raw", "moments"], key=k("d_input"), horizontal=True,
                           format_func=lambda v: "raw samples" if v == "raw" else "only 4 moments of the batch")
        seed = st.number_input("Random seed", 0, 10_000, key=k("seed"))
    with c2:
        st.markdown("**Networks**")
        g_layers = st.number_input("G hidden layers", 1, 4, key=k("g_hidden_layers"))
        g_width = st.number_input("G units per layer", 1, 256, key=k("g_hidden_width"))
        g_act = st.selectbox("G activation", list(ACTIVATIONS), key=k("g_activation"))
        g_skip = st.checkbox("G: linear path z → x beside the MLP", key=k("g_skip"),
                             help="G starts as the identity map plus a small network, so its map starts "
                                  "increasing and only has to shift and stretch. Without it, a map that "
                                  "starts falling can fold (rise on one side, fall on the other).")
        d_layers = st.number_input("D hidden layers", 1, 4, key=k("d_hidden_layers"))
        d_width = st.number_input("D units per layer", 1, 256, key=k("d_hidden_width"))
        d_act = st.selectbox("D activation", list(ACTIVATIONS), key=k("d_activation"))
    with c3:
        st.markdown("**Optimisation**")
        loss = st.selectbox("Loss", list(LOSSES), key=k("loss"), format_func=LOSS_TITLES.get)
        optimizer = st.selectbox("Optimizer", list(OPTIMIZERS), key=k("optimizer"))
        lr_g = st.number_input("G learning rate", 1e-6, 1e4, key=k("lr_g"), format="%.1e")
        lr_d = st.number_input("D learning rate", 1e-6, 1e4, key=k("lr_d"), format="%.1e")
        momentum = st.slider("SGD momentum", 0.0, 0.99, key=k("momentum"))
        beta1 = st.slider("Adam β1", 0.0, 0.99, key=k("beta1"))
        batch = st.number_input("Batch size", 4, 4096, key=k("batch_size"))
        d_steps = st.number_input("D steps per iteration (k)", 1, 50, key=k("d_steps"))
        g_steps = st.number_input("G steps per iteration", 1, 50, key=k("g_steps"))
        flip = st.slider("Flip this fraction of real labels", 0.0, 0.9, key=k("label_flip"))
        half_life = st.number_input("LR half-life (iterations, 0 = constant)", 0, 100_000, key=k("lr_half_life"))

config = DistributionConfig(
    target=target, target_params=params, noise=noise, d_input=d_input, seed=int(seed),
    g_hidden=(int(g_width),) * int(g_layers), d_hidden=(int(d_width),) * int(d_layers),
    g_activation=g_act, g_skip=g_skip, d_activation=d_act, loss=loss, optimizer=optimizer, lr_g=lr_g, lr_d=lr_d,
    momentum=momentum, beta1=beta1, batch_size=int(batch), d_steps=int(d_steps), g_steps=int(g_steps),
    label_flip=flip, lr_half_life=int(half_life),
)

make_trainer = live.hosted(DistributionTrainer)  # in a worker process when the server has several cores
run = live.get_run(RUN_KEY, config, make_trainer)
live.controls(RUN_KEY, run, config, make_trainer)


def draw(snap) -> None:
    live.show_status(snap)
    left, right = st.columns([3, 2])
    left.plotly_chart(histograms(snap), key="g1_chart_hist")
    if snap.d_curve is None:
        left.caption("D sees only the batch's four moments, so D(x) of a single x is not defined.")
    def shown(v: float) -> float:  # 3 decimals, and no "-0.000" for a moment of -3e-7
        return round(v, 3) + 0.0

    rows = [{"": name, "target": shown(snap.real_moments[m]), "generated": shown(snap.fake_moments[m])}
            for name, m in (("mean", "mean"), ("std", "std"), ("skew", "skew"), ("excess kurtosis", "kurtosis"))]
    three = st.column_config.NumberColumn(format="%.3f")  # the target's skew was shown as 0.0000000000000001
    right.dataframe(rows, hide_index=True, width="stretch", column_config={"target": three, "generated": three})
    right.metric("W1 to the target", f"{snap.w1:.3f}")
    right.metric("KS statistic", f"{snap.ks:.3f}")
    c1, c2, c3 = st.columns(3)
    c1.plotly_chart(curves(snap.history, {"d_loss": "D loss", "g_loss": "G loss"}, "Losses"), key="g1_chart_loss")
    c2.plotly_chart(curves(snap.history, {"d_real": "D(x)", "d_fake": "D(G(z))"}, "Scores"), key="g1_chart_scores")
    c3.plotly_chart(curves(snap.w1_history, {"w1": "W1"}, "W1 to the target"), key="g1_chart_w1")
    challenge_panel.panel("gaussian_gan", snap, run.settings)


live.live_view(RUN_KEY, run, draw)

st.subheader("What to look for")
st.markdown(
    "- **Histograms**: the generated histogram drifts toward the real one, then sharpens into its shape.\n"
    "- **D(x)** (green, raw-sample D only): at first it is high where real data lie and low where fakes lie; "
    "as p_g approaches p_data it flattens toward **½** — D can no longer tell them apart.\n"
    "- **Scores**: D(x) starts near 1 and D(G(z)) near 0; both should approach ½.\n"
    "- **Moments**: the seed code checks mean and std; skew and kurtosis tell you whether the *shape* matches.\n"
    "- Try a learning rate of 10 or more: the run diverges, stops with an explanation and keeps its last good state."
)
