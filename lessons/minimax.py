"""Lesson: the minimax game, the optimal discriminator, JSD, the generator's two losses, W1."""
import numpy as np
import streamlit as st

from gan_core import theory
from ui import challenge_panel
from ui.chart import Chart
from ui.plots import DISC, FAKE, REAL, layout
from ui.words import MINIMAX_WHY

st.title("The minimax game")
st.markdown(
    "A GAN is a two-player game. The discriminator **D** is a binary classifier (real → 1, fake → 0) "
    "trained with cross-entropy; the generator **G** maps noise $z \\sim p_z$ to samples whose "
    "distribution we call $p_g$. Both play for the same number, the **value function**:"
)
st.latex(r"\min_G \max_D V(D,G) = \mathbb{E}_{x\sim p_{data}}[\log D(x)] + "
         r"\mathbb{E}_{z\sim p_z}[\log(1 - D(G(z)))]")
st.markdown(
    "With half of D's training batch real and half fake, its cross-entropy objective is exactly "
    "$\\tfrac12 V(D,G)$. For a **fixed** G the best discriminator has a closed form, and plugging it "
    "back in turns V into a divergence between the two distributions:"
)
st.latex(r"D^*(x) = \frac{p_{data}(x)}{p_{data}(x) + p_g(x)} \qquad "
         r"V(D^*, G) = -\log 4 + 2\,\mathrm{JSD}(p_{data}\,\|\,p_g)")

st.subheader("1 · Move the two distributions")
left, right = st.columns(2)
with left:
    st.markdown(":blue[**Data** p_data = N(μ, σ)]")
    mu_d = st.slider("data mean μ", -5.0, 5.0, 0.0, 0.1, key="mm_mu_d")
    sd_d = st.slider("data std σ", 0.2, 3.0, 1.0, 0.05, key="mm_sd_d")
with right:
    st.markdown(":orange[**Generator** p_g = N(μ, σ)]")
    mu_g = st.slider("generator mean μ", -5.0, 5.0, 2.5, 0.1, key="mm_mu_g")
    sd_g = st.slider("generator std σ", 0.2, 3.0, 1.0, 0.05, key="mm_sd_g")

game = theory.gaussian_game(mu_d, sd_d, mu_g, sd_g)
shown = slice(None, None, 4)  # the numbers use the whole 4,001-point grid; 1,001 points draw the curves as smoothly
fig = Chart()
fig.add_scatter(x=game["x"][shown], y=game["p_data"][shown], name="p_data", line=dict(color=REAL), fill="tozeroy")
fig.add_scatter(x=game["x"][shown], y=game["p_g"][shown], name="p_g", line=dict(color=FAKE), fill="tozeroy")
fig.add_scatter(x=game["x"][shown], y=game["d_star"][shown], name="D*(x)", yaxis="y2", line=dict(color=DISC, width=3))
fig.update_layout(xaxis_title="x", yaxis_title="density",
                  yaxis2=dict(title="D*(x)", overlaying="y", side="right", range=[0, 1.02], showgrid=False,
                              tickvals=[0, 0.25, 0.5, 0.75, 1]))
st.plotly_chart(layout(fig, "Densities and the optimal discriminator", height=360), key="mm_densities")

c1, c2, c3, c4 = st.columns(4)
c1.metric("V(D*, G)", f"{game['value']:.4f}")
c2.metric("JSD(p_data ‖ p_g)", f"{game['jsd']:.4f}", help="natural log: between 0 and log 2 ≈ 0.6931")
c3.metric("−log 4 + 2·JSD", f"{-theory.LOG4 + 2 * game['jsd']:.4f}", help="equals V(D*, G): the identity above")
c4.metric("floor −log 4", f"{-theory.LOG4:.4f}", help="reached only when p_g = p_data")
why = st.radio("Challenge question: once V(D*, G) sits at −log 4, why is D* = ½ there?", list(MINIMAX_WHY),
               format_func=MINIMAX_WHY.get, index=None, key="mm_why")
challenge_panel.panel("minimax", game, why)

