"""CycleGAN between handwritten (A: MNIST) and typeset (B: rendered) digits, on the one GAN loop.

The two generators and two discriminators are packed so that training.GANTrainer runs them
unchanged: a batch is a pair of images stacked on the channel axis, [a | b].
  G([a | b]) = [G_BA(b) | G_AB(a)]          (translations, in the domain order A, B)
  D([x_A | x_B]) = [D_A(x_A) | D_B(x_B)]    (PatchGAN maps, flattened and joined)
so the least-squares loss trains both discriminators (real = 1, translated = 0) and the
generators' adversarial term; `generator_penalty` adds the cycle and identity terms; the
replay buffer is CycleGAN's pool of 50 past translations.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from gan_core.core.loop import GANTrainer, Snapshot
from gan_core.data.mnist import DeviceDataset, load_mnist, to_float, to_uint8
from gan_core.data.typeset import typeset_digits
from gan_core.families.cyclegan.config import TEACHERS, CycleGANConfig
from gan_core.families.cyclegan.networks import (
    DIRECTIONS,
    DiscriminatorPair,
    GeneratorPair,
)
from gan_core.io.cards import ModelCard


@dataclass(kw_only=True)
class CycleSnapshot(Snapshot):
    a: np.ndarray  # uint8 (8, 28, 28): fixed handwritten inputs
    ab: np.ndarray  # G_AB(a)
    aba: np.ndarray  # G_BA(G_AB(a))
    b: np.ndarray
    ba: np.ndarray
    bab: np.ndarray
    cycle_l1: float  # mean |reconstruction - input| on the fixed inputs, in [0, 2] pixel units
    losses: dict[str, float] = field(default_factory=dict)  # latest adversarial / cycle / identity terms


def build(config: CycleGANConfig) -> tuple[GeneratorPair, DiscriminatorPair]:
    torch.manual_seed(config.seed)
    return (GeneratorPair(config.width, config.blocks, config.skips),
            DiscriminatorPair(config.d_width, config.d_patch, config.d_blur))


class CycleGANTrainer(GANTrainer):
    kind = "cyclegan"
    architecture_fields = ("width", "blocks", "skips", "d_width", "d_patch", "d_blur")

    def __init__(self, config: CycleGANConfig, device: torch.device | str = "cpu"):
        config.validate()
        G, D = build(config)
        super().__init__(config, G, D, device)
        self.data_a = DeviceDataset.mnist("train", self.device, seed=config.seed)
        b_images, _ = typeset_digits(config.typeset_train, seed=config.seed + 1)
        self.data_b = DeviceDataset(b_images, None, self.device, seed=config.seed + 1)
        test_a, _ = load_mnist("test")
        fixed_b, _ = typeset_digits(8, seed=10_000 + config.seed)
        self.fixed_a = to_float(test_a[:8]).to(self.device)
        self.fixed_b = to_float(fixed_b).to(self.device)
        self.terms = {"cycle": float("nan"), "identity": float("nan"), "semantic": float("nan")}
        self.epochs_before = 0.0  # MNIST epochs of the run this one resumed
        self.metrics_history: list[dict[str, Any]] = []  # periodic evaluations (the CLI's)
        self.teachers = None
        if config.semantic_weight > 0:
            from gan_core.eval.readers import load_reader

            self.teachers = {d: load_reader(name, self.device).requires_grad_(False) for d, name in TEACHERS.items()}

    @property
    def epoch(self) -> float:
        return self.epochs_before + self.data_a.epoch_progress

    def steps_for(self, epochs: float) -> int:
        """Steps for `epochs` passes over MNIST (domain A)."""
        return int(round(epochs * self.data_a.steps_per_epoch(self.config.batch_size)))

    def state_dict(self) -> dict[str, Any]:
        return super().state_dict() | {"epochs": self.epoch, "metrics_history": list(self.metrics_history)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        self.epochs_before = float(state.get("epochs", 0.0))
        self.metrics_history = list(state.get("metrics_history", []))

    def _pair(self, n: int) -> torch.Tensor:
        return torch.cat([self.data_a.batch(n)[0], self.data_b.batch(n)[0]], 1)

    def sample_real(self, n: int):
        return self._pair(n), None

    def sample_condition(self, n: int) -> None:
        return None

    def sample_noise(self, n: int) -> torch.Tensor:
        return self._pair(n)  # a CycleGAN's "noise" is an image of the other domain

    def _semantic(self, a: torch.Tensor, b: torch.Tensor, fake_a: torch.Tensor, fake_b: torch.Tensor) -> torch.Tensor:
        """Cross-entropy of the target teacher on each translation against the source teacher's reading."""
        if self.teachers is None:
            return a.new_zeros(())
        with torch.no_grad():
            y_a, y_b = self.teachers["A"](a).argmax(1), self.teachers["B"](b).argmax(1)
        return F.cross_entropy(self.teachers["B"](fake_b), y_a) + F.cross_entropy(self.teachers["A"](fake_a), y_b)

    def generator_penalty(self, z: torch.Tensor, fake: torch.Tensor, cond: Any) -> torch.Tensor:
        """λ·cycle + λ_id·identity (+ λ_sem·semantic), scaled by 1/4 to match the loop's least-squares term.

        The loop's G loss is 0.5·mean over both discriminators' patches, i.e. a quarter of
        CycleGAN's MSE_A + MSE_B; scaling these terms the same way keeps the paper's ratios.
        """
        c = self.config
        a, b = z[:, :1], z[:, 1:]
        fake_a, fake_b = fake[:, :1], fake[:, 1:]
        semantic = self._semantic(a, b, fake_a, fake_b)
        if c.cycle_noise > 0:  # hide nothing in faint patterns: the round trip must work from what is visible
            fake_a = fake_a + c.cycle_noise * torch.randn_like(fake_a)
            fake_b = fake_b + c.cycle_noise * torch.randn_like(fake_b)
        cycle = F.l1_loss(self.G.BA(fake_b), a) + F.l1_loss(self.G.AB(fake_a), b)
        identity = F.l1_loss(self.G.BA(a), a) + F.l1_loss(self.G.AB(b), b) if c.identity_weight > 0 else cycle * 0
        self.terms = {"cycle": cycle.detach(), "identity": identity.detach(), "semantic": semantic.detach()}
        return 0.25 * (c.cycle_weight * cycle + c.identity_weight * identity + c.semantic_weight * semantic)

    def history_extras(self) -> dict[str, float]:
        return {k: float(v) for k, v in self.terms.items()}

    @torch.no_grad()
    def translate(self, images: np.ndarray | torch.Tensor, direction: str) -> np.ndarray:
        """Translate uint8 digits (n, 28, 28) in `direction` ('AB' or 'BA'); returns uint8."""
        return translate(self.G, images, direction)

    def snapshot(self) -> CycleSnapshot:
        self.G.eval()
        try:
            with torch.no_grad():
                ab = self.G.AB(self.fixed_a)
                aba = self.G.BA(ab)
                ba = self.G.BA(self.fixed_b)
                bab = self.G.AB(ba)
                cycle = 0.5 * ((aba - self.fixed_a).abs().mean() + (bab - self.fixed_b).abs().mean())
        finally:
            self.G.train()
        return CycleSnapshot(**self._base_fields(), a=to_uint8(self.fixed_a), ab=to_uint8(ab), aba=to_uint8(aba),
                             b=to_uint8(self.fixed_b), ba=to_uint8(ba), bab=to_uint8(bab),
                             cycle_l1=float(cycle), losses={k: float(v) for k, v in self.terms.items()})


