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
from .evaluator import evaluate, real_statistics
from .extractors import EXTRACTORS, create_extractor
from .specs import METRIC_DIRECTION, METRICS

MNIST_DOMAIN = ("mnist", "digits", "stacked-mnist")


def auto_extractor(dataset: Dataset) -> str:
    if getattr(dataset, "default_extractor", None):  # videos, audio, text name their own
        return dataset.default_extractor
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
        # 'modes' reads raw points and collector metrics bring their own nets: no extractor for them
        needs_features = any(m != "modes" and METRICS.get(m).collector is None for m in self.metrics)
        self.extractor = create_extractor(name) if needs_features else None
        self.options: Dict[str, Any] = {}
        context = dataset.metric_context()
        if context:
            self.options["context"] = context
        if "modes" in self.metrics:
            if dataset.modes is None:
                raise ConfigError(f"metric 'modes' needs a Gaussian-mixture dataset (ring8, grid25), not '{dataset.name}'")
            self.options.update(means=dataset.modes[0], std=dataset.modes[1])

    def real(self) -> torch.Tensor:
        x, _ = self.dataset.get(self.dataset.evaluation_items())
        return x

    def prepare(self) -> None:
        """Compute (or read from the cache) the real data's features now, so the first evaluation
        does not pay for them; a no-op for metrics that need none."""
        if self.extractor is None or not any(METRICS.get(m).needs & {"real_stats", "real_features"}
                                             for m in self.metrics):
            return
        extractor = self.extractor.to(self.device) if self.device is not None else self.extractor
        real_statistics(self.real(), extractor, self.batch_size, cache_key(self.dataset, self.extractor_name))

    def __call__(self, sample_fn: Callable[[int], torch.Tensor], progress: Optional[bool] = None) -> Dict[str, float]:
        """Metric values of ``sample_fn``'s samples; ``progress``: bars with an ETA (None: on a terminal)."""
        key = cache_key(self.dataset, self.extractor_name)
        return evaluate(sample_fn, self.real(), self.metrics, extractor=self.extractor or self.extractor_name,
                        n=self.n, batch_size=self.batch_size, cache_key=key, device=self.device, progress=progress,
                        **self.options)


def seeded_batches(draw: Callable[..., torch.Tensor], seed: int = 0) -> Callable[[int], torch.Tensor]:
    """A ``sample_fn`` for the evaluators: each call ``draw(n, seed=s)`` gets its own seed s (derived
    from ``seed`` and the call count), so n samples come from n different latents and the whole set
    is reproducible. ``draw`` is e.g. ``ganforge.load(run).sample``."""
    count = [0]

    def sample_fn(n: int) -> torch.Tensor:
        count[0] += 1
        return draw(n, seed=(seed + count[0]) * 1_000_003)

    return sample_fn


def is_better(metric: str, value: float, best: Optional[float]) -> bool:
    """Whether ``value`` improves on ``best`` for ``metric`` (direction from METRIC_DIRECTION)."""
    if best is None:
        return True
    return value < best if METRIC_DIRECTION[metric] == "min" else value > best
