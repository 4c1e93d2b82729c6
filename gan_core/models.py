"""Small fully connected networks for the 1-D and 2-D lessons."""
from __future__ import annotations

from typing import Callable

import torch
from torch import nn

ACTIVATIONS = {
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "leaky_relu": lambda: nn.LeakyReLU(0.2),
    "sigmoid": nn.Sigmoid,
    "elu": nn.ELU,
}


def mlp(in_dim: int, hidden: tuple[int, ...], out_dim: int, activation: str = "tanh") -> nn.Sequential:
    """Linear layers with `activation` between them and a linear output.

    Discriminators return a logit (or a critic score): the sigmoid lives in the loss, where
    BCE-with-logits computes it stably, so a 'sigmoid output' D is this network plus that loss.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {sorted(ACTIVATIONS)}")
    if any(int(h) < 1 for h in hidden) or in_dim < 1 or out_dim < 1:
        raise ValueError(f"layer widths must be positive, got {in_dim}, {hidden}, {out_dim}")
    layers: list[nn.Module] = []
    width = in_dim
    for h in hidden:
        layers += [nn.Linear(width, int(h)), ACTIVATIONS[activation]()]
        width = int(h)
    layers.append(nn.Linear(width, out_dim))
    return nn.Sequential(*layers)


@torch.no_grad()
def average_weights(modules: list[nn.Module]) -> nn.Module:
    """A copy of modules[0] whose parameters are the mean of all the modules' (Polyak averaging over
    checkpoints of one run: it smooths the oscillation of adversarial training). Batch-norm running
    statistics are not averaged; re-measure them (`recalibrate_batchnorm`) where there are any."""
    import copy

    avg = copy.deepcopy(modules[0])
    params = [dict(m.named_parameters()) for m in modules]
    for name, p in avg.named_parameters():
        p.copy_(torch.stack([ps[name] for ps in params]).mean(0))
    return avg


@torch.no_grad()
def recalibrate_batchnorm(G: nn.Module, forward: Callable[[torch.Generator], object], batches: int = 8,
                          seed: int = 0) -> None:
    """Re-measure G's batch-norm running statistics as a cumulative average over fresh batches.

    Needed for weights that were averaged rather than trained (an EMA generator, an average of
    checkpoints): their running statistics belong to none of the averaged networks.
    `forward(gen)` runs G on one fresh batch drawn with the torch.Generator `gen`.
    """
    bns = [m for m in G.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not bns:
        return
    saved = [m.momentum for m in bns]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None
    gen = torch.Generator().manual_seed(seed)
    was_training = G.training
    G.train()
    try:
        for _ in range(batches):
            forward(gen)
    finally:
        for m, mom in zip(bns, saved):
            m.momentum = mom
        G.train(was_training)
