"""Numbers that judge a generator: sample moments, and more as lessons need them."""
from __future__ import annotations

import numpy as np
import torch
from scipy import stats


def moments(samples) -> dict[str, float]:
    """Mean, std, skew and excess kurtosis of 1-D samples (population formulas, as scipy.stats' defaults)."""
    x = np.asarray(samples, dtype=np.float64).reshape(-1)
    mean = x.mean()
    d = x - mean
    var = float(np.dot(d, d)) / len(x)
    if var == 0.0:
        return {"mean": float(mean), "std": 0.0, "skew": float("nan"), "kurtosis": float("nan")}
    d2 = d * d
    return {"mean": float(mean), "std": var ** 0.5, "skew": float(np.dot(d2, d)) / len(x) / var ** 1.5,
            "kurtosis": float(np.dot(d2, d2)) / len(x) / var ** 2 - 3.0}


def sorted_w1(ordered: np.ndarray, quantiles: np.ndarray) -> float:
    """Wasserstein-1 distance between sorted samples and as many target quantiles (levels (i + ½)/n):
    in 1-D the optimal transport pairs them in order, so it is the mean gap."""
    return float(np.mean(np.abs(ordered - quantiles)))


def sorted_ks(ordered: np.ndarray, cdf) -> float:
    """The one-sample Kolmogorov-Smirnov statistic of sorted samples against a cdf."""
    n = len(ordered)
    f = np.asarray(cdf(ordered), dtype=np.float64)
    steps = np.arange(1, n + 1) / n
    return float(max(np.max(steps - f), np.max(f - (steps - 1 / n))))


