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
from .training import GANTrainer, Snapshot, TrainConfig

DIRECTIONS = ("AB", "BA")  # AB: handwritten -> typeset, BA: typeset -> handwritten


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

    def __init__(self, width: int = 32, patch: str = "large"):
        super().__init__()
        w = width
        if patch not in PATCHES:
            raise ValueError(f"patch must be one of {sorted(PATCHES)}, got {patch!r}")
        second = nn.Conv2d(w, 2 * w, 4, 2, 1) if patch == "large" else nn.Conv2d(w, 2 * w, 3, 1, 1)
        self.net = nn.Sequential(
            nn.Conv2d(1, w, 4, 2, 1), nn.LeakyReLU(0.2, True),
            second, _norm(2 * w), nn.LeakyReLU(0.2, True),
            nn.Conv2d(2 * w, 4 * w, 3, 1, 1), _norm(4 * w), nn.LeakyReLU(0.2, True),
            nn.Conv2d(4 * w, 1, 3, 1, 1) if patch == "large" else nn.Conv2d(4 * w, 1, 1))

    def forward(self, x):
        return self.net(x)


class GeneratorPair(nn.Module):
    def __init__(self, width: int, blocks: int, skips: bool = True):
        super().__init__()
        self.AB, self.BA = DigitGenerator(width, blocks, skips), DigitGenerator(width, blocks, skips)

    def forward(self, pair: torch.Tensor) -> torch.Tensor:
        a, b = pair[:, :1], pair[:, 1:]
        return torch.cat([self.BA(b), self.AB(a)], 1)


class DiscriminatorPair(nn.Module):
    def __init__(self, width: int, patch: str = "large"):
        super().__init__()
        self.A, self.B = PatchDiscriminator(width, patch), PatchDiscriminator(width, patch)

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
    # std of Gaussian noise added to a translation before it is translated back in the cycle term:
    # without it a generator can keep the cycle exact by hiding the input in faint patterns of a
    # translation that shows another digit ("CycleGAN, a master of steganography", Chu et al. 2017)
    cycle_noise: float = 0.0
    typeset_train: int = 20_000  # domain-B training digits, rendered once

    def validate(self) -> None:
        super().validate()
        if self.cycle_weight < 0 or self.identity_weight < 0:
            raise ValueError("cycle and identity weights must be >= 0")
        if self.width < 4 or self.d_width < 4 or self.blocks < 0 or self.typeset_train < self.batch_size:
            raise ValueError("widths >= 4, blocks >= 0, and at least one batch of typeset digits are needed")
        if self.cycle_noise < 0:
            raise ValueError("cycle noise must be >= 0")
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
    return GeneratorPair(config.width, config.blocks, config.skips), DiscriminatorPair(config.d_width, config.d_patch)


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
        self.terms = {"cycle": float("nan"), "identity": float("nan")}

    def _pair(self, n: int) -> torch.Tensor:
        return torch.cat([self.data_a.batch(n)[0], self.data_b.batch(n)[0]], 1)

    def sample_real(self, n: int):
        return self._pair(n), None

    def sample_condition(self, n: int) -> None:
        return None

    def sample_noise(self, n: int) -> torch.Tensor:
        return self._pair(n)  # a CycleGAN's "noise" is an image of the other domain

    def generator_penalty(self, z: torch.Tensor, fake: torch.Tensor, cond: Any) -> torch.Tensor:
        """λ·cycle + λ_id·identity, scaled by 1/4 to match the loop's least-squares term.

        The loop's G loss is 0.5·mean over both discriminators' patches, i.e. a quarter of
        CycleGAN's MSE_A + MSE_B; scaling these terms the same way keeps the paper's ratios.
        """
        c = self.config
        a, b = z[:, :1], z[:, 1:]
        fake_a, fake_b = fake[:, :1], fake[:, 1:]
        if c.cycle_noise > 0:  # hide nothing in faint patterns: the round trip must work from what is visible
            fake_a = fake_a + c.cycle_noise * torch.randn_like(fake_a)
            fake_b = fake_b + c.cycle_noise * torch.randn_like(fake_b)
        cycle = F.l1_loss(self.G.BA(fake_b), a) + F.l1_loss(self.G.AB(fake_a), b)
        identity = F.l1_loss(self.G.BA(a), a) + F.l1_loss(self.G.AB(b), b) if c.identity_weight > 0 else cycle * 0
        self.terms = {"cycle": cycle.detach(), "identity": identity.detach()}
        return 0.25 * (c.cycle_weight * cycle + c.identity_weight * identity)

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