@torch.no_grad()
def translate(G: GeneratorPair, images, direction: str, batch: int = 500) -> np.ndarray:
    """uint8 digits (n, 28, 28) → their translations (uint8), with G in eval mode."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    net = G.AB if direction == "AB" else G.BA
    device = next(net.parameters()).device
    was_training = net.training
    net.eval()
    try:
        x = images if isinstance(images, torch.Tensor) else torch.from_numpy(np.asarray(images, np.uint8))
        out = [to_uint8(net(to_float(x[i:i + batch]).to(device))) for i in range(0, len(x), batch)]
    finally:
        net.train(was_training)
    return np.concatenate(out) if out else np.zeros((0, 28, 28), np.uint8)


# --- the shipped translator -----------------------------------------------------------------------
def load_cyclegan(name, device: torch.device | str = "cpu") -> tuple[GeneratorPair, DiscriminatorPair, ModelCard]:
    """(both generators, both discriminators, card) of a `train cyclegan` checkpoint, in eval mode."""
    from gan_core.io import checkpoints

    card = ModelCard.load(name)
    if card.kind != "cyclegan":
        raise checkpoints.CheckpointError(f"{name} is a {card.kind!r} checkpoint, not a CycleGAN")
    c = card.config
    G = GeneratorPair(c["width"], c["blocks"], c.get("skips", True))
    D = DiscriminatorPair(c.get("d_width", c["width"]), c.get("d_patch", "large"), c.get("d_blur", 0.0))
    checkpoints.load_into(name, {"G": G, "D": D})
    return G.to(device).eval(), D.to(device).eval(), card
