"""The SGAN's additions to the one GAN loop, as tricks (tricks/base.py): the labelled cross-entropy in D's
loss, and feature matching as G's loss. Also the stream of labelled batches both the SGAN and the
baseline draw from."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from gan_core.data.mnist import to_float
from gan_core.eval.readers import random_shift
from gan_core.families.sgan.networks import real_logit
from gan_core.losses import GANLoss, minimax_discriminator_loss
from gan_core.tricks.base import Trick


class LabelledStream:
    """Batches of the few labelled images: random permutations of the subset laid end to end, so every
    labelled image is seen equally often, even when the subset is smaller than a batch; each image shifted
    by up to `shift` pixels."""

    def __init__(self, images, labels, device, seed: int, shift: int = 0):
        self.images = torch.as_tensor(images, dtype=torch.uint8).to(device)
        self.labels = torch.as_tensor(labels, dtype=torch.long).to(device)
        self.gen = torch.Generator(device=device).manual_seed(int(seed))
        self.shift = int(shift)
        self._queue = torch.empty(0, dtype=torch.long, device=device)

    def __len__(self) -> int:
        return len(self.labels)

    def batch(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        while len(self._queue) < n:
            perm = torch.randperm(len(self), generator=self.gen, device=self.labels.device)
            self._queue = torch.cat([self._queue, perm])
        idx, self._queue = self._queue[:n], self._queue[n:]
        return random_shift(to_float(self.images[idx]), self.shift, self.gen), self.labels[idx]


class SupervisedTerm(Trick):
    """D's loss gains weight x cross-entropy of its 10 logits on a labelled batch (the classifier head)."""

    def __init__(self, stream: LabelledStream, weight: float):
        self.stream, self.weight, self.values = stream, weight, []

    def d_penalty(self, trainer, game, real, fake, cond):
        x, y = self.stream.batch(trainer.config.batch_size)
        ce = F.cross_entropy(trainer.D(x), y)
        self.values.append(ce.detach())
        return self.weight * ce

    def take_mean(self) -> float:
        """The mean cross-entropy since the last call (one chunk of the loop)."""
        mean = torch.stack(self.values).mean().item() if self.values else float("nan")
        self.values.clear()
        return mean


class FeatureMatching(Trick):
    """G's loss is || mean f(x) - mean f(G(z)) ||² (mean over features), f = D's last hidden layer
    (Salimans et al. 2016): G matches the statistics D uses instead of fooling D's current verdict."""

    def judge_fakes(self, trainer, game, fake, cond):
        self._fake_features = trainer.D.features(fake)
        return real_logit(trainer.D.head(self._fake_features))  # D(G(z))'s logit, for the charts

    def g_penalty(self, trainer, noises, fakes, conds):
        data = trainer.data
        idx = torch.randint(0, data.n, (trainer.config.batch_size,), generator=trainer.torch_gen, device=data.device)
        with torch.no_grad():
            real_mean = trainer.D.features(to_float(data.images_at(idx))).mean(0)
        return (self._fake_features.mean(0) - real_mean).pow(2).mean()


def feature_matching_loss() -> GANLoss:
    """The loop's loss when G learns by feature matching: D's real/fake BCE as usual, no adversarial G term
    (FeatureMatching adds G's whole loss)."""
    return GANLoss("feature_matching", minimax_discriminator_loss, lambda out: out.sum() * 0.0, is_critic=False)
