"""The latent space of a trained generator: interpolation, measurable attributes, vector arithmetic.

- `lerp` walks the straight line between two latent points; `slerp` walks the great circle
  (directions interpolated on the sphere, norms interpolated linearly), so every point keeps a
  norm typical of the Gaussian prior — a straight line through N(0, I) in 100 dimensions cuts
  through the low-norm centre where the generator has rarely been.
- Attributes measured on the images themselves (uint8, white digit on black): **ink mass** (the
  amount of ink, in fully-white-pixel units: thicker strokes mean more ink) and **slant** (from
  second-order image moments: the shear mu11 / mu02 of the ink, positive when the digit leans
  to the right).
- Vector arithmetic as Radford et al. did it: a concept vector is the MEAN latent vector of at
  least three exemplars; A − B + C combines concepts ("thick 3s" − "thin 3s" + "thin 7s" = thick 7s).
- An attribute direction is the difference of the concept vectors of the samples with the most and
  the least of an attribute; moving any latent along it changes that attribute.

`LatentModel` wraps a DCGAN G(z) or a CGAN G(z, y) so that all of this works for either.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from gan_core.eval.attributes import measure
from gan_core.io.cards import ModelCard

MIN_EXEMPLARS = 3


# --- interpolation ---------------------------------------------------------------------------------
def _steps(t) -> tuple[torch.Tensor, bool]:
    scalar = np.ndim(t) == 0
    return torch.as_tensor(np.atleast_1d(np.asarray(t, dtype=np.float64))), scalar


def lerp(a, b, t):
    """(1 − t) a + t b: exactly a at t = 0 and b at t = 1. `t` a number -> one point; a sequence of
    numbers -> stacked points (len(t), ...)."""
    a, b = torch.as_tensor(a), torch.as_tensor(b)
    ts, scalar = _steps(t)
    ts = ts.to(a.dtype if a.is_floating_point() else torch.float64).reshape(-1, *([1] * a.dim()))
    out = (1 - ts) * a.unsqueeze(0) + ts * b.unsqueeze(0)
    return out[0] if scalar else out


def slerp(a, b, t, eps: float = 1e-7):
    """Spherical interpolation of 1-D vectors a and b (or rows of 2-D batches).

    The direction moves along the great circle from a/|a| to b/|b| at constant angular speed and
    the norm moves linearly from |a| to |b|: slerp(0) = a, slerp(1) = b, and every norm lies
    between |a| and |b|. Nearly parallel directions fall back to normalised lerp.
    """
    a, b = torch.as_tensor(a), torch.as_tensor(b)
    dtype = a.dtype if a.is_floating_point() else torch.float64
    a64, b64 = a.double(), b.double()
    ts, scalar = _steps(t)
    ts = ts.reshape(-1, *([1] * a.dim()))
    na, nb = a64.norm(dim=-1, keepdim=True), b64.norm(dim=-1, keepdim=True)
    ua, ub = a64 / na.clamp_min(eps), b64 / nb.clamp_min(eps)
    cos = (ua * ub).sum(-1, keepdim=True).clamp(-1.0, 1.0)
    omega = torch.arccos(cos)
    so = torch.sin(omega)
    small = so.abs() < 1e-6
    safe = torch.where(small, torch.ones_like(so), so)
    w_a = torch.where(small, 1 - ts, torch.sin((1 - ts) * omega) / safe)
    w_b = torch.where(small, ts, torch.sin(ts * omega) / safe)
    direction = w_a * ua + w_b * ub
    direction = direction / direction.norm(dim=-1, keepdim=True).clamp_min(eps)
    out = direction * ((1 - ts) * na + ts * nb)
    # exact endpoints
    out = torch.where(ts == 0, a64.expand_as(out), out)
    out = torch.where(ts == 1, b64.expand_as(out), out)
    out = out.to(dtype)
    return out[0] if scalar else out


def interpolate(a, b, steps: int, method: str = "slerp"):
    """`steps` points from a to b inclusive (steps >= 2) by "lerp" or "slerp"."""
    if steps < 2:
        raise ValueError("an interpolation needs at least 2 steps (the two endpoints)")
    if method not in ("lerp", "slerp"):
        raise ValueError(f"unknown interpolation {method!r}; choose lerp or slerp")
    t = np.linspace(0.0, 1.0, int(steps))
    return (slerp if method == "slerp" else lerp)(a, b, t)


# --- concept vectors and arithmetic ----------------------------------------------------------------
def concept_vector(latents) -> torch.Tensor:
    """The mean of at least three exemplar latent vectors (Radford et al. averaged three)."""
    z = torch.as_tensor(latents)
    if z.dim() != 2 or len(z) < MIN_EXEMPLARS:
        raise ValueError(f"a concept vector averages at least {MIN_EXEMPLARS} exemplars (rows); "
                         f"got shape {tuple(z.shape)}")
    return z.mean(0)


def vector_arithmetic(a, b, c) -> torch.Tensor:
    """concept(A) − concept(B) + concept(C); each argument is a (k >= 3, d) stack of exemplars."""
    return concept_vector(a) - concept_vector(b) + concept_vector(c)


@dataclass
class Direction:
    """An attribute direction in latent space (unit vector) and how it was found."""

    attribute: str
    vector: torch.Tensor  # unit length
    length: float  # |mean(top) − mean(bottom)|: the distance between the two concept vectors
    low: float  # mean attribute of the bottom exemplars
    high: float  # mean attribute of the top exemplars
    exemplars: int  # per side


def attribute_direction(latents, values, attribute: str = "", fraction: float = 0.2) -> Direction:
    """Unit direction from the concept vector of the lowest `fraction` of samples (by attribute value)
    to that of the highest `fraction` (at least 3 exemplars each)."""
    z = torch.as_tensor(latents)
    v = np.asarray(values, dtype=np.float64)
    if len(v) != len(z):
        raise ValueError("one attribute value per latent vector, please")
    k = max(MIN_EXEMPLARS, int(round(fraction * len(v))))
    if 2 * k > len(v):
        raise ValueError(f"need at least {2 * MIN_EXEMPLARS} samples to find a direction; got {len(v)}")
    order = np.argsort(v)
    lo, hi = order[:k], order[-k:]
    diff = concept_vector(z[torch.as_tensor(hi)]) - concept_vector(z[torch.as_tensor(lo)])
    length = float(diff.norm())
    return Direction(attribute, diff / max(length, 1e-12), length, float(v[lo].mean()), float(v[hi].mean()), k)


# --- a generator wrapper ---------------------------------------------------------------------------
class LatentModel:
    """A frozen generator: decodes latents (and labels, for a CGAN) to uint8 digits."""

    def __init__(self, G: torch.nn.Module, card: ModelCard | None = None):
        self.G = G.eval()
        self.card = card or ModelCard(kind="cgan" if hasattr(G, "label_code") else "dcgan")
        self.conditional = hasattr(G, "label_code")
        self.z_dim = int(self.card.setting("z_dim", getattr(G, "z_dim", 100)))

    @classmethod
    def load(cls, name) -> "LatentModel":
        from gan_core.families import registry

        nets, card = registry.load(name)
        G = nets["G"]
        for p in G.parameters():
            p.requires_grad_(False)
        return cls(G, card)

    def noise(self, n: int, seed: int) -> torch.Tensor:
        return torch.randn(int(n), self.z_dim, generator=torch.Generator().manual_seed(int(seed)))

    def _labels(self, labels, n: int) -> torch.Tensor | None:
        if not self.conditional:
            return None
        if labels is None:
            raise ValueError("a conditional generator needs labels")
        y = torch.as_tensor(np.asarray(labels), dtype=torch.long).reshape(-1)
        return y.expand(n) if y.numel() == 1 else y

    @torch.no_grad()
    def decode(self, z, labels=None, codes=None, batch: int = 1000) -> np.ndarray:
        """uint8 (n, 28, 28) digits for latents z (n, d); labels (n,) or one label, or label codes (n, c)."""
        from gan_core.data.mnist import to_uint8

        z = torch.as_tensor(z, dtype=torch.float32)
        if z.dim() == 1:
            z = z[None]
        out = []
        y = None if codes is not None else self._labels(labels, len(z))
        for i in range(0, len(z), batch):
            zi = z[i:i + batch]
            if not self.conditional:
                x = self.G(zi)
            elif codes is not None:
                x = self.G.forward_code(zi, torch.as_tensor(codes, dtype=torch.float32)[i:i + batch])
            else:
                x = self.G(zi, y[i:i + batch])
            out.append(to_uint8(x))
        return np.concatenate(out) if out else np.zeros((0, 28, 28), np.uint8)

    @torch.no_grad()
    def label_codes(self, labels) -> torch.Tensor:
        """The CGAN's label codes (embedding or one-hot), to interpolate between digits."""
        if not self.conditional:
            raise ValueError("only a conditional generator has label codes")
        return self.G.label_code(torch.as_tensor(np.asarray(labels), dtype=torch.long).reshape(-1)).float()

    def direction(self, attribute: str, n: int = 1000, seed: int = 0, label=None, fraction: float = 0.2) -> Direction:
        """The attribute direction found from n samples (for a CGAN, all of digit `label`)."""
        z = self.noise(n, seed)
        images = self.decode(z, label if self.conditional else None)
        return attribute_direction(z, measure(images, attribute), attribute, fraction)

    def move(self, z, direction: Direction, amount: float) -> torch.Tensor:
        """z + amount * unit direction (amount in latent units; |z| is about sqrt(d) = 10 for d = 100)."""
        return torch.as_tensor(z, dtype=torch.float32) + float(amount) * direction.vector.float()


