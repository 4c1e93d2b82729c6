"""DCGAN generator and discriminator for 28x28x1 images, in five networks.

Networks (z of size 100, weights from N(0, 0.02), BN weights from N(1, 0.02)):

- "book":  the Keras book's MNIST DCGAN. G: dense -> 7x7x256 -> ConvT 128 (k3 s2) -> BN ->
           LeakyReLU 0.01 -> ConvT 64 (k3 s1) -> BN -> LeakyReLU -> ConvT 1 (k3 s2) -> tanh.
           D: Conv 32 (k3 s2) -> LeakyReLU -> Conv 64 (s2) -> BN -> LeakyReLU -> Conv 128 (s2)
           -> BN -> LeakyReLU -> flatten -> dense (a logit; the sigmoid lives in the loss).
- "small": the slides' lighter DCGAN. G: dense 7x7x128 -> BN -> ConvT 64 (k5 s2, ReLU) -> BN ->
           ConvT 1 (k5 s2, tanh). D: Conv 64 (k5 s2, leaky 0.2) -> dropout 0.4 -> Conv 128
           (k5 s2, leaky 0.2) -> dropout 0.4 -> dense.
- "tiny":  our CPU network, "small" at half the channels with 4x4 kernels and the DCGAN recipe in
           full (dense -> BN -> ReLU -> ConvT -> BN -> ReLU -> ConvT -> tanh): recognisable digits
           within a minute of training on one core of a 2-core laptop.

Discriminators return logits, so `losses.get_loss` can use BCE-with-logits stably.
"""
from __future__ import annotations

from torch import nn

Z_DIM = 100


class Reshape(nn.Module):
    def __init__(self, *shape: int):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)


def _book(z_dim: int) -> tuple[nn.Module, nn.Module]:
    G = nn.Sequential(
        nn.Linear(z_dim, 7 * 7 * 256), Reshape(256, 7, 7),
        nn.ConvTranspose2d(256, 128, 3, stride=2, padding=1, output_padding=1),  # 14x14
        nn.BatchNorm2d(128), nn.LeakyReLU(0.01),
        nn.ConvTranspose2d(128, 64, 3, stride=1, padding=1),  # 14x14
        nn.BatchNorm2d(64), nn.LeakyReLU(0.01),
        nn.ConvTranspose2d(64, 1, 3, stride=2, padding=1, output_padding=1),  # 28x28
        nn.Tanh(),
    )
    D = nn.Sequential(
        nn.Conv2d(1, 32, 3, stride=2, padding=1), nn.LeakyReLU(0.01),  # 14x14
        nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.BatchNorm2d(64), nn.LeakyReLU(0.01),  # 7x7
        nn.Conv2d(64, 128, 3, stride=2, padding=1), nn.BatchNorm2d(128), nn.LeakyReLU(0.01),  # 4x4
        nn.Flatten(), nn.Linear(128 * 4 * 4, 1),
    )
    return G, D


def _slides(z_dim: int, ch: int, k: int, dropout: float) -> tuple[nn.Module, nn.Module]:
    p, op = (2, 1) if k == 5 else (1, 0)  # both double the size: 7 -> 14 -> 28
    G = nn.Sequential(
        nn.Linear(z_dim, 7 * 7 * 2 * ch), Reshape(2 * ch, 7, 7), nn.BatchNorm2d(2 * ch),
        nn.ConvTranspose2d(2 * ch, ch, k, stride=2, padding=p, output_padding=op), nn.ReLU(),  # 14x14
        nn.BatchNorm2d(ch),
        nn.ConvTranspose2d(ch, 1, k, stride=2, padding=p, output_padding=op), nn.Tanh(),  # 28x28
    )
    pd = 2 if k == 5 else 1
    D = nn.Sequential(
        nn.Conv2d(1, ch, k, stride=2, padding=pd), nn.LeakyReLU(0.2), nn.Dropout(dropout),  # 14x14
        nn.Conv2d(ch, 2 * ch, k, stride=2, padding=pd), nn.LeakyReLU(0.2), nn.Dropout(dropout),  # 7x7
        nn.Flatten(), nn.Linear(2 * ch * 7 * 7, 1),
    )
    return G, D


