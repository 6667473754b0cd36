"""Evaluating a run's generator against its training data with the metrics suite.

Used by the Trainer (every ``eval_every`` steps) and by ``ganforge eval``. Picks the feature
extractor (``auto``: the shipped MNIST classifier for MNIST-domain data, raw values for
vectors, Inception otherwise), streams generated samples, and caches real-data features per
(dataset, resolution, extractor).
"""
from __future__ import annotations

import hashlib
import re
from typing import Any, Callable, Dict, Optional, Sequence

import torch

from ..data import Dataset
from ..errors import ConfigError
from .evaluator import evaluate
from .extractors import EXTRACTORS, create_extractor
from .specs import METRIC_DIRECTION

MNIST_DOMAIN = ("mnist", "digits", "stacked-mnist")


def auto_extractor(dataset: Dataset) -> str:
    if dataset.kind == "vector":
        return "raw"
    return "mnist" if dataset.name in MNIST_DOMAIN else "inception"


def cache_key(dataset: Dataset, extractor: str) -> str:
    name = dataset.name
    if not re.fullmatch(r"[A-Za-z0-9._-]+", name):  # folder paths: stable short digest
        name = "data-" + hashlib.sha1(name.encode()).hexdigest()[:12]
    size = "x".join(str(s) for s in dataset.shape)
    return f"{name}-{size}-{extractor}-n{len(dataset)}"


class RunEvaluator:
    """Evaluates a sampling function with fixed metrics on one dataset; built once per run so a
    missing extractor (Inception weights) fails before training starts."""

    def __init__(self, dataset: Dataset, metrics: Sequence[str], extractor: str = "auto", n: int = 2000,
                 batch_size: int = 250, device: Optional[torch.device] = None):
        self.dataset, self.metrics, self.n, self.batch_size, self.device = dataset, list(metrics), n, batch_size, device
        if extractor != "auto":
            EXTRACTORS.get(extractor)  # a wrong name fails even when no metric needs features
        name = auto_extractor(dataset) if extractor == "auto" else extractor
        self.extractor_name = name
        needs_features = any(m not in ("modes",) for m in self.metrics)
        self.extractor = create_extractor(name) if needs_features else None
        self.options: Dict[str, Any] = {}
        if "modes" in self.metrics:
            if dataset.modes is None:
                raise ConfigError(f"metric 'modes' needs a Gaussian-mixture dataset (ring8, grid25), not '{dataset.name}'")
            self.options.update(means=dataset.modes[0], std=dataset.modes[1])

    def real(self) -> torch.Tensor:
        x, _ = self.dataset.get(torch.arange(len(self.dataset)))
        return x

    def __call__(self, sample_fn: Callable[[int], torch.Tensor]) -> Dict[str, float]:
        key = cache_key(self.dataset, self.extractor_name)
        return evaluate(sample_fn, self.real(), self.metrics, extractor=self.extractor or self.extractor_name,
                        n=self.n, batch_size=self.batch_size, cache_key=key, device=self.device, **self.options)


def is_better(metric: str, value: float, best: Optional[float]) -> bool:
    """Whether ``value`` improves on ``best`` for ``metric`` (direction from METRIC_DIRECTION)."""
    if best is None:
        return True
    return value < best if METRIC_DIRECTION[metric] == "min" else value > best
