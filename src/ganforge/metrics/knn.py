"""k-NN manifold metrics: improved precision/recall (Kynkäänniemi et al. 2019) and density/coverage
(Naeem et al. 2020).

Each sample owns a ball whose radius is the distance to its k-th nearest neighbour within its own
set, the sample itself excluded. Precision and recall count a point on a set's manifold when it
lies in a ball with distance <= radius (Kynkaanniemi et al.; stylegan2-ada metrics/
precision_recall.py ``dist <= kth``); density and coverage use the strict distance < radius of
Naeem et al. (clovaai/generative-evaluation-prdc prdc/prdc.py), so a fake exactly on a ball's
boundary, or a duplicate of a real point at distance 0 from a zero-radius ball, does not count.
Distances are computed in row blocks so memory stays bounded (about ``_BLOCK_BYTES``) for 10k x 10k sets.
"""
from __future__ import annotations

from typing import Any, Dict

import numpy as np

from ..errors import ConfigError, DataError
from ._arrays import as_features

_BLOCK_BYTES = 64 * 2**20


def _block_rows(n_cols: int) -> int:
    return max(1, _BLOCK_BYTES // (8 * max(n_cols, 1)))


def _distances(a: np.ndarray, b: np.ndarray, b_sq: np.ndarray) -> np.ndarray:
    """Euclidean distances between rows of a (n x d) and b (m x d) -> n x m."""
    d2 = (a * a).sum(axis=1)[:, None] + b_sq[None, :] - 2.0 * (a @ b.T)
    return np.sqrt(np.maximum(d2, 0.0))


def knn_radii(x: Any, k: int) -> np.ndarray:
    """Distance from each row of x (N x D) to its k-th nearest other row -> N."""
    x = as_features(x, "points")
    n = x.shape[0]
    if not 1 <= k < n:
        raise ConfigError(f"k-NN radius needs 1 <= k < number of samples ({n}), got k={k}; lower k or add samples")
    sq = (x * x).sum(axis=1)
    radii = np.empty(n)
    step = _block_rows(n)
    for start in range(0, n, step):
        d = _distances(x[start:start + step], x, sq)
        rows = np.arange(d.shape[0])
        d[rows, start + rows] = np.inf  # the point itself is not its own neighbour
        radii[start:start + step] = np.partition(d, k - 1, axis=1)[:, k - 1]
    return radii


def _check_pair(real: Any, fake: Any):
    r, f = as_features(real, "real"), as_features(fake, "fake")
    if r.shape[1] != f.shape[1]:
        raise DataError(f"real and fake feature sizes differ ({r.shape[1]} vs {f.shape[1]}); use one extractor")
    return r, f


def _cross(r: np.ndarray, f: np.ndarray, r_radius: np.ndarray, f_radius: np.ndarray | None):
    """One blocked pass over fake x real distances.

    Returns (fake_in_real: M bool (<=), real_ball_hits: M int (<), real_in_fake: N bool (<=) or None,
    real_covered: N bool (<)).
    """
    r_sq = (r * r).sum(axis=1)
    fake_in_real = np.zeros(f.shape[0], bool)
    hits = np.zeros(f.shape[0], np.int64)
    real_covered = np.zeros(r.shape[0], bool)
    real_in_fake = None if f_radius is None else np.zeros(r.shape[0], bool)
    step = _block_rows(r.shape[0])
    for start in range(0, f.shape[0], step):
        d = _distances(f[start:start + step], r, r_sq)  # block of fakes x all reals
        fake_in_real[start:start + step] = (d <= r_radius[None, :]).any(axis=1)
        strictly = d < r_radius[None, :]
        hits[start:start + step] = strictly.sum(axis=1)
        real_covered |= strictly.any(axis=0)
        if real_in_fake is not None:
            real_in_fake |= (d <= f_radius[start:start + step, None]).any(axis=0)
    return fake_in_real, hits, real_in_fake, real_covered


def precision_recall(real: Any, fake: Any, k: int = 3, real_radii: np.ndarray | None = None) -> Dict[str, float]:
    """Improved precision and recall.

    real: N x D, fake: M x D. precision = share of fakes inside some real k-NN ball; recall = share of
    reals inside some fake k-NN ball. Returns {"precision", "recall"} in [0, 1]. ``real_radii``:
    ``knn_radii(real, k)`` when the caller already has it (a fixed real set scored many times).
    """
    r, f = _check_pair(real, fake)
    r_radius = knn_radii(r, k) if real_radii is None else np.asarray(real_radii)
    fake_in_real, _, real_in_fake, _ = _cross(r, f, r_radius, knn_radii(f, k))
    return {"precision": float(fake_in_real.mean()), "recall": float(real_in_fake.mean())}


def density_coverage(real: Any, fake: Any, k: int = 5) -> Dict[str, float]:
    """Density and coverage.

    real: N x D, fake: M x D. density = (1 / kM) * sum over fakes of the number of real k-NN balls
    containing it (can exceed 1); coverage = share of reals whose own k-NN ball contains some fake.
    Returns {"density", "coverage"}.
    """
    r, f = _check_pair(real, fake)
    _, hits, _, covered = _cross(r, f, knn_radii(r, k), None)
    return {"density": float(hits.sum() / (k * f.shape[0])), "coverage": float(covered.mean())}


def prdc(real: Any, fake: Any, k_pr: int = 3, k_dc: int = 5) -> Dict[str, float]:
    """Precision, recall (k = k_pr) and density, coverage (k = k_dc) in one dict."""
    return {**precision_recall(real, fake, k_pr), **density_coverage(real, fake, k_dc)}
