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
    Lesson("pages/minimax.py", "The minimax game", ":material/balance:", "Theory",
           "V(D,G), the optimal discriminator D*, the Jensen–Shannon divergence, why generators use the "
           "non-saturating loss, and how the Wasserstein distance behaves where JSD saturates."),
    Lesson("pages/inverse_cdf.py", "Inverse-CDF mapping", ":material/swap_calls:", "Theory",
           "A generator is a learned map from noise to data: X = F⁻¹(Z) done by hand, then learned by a GAN."),
    Lesson("pages/gaussian_gan.py", "Train a 1-D GAN", ":material/show_chart:", "Train",
           "The seminar's 1-D Gaussian GAN trained live: histograms converge and D(x) flattens to ½."),]

SECTIONS = ("Theory", "Train", "Generate")
