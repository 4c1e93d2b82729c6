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
from torch import nn

from .data.mnist import DeviceDataset, load_mnist, to_float, to_uint8
from .data.typeset import typeset_digits
from .domain_judge import blur_ink, gaussian_kernel
from .paths import PRETRAINED
from .training import GANTrainer, Snapshot, TrainConfig

DIRECTIONS = ("AB", "BA")  # AB: handwritten -> typeset, BA: typeset -> handwritten
TEACHERS = {"A": PRETRAINED / "mnist_teacher", "B": PRETRAINED / "typeset_teacher"}  # semantic term only


def _norm(c: int) -> nn.Module:
    return nn.InstanceNorm2d(c, affine=True)


class ResBlock(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(c, c, 3, padding=1, padding_mode="reflect"), _norm(c), nn.ReLU(True),
                                  nn.Conv2d(c, c, 3, padding=1, padding_mode="reflect"), _norm(c))

    def forward(self, x):
        return x + self.body(x)


class DigitGenerator(nn.Module):
    """Encoder-decoder for 28×28: 28 → 14 → 7, residual blocks, 7 → 14 → 28.

    skips=True: U-Net skips carry the 28×28 and 14×14 features past the bottleneck, so copying the
    input is easy and G edits it locally. skips=False: the official CycleGAN ResNet layout (no skips),
    so every output is redrawn from the 7×7 code."""

    def __init__(self, width: int = 32, blocks: int = 3, skips: bool = True):
        super().__init__()
        w = width
        self.skips = skips
        k = 2 if skips else 1  # the decoder's inputs are twice as wide where a skip joins them
        self.inp = nn.Sequential(nn.Conv2d(1, w, 3, padding=1, padding_mode="reflect"), _norm(w), nn.ReLU(True))
        self.down1 = nn.Sequential(nn.Conv2d(w, 2 * w, 4, 2, 1), _norm(2 * w), nn.ReLU(True))
        self.down2 = nn.Sequential(nn.Conv2d(2 * w, 4 * w, 4, 2, 1), _norm(4 * w), nn.ReLU(True))
        self.res = nn.Sequential(*[ResBlock(4 * w) for _ in range(blocks)])
        self.up1 = nn.Sequential(nn.ConvTranspose2d(4 * w, 2 * w, 4, 2, 1), _norm(2 * w), nn.ReLU(True))
        self.up2 = nn.Sequential(nn.ConvTranspose2d(k * 2 * w, w, 4, 2, 1), _norm(w), nn.ReLU(True))
        self.out = nn.Conv2d(k * w, 1, 3, padding=1, padding_mode="reflect")

    def forward(self, x):
        h0 = self.inp(x)
        h1 = self.down1(h0)
        h = self.up1(self.res(self.down2(h1)))
        if not self.skips:
            return torch.tanh(self.out(self.up2(h)))
        h = self.up2(torch.cat([h, h1], 1))
        return torch.tanh(self.out(torch.cat([h, h0], 1)))


PATCHES = {"large": 26, "small": 12}  # receptive field of one score, in pixels of the 28×28 input


class PatchDiscriminator(nn.Module):
    """PatchGAN: a map of real/fake scores, each judging an overlapping patch of the input.

    "large": a 7×7 map of 26-pixel patches — nearly the whole digit, so D also judges its shape.
    "small": a 14×14 map of 12-pixel patches — strokes, corners and serifs: D judges the style,
    which leaves the shape (the digit) to the cycle loss."""

    def __init__(self, width: int = 32, patch: str = "large", blur: float = 0.0):
        super().__init__()
        w = width
        # blur > 0: D sees its input through a fixed Gaussian blur of that std (px), like the domain judge,
        # so a faint texture cannot fool it and only a change of shape can
        self.register_buffer("blur", gaussian_kernel(blur) if blur > 0 else torch.zeros(0), persistent=False)
        if patch not in PATCHES:
            raise ValueError(f"patch must be one of {sorted(PATCHES)}, got {patch!r}")
        second = nn.Conv2d(w, 2 * w, 4, 2, 1) if patch == "large" else nn.Conv2d(w, 2 * w, 3, 1, 1)
        self.net = nn.Sequential(
            nn.Conv2d(1, w, 4, 2, 1), nn.LeakyReLU(0.2, True),
            second, _norm(2 * w), nn.LeakyReLU(0.2, True),
            nn.Conv2d(2 * w, 4 * w, 3, 1, 1), _norm(4 * w), nn.LeakyReLU(0.2, True),
            nn.Conv2d(4 * w, 1, 3, 1, 1) if patch == "large" else nn.Conv2d(4 * w, 1, 1))

    def forward(self, x):
        if self.blur.numel():
            x = blur_ink(x, self.blur)
        return self.net(x)