# --- the shipped translator: loading and judging it -----------------------------------------------
EVAL_TYPESET_SEED = 50_000  # fresh typeset digits for evaluation, never rendered for training


def load_cyclegan(name, device: torch.device | str = "cpu") -> tuple[GeneratorPair, DiscriminatorPair, dict]:
    """(both generators, both discriminators, card) of a `train cyclegan` checkpoint, in eval mode."""
    from . import checkpoints

    card = checkpoints.read_card(name)
    if card.get("kind") != "cyclegan":
        raise checkpoints.CheckpointError(f"{name} is a {card.get('kind')!r} checkpoint, not a CycleGAN")
    c = card["config"]
    G = GeneratorPair(c["width"], c["blocks"], c.get("skips", True))
    D = DiscriminatorPair(c.get("d_width", c["width"]), c.get("d_patch", "large"))  # older cards: one width
    checkpoints.load_into(name, {"G": G, "D": D})
    return G.to(device).eval(), D.to(device).eval(), card


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


def source_digits(direction: str, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n inputs for a direction, with their digits: MNIST test digits (AB) or fresh typeset ones (BA)."""
    if direction == "AB":
        images, labels = load_mnist("test")
        idx = np.random.default_rng(seed).choice(len(images), n, replace=False)
        return images[idx], labels[idx]
    if direction == "BA":  # render at least ten so that a few inputs are a random choice of digits
        images, labels = typeset_digits(max(n, 10), seed=EVAL_TYPESET_SEED + seed)
        return images[:n], labels[:n]
    raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")


def cycle_error(inputs: np.ndarray, reconstructions: np.ndarray) -> np.ndarray:
    """Per-image mean |F(G(x)) - x| in the networks' [-1, 1] pixel units (0 = perfect cycle)."""
    diff = np.abs(reconstructions.astype(np.float32) - inputs.astype(np.float32)) / 127.5
    return diff.reshape(len(inputs), -1).mean(1)


def evaluate_translation(G: GeneratorPair, mnist_reader: nn.Module, typeset_reader: nn.Module,
                         n: int = 2000, seed: int = 0) -> dict[str, Any]:
    """Does translation keep the digit? Each direction's output is read by its target domain's reader.

    AB: the typeset reader reads G_AB(a) for n MNIST test digits; BA: the MNIST classifier reads
    G_BA(b) for n fresh typeset digits. Also the cycle errors, and the readers on untranslated
    inputs of the other domain (what translation has to fix)."""
    from .classifier import classify

    out: dict[str, Any] = {"n_per_direction": n, "sample_seed": seed}
    for direction, reader, other in (("AB", typeset_reader, mnist_reader), ("BA", mnist_reader, typeset_reader)):
        x, y = source_digits(direction, n, seed)
        fx = translate(G, x, direction)
        back = translate(G, fx, direction[::-1])
        pred = classify(reader, fx)[0].argmax(1)
        key = direction.lower()
        out[f"{key}_label_kept"] = float((pred == y).mean())
        out[f"{key}_label_kept_per_digit"] = [float((pred[y == d] == d).mean()) for d in range(10)]
        out[f"{key}_untranslated_read_as_label"] = float((classify(reader, x)[0].argmax(1) == y).mean())
        out[f"{key}_source_reader_on_inputs"] = float((classify(other, x)[0].argmax(1) == y).mean())
        out[f"{key}_cycle_l1"] = float(cycle_error(x, back).mean())
    out["cycle_l1"] = 0.5 * (out["ab_cycle_l1"] + out["ba_cycle_l1"])
    return out
