"""Lesson: a generator is a learned inverse CDF."""
from dataclasses import replace

import numpy as np
import streamlit as st

from gan_core.data.distributions import inverse_cdf_samples, make_target
from gan_core.eval.metrics import ks_test
from gan_core.families.toy.config import PRESETS_1D
from gan_core.families.toy.trainer import DistributionTrainer
from ui import live
from ui.chart import Chart
from ui.plots import FAKE, REAL, layout

RUN_KEY = "icdf_run"
TARGETS = {
    "Standard normal N(0, 1)": ("gaussian", {"mean": 0.0, "std": 1.0}),
    "Exponential (rate 1)": ("exponential", {}),
    "Bimodal mixture": ("two_mode", {"separation": 4.0, "std": 0.6}),
    "Three-mode mixture": ("three_mode", {}),
    "Uniform U(−1, 1)": ("uniform", {}),
}

st.title("Inverse-CDF mapping")
st.markdown(
    "How can a network that only ever sees simple noise produce data with a complicated distribution? "
    "Because random variables can be **mapped**. If $Z \\sim \\mathrm{Uniform}(0,1)$ and $F_X$ is the "
    "CDF we want, then"
)
st.latex(r"X = F_X^{-1}(Z) \quad\text{has CDF } F_X: \text{ for each } z \text{ find the } x "
         r"\text{ with } F_Z(z) = F_X(x).")
st.markdown(
    "For a standard normal, $z = 0.5$ maps to $x = 0$ and $z = 0.01$ maps to $F_X^{-1}(0.01) \\approx -2.33$. "
    "A **generator** is a learned version of this map: from an easy noise space to the data."
)

choice = st.selectbox("Target distribution", list(TARGETS), key="icdf_target")
name, params = TARGETS[choice]
target = make_target(name, **params)
c1, c2 = st.columns(2)
n = c1.slider("Samples to map", 100, 20_000, 5_000, 100, key="icdf_n")
lines = c2.slider("Mapping lines to draw", 3, 40, 15, key="icdf_lines")

lo, hi = target.support(1e-3)
xs = np.linspace(lo, hi, 600)
zs = (np.arange(lines) + 0.5) / lines
fig = Chart()
for z, x in zip(zs, target.ppf(zs)):
    fig.add_scatter(x=[lo, x, x], y=[z, z, 0], mode="lines", line=dict(color="lightgrey", width=1),
                    showlegend=False, hoverinfo="skip")
fig.add_scatter(x=xs, y=target.cdf(xs), name="F_X(x), the target CDF", line=dict(color=REAL, width=3))
fig.add_scatter(x=np.full(lines, lo), y=zs, mode="markers", name="z ~ U(0, 1)", marker=dict(color=FAKE, size=8))
fig.update_layout(xaxis_title="x", yaxis_title="z = F_X(x)", yaxis_range=[0, 1])
left, right = st.columns(2)
left.plotly_chart(layout(fig, "Each z travels right to the CDF, then down to its x", height=380), key="icdf_map")

z, x = inverse_cdf_samples(target, n, seed=0)
stat, pvalue = ks_test(x, target.cdf)
fig = Chart()
fig.add_histogram(x=x, histnorm="probability density", name="F⁻¹(z) samples", marker_color=FAKE, opacity=0.6,
                  nbinsx=60)
fig.add_scatter(x=xs, y=target.pdf(xs), name="target pdf", line=dict(color=REAL, width=3))
fig.update_layout(xaxis_title="x", yaxis_title="density")
right.plotly_chart(layout(fig, "Mapped samples against the target density", height=380), key="icdf_hist")
right.caption(f"Kolmogorov–Smirnov statistic **{stat:.4f}** (p = {pvalue:.2f}): the mapped samples are "
              f"indistinguishable from the target. z = 0.5 ↦ x = {float(target.ppf(0.5)):.2f}; "
              f"z = 0.01 ↦ x = {float(target.ppf(0.01)):.2f}.")

st.subheader("A GAN learns this map")
st.markdown(
    "Now hide $F_X^{-1}$ and train a GAN whose generator gets **uniform** noise, one number per sample. "
    "If it succeeds, its G(z) must be an inverse CDF — either $F_X^{-1}(z)$ or the mirror image "
    "$F_X^{-1}(1-z)$, which produces the same distribution. Multi-modal targets need a map with a steep "
    "jump between the modes, which is hard for a smooth network: watch for samples stranded in the gap."
)
config = replace(PRESETS_1D["Fast"].config, noise="uniform", target=name, target_params=params)
make_trainer = live.hosted(DistributionTrainer)
run = live.get_run(RUN_KEY, config, make_trainer)
live.controls(RUN_KEY, run, config, make_trainer)


def draw(snap) -> None:
    live.show_status(snap)
    learned = run.trainer.learned_map()
    fig = Chart()
    label = "F⁻¹(z)" if learned["increasing"] else "F⁻¹(1 − z)"
    fig.add_scatter(x=learned["z"], y=learned["ppf"], name=label, line=dict(color=REAL, width=3))
    fig.add_scatter(x=learned["z"], y=learned["g"], name="learned G(z)", line=dict(color=FAKE, width=3))
    fig.update_layout(xaxis_title="z", yaxis_title="x")
    a, b = st.columns([3, 1])
    a.plotly_chart(layout(fig, "The generator's map against the inverse CDF", height=340), key="icdf_learned")
    b.metric("max |G(z) − " + label + "|", f"{learned['max_deviation']:.3f}")
    b.metric("W1 to the target", f"{snap.w1:.3f}")
    b.metric("KS statistic", f"{snap.ks:.3f}")


live.live_view(RUN_KEY, run, draw)
