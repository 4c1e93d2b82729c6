"""CycleGAN settings: the paper's defaults plus the switches against the identity trap."""
from __future__ import annotations

from dataclasses import dataclass

from gan_core.core.config import TrainConfig, option
from gan_core.families.cyclegan.networks import PATCHES
from gan_core.io.paths import PRETRAINED

TEACHERS = {"A": PRETRAINED / "mnist_teacher", "B": PRETRAINED / "typeset_teacher"}  # semantic term only


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
    cycle_weight: float = option(10.0, "lambda of the cycle-consistency term")
    identity_weight: float = option(5.0, "weight of the identity term (the paper: half the cycle's)")
    width: int = option(16, "the generators' first-layer channels (16 keeps a CPU step under a second)")
    d_width: int = option(16, "the discriminators' first-layer channels")
    blocks: int = option(3, "residual blocks in each generator")
    skips: bool = option(True, "U-Net skips in the generators (False: the official ResNet layout)")
    d_patch: str = option("large", "PatchGAN patch size: 'large' (26 px) or 'small' (12 px)")
    d_blur: float = option(0.0, "std (px) of a fixed blur in front of both discriminators; 0 = none")
    # std of Gaussian noise added to a translation before it is translated back in the cycle term:
    # without it a generator can keep the cycle exact by hiding the input in faint patterns of a
    # translation that shows another digit ("CycleGAN, a master of steganography", Chu et al. 2017)
    cycle_noise: float = option(0.0, "std of noise added to translations inside the cycle term (against hidden codes)")
    # semantic consistency (CyCADA, Hoffman et al. 2018): the translation of x must read as the digit that
    # the source domain's teacher reads in x. The teachers' own pseudo-labels, never the dataset's labels;
    # the teachers are not the readers that evaluate the translator (other seed and width).
    semantic_weight: float = option(0.0, "weight of the semantic-consistency term (CyCADA; teachers in pretrained/)")
    typeset_train: int = option(20_000, "domain-B training digits, rendered once")

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