class GeneratorPair(nn.Module):
    def __init__(self, width: int, blocks: int, skips: bool = True):
        super().__init__()
        self.AB, self.BA = DigitGenerator(width, blocks, skips), DigitGenerator(width, blocks, skips)

    def forward(self, pair: torch.Tensor) -> torch.Tensor:
        a, b = pair[:, :1], pair[:, 1:]
        return torch.cat([self.BA(b), self.AB(a)], 1)


class DiscriminatorPair(nn.Module):
    def __init__(self, width: int, patch: str = "large", blur: float = 0.0):
        super().__init__()
        self.A, self.B = PatchDiscriminator(width, patch, blur), PatchDiscriminator(width, patch, blur)

    def forward(self, pair: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.A(pair[:, :1]).flatten(1), self.B(pair[:, 1:]).flatten(1)], 1)


@dataclass(kw_only=True)
class CycleGANConfig(TrainConfig):
    """CycleGAN's defaults: least squares, Adam 2e-4 / 0.5, λ_cycle = 10, λ_identity = 0.5·λ, pool of 50."""

    loss: str = "least_squares"
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    beta1: float = 0.5
    batch_size: int = 32
    replay_size: int = 50
    replay_fraction: float = 0.5
    cycle_weight: float = 10.0
    identity_weight: float = 5.0
    width: int = 16  # 16 keeps a CPU step well under a second at batch 32
    d_width: int = 16  # the discriminators' first-layer channels
    blocks: int = 3
    skips: bool = True  # U-Net skips in the generators (False: the official ResNet layout)
    d_patch: str = "large"  # PatchGAN patch size: "large" (26 px) or "small" (12 px)
    d_blur: float = 0.0  # std (px) of a fixed blur in front of both discriminators; 0 = none
    # std of Gaussian noise added to a translation before it is translated back in the cycle term:
    # without it a generator can keep the cycle exact by hiding the input in faint patterns of a
    # translation that shows another digit ("CycleGAN, a master of steganography", Chu et al. 2017)
    cycle_noise: float = 0.0
    # semantic consistency (CyCADA, Hoffman et al. 2018): the translation of x must read as the digit that
    # the source domain's teacher reads in x. The teachers' own pseudo-labels, never the dataset's labels;
    # the teachers are not the readers that evaluate the translator (other seed and width).
    semantic_weight: float = 0.0
    typeset_train: int = 20_000  # domain-B training digits, rendered once

    def validate(self) -> None:
        super().validate()
        if self.cycle_weight < 0 or self.identity_weight < 0:
            raise ValueError("cycle and identity weights must be >= 0")
        if self.width < 4 or self.d_width < 4 or self.blocks < 0 or self.typeset_train < self.batch_size:
            raise ValueError("widths >= 4, blocks >= 0, and at least one batch of typeset digits are needed")
        if self.cycle_noise < 0 or self.semantic_weight < 0:
            raise ValueError("cycle noise and the semantic weight must be >= 0")
        if self.d_patch not in PATCHES:
            raise ValueError(f"d_patch must be one of {sorted(PATCHES)}")


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
        self.teachers = None
        if config.semantic_weight > 0:
            from .classifier import load_reader

            self.teachers = {d: load_reader(name, self.device).requires_grad_(False) for d, name in TEACHERS.items()}

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
def load_cyclegan(name, device: torch.device | str = "cpu") -> tuple[GeneratorPair, DiscriminatorPair, dict]:
    """(both generators, both discriminators, card) of a `train cyclegan` checkpoint, in eval mode."""
    from . import checkpoints

    card = checkpoints.read_card(name)
    if card.get("kind") != "cyclegan":
        raise checkpoints.CheckpointError(f"{name} is a {card.get('kind')!r} checkpoint, not a CycleGAN")
    c = card["config"]
    G = GeneratorPair(c["width"], c["blocks"], c.get("skips", True))
    D = DiscriminatorPair(c.get("d_width", c["width"]), c.get("d_patch", "large"), c.get("d_blur", 0.0))
    checkpoints.load_into(name, {"G": G, "D": D})
    return G.to(device).eval(), D.to(device).eval(), card


def load_into_trainer(trainer: "CycleGANTrainer", name) -> dict:
    """Load a `train cyclegan` checkpoint's four networks into a trainer of the same shape, to continue it;
    the step counter continues from the card's steps (optimiser moments start afresh). Returns the card."""
    from . import checkpoints

    card = checkpoints.read_card(name)
    if card.get("kind") != "cyclegan":
        raise checkpoints.CheckpointError(f"{name} is a {card.get('kind')!r} checkpoint, not a CycleGAN")
    checkpoints.load_into(name, {"G": trainer.G, "D": trainer.D})
    trainer.step_count = int(card.get("steps", 0))
    trainer._good = trainer._capture()
    return card


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
