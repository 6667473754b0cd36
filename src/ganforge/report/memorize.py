"""Memorization check: for generated samples, their nearest training items in feature space.

:class:`NeighbourIndex` computes the training features once, so the explorer can answer one
query per click; :func:`nearest_training_items` is the one-shot form the report uses.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

import torch

from ..metrics import create_extractor
from ..metrics.run_evaluator import MNIST_DOMAIN

# Enough training items to find near-copies on the embedded sets in seconds on a CPU.
MAX_REFERENCE = 4_000


@dataclass
class Neighbours:
    """``queries`` N x ... generated samples; ``items`` N x k x ... nearest training items;
    ``distances`` N x k; ``typical`` the median train-to-train nearest-neighbour distance
    (how close two distinct training items usually are), for scale."""

    extractor: str
    queries: torch.Tensor
    items: torch.Tensor
    distances: torch.Tensor
    typical: Optional[float]
    reference_size: int

    def ratios(self) -> List[Optional[float]]:
        """Each sample's nearest distance over the typical spacing (below ~0.5: look closely)."""
        if not self.typical:
            return [None] * len(self.distances)
        return [float(d[0]) / self.typical for d in self.distances]


def extractor_for(dataset) -> str:
    """The shipped MNIST classifier for MNIST-domain images, raw values otherwise."""
    return "mnist" if dataset.kind == "image" and dataset.name in MNIST_DOMAIN else "raw"


def _features(extractor, x: torch.Tensor, batch: int = 512) -> torch.Tensor:
    with torch.no_grad():
        return torch.cat([extractor.features(x[i:i + batch]).double().cpu() for i in range(0, len(x), batch)])


class NeighbourIndex:
    """Features of up to ``MAX_REFERENCE`` training items (a seeded subset of larger sets)."""

    def __init__(self, dataset, seed: int = 0, max_reference: int = MAX_REFERENCE):
        self.name = extractor_for(dataset)
        self.extractor = create_extractor(self.name)
        n = len(dataset)
        if n > max_reference:
            index = torch.randperm(n, generator=torch.Generator().manual_seed(seed))[:max_reference]
        else:
            index = torch.arange(n)
        self.reference = dataset.get(index)[0]
        self.features = _features(self.extractor, self.reference)
        self.typical = self._typical()

    def _typical(self) -> Optional[float]:
        if len(self.features) < 2:
            return None
        probe = self.features[: min(500, len(self.features))]
        dist = torch.cdist(probe, self.features)
        dist[torch.arange(len(probe)), torch.arange(len(probe))] = float("inf")
        return float(dist.min(dim=1).values.median())

    def __len__(self) -> int:
        return len(self.reference)

    def query(self, samples: torch.Tensor, k: int = 3) -> Neighbours:
        """Nearest ``k`` training items (Euclidean in feature space) of each sample:
        N x C x H x W in [-1, 1] or N x D."""
        dist = torch.cdist(_features(self.extractor, samples), self.features)
        d, nearest = dist.topk(min(k, len(self)), dim=1, largest=False)
        return Neighbours(self.name, samples, self.reference[nearest], d.float(), self.typical, len(self))


def nearest_training_items(samples: torch.Tensor, dataset, k: int = 3, seed: int = 0) -> Neighbours:
    """Nearest ``k`` training items of each generated sample (one-shot :class:`NeighbourIndex`)."""
    return NeighbourIndex(dataset, seed).query(samples, k)