# --- the vector-arithmetic demonstration -----------------------------------------------------------
def arithmetic_demo(model: LatentModel, attribute: str, digit_a: int, digit_c: int, k: int = 3, pool: int = 400,
                    seed: int = 0, classify: Callable[[np.ndarray], np.ndarray] | None = None) -> dict:
    """A − B + C with k >= 3 exemplars per concept (Radford et al.'s recipe, on digits):

    A = the k samples of digit `digit_a` with the MOST of the attribute, B = the k samples of `digit_a`
    with the LEAST, C = the k samples of `digit_c` with the LEAST. The result should be a `digit_c`
    with more of the attribute than C. For a CGAN the digit comes from the label; for a DCGAN from the
    classifier's verdict on a pool of samples (`classify`: uint8 images -> probabilities (n, 10)).

    Returns the exemplars' images and attribute values, the decoded concept C ("before") and the
    decoded result ("after"), their attribute values and, with `classify`, their predicted labels.
    """
    if k < MIN_EXEMPLARS:
        raise ValueError(f"average at least {MIN_EXEMPLARS} exemplars per concept, got {k}")

    shared = None
    if not model.conditional:  # one pool of samples, sorted into digits by the classifier
        if classify is None:
            raise ValueError("a DCGAN needs the classifier to find exemplars of a digit")
        z = model.noise(pool * 5, seed)
        images = model.decode(z)
        shared = (z, images, classify(images))

    def candidates(digit: int, s: int):
        if model.conditional:
            z = model.noise(pool, s)
            return z, model.decode(z, digit)
        z, images, probs = shared
        keep = np.flatnonzero((probs.argmax(1) == digit) & (probs.max(1) > 0.9))
        if len(keep) < 2 * k:
            raise ValueError(f"only {len(keep)} confident samples of digit {digit}; use fewer exemplars")
        return z[torch.as_tensor(keep)], images[keep]

    za, ia = candidates(digit_a, seed)
    zc, ic = candidates(digit_c, seed + 1) if digit_c != digit_a else (za, ia)
    va, vc = measure(ia, attribute), measure(ic, attribute)
    oa, oc = np.argsort(va), np.argsort(vc)
    a_idx, b_idx, c_idx = oa[-k:][::-1], oa[:k], oc[:k]
    result = vector_arithmetic(za[torch.as_tensor(a_idx.copy())], za[torch.as_tensor(b_idx.copy())],
                               zc[torch.as_tensor(c_idx.copy())])
    before_z = concept_vector(zc[torch.as_tensor(c_idx.copy())])
    label = digit_c if model.conditional else None
    decoded = model.decode(torch.stack([before_z, result]), label)
    values = measure(decoded, attribute)
    out = {"attribute": attribute, "k": k, "digit_a": digit_a, "digit_c": digit_c,
           "A": ia[a_idx], "B": ia[b_idx], "C": ic[c_idx],
           "A_values": va[a_idx], "B_values": va[b_idx], "C_values": vc[c_idx],
           "before": decoded[0], "after": decoded[1], "before_value": float(values[0]), "after_value": float(values[1]),
           "result_z": result}
    if classify is not None:
        probs = classify(decoded)
        out.update(before_label=int(probs[0].argmax()), after_label=int(probs[1].argmax()),
                   before_conf=float(probs[0].max()), after_conf=float(probs[1].max()))
    return out
