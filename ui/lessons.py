"""The lesson registry: app.py builds the navigation from it and the home page describes it."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    path: str
    title: str
    icon: str
    section: str  # "Theory" | "Train" | "Generate"
    summary: str


LESSONS = [
    Lesson("lessons/minimax.py", "The minimax game", ":material/balance:", "Theory",
           "V(D,G), the optimal discriminator D*, the Jensen–Shannon divergence, why generators use the "
           "non-saturating loss, and how the Wasserstein distance behaves where JSD saturates."),
    Lesson("lessons/inverse_cdf.py", "Inverse-CDF mapping", ":material/swap_calls:", "Theory",
           "A generator is a learned map from noise to data: X = F⁻¹(Z) done by hand, then learned by a GAN."),
    Lesson("lessons/gaussian_gan.py", "Train a 1-D GAN", ":material/show_chart:", "Train",
           "The seminar's 1-D Gaussian GAN trained live: histograms converge and D(x) flattens to ½."),
    Lesson("lessons/inside_game.py", "Inside the game (2-D)", ":material/blur_on:", "Train",
           "A 2-D playground after GAN Lab: D's decision surface, G's manifold and the gradients that push each "
           "fake, D-only / G-only steps and one iteration in slow motion, on built-in shapes or your own drawing."),
    Lesson("lessons/mode_collapse.py", "Mode collapse and its cures", ":material/scatter_plot:", "Train",
           "Watch a GAN collapse onto a few modes of the 8-Gaussian ring and the 25-Gaussian grid, then cure it "
           "(packing, mini-batch features, WGAN-GP, unrolling, replay) with measured mode coverage."),
    Lesson("lessons/dcgan_mnist.py", "DCGAN on MNIST", ":material/grid_view:", "Train",
           "The seeds' deep convolutional GAN trained live on handwritten digits: G's progression on fixed noise, "
           "D(x) and D(G(z)), and an MNIST score, Fréchet distance and digit histogram to judge it."),
    Lesson("lessons/semi_supervised_gan.py", "Semi-supervised GAN", ":material/label:", "Train",
           "A discriminator that is also a digit classifier: taught by 100 labels, 60,000 unlabelled digits and "
           "G's fakes, trained live against the same network on the labels alone, with both confusion matrices."),
    Lesson("lessons/conditional_gan.py", "Conditional GAN", ":material/pin:", "Generate",
           "Slide to a digit and get it in many handwritings: G(z | y) with the label as an extra input, the "
           "classifier's verdict under every sample, and the style-vs-content table."),
    Lesson("lessons/cyclegan.py", "CycleGAN", ":material/sync_alt:", "Generate",
           "Unpaired translation between handwritten and typeset digits, both ways: x → G(x) → F(G(x)) with the "
           "cycle error, your own drawing or upload as input, one training iteration step by step, and the "
           "official photo models."),
    Lesson("lessons/latent_space.py", "Latent space", ":material/linear_scale:", "Generate",
           "Walk between latent points (lerp vs slerp), morph a 3 into an 8, and do vector arithmetic with "
           "measurable attributes: stroke thickness and slant."),
]

SECTIONS = ("Theory", "Train", "Generate")
