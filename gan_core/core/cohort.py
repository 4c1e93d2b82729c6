"""Many students' trainers of one network shape, trained in one vectorised step.

A class on one lesson trains thirty copies of the same small GAN with different settings. Alone, each
copy's step is mostly Python and kernel-launch overhead: a 64-wide MLP on a batch of 128 keeps no core
busy. A `Cohort` stacks its members' weights and runs Algorithm 1 for all of them at once: `vmap` over
`functional_call` for the networks, and one optimiser update on the stacked weights, with each member's
learning rate, betas and schedule as a column of a tensor.

Each member keeps what makes its run its own: its random streams (real batches and noise are drawn
from them in the order its own loop draws them), its schedule, its step counter, history, divergence
check and last good weights (`GANTrainer.book`). So a member's numbers do not depend on who else
trains: a run trained in a cohort of 30 equals the same run trained alone, to float tolerance
(tests/unit/test_cohort.py).

While in a cohort, a member's G and D parameters are views into the cohort's flat weight matrix, so
its snapshot, layers and checkpoint read the current weights without a copy. `release()` gives every
member its own weights and optimiser state back, to train alone again.

Only the plain game batches: one unconditional game, no tricks (cures and Lipschitz constraints), no
buffers (batch norm), and a trainer that says what else must match (`GANTrainer.cohort_key`). Members
must agree on that key; `group` sorts trainers into cohorts and leaves the rest to train alone.
"""
from __future__ import annotations

import copy
import time
from typing import Any, Callable, Hashable, Iterable

import numpy as np
import torch
from torch import nn
from torch.func import functional_call, vmap

Tensor = torch.Tensor


def network_signature(module: nn.Module) -> tuple:
    """What two networks must share to be stacked: their layers (types, sizes, activations) and shapes."""
    return str(module), tuple((name, tuple(p.shape)) for name, p in module.named_parameters())


def batch_key(trainer) -> Hashable | None:
    """The key that members of one cohort share, or None if this trainer's loop cannot be batched."""
    extra = trainer.cohort_key()
    if extra is None or trainer.tricks or len(trainer.games) != 1:
        return None
    if any(True for _ in trainer.G.buffers()) or any(True for _ in trainer.D.buffers()):
        return None
    c = trainer.config
    return (network_signature(trainer.G), network_signature(trainer.D), c.loss, c.optimizer,
            c.g_optimizer or c.optimizer, c.batch_size, c.d_steps, c.g_steps, str(trainer.device), extra)


def group(trainers: Iterable[Any]) -> tuple[list[list[Any]], list[Any]]:
    """Trainers sorted into groups that can share a cohort (same batch_key), and those that cannot."""
    groups: dict[Hashable, list[Any]] = {}
    alone = []
    for t in trainers:
        key = batch_key(t)
        if key is None:
            alone.append(t)
        else:
            groups.setdefault(key, []).append(t)
    return list(groups.values()), alone


ELEMENTWISE = (nn.Tanh, nn.ReLU, nn.LeakyReLU, nn.Sigmoid, nn.ELU)  # layers that act on each number alone


class _StackedLinear(torch.autograd.Function):
    """Every member's linear layer at once, x (S, n, in) @ W (S, out, in)^T + b: its backward computes W's
    gradient in W's own layout (autograd's would be W^T's, copied once more into the flat weights)."""

    @staticmethod
    def forward(ctx, x: Tensor, w: Tensor, b: Tensor) -> Tensor:
        ctx.save_for_backward(x, w)
        return torch.baddbmm(b.unsqueeze(1), x, w.transpose(1, 2))

    @staticmethod
    def backward(ctx, grad: Tensor):
        x, w = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad
        return (torch.bmm(grad, w) if need_x else None, torch.bmm(grad.transpose(1, 2), x) if need_w else None,
                grad.sum(1) if need_b else None)


def _is_plain_mlp(module: nn.Module) -> bool:
    """Linear layers and elementwise activations in a row: run as batched matrix products (no vmap)."""
    return isinstance(module, nn.Sequential) and all(isinstance(m, (nn.Linear, *ELEMENTWISE)) for m in module)


