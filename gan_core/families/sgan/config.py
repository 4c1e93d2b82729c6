"""Semi-supervised GAN settings: Salimans et al.'s MNIST recipe (feature matching, Adam beta1 0.5, batch 100)."""
from __future__ import annotations

from dataclasses import dataclass

from gan_core.core.config import TrainConfig, option
from gan_core.families.sgan import networks as sgan

GENERATOR_LOSSES = ("feature_matching", "non_saturating")


@dataclass(kw_only=True)
class SGANConfig(TrainConfig):
    """D is a 10-class classifier whose real/fake output is Z/(Z+1); G is trained by feature matching or
    by the non-saturating loss. The D loss is the loop's BCE on that output plus the labelled cross-entropy."""

    # the networks, their losses, their optimiser (Salimans et al.: Adam 3e-3 with beta1 0.5, batch 100; a
    # little lower rate here, steadier on one CPU core) and G's samples
    network: str = option("mlp", "the networks: mlp (the paper's, D 784-1000-500-250-250-250-10) | mlp_small")
    z_dim: int = option(sgan.Z_DIM, "size of the noise vector z")
    generator_loss: str = option("feature_matching", "feature_matching (match D's mean last-layer features on "
                                                     "real and fake batches) | non_saturating (-log D(G(z)))")
    lr_g: float = 2e-3
    lr_d: float = 2e-3
    grid_size: int = option(100, "samples of G in the progress grid (10 x 10)")
    ema: float = option(0.0, ">0: sample from a moving average of G's weights (the classifier is D)")
    beta1: float = 0.5
    # which digits keep their labels, and how much the labels weigh
    labels_per_class: int = option(10, "labelled training images per digit (the rest are used without labels)")
    label_seed: int = option(0, "seeds which training images keep their labels")
    supervised_weight: float = option(2.0, "weight of the labelled cross-entropy against the real/fake loss "
                                           "(2 = the paper's 1 : 0.5)")
    batch_size: int = 100
    # D's regularisers (the baseline's too) and what the classifier is
    input_noise: float = option(0.3, "std of the Gaussian noise on D's input (pixels in [0, 1])")
    hidden_noise: float = option(0.5, "std of the Gaussian noise after each of D's hidden layers")
    average: float = option(0.999, "the classifier is an exponential moving average of D's weights with this "
                                   "decay (Salimans et al. test one; the baseline gets the same); 0 = D itself")
    shift: int = option(0, "random translation of real digits by up to this many pixels; 0 = off")
    # what is measured, and how the best state is picked
    baseline: bool = option(True, "also train the same classifier on the labelled images alone, step for step")
    val_size: int = option(2000, "held-out labelled training images (the last ones) that pick the best state")
    test_subset: int = option(2000, "test images in the accuracy checks during training (the card uses all)")
    check_every: int = option(500, "steps between accuracy checks (validation and the test subset)")

    def validate(self) -> None:
        super().validate()
        problems = {  # the message -> whether it applies
            f"unknown SGAN network {self.network!r}; choose one of {sorted(sgan.NETWORKS)}":
                self.network not in sgan.NETWORKS,
            f"unknown generator loss {self.generator_loss!r}; choose one of {GENERATOR_LOSSES}":
                self.generator_loss not in GENERATOR_LOSSES,
            "the SGAN's real/fake output Z/(Z+1) is trained with binary cross-entropy: the loss must be "
            "non_saturating": self.loss != "non_saturating",
            "packing, unrolling, top-k and replay are not supported by the SGAN":
                bool(self.pack != 1 or self.unroll_steps or self.top_k or self.replay_size),
            f"labels per class must lie between 1 and 5,000, got {self.labels_per_class}":
                not 1 <= self.labels_per_class <= 5000,
            "the supervised weight and the noise levels must be >= 0, the shift 0 to 4 pixels":
                min(self.supervised_weight, self.input_noise, self.hidden_noise) < 0 or not 0 <= self.shift <= 4,
            "the validation slice and the test subset must hold 100 to 10,000 images":
                not (100 <= self.val_size <= 10_000 and 100 <= self.test_subset <= 10_000),
            "check interval, z size and grid size must be at least 1": min(self.check_every, self.z_dim,
                                                                           self.grid_size) < 1,
            "the EMA decays must lie in [0, 1)": not (0.0 <= self.ema < 1.0 and 0.0 <= self.average < 1.0),
        }
        for message, applies in problems.items():
            if applies:
                raise ValueError(message)
