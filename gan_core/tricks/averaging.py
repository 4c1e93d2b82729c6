"""Averages of a generator's weights (EMA, checkpoint averaging) and the batch-norm statistics they need."""
from __future__ import annotations

from typing import Callable

import torch
from torch import nn


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