def _tiny(z_dim: int, ch: int = 32) -> tuple[nn.Module, nn.Module]:
    """The DCGAN recipe at laptop size: ReLU after every hidden layer of G (the slides' net has
    none after its dense layer, so its G has a single nonlinearity and learns slowly)."""
    G = nn.Sequential(
        nn.Linear(z_dim, 7 * 7 * 2 * ch), Reshape(2 * ch, 7, 7), nn.BatchNorm2d(2 * ch), nn.ReLU(),
        nn.ConvTranspose2d(2 * ch, ch, 4, stride=2, padding=1), nn.BatchNorm2d(ch), nn.ReLU(),  # 14x14
        nn.ConvTranspose2d(ch, 1, 4, stride=2, padding=1), nn.Tanh(),  # 28x28
    )
    D = nn.Sequential(
        nn.Conv2d(1, ch, 4, stride=2, padding=1), nn.LeakyReLU(0.2),  # 14x14
        nn.Conv2d(ch, 2 * ch, 4, stride=2, padding=1), nn.BatchNorm2d(2 * ch), nn.LeakyReLU(0.2),  # 7x7
        nn.Conv2d(2 * ch, 4 * ch, 3, stride=2, padding=1), nn.BatchNorm2d(4 * ch), nn.LeakyReLU(0.2),  # 4x4
        nn.Flatten(), nn.Linear(4 * ch * 4 * 4, 1),
    )
    return G, D


def _infogan(z_dim: int, ch: int) -> tuple[nn.Module, nn.Module]:
    """The InfoGAN paper's MNIST layout (Chen et al. 2016, appendix C.1) with a spectrally normalised D
    (Miyato et al. 2018). G: FC 16ch -> FC 7x7x2ch -> ConvT ch (k4 s2) -> ConvT 1 (k4 s2), BN + ReLU.
    D: conv ch (k4 s2) -> conv 2ch (k4 s2) -> FC 16ch -> logit, leaky ReLU 0.1, no BN: spectral norm on
    every layer bounds D's slope, so it cannot outrun G, and hinge or non-saturating losses stay stable."""
    sn = nn.utils.parametrizations.spectral_norm
    G = nn.Sequential(
        nn.Linear(z_dim, 16 * ch), nn.BatchNorm1d(16 * ch), nn.ReLU(),
        nn.Linear(16 * ch, 7 * 7 * 2 * ch), nn.BatchNorm1d(7 * 7 * 2 * ch), nn.ReLU(), Reshape(2 * ch, 7, 7),
        nn.ConvTranspose2d(2 * ch, ch, 4, stride=2, padding=1), nn.BatchNorm2d(ch), nn.ReLU(),  # 14x14
        nn.ConvTranspose2d(ch, 1, 4, stride=2, padding=1), nn.Tanh(),  # 28x28
    )
    D = nn.Sequential(
        nn.Conv2d(1, ch, 4, stride=2, padding=1), nn.LeakyReLU(0.1),  # 14x14
        nn.Conv2d(ch, 2 * ch, 4, stride=2, padding=1), nn.LeakyReLU(0.1),  # 7x7
        nn.Flatten(), nn.Linear(2 * ch * 7 * 7, 16 * ch), nn.LeakyReLU(0.1),
        nn.Linear(16 * ch, 1),
    )
    init_weights(D)  # before the parametrisation, which hides the raw weight
    for m in D.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            sn(m)
    return G, D


NETWORKS = {
    "book": lambda z: _book(z),
    "small": lambda z: _slides(z, 64, 5, 0.4),
    "tiny": lambda z: _tiny(z),
    "infogan": lambda z: _infogan(z, 64),
    "infogan_half": lambda z: _infogan(z, 32),
}


def init_weights(module: nn.Module) -> None:
    """DCGAN initialisation: conv/linear weights ~ N(0, 0.02), BN scale ~ N(1, 0.02), biases 0."""
    for m in module.modules():
        if nn.utils.parametrize.is_parametrized(m):
            continue  # spectrally normalised: initialised before the parametrisation was added
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(m.weight, 0.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


def build(network: str, z_dim: int = Z_DIM) -> tuple[nn.Module, nn.Module]:
    """(G, D) of a network, initialised. Seed torch beforehand for reproducible weights."""
    if network not in NETWORKS:
        raise ValueError(f"unknown DCGAN network {network!r}; choose one of {sorted(NETWORKS)}")
    G, D = NETWORKS[network](z_dim)
    init_weights(G)
    init_weights(D)
    return G, D


def build_generator(network: str, z_dim: int = Z_DIM) -> nn.Module:
    return build(network, z_dim)[0]


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