class _FlatStack:
    """One network of every member as an (S, P) weight matrix; each member's parameters become views of
    its row, and `call(flat, x)` runs every member's network with the weights of its row of `flat`."""

    def __init__(self, modules: list[nn.Module]):
        self.base = copy.deepcopy(modules[0]).to("meta")  # the structure functional_call runs
        self.plain = _is_plain_mlp(modules[0])
        first = list(modules[0].named_parameters())
        self.names = [n for n, _ in first]
        self.shapes = [p.shape for _, p in first]
        self.sizes = [p.numel() for _, p in first]
        rows = [torch.cat([p.detach().reshape(-1) for p in m.parameters()]) for m in modules]
        self.weights = torch.stack(rows)  # (S, P)
        self.modules = modules
        for i, m in enumerate(modules):
            for p, view in zip(m.parameters(), self._split(self.weights[i])):
                p.data = view

    def _split(self, row: Tensor) -> list[Tensor]:
        return [part.view(shape) for part, shape in zip(row.split(self.sizes, dim=-1), self.shapes)]

    def params(self, flat: Tensor) -> dict[str, Tensor]:
        """(S, P) -> {name: (S, *shape)}, views of `flat` (gradients flow back into it)."""
        s = flat.shape[0]
        return {n: part.view(s, *shape) for n, part, shape in zip(self.names, flat.split(self.sizes, dim=1),
                                                                  self.shapes)}

    def call(self, flat: Tensor, x: Tensor, prepare: Callable[[Tensor], Tensor] | None = None) -> Tensor:
        """Every member's network on `prepare` of its own batch: x (S, n, ...) -> (S, ...)."""
        if prepare is not None:
            x = vmap(prepare)(x)
        params = self.params(flat)
        if not self.plain:
            return vmap(lambda p, xi: functional_call(self.base, p, (xi,)))(params, x)
        for name, layer in self.base.named_children():
            if isinstance(layer, nn.Linear):
                x = _StackedLinear.apply(x, params[f"{name}.weight"], params[f"{name}.bias"])
            else:
                x = layer(x)
        return x

    def release(self) -> None:
        for i, m in enumerate(self.modules):
            for p, view in zip(m.parameters(), self._split(self.weights[i])):
                p.data = view.clone()


def _column(values: list[float], like: Tensor) -> Tensor:
    return torch.tensor(values, dtype=like.dtype, device=like.device).reshape(-1, 1)


