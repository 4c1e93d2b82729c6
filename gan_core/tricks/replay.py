"""Experience replay: D also sees fakes from G's past (Shrivastava et al. 2017)."""
from __future__ import annotations

import torch

from gan_core.tricks.base import Trick


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


class Replay(Trick):
    """Part of D's fake batch comes from a buffer of past fakes (one buffer per game)."""

    def __init__(self, size: int, fraction: float):
        self.size, self.fraction = size, fraction
        self.buffers: dict[int, ReplayBuffer] = {}

    def fake_for_d(self, trainer, game: int, fake: torch.Tensor) -> torch.Tensor:
        buffer = self.buffers.setdefault(game, ReplayBuffer(self.size))
        mixed = buffer.mix(fake, self.fraction, trainer.torch_gen)
        buffer.push(fake[: max(1, len(fake) // 8)], trainer.torch_gen)
        return mixed
