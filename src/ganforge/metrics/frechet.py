"""Fréchet distance between Gaussians fitted to feature sets (FID when the features are Inception pool3)."""
from __future__ import annotations

import warnings
from typing import Any, Tuple

import numpy as np
from scipy import linalg

from ..console import note
from ..errors import DataError
from ._arrays import as_features, as_float64

# Relative residual ||X @ X - A||_F / ||A||_F above which sqrtm's answer is not trusted and the
# product is regularised; singular products (more dimensions than samples) land here.
_SQRTM_TOLERANCE = 1e-3


def feature_stats(features: Any, chunk_rows: int = 4096) -> Tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of a feature matrix.

    features: N x F (numpy or torch, any float dtype), N >= 2.
    Returns (mu: F, sigma: F x F) as float64, sigma the unbiased (N-1) sample covariance.
    Rows are converted to float64 ``chunk_rows`` at a time, so a large float32 matrix is never copied
    whole; sums are taken around the first chunk's mean to avoid cancellation.
    """
    if not hasattr(features, "shape") or len(features.shape) not in (1, 2):
        features = as_features(features, "features")
    n = features.shape[0]
    if n < 2:
        raise DataError(f"features has {n} rows but at least 2 are needed; use more samples")
    shift = total = cross = None
    for start in range(0, n, chunk_rows):
        c = as_features(features[start:start + chunk_rows], "features")
        if shift is None:
            shift = c.mean(axis=0)
            total, cross = np.zeros_like(shift), np.zeros((shift.size, shift.size))
        c = c - shift
        total += c.sum(axis=0)
        cross += c.T @ c
    m = total / n
    return shift + m, (cross - n * np.outer(m, m)) / (n - 1)


def _checked_sqrtm(a: np.ndarray) -> Tuple[np.ndarray, bool]:
    """sqrtm(a) and whether the result looks trustworthy (finite, small residual)."""
    # scipy warns (LinAlgWarning) on singular input; the residual check below decides instead
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        root = linalg.sqrtm(a)
        if not np.all(np.isfinite(root)):
            return root, False
        norm = np.linalg.norm(a)
        resid = np.linalg.norm(root @ root - a) / norm if norm > 0 else 0.0
    return root, bool(resid < _SQRTM_TOLERANCE)


def frechet_distance(mu1: Any, sigma1: Any, mu2: Any, sigma2: Any, eps: float = 1e-6) -> float:
    """Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2).

    d^2 = ||mu1 - mu2||^2 + Tr(sigma1 + sigma2 - 2 sqrt(sigma1 sigma2))

    mu1, mu2: F; sigma1, sigma2: F x F (numpy or torch). Returns a float >= 0.
    When sqrt(sigma1 sigma2) is non-finite or inaccurate (singular product) ``eps`` is added to both
    diagonals and the root recomputed. A tiny imaginary part from round-off is dropped; a large one
    raises DataError.
    """
    mu1, mu2 = np.atleast_1d(as_float64(mu1, "mu1")), np.atleast_1d(as_float64(mu2, "mu2"))
    s1, s2 = np.atleast_2d(as_float64(sigma1, "sigma1")), np.atleast_2d(as_float64(sigma2, "sigma2"))
    if mu1.shape != mu2.shape or s1.shape != s2.shape or s1.shape != (mu1.size, mu1.size):
        raise DataError(
            f"mean/covariance shapes do not match: mu {mu1.shape} vs {mu2.shape}, sigma {s1.shape} vs {s2.shape}; "
            "compute both statistics with the same feature extractor"
        )
    covmean, ok = _checked_sqrtm(s1 @ s2)
    if not ok:
        # as pytorch-fid does, say so: the value is then a regularised approximation
        note(f"Fréchet distance: the feature covariances are singular (fewer samples than their {s1.shape[0]} "
             f"dimensions, or features that never vary); added {eps:g} to their diagonals, so compare FIDs only "
             "at equal sample counts", once="fid-singular")
        offset = np.eye(s1.shape[0]) * eps
        covmean, _ = _checked_sqrtm((s1 + offset) @ (s2 + offset))
        if not np.all(np.isfinite(covmean)):
            raise DataError("covariance square root is not finite even after regularisation; use more samples")
    if np.iscomplexobj(covmean):
        # Round-off turns tiny negative eigenvalues into imaginary parts; anything large means the
        # covariances are not valid (not PSD) and the distance would be meaningless.
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3):
            worst = np.max(np.abs(covmean.imag))
            raise DataError(f"covariance square root has imaginary component {worst:.3g}; use more samples")
        covmean = covmean.real
    diff = mu1 - mu2
    value = float(diff @ diff + np.trace(s1) + np.trace(s2) - 2.0 * np.trace(covmean))
    # The exact distance is non-negative; identical statistics can round to about -1e-12.
    return max(value, 0.0)


def fid_from_features(f1: Any, f2: Any) -> float:
    """Fréchet distance between Gaussians fitted to two feature matrices N1 x F and N2 x F."""
    return frechet_distance(*feature_stats(f1), *feature_stats(f2))
