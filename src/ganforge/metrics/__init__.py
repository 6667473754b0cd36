"""Evaluation metrics for generators: FID, KID, IS, precision/recall/density/coverage, mode counts.

Metric functions take feature arrays (numpy or torch) and compute in float64; feature extractors turn
samples into features; ``evaluate`` streams a generator's samples through both. The stateful
``FID``, ``KID``, ``PRDC`` and ``IS`` objects accumulate batches (``update(real=..., fake=...)``,
``compute()``) with any extractor: a registered name, the Inception weights file, or a callable.
"""
from .evaluator import default_cache_dir, evaluate, real_statistics
from .extractors import EXTRACTORS, FeatureExtractor, create_extractor, list_extractors
from .frechet import feature_stats, fid_from_features, frechet_distance
from .iscore import inception_score
from .kernel import kid
from .mixtures import GRID25_MEANS, GRID25_STD, RING8_MEANS, RING8_STD, kl_to_uniform, mode_coverage
from .knn import density_coverage, precision_recall, prdc
from .specs import METRIC_DIRECTION, METRICS
from .stacked_mnist import make_stacked_mnist, stacked_mnist_modes
from . import audio_modes, audio_net, c2st, text, video  # noqa: F401,E402  (register the media extractors and metrics)
from .stateful import FID, IS, KID, PRDC, CallableExtractor, feature_extractor, real_samples

__all__ = [
    "FID", "IS", "KID", "PRDC", "CallableExtractor", "feature_extractor", "real_samples",
    "EXTRACTORS", "FeatureExtractor", "GRID25_MEANS", "GRID25_STD", "METRICS", "METRIC_DIRECTION",
    "RING8_MEANS", "RING8_STD", "create_extractor", "default_cache_dir", "density_coverage", "evaluate",
    "feature_stats", "fid_from_features", "frechet_distance", "inception_score", "kid", "kl_to_uniform",
    "list_extractors", "make_stacked_mnist", "mode_coverage", "precision_recall", "prdc", "real_statistics",
    "stacked_mnist_modes",
]