class _StackedOptimizer:
    """torch.optim's Adam, SGD (momentum) or RMSprop, the same arithmetic on a stacked (S, P) weight
    matrix: one update for every member, with per-member hyperparameters as (S, 1) columns. It starts
    from the members' own optimiser states and writes them back on `release`."""

    def __init__(self, kind: str, optimizers: list[torch.optim.Optimizer], stack: _FlatStack):
        self.kind, self.optimizers, self.stack = kind, optimizers, stack
        w = stack.weights
        groups = [o.param_groups[0] for o in optimizers]
        self.eps = [g.get("eps", 0.0) for g in groups]
        if kind == "adam":
            self.beta1 = [g["betas"][0] for g in groups]  # Python floats: the bias corrections use them
            self.beta2 = [g["betas"][1] for g in groups]
            self.slots = ("exp_avg", "exp_avg_sq")
        elif kind == "sgd":
            self.momentum = _column([g["momentum"] for g in groups], w)
            self.slots = ("momentum_buffer",)
        elif kind == "rmsprop":
            self.alpha = _column([g["alpha"] for g in groups], w)
            self.slots = ("square_avg",)
        else:
            raise ValueError(f"no stacked version of the optimizer {kind!r}")
        self.state = {slot: torch.zeros_like(w) for slot in self.slots}
        self.steps = np.zeros(len(optimizers))
        for i, opt in enumerate(optimizers):
            states = [opt.state.get(p, {}) for p in stack.modules[i].parameters()]
            if states and states[0]:
                self.steps[i] = float(states[0].get("step", 0))
                for slot in self.slots:
                    if states[0].get(slot) is not None:
                        self.state[slot][i] = torch.cat([s[slot].reshape(-1) for s in states])

    def step(self, grad: Tensor, lr: list[float], active: Tensor) -> None:
        """One update of the rows where `active` is 1 (a diverged member's row is left as it is), each row
        with its member's learning rate."""
        w, s = self.stack.weights, self.state
        grad = torch.where(active > 0, grad, 0.0)  # a diverged row's gradient may be NaN: 0 * NaN is NaN
        self.steps += active.reshape(-1).cpu().numpy()
        if self.kind == "adam":
            s["exp_avg"].lerp_(grad, _column([1 - b for b in self.beta1], w) * active)
            b2 = _column(self.beta2, w)
            s["exp_avg_sq"].copy_(torch.where(active > 0, s["exp_avg_sq"] * b2 + grad * grad * (1 - b2),
                                              s["exp_avg_sq"]))
            n = np.maximum(self.steps, 1)  # as torch: bias corrections in double precision, then one rounding
            bc1 = 1 - np.array(self.beta1) ** n
            bc2_sqrt = np.sqrt(1 - np.array(self.beta2) ** n)
            step_size = _column((np.array(lr) / bc1).tolist(), w)
            denom = (s["exp_avg_sq"].sqrt() / _column(bc2_sqrt.tolist(), w)).add_(_column(self.eps, w))
            update = s["exp_avg"] / denom * step_size
        elif self.kind == "sgd":
            buf = s["momentum_buffer"]
            buf.copy_(torch.where(active > 0, buf * self.momentum + grad, buf))
            update = buf * _column(lr, w)
        else:
            sq = s["square_avg"]
            sq.copy_(torch.where(active > 0, sq * self.alpha + grad * grad * (1 - self.alpha), sq))
            update = grad / sq.sqrt().add_(_column(self.eps, w)) * _column(lr, w)
        w.sub_(torch.where(active > 0, update, 0.0))  # a diverged row's state may hold NaN: it is left out

    def release(self) -> None:
        """Each member's optimiser gets its state back, per parameter, as torch.optim keeps it."""
        for i, opt in enumerate(self.optimizers):
            if not self.steps[i]:
                continue
            params = list(self.stack.modules[i].parameters())
            parts = {slot: self.stack._split(self.state[slot][i].clone()) for slot in self.slots}
            for j, p in enumerate(params):
                state = {slot: parts[slot][j] for slot in self.slots}
                if self.kind != "sgd":
                    state["step"] = torch.tensor(float(self.steps[i]))
                elif not opt.param_groups[0]["momentum"]:
                    continue  # plain SGD keeps no buffer
                opt.state[p] = state


