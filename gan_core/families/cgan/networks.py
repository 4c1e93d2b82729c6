"""Conditional GAN (Mirza & Osindero) for 28x28 MNIST: G(z | y) and D(x | y).

Objective: min_G max_D  E[log D(x|y)] + E[log(1 - D(G(z|y)))] — the GAN game with the label y
given to both players. The seeds show two ways to inject y, both available here:

- conditioning "embed"  (Keras book): G multiplies a learned label embedding element-wise into z,
  h = z * E_G[y], and decodes h like a DCGAN; D gets the label as one extra image channel (an
  embedding of y projected to a 28x28 map) concatenated to x.
- conditioning "modulate" (ours, the shipped model): the label embedding multiplies G's first
  feature maps of z (after BN and ReLU, where they are positive) channel by channel, h = relu(BN(Wz))
  * (1 + E_G[y]); D gets the one-hot label maps. Like the Keras style, G cannot ignore z without
  losing the label too; unlike z * E[y] (zero-mean, so the label lives only in the variance), the
  label shifts the feature means, which G learns quickly.
- conditioning "concat" (PyTorch textbook): G has two first layers, one for z and one for the
  one-hot y, whose 7x7 feature maps are concatenated; D gets the one-hot y as ten 28x28 "label
  image" channels concatenated to x.

Optionally (projection=True) the discriminator also adds a projection term <E_D[y], phi(x)> to its
logit (Miyato & Koyama's projection discriminator), which makes it insist on the label.

What we saw on a CPU: the "concat" generator collapsed *within* each digit in every run — every z
drew the same 3 — with or without projection and even with a whole-batch minibatch-std channel.
The label path alone explains much of a real batch's variety, and early on z's noise only makes
the blobs worse, so G turns z down and never gets a gradient to turn it up again. Two remedies
live here: the "modulate" generator, and minibatch_std=True, a per-digit version of Karras et al.'s
minibatch standard deviation (the seeds' "mini-batch discrimination"): D sees how varied the batch's
samples of the same digit are, so a batch of identical 3s is easy to reject.

Networks: "compact" (the shipped CPU model: a 7x7x96 -> 14x14x48 -> 28x28 generator) and "tiny"
(half the channels, for live training in the app). D returns logits (BCE-with-logits in the loss).
"""
from __future__ import annotations

import torch
from torch import nn

from gan_core.families.dcgan.networks import Reshape, count_parameters, init_weights

Z_DIM = 100
N_CLASSES = 10
CONDITIONING = ("concat", "embed", "modulate")
NETWORKS = {"compact": 48, "tiny": 32}  # G's 14x14 channels; D's first conv has the same width
def _check_labels(y: torch.Tensor) -> torch.Tensor:
    if y.dtype not in (torch.int64, torch.int32, torch.int16, torch.uint8):
        raise TypeError(f"labels must be an integer tensor of digits 0..9, got {y.dtype}")
    return y.long()


