"""Cures for mode collapse, as pieces that the one GAN loop (training.GANTrainer) switches on.

- `ReplayBuffer`: experience replay, D also sees fakes that G made in the past;
- `MinibatchStd`, `MinibatchDiscrimination`: D sees statistics of the whole batch;
- `pack`: PacGAN, D judges m samples jointly (concatenated along the feature/channel axis);
- `unrolled_discriminator`: the unrolled GAN's look-ahead, D after k differentiable update steps;
- the Wasserstein losses (clipping, gradient penalty) live in `losses.py`; label flipping and
  one-sided label smoothing are options of `TrainConfig`.
"""
from __future__ import annotations

import contextlib
from typing import Callable

import torch
from torch import nn
from torch.func import functional_call

from .models import ACTIVATIONS


# --- experience replay ---------------------------------------------------------------------
class ReplayBuffer:
    """A fixed-size store of past generator outputs (reservoir-style random replacement)."""

    def __init__(self, capacity: int):
        self.capacity = int(capacity)
        self.data: torch.Tensor | None = None
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def push(self, fake: torch.Tensor, gen: torch.Generator | None = None) -> None:
        fake = fake.detach()
        if self.data is None:
            self.data = torch.empty((self.capacity,) + tuple(fake.shape[1:]), dtype=fake.dtype, device=fake.device)
        n = min(len(fake), self.capacity)
        free = self.capacity - self.size
        if free > 0:
            k = min(free, n)
            self.data[self.size:self.size + k] = fake[:k]
            self.size += k
            fake, n = fake[k:], n - k
        if n > 0:  # full: overwrite random old entries
            idx = torch.randint(0, self.capacity, (n,), generator=gen, device=fake.device)
            self.data[idx] = fake[:n]

    def mix(self, fake: torch.Tensor, fraction: float, gen: torch.Generator | None = None) -> torch.Tensor:
        """`fake` with its last `fraction` of rows replaced by random past samples (once any exist)."""
        n_old = int(round(len(fake) * fraction))
        if self.size == 0 or n_old == 0:
            return fake
        idx = torch.randint(0, self.size, (n_old,), generator=gen, device=fake.device)
        return torch.cat([fake[:len(fake) - n_old], self.data[idx]])


# --- mini-batch features ----------------------------------------------------------------------
class MinibatchStd(nn.Module):
    """Appends one feature: the batch's standard deviation, averaged over features (ProGAN).

    A collapsed batch has a tiny spread, so D can tell it from a real one by this number alone.
    """

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        std = (h.var(dim=0, unbiased=False) + 1e-8).sqrt().mean()
        return torch.cat([h, std.expand(h.shape[0], 1)], dim=1)


class MinibatchDiscrimination(nn.Module):
    """Salimans et al. (2016): per sample, B features measuring closeness to the rest of the batch."""

    def __init__(self, in_features: int, kernels: int = 5, kernel_dim: int = 3):
        super().__init__()
        self.kernels, self.kernel_dim = kernels, kernel_dim
        self.T = nn.Parameter(torch.randn(in_features, kernels * kernel_dim) * 0.1)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        m = (h @ self.T).view(-1, self.kernels, self.kernel_dim).transpose(0, 1)  # (B, n, C)
        l1 = torch.cdist(m, m, p=1)  # (B, n, n) L1 distances per kernel, without an (n, n, B, C) tensor
        o = (torch.exp(-l1).sum(2) - 1.0).T  # leave out the sample itself
        return torch.cat([h, o], dim=1)


MINIBATCH = ("none", "std", "discrimination")


def discriminator_mlp(in_dim: int, hidden: tuple[int, ...], activation: str, minibatch: str = "none") -> nn.Sequential:
    """An MLP critic like `models.mlp`, with a mini-batch layer after the first hidden layer."""
    if minibatch not in MINIBATCH:
        raise ValueError(f"unknown mini-batch feature {minibatch!r}; choose one of {MINIBATCH}")
    if not hidden:
        raise ValueError("a mini-batch feature needs at least one hidden layer")
    layers: list[nn.Module] = []
    width = in_dim
    for i, h in enumerate(hidden):
        layers += [nn.Linear(width, int(h)), ACTIVATIONS[activation]()]
        width = int(h)
        if i == 0 and minibatch == "std":
            layers.append(MinibatchStd())
            width += 1
        elif i == 0 and minibatch == "discrimination":
            layer = MinibatchDiscrimination(width)
            layers.append(layer)
            width += layer.kernels
    layers.append(nn.Linear(width, 1))
    return nn.Sequential(*layers)


# --- packing (PacGAN) ------------------------------------------------------------------------
def pack(x: torch.Tensor, m: int) -> torch.Tensor:
    """(n, c, ...) -> (n/m, m·c, ...): each group of m consecutive samples becomes one input to D."""
    if m <= 1:
        return x
    n = x.shape[0] - x.shape[0] % m
    return x[:n].reshape(n // m, m * x.shape[1], *x.shape[2:])


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
                    d_objective: Callable[[], torch.Tensor], swap: Callable[[nn.Module], contextlib.AbstractContextManager],
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
    for i in range(steps):
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