st.markdown(
    "**The equilibrium story.** (a) Near convergence D is only partly right. (b) Trained to the optimum "
    "for the current G, D becomes D\\*. (c) A G update pushes G(z) toward the regions D\\* calls real. "
    "(d) When $p_g = p_{data}$, D\\*(x) = ½ everywhere — D can do no better than a coin flip — JSD is 0 "
    "and V sits at its floor, −log 4. Set both means and stds equal above to see it."
)

st.subheader("2 · Why generators maximise log D(G(z))")
st.markdown(
    "Early in training fakes are easy to spot, so D(G(z)) ≈ 0. The original generator loss "
    "$\\log(1 - D(G(z)))$ is flat there: its gradient with respect to D's logit is $-D(G(z))$, which "
    "vanishes. The **non-saturating** loss $-\\log D(G(z))$ (BCE with \"real\" labels on fakes) has "
    "gradient $-(1 - D(G(z)))$: strongest exactly when G is worst. Both push G the same way."
)
s = np.linspace(0.001, 0.999, 400)
losses = theory.generator_losses(s)
fig = Chart()
fig.add_scatter(x=s, y=losses["saturating"], name="saturating loss log(1−D)", line=dict(color=FAKE))
fig.add_scatter(x=s, y=losses["non_saturating"], name="non-saturating loss −log D", line=dict(color=REAL))
fig.add_scatter(x=s, y=np.abs(losses["saturating_grad"]), name="|gradient|, saturating",
                line=dict(color=FAKE, dash="dot"))
fig.add_scatter(x=s, y=np.abs(losses["non_saturating_grad"]), name="|gradient|, non-saturating",
                line=dict(color=REAL, dash="dot"))
fig.add_vline(x=game["d_star_on_fakes"], line=dict(color="grey", dash="dash"),
              annotation_text="E[D*(G(z))] for your p_g", annotation_position="top")
fig.update_layout(xaxis_title="D(G(z))", yaxis_title="loss / |d loss / d logit|", yaxis_range=[-5, 5])
st.plotly_chart(layout(fig, "Generator losses and their gradients", height=360), key="mm_losses")
grads = theory.generator_losses(game["d_star_on_fakes"])
st.caption(
    f"For your current p_g the optimal D gives fakes D(G(z)) ≈ {game['d_star_on_fakes']:.3f} on average: "
    f"gradient magnitude {abs(float(grads['saturating_grad'])):.3f} (saturating) vs "
    f"{abs(float(grads['non_saturating_grad'])):.3f} (non-saturating)."
)

st.subheader("3 · The Wasserstein critic's view")
st.markdown(
    "A Wasserstein critic outputs an unbounded score, not a probability: it maximises "
    "$D(x) - D(G(z))$ under a Lipschitz constraint (weight clipping in the original WGAN) and the "
    "generator maximises $D(G(z))$. The game then measures the earth mover's distance W1. Slide p_g "
    "away from p_data: once the two barely overlap, **JSD saturates at log 2** and gives G no signal "
    "about which way to move, while **W1 keeps growing with the distance**."
)
shift_now = abs(mu_g - mu_d)
shifts = np.linspace(0, max(10.0, shift_now + 1), 81)
curve = theory.divergences_vs_shift(sd_d, sd_g, shifts)
fig = Chart()
fig.add_scatter(x=shifts, y=curve["jsd"], name="JSD", line=dict(color=DISC, width=3))
fig.add_scatter(x=shifts, y=curve["w1"], name="W1 (earth mover's)", yaxis="y2", line=dict(color=FAKE, width=3))
fig.add_hline(y=theory.LOG2, line=dict(color=DISC, dash="dot"), annotation_text="log 2")
fig.add_vline(x=shift_now, line=dict(color="grey", dash="dash"), annotation_text="your p_g")
fig.update_layout(xaxis_title="|mean(p_g) − mean(p_data)|", yaxis_title="JSD", yaxis_range=[0, 0.75],
                  yaxis2=dict(title="W1", overlaying="y", side="right", showgrid=False))
st.plotly_chart(layout(fig, "JSD saturates, W1 does not", height=340), key="mm_w1")
st.caption(f"Now: JSD = {game['jsd']:.4f} (max log 2 = {theory.LOG2:.4f}), W1 = {game['w1']:.4f}.")
