"""One CycleGAN iteration, term by term, for the lesson's step-by-step view."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from gan_core.data.mnist import to_float, to_uint8
from gan_core.families.cyclegan.networks import DiscriminatorPair, GeneratorPair


@dataclass
class Iteration:
    """One CycleGAN training iteration as the seeds list it, computed on real batches without updating."""

    images: dict[str, np.ndarray]  # uint8 (n, 28, 28): a, b, and the generators' six outputs
    d_losses: dict[str, float]  # the discriminators' four least-squares terms
    g_losses: dict[str, float]  # the generators' six terms (unweighted)
    weights: dict[str, float]  # the weight of each generator term in the total
    g_total: float


@torch.no_grad()
def walk_through_iteration(G: GeneratorPair, D: DiscriminatorPair, a: np.ndarray, b: np.ndarray,
                           cycle_weight: float = 10.0, identity_weight: float = 5.0) -> Iteration:
    """The discriminator step's losses, then the generator step's six outputs and their losses."""
    def mse(scores: torch.Tensor, target: float) -> float:
        return float(((scores - target) ** 2).mean())

    device = next(G.parameters()).device
    xa, xb = to_float(a).to(device), to_float(b).to(device)
    fake_b, fake_a = G.AB(xa), G.BA(xb)
    d_losses = {"D_A on real a (target 1)": mse(D.A(xa), 1.0), "D_A on G_BA(b) (target 0)": mse(D.A(fake_a), 0.0),
                "D_B on real b (target 1)": mse(D.B(xb), 1.0), "D_B on G_AB(a) (target 0)": mse(D.B(fake_b), 0.0)}
    outputs = {"G_BA(b)": fake_a, "G_AB(a)": fake_b, "G_BA(G_AB(a))": G.BA(fake_b), "G_AB(G_BA(b))": G.AB(fake_a),
               "G_BA(a)": G.BA(xa), "G_AB(b)": G.AB(xb)}
    g_losses = {"validity of G_BA(b) under D_A (MSE to 1)": mse(D.A(fake_a), 1.0),
                "validity of G_AB(a) under D_B (MSE to 1)": mse(D.B(fake_b), 1.0),
                "cycle: G_BA(G_AB(a)) vs a (MAE)": float(F.l1_loss(outputs["G_BA(G_AB(a))"], xa)),
                "cycle: G_AB(G_BA(b)) vs b (MAE)": float(F.l1_loss(outputs["G_AB(G_BA(b))"], xb)),
                "identity: G_BA(a) vs a (MAE)": float(F.l1_loss(outputs["G_BA(a)"], xa)),
                "identity: G_AB(b) vs b (MAE)": float(F.l1_loss(outputs["G_AB(b)"], xb))}
    weights = {k: 1.0 if k.startswith("validity") else cycle_weight if k.startswith("cycle") else identity_weight
               for k in g_losses}
    images = {"a": np.asarray(a, np.uint8), "b": np.asarray(b, np.uint8)} | {k: to_uint8(v) for k, v in outputs.items()}
    return Iteration(images, d_losses, g_losses, weights, sum(weights[k] * v for k, v in g_losses.items()))
