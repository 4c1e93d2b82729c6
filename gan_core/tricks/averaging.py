"""The batch-norm statistics that averaged generator weights (an EMA of G) need."""
from __future__ import annotations

from typing import Callable

import torch
from torch import nn


@torch.no_grad()
def recalibrate_batchnorm(G: nn.Module, forward: Callable[[torch.Generator], object], batches: int = 8,
                          seed: int = 0) -> None:
    """Re-measure G's batch-norm running statistics as a cumulative average over fresh batches.

    Needed for weights that were averaged rather than trained (an EMA generator): their running
    statistics belong to none of the averaged networks.
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