class Cohort:
    """Trainers that share a batch_key, trained together (see the module's docstring)."""

    chunk = 25  # iterations between history points in step(n), as a trainer alone

    def __init__(self, members: list[Any]):
        if not members:
            raise ValueError("a cohort needs at least one member")
        keys = {batch_key(m) for m in members}
        if None in keys or len(keys) != 1:
            raise ValueError("a cohort's members must share one batch key (see cohort.batch_key)")
        self.members = list(members)
        first = members[0]
        self.loss, self.bs, self.d_input = first.loss, first.config.batch_size, first.d_input
        self.d_steps, self.g_steps = first.config.d_steps, first.config.g_steps
        self.G = _FlatStack([m.G for m in members])
        self.D = _FlatStack([m.D for m in members])
        self.opt_g = _StackedOptimizer(first.config.g_optimizer or first.config.optimizer,
                                       [m.opt_g for m in members], self.G)
        self.opt_d = _StackedOptimizer(first.config.optimizer, [m.opt_d for m in members], self.D)
        self._d_loss = vmap(self.loss.d_loss)
        self._g_loss = vmap(self.loss.g_loss)

    # --- one iteration of every member --------------------------------------------------------------------
    def _draw(self, draw: Callable[[Any], Tensor]) -> Tensor:
        return torch.stack([draw(m) for m in self.members])

    def _lr(self, which: str, iteration: list[int]) -> list[float]:
        """Each member's learning rate in this iteration: its base rate times its schedule's factor."""
        return [getattr(m.config, which) * m.lr_factor(it) for m, it in zip(self.members, iteration)]

    def _d_update(self, lr: list[float], active: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        real = self._draw(lambda m: m.sample_real(self.bs)[0])
        z = self._draw(lambda m: m.sample_noise(self.bs))
        with torch.no_grad():
            fake = self.G.call(self.G.weights, z)
        flat = self.D.weights.detach().requires_grad_(True)
        real_out, fake_out = self.D.call(flat, real, self.d_input), self.D.call(flat, fake, self.d_input)
        losses = self._d_loss(real_out, fake_out, torch.ones_like(real_out))
        (grad,) = torch.autograd.grad(losses.sum(), flat)
        self.opt_d.step(grad, lr, active)
        score = self.loss.score
        return losses.detach(), score(real_out.detach()).flatten(1).mean(1), score(fake_out.detach()).flatten(1).mean(1)

    def _g_update(self, lr: list[float], active: Tensor) -> tuple[Tensor, Tensor]:
        z = self._draw(lambda m: m.sample_noise(self.bs))
        flat = self.G.weights.detach().requires_grad_(True)
        fake_out = self.D.call(self.D.weights, self.G.call(flat, z), self.d_input)  # D's weights: no leaf, frozen
        losses = self._g_loss(fake_out)
        (grad,) = torch.autograd.grad(losses.sum(), flat)
        self.opt_g.step(grad, lr, active)
        return losses.detach(), self.loss.score(fake_out.detach()).flatten(1).mean(1)

    def _iteration(self, iteration: list[int], active: Tensor) -> Tensor:
        """One iteration of Algorithm 1 for every member: (S, 5) d_loss, g_loss, d_real, d_fake, d_fake_after."""
        lr_g, lr_d = self._lr("lr_g", iteration), self._lr("lr_d", iteration)
        for _ in range(self.d_steps):
            d_loss, d_real, d_fake = self._d_update(lr_d, active)
        for _ in range(self.g_steps):
            g_loss, d_after = self._g_update(lr_g, active)
        return torch.stack([d_loss, g_loss, d_real, d_fake, d_after], dim=1)

    # --- chunks, accounted per member ------------------------------------------------------------------------
    def train_chunk(self, n: int | None = None, seconds: float | None = None) -> None:
        """Train every member that has not diverged n iterations, or for `seconds` (at least one iteration),
        then account for it per member (GANTrainer.book). Counted chunks give every member a history point,
        as alone; a time box, often much shorter, gives one when `chunk` iterations have passed since the last."""
        live = [m.status != "diverged" for m in self.members]
        if not any(live):
            return
        active = _column([float(a) for a in live], self.G.weights)
        for m, a in zip(self.members, live):
            if a:
                m.status = "training"
        start = [m.step_count for m in self.members]
        deadline = None if seconds is None else time.perf_counter() + seconds
        t0, stats = time.perf_counter(), []
        while (n is None or len(stats) < n) and (deadline is None or time.perf_counter() < deadline or not stats):
            stats.append(self._iteration([s + len(stats) for s in start], active))
        dt = time.perf_counter() - t0
        values = torch.stack(stats).float().cpu()  # (iterations, S, 5)
        for i, m in enumerate(self.members):
            if not live[i]:
                continue
            m.weights_changed()
            recorded = m.history.data.get("step", [0])[-1]
            record = n is not None or m.step_count + len(stats) - recorded >= self.chunk
            if m.book(values[:, i, :2], len(stats), dt, dict(zip(m._last, values[:, i].mean(0).tolist())), record):
                m._rate = len(stats) / dt if dt > 0 else 0.0

    def train_steps(self, n: int) -> None:
        """n iterations for every member, in chunks (a history point every `chunk`), as GANTrainer.train_steps."""
        for done in range(0, int(n), self.chunk):
            self.train_chunk(n=min(self.chunk, int(n) - done))

    def step(self, n: int = 1) -> list[Any]:
        """Train n iterations, then every member's snapshot."""
        self.train_steps(n)
        return [m.snapshot() for m in self.members]

    def train_for(self, seconds: float) -> list[Any]:
        """Train every member until `seconds` have passed (at least one iteration), then their snapshots."""
        self.train_chunk(seconds=seconds)
        return [m.snapshot() for m in self.members]

    def release(self) -> None:
        """Give every member its own weights, optimiser state and schedule back (it may then train alone)."""
        self.G.release()
        self.D.release()
        self.opt_g.release()
        self.opt_d.release()
        for m in self.members:
            m.continue_schedule(m.step_count)