# --- mode coverage (the mode-collapse lesson; VEEGAN / PacGAN / GDPP definitions) ----------
def mode_coverage(samples, centres, stds, hq_sigmas: float = 3.0) -> dict[str, float]:
    """Mode metrics of generated `samples` (n, dim) against a mixture's `centres` (k, dim).

    - hq_fraction: share of samples within `hq_sigmas` std of their nearest centre ("high quality");
    - modes_captured: number of centres that are the nearest centre of at least one HQ sample;
    - reverse_kl: KL(q || uniform) of the histogram q of nearest-centre assignments of all samples,
      = log k - H(q); 0 when every mode gets the same share, log k when all sit on one mode.
    The papers use 2500 samples.
    """
    x = np.asarray(samples, dtype=np.float64)
    c = np.asarray(centres, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    if c.ndim == 1:
        c = c[:, None]
    k = len(c)
    stds = np.broadcast_to(np.asarray(stds, dtype=np.float64), (k,))
    finite = np.isfinite(x).all(axis=1)
    x = x[finite]
    if len(x) == 0:
        return {"hq_fraction": 0.0, "modes_captured": 0, "reverse_kl": float(np.log(k)), "n_modes": k}
    d2 = ((x[:, None, :] - c[None, :, :]) ** 2).sum(-1)
    nearest = d2.argmin(1)
    dist = np.sqrt(d2[np.arange(len(x)), nearest])
    hq = dist <= hq_sigmas * stds[nearest]
    counts = np.bincount(nearest, minlength=k).astype(np.float64)
    q = counts / counts.sum()
    nz = q > 0
    reverse_kl = float((q[nz] * np.log(q[nz] * k)).sum())
    return {"hq_fraction": float(hq.sum() / len(finite)),
            "modes_captured": int(np.unique(nearest[hq]).size),
            "reverse_kl": reverse_kl,
            "n_modes": k}


# --- 2-D histograms and the divergences between them (the "Inside the game" playground) ----------
def histogram_2d(points: torch.Tensor, lo: float, hi: float, bins: int) -> torch.Tensor:
    """Counts (bins, bins), rows along y, of 2-D points on a square grid over [lo, hi]². A point outside the
    square counts in the nearest edge cell, so no generated mass is lost; non-finite points are dropped."""
    points = points[torch.isfinite(points).all(1)].double()
    idx = ((points - lo) / (hi - lo) * bins).floor().long().clamp_(0, bins - 1)
    return torch.bincount(idx[:, 1] * bins + idx[:, 0], minlength=bins * bins).reshape(bins, bins).double()


def kl_js(p_counts: torch.Tensor, q_counts: torch.Tensor, smoothing: float = 0.0) -> tuple[float, float]:
    """KL(p || q) and JS(p, q), in nats, between two histograms after adding `smoothing` to every cell's count.
    JS lies in [0, ln 2] (ln 2: no cell in common); KL is infinite where q is empty and p is not."""
    p, q = p_counts.double() + smoothing, q_counts.double() + smoothing
    p, q = p / p.sum(), q / q.sum()
    m = 0.5 * (p + q)

    def kl(a: torch.Tensor, b: torch.Tensor) -> float:
        return float(torch.where(a > 0, a * (a.log() - b.log()), torch.zeros_like(a)).sum())

    return kl(p, q), 0.5 * kl(p, m) + 0.5 * kl(q, m)


# --- MNIST: judged by the project's evaluation classifier (gan_core.classifier) -----------------
def _normalised(probs) -> np.ndarray:
    p = np.asarray(probs, dtype=np.float64)
    return p / p.sum(-1, keepdims=True)


def _entropy(p: np.ndarray) -> np.ndarray:
    """Entropy in nats along the last axis (p already normalised)."""
    return -(p * np.log(p + 1e-12)).sum(-1)


DOUBTFUL = 0.9  # a sample is doubtful when the classifier's top guess has less than this probability


def doubt(probs) -> np.ndarray:
    """Each sample's doubt: the entropy of the classifier's prediction p(y|x), in nats (0 = certain)."""
    return _entropy(_normalised(probs))


def score_parts(probs) -> dict[str, float]:
    """The MNIST score and its two parts, score = exp(variety - doubt): variety is the entropy of the average
    prediction (ln 10 when every digit is equally common), doubt the average entropy of one prediction.
    Which part holds a generator back is what tells mode collapse from in-between digits."""
    p = _normalised(probs)
    variety, doubt_ = float(_entropy(p.mean(0))), float(_entropy(p).mean())
    return {"mnist_score": float(np.exp(variety - doubt_)), "variety": variety, "doubt": doubt_,
            "doubtful_share": float((p.max(1) < DOUBTFUL).mean())}


def mnist_score(probs) -> float:
    """Inception Score with the MNIST classifier, exp(E_x KL(p(y|x) || p(y))) = exp(variety - doubt).

    10 is the ceiling (confident and perfectly balanced); the real test set scores about 9.9.
    """
    return score_parts(probs)["mnist_score"]


def most_doubted(probs, k: int) -> list[dict]:
    """The k samples the classifier doubts most, most doubted first: index, top two digits and their
    probabilities."""
    p = np.asarray(probs, dtype=np.float64)
    order = np.argsort(-doubt(p), kind="stable")[:k]
    top = np.argsort(-p, axis=1)[:, :2]
    return [{"index": int(i), "digits": [int(d) for d in top[i]], "probs": [float(p[i, d]) for d in top[i]]}
            for i in order]


def class_histogram(probs, classes: int = 10) -> list[int]:
    """How many samples the classifier assigns to each digit (a missing digit is mode collapse)."""
    return np.bincount(np.asarray(probs).argmax(1), minlength=classes).tolist()


def feature_stats(features) -> tuple[np.ndarray, np.ndarray]:
    f = np.asarray(features, dtype=np.float64)
    return f.mean(0), np.cov(f, rowvar=False)


def frechet_distance(stats_a, stats_b) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets (mean, covariance) pairs:
    |mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2))."""
    import warnings

    from scipy import linalg

    mu_a, s_a = stats_a
    mu_b, s_b = stats_b
    with warnings.catch_warnings():  # singular products (e.g. dead features early in training) are expected
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        covmean = linalg.sqrtm(s_a @ s_b)
    if not np.isfinite(covmean).all():
        eps = np.eye(len(s_a)) * 1e-6
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", linalg.LinAlgWarning)
            covmean = linalg.sqrtm((s_a + eps) @ (s_b + eps))
    covmean = np.real(covmean)
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(s_a) + np.trace(s_b) - 2 * np.trace(covmean))


def ks_test(samples, cdf) -> tuple[float, float]:
    """Kolmogorov-Smirnov statistic and p-value of samples against a CDF."""
    result = stats.kstest(np.asarray(samples, dtype=np.float64).reshape(-1), cdf)
    return float(result.statistic), float(result.pvalue)


def label_agreement(probs, labels, classes: int = 10) -> dict:
    """How often the classifier's verdict equals the requested label (a conditional GAN's accuracy):
    overall, per requested digit, and the lowest digit's value."""
    pred = np.asarray(probs).argmax(1)
    labels = np.asarray(labels).reshape(-1)
    hit = pred == labels
    per = [float(hit[labels == d].mean()) if (labels == d).any() else float("nan") for d in range(classes)]
    present = [a for a in per if not np.isnan(a)]
    return {"agreement": float(hit.mean()) if len(hit) else float("nan"), "agreement_per_digit": per,
            "agreement_min": float(min(present)) if present else float("nan")}
