"""Unrolled GAN (Metz et al. 2017): G's loss looks k differentiable D updates ahead."""
from __future__ import annotations

import contextlib
from typing import Callable

import torch
from torch import nn
from torch.func import functional_call

from gan_core.tricks.base import Trick


# --- unrolled GAN ----------------------------------------------------------------------------
class WithParams(nn.Module):
    """Stands in for D, computing D's function with other parameter tensors."""

    def __init__(self, net: nn.Module, params: dict[str, torch.Tensor]):
        super().__init__()
        object.__setattr__(self, "net", net)  # not registered: D's own parameters stay out of it
        object.__setattr__(self, "params", params)

    def forward(self, *args, **kwargs):
        return functional_call(self.net, self.params, args, kwargs)


def unrolled_params(D: nn.Module, opt: torch.optim.Optimizer, steps: int,
                    d_objective: Callable[[], torch.Tensor],
                    swap: Callable[[nn.Module], contextlib.AbstractContextManager],
                    clip: float | None = None) -> dict[str, torch.Tensor]:
    """D's parameters after `steps` differentiable updates (Metz et al., 2017).

    `d_objective()` computes D's loss on a fresh real batch and a fake batch that is NOT detached
    from G; `swap(module)` makes the trainer's D temporarily be `module`. Each update is an Adam
    step that continues D's optimiser state (or an SGD step for other optimisers); the
    resulting parameters are functions of G's weights, so G's loss under them has gradients that
    flow through the unrolled steps. Only the denominator of Adam is treated as a constant.
    """
    named = dict(D.named_parameters())
    params = {k: v.detach().requires_grad_(True) for k, v in named.items()}
    group = opt.param_groups[0]
    lr = group["lr"]
    adam = isinstance(opt, torch.optim.Adam)
    state = {k: opt.state.get(p, {}) for k, p in named.items()}
    moments = {k: (s.get("exp_avg"), s.get("exp_avg_sq"), float(s.get("step", 0))) for k, s in state.items()}
    for _ in range(steps):
        with swap(WithParams(D, params)):
            loss = d_objective()
        grads = torch.autograd.grad(loss, list(params.values()), create_graph=True)
        new = {}
        for (k, p), g in zip(params.items(), grads):
            if adam:
                b1, b2 = group["betas"]
                m, v, t = moments[k]
                m = b1 * m + (1 - b1) * g if m is not None else (1 - b1) * g
                v = b2 * v + (1 - b2) * g.detach() ** 2 if v is not None else (1 - b2) * g.detach() ** 2
                t = t + 1
                moments[k] = (m, v, t)
                step = lr * (m / (1 - b1**t)) / ((v / (1 - b2**t)).sqrt() + group["eps"])
            else:
                step = lr * g
            p = p - step
            if clip is not None:
                p = p.clamp(-clip, clip)
            new[k] = p
        params = new
    return params


@contextlib.contextmanager
def swapped(owner, attr: str, module: nn.Module):
    """Temporarily replace `owner.<attr>` (e.g. the trainer's D) by `module`."""
    old = getattr(owner, attr)
    setattr(owner, attr, module)
    try:
        yield
    finally:
        setattr(owner, attr, old)


class Unrolling(Trick):
    """G's loss is taken under D as it will be after `steps` more (differentiable) updates."""

    def __init__(self, steps: int, clip: float | None = None):
        self.steps, self.clip = steps, clip

    def lookahead(self, trainer, game) -> dict[str, torch.Tensor]:
        """D's parameters `steps` updates ahead, as functions of G's weights."""
        def objective() -> torch.Tensor:  # D's loss on fresh batches, fakes attached to G, no penalty
            real, cond = game.sample_real(trainer.config.batch_size)
            fake = game.generate(game.sample_noise(trainer.config.batch_size), cond)
            return trainer.d_objective(game, real, fake, cond, penalty=False)[0]

        return unrolled_params(trainer.D, trainer.opt_d, self.steps, objective,
                               lambda module: swapped(trainer, "D", module), clip=self.clip)

    def judge_fakes(self, trainer, game, fake: torch.Tensor, cond) -> torch.Tensor:
        params = self.lookahead(trainer, game)
        with swapped(trainer, "D", WithParams(trainer.D, params)):
            return trainer.judge(game, fake, cond)