class ConditionalGenerator(nn.Module):
    """G(z, y): noise (n, z_dim) and integer labels (n,) -> images (n, 1, 28, 28) in [-1, 1]."""

    def __init__(self, z_dim: int = Z_DIM, ch: int = 48, conditioning: str = "concat", n_classes: int = N_CLASSES):
        super().__init__()
        if conditioning not in CONDITIONING:
            raise ValueError(f"unknown conditioning {conditioning!r}; choose one of {CONDITIONING}")
        self.z_dim, self.conditioning, self.n_classes = z_dim, conditioning, n_classes
        c7 = 2 * ch  # channels at 7x7
        if conditioning == "embed":
            self.embed = nn.Embedding(n_classes, z_dim)
            self.stem = nn.Linear(z_dim, 7 * 7 * c7)
        elif conditioning == "modulate":
            self.embed = nn.Embedding(n_classes, c7)
            self.stem = nn.Linear(z_dim, 7 * 7 * c7)
            self.stem_norm = nn.BatchNorm2d(c7)
        else:
            c_y = max(8, c7 // 4)
            self.stem = nn.Linear(z_dim, 7 * 7 * (c7 - c_y))
            self.label_stem = nn.Linear(n_classes, 7 * 7 * c_y)
            self.c_y = c_y
        self.c7 = c7
        self.body = nn.Sequential(
            nn.BatchNorm2d(c7), nn.ReLU(),
            nn.ConvTranspose2d(c7, ch, 4, stride=2, padding=1), nn.BatchNorm2d(ch), nn.ReLU(),  # 14x14
            nn.ConvTranspose2d(ch, 1, 4, stride=2, padding=1), nn.Tanh(),  # 28x28
        )

    def label_code(self, y: torch.Tensor) -> torch.Tensor:
        """What y contributes before the body: the embedding (embed) or the one-hot vector (concat),
        as floats, so that codes of two digits can be interpolated (a 3 morphing into an 8)."""
        y = _check_labels(y)
        if self.conditioning in ("embed", "modulate"):
            return self.embed(y)
        return nn.functional.one_hot(y, self.n_classes).float()

    def forward_code(self, z: torch.Tensor, code: torch.Tensor) -> torch.Tensor:
        """G from noise and a (possibly interpolated) label code."""
        n = z.shape[0]
        if self.conditioning == "embed":
            h = self.stem(z * code).reshape(n, self.c7, 7, 7)
        elif self.conditioning == "modulate":  # z's feature maps, scaled channel by channel by the label
            a = torch.relu(self.stem_norm(self.stem(z).reshape(n, self.c7, 7, 7)))
            h = a * (1.0 + code)[:, :, None, None]
        else:
            hz = self.stem(z).reshape(n, self.c7 - self.c_y, 7, 7)
            hy = self.label_stem(code).reshape(n, self.c_y, 7, 7)
            h = torch.cat([hz, hy], 1)
        return self.body(h)

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.forward_code(z, self.label_code(y))


class ConditionalDiscriminator(nn.Module):
    """D(x, y): images (n, 1, 28, 28) and labels (n,) -> logits (n, 1)."""

    def __init__(self, ch: int = 48, conditioning: str = "concat", n_classes: int = N_CLASSES, dropout: float = 0.2,
                 projection: bool = False, minibatch_std: bool = False):
        super().__init__()
        if conditioning not in CONDITIONING:
            raise ValueError(f"unknown conditioning {conditioning!r}; choose one of {CONDITIONING}")
        self.conditioning, self.n_classes = conditioning, n_classes
        in_ch = 1 + (1 if conditioning == "embed" else n_classes)
        if conditioning == "embed":
            self.label_map = nn.Embedding(n_classes, 28 * 28)  # the Keras book's label channel
        self.minibatch_std = minibatch_std
        feat = (2 * ch + (1 if minibatch_std else 0)) * 7 * 7
        self.body = nn.Sequential(
            nn.Conv2d(in_ch, ch, 4, stride=2, padding=1), nn.LeakyReLU(0.2), nn.Dropout(dropout),  # 14x14
            nn.Conv2d(ch, 2 * ch, 4, stride=2, padding=1), nn.LeakyReLU(0.2), nn.Dropout(dropout),  # 7x7
        )
        self.out = nn.Linear(feat, 1)
        self.project = nn.Embedding(n_classes, feat) if projection else None  # projection discriminator term

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        y = _check_labels(y)
        n = x.shape[0]
        if self.conditioning == "embed":
            maps = self.label_map(y).reshape(n, 1, 28, 28)
        else:
            one_hot = nn.functional.one_hot(y, self.n_classes).to(x.dtype)
            maps = one_hot[:, :, None, None].expand(n, self.n_classes, 28, 28)
        h = self.body(torch.cat([x, maps.to(x.dtype)], 1))
        if self.minibatch_std:  # one extra 7x7 channel: how varied this sample's digit is in the batch
            h = torch.cat([h, class_spread(h, y, self.n_classes)[:, None, None, None].expand(n, 1, 7, 7)], 1)
        phi = h.flatten(1)
        logit = self.out(phi)
        if self.project is not None:
            logit = logit + (self.project(y) * phi).sum(1, keepdim=True)
        return logit


def class_spread(h: torch.Tensor, y: torch.Tensor, n_classes: int = N_CLASSES) -> torch.Tensor:
    """Per sample: the standard deviation of the features of the batch's samples with the same label
    (averaged over features). Real digits of one class vary; a generator that ignores z gives 0.
    Real and fake batches in a D step carry the same labels, so classes seen once give 0 in both."""
    n = h.shape[0]
    flat = h.flatten(1)
    onehot = nn.functional.one_hot(y, n_classes).to(flat.dtype)  # (n, c)
    counts = onehot.sum(0).clamp_min(1.0)
    means = onehot.t() @ flat / counts[:, None]  # (c, f)
    sq = (flat - means[y]).pow(2)
    var = (onehot.t() @ sq) / counts[:, None]  # (c, f)
    return (var.mean(1) + 1e-6).sqrt()[y] if n > 1 else flat.new_zeros(n)


def build(network: str = "compact", conditioning: str = "concat", z_dim: int = Z_DIM,
          projection: bool = False, minibatch_std: bool = False) -> tuple[nn.Module, nn.Module]:
    """(G, D) of a network and conditioning style, DCGAN-initialised (N(0, 0.02)). Seed torch first."""
    if network not in NETWORKS:
        raise ValueError(f"unknown CGAN network {network!r}; choose one of {sorted(NETWORKS)}")
    if conditioning not in CONDITIONING:
        raise ValueError(f"unknown conditioning {conditioning!r}; choose one of {CONDITIONING}")
    ch = NETWORKS[network]
    G = ConditionalGenerator(z_dim, ch, conditioning)
    D = ConditionalDiscriminator(ch, conditioning, projection=projection, minibatch_std=minibatch_std)
    init_weights(G)
    init_weights(D)
    if conditioning == "embed":  # start the multiplied embedding near 1, so z passes through at first
        nn.init.normal_(G.embed.weight, 1.0, 0.02)
    if conditioning == "modulate":  # per-digit channel gains 1 + N(0, 0.3): distinct digits from the start
        nn.init.normal_(G.embed.weight, 0.0, 0.3)
    if projection:
        nn.init.normal_(D.project.weight, 0.0, 0.02)
    return G, D


def build_generator(network: str = "compact", conditioning: str = "concat", z_dim: int = Z_DIM) -> nn.Module:
    return build(network, conditioning, z_dim)[0]


def balanced_labels(n: int, n_classes: int = N_CLASSES) -> torch.Tensor:
    """n labels with n/10 of each digit (0,0,..,1,1,..; the remainder goes to the smallest digits)."""
    n = int(n)
    return torch.tensor(sorted(i % n_classes for i in range(n)), dtype=torch.long)


__all__ = ["ConditionalGenerator", "ConditionalDiscriminator", "build", "build_generator", "balanced_labels",
           "count_parameters", "Reshape", "Z_DIM", "N_CLASSES", "CONDITIONING", "NETWORKS"]
