"""CycleGAN between handwritten (A: MNIST) and typeset (B: rendered) digits, on the one GAN loop.

Two games: G_BA against D_A (input: a typeset digit b, real: a handwritten a) and G_AB against D_B.
The least-squares loss trains both discriminators (real = 1, translated = 0) and both generators'
adversarial terms; the CycleTerms trick adds the cycle, identity and semantic terms; the replay
trick is CycleGAN's pool of 50 past translations per domain.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from gan_core.core.game import Game
from gan_core.core.loop import GANTrainer
from gan_core.core.snapshot import Snapshot
from gan_core.data.mnist import DeviceDataset, load_mnist, to_float, to_uint8
from gan_core.data.typeset import typeset_digits
from gan_core.families.cyclegan.config import TEACHERS, CycleGANConfig
from gan_core.families.cyclegan.cycle_terms import CycleTerms
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


def _unconditional(n: int) -> None:
    return None


class CycleGANTrainer(GANTrainer):
    kind = "cyclegan"
    architecture_fields = ("width", "blocks", "skips", "d_width", "d_patch", "d_blur")

    def __init__(self, config: CycleGANConfig, device: torch.device | str = "cpu"):
        config.validate()
        G, D = build(config)
        games = [Game(self._real("a"), self._real_images("b"), _unconditional, lambda z, c: self.G.BA(z),
                      lambda x, c: self.D.A(x)),
                 Game(self._real("b"), self._real_images("a"), _unconditional, lambda z, c: self.G.AB(z),
                      lambda x, c: self.D.B(x))]
        super().__init__(config, G, D, device, games=games)
        self.data_a = DeviceDataset.mnist("train", self.device, seed=config.seed)
        b_images, _ = typeset_digits(config.typeset_train, seed=config.seed + 1)
        self.data_b = DeviceDataset(b_images, None, self.device, seed=config.seed + 1)
        test_a, _ = load_mnist("test")
        fixed_b, _ = typeset_digits(8, seed=10_000 + config.seed)
        self.fixed_a = to_float(test_a[:8]).to(self.device)
        self.fixed_b = to_float(fixed_b).to(self.device)
        teachers = None
        if config.semantic_weight > 0:
            from gan_core.eval.readers import load_reader

            teachers = {d: load_reader(name, self.device).requires_grad_(False) for d, name in TEACHERS.items()}
        self.cycle_terms = CycleTerms(config.cycle_weight, config.identity_weight, config.semantic_weight,
                                      config.cycle_noise, teachers)
        self.tricks.append(self.cycle_terms)

    @property
    def epoch_data(self):
        return self.data_a  # an epoch is a pass over MNIST (domain A)

    def _real_images(self, domain: str):
        return lambda n: (self.data_a if domain == "a" else self.data_b).batch(n)[0]

    def _real(self, domain: str):
        images = self._real_images(domain)
        return lambda n: (images(n), None)

    def history_extras(self) -> dict[str, float]:
        return {k: float(v) for k, v in self.cycle_terms.last.items()}

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
                             cycle_l1=float(cycle), losses=self.history_extras())


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
