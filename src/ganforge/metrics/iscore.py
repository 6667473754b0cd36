"""Inception Score (Salimans et al. 2016) from class probabilities."""
from __future__ import annotations

from typing import Any, Tuple

import numpy as np
from scipy.special import rel_entr

from ..errors import ConfigError, DataError
from ._arrays import as_features


def inception_score(probs: Any, splits: int = 10) -> Tuple[float, float]:
    """exp(E_x KL(p(y|x) || p(y))) from predicted class probabilities.

    probs: N x K, rows summing to 1 (softmax outputs; for Inception, of the unbiased logits, see
    ``InceptionExtractor.probs``). The rows are cut, in order, into ``splits`` parts at
    i * N // splits, as the original code and torch-fidelity (metric_isc.py) do; p(y) is the mean
    prediction within a part. Returns (mean, std) of the per-part scores. Uniform predictions
    give 1; confident, class-balanced ones give K.
    """
    p = as_features(probs, "probs")
    if splits < 1 or splits > p.shape[0]:
        raise ConfigError(f"inception score splits must be in 1..{p.shape[0]} (number of samples), got {splits}")
    if np.any(p < 0) or not np.allclose(p.sum(axis=1), 1.0, atol=1e-3):
        raise DataError("probs rows must be non-negative and sum to 1; pass softmax outputs, not logits")
    scores = []
    n = p.shape[0]
    for part in (p[i * n // splits:(i + 1) * n // splits] for i in range(splits)):
        marginal = part.mean(axis=0, keepdims=True)
        # rel_entr defines 0 * log(0 / q) = 0, so exact one-hot rows need no epsilon.
        kl = rel_entr(part, marginal).sum(axis=1).mean()
        scores.append(np.exp(kl))
    return float(np.mean(scores)), float(np.std(scores))
