"""Memorization check: for a few generated samples, their nearest training items in feature space."""
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


def extractor_for(dataset) -> str:
    """The shipped MNIST classifier for MNIST-domain images, raw values otherwise."""
    return "mnist" if dataset.kind == "image" and dataset.name in MNIST_DOMAIN else "raw"


def _features(extractor, x: torch.Tensor, batch: int = 512) -> torch.Tensor:
    return torch.cat([extractor.features(x[i:i + batch]) for i in range(0, len(x), batch)])


def nearest_training_items(samples: torch.Tensor, dataset, k: int = 3, seed: int = 0) -> Neighbours:
    """Nearest ``k`` training items (Euclidean in feature space) of each generated sample.

    samples: N x C x H x W in [-1, 1] or N x D; the dataset is subsampled to ``MAX_REFERENCE`` items.
    """
    name = extractor_for(dataset)
    extractor = create_extractor(name)
    n = len(dataset)
    if n > MAX_REFERENCE:
        index = torch.randperm(n, generator=torch.Generator().manual_seed(seed))[:MAX_REFERENCE]
    else:
        index = torch.arange(n)
    reference, _ = dataset.get(index)
    ref_f = _features(extractor, reference)
    q_f = _features(extractor, samples)
    dist = torch.cdist(q_f.double(), ref_f.double())
    k = min(k, len(index))
    d, nearest = dist.topk(k, dim=1, largest=False)
    typical = None
    if len(index) > 1:
        probe = ref_f[: min(500, len(ref_f))].double()
        self_dist = torch.cdist(probe, ref_f.double())
        self_dist[torch.arange(len(probe)), torch.arange(len(probe))] = float("inf")
        typical = float(self_dist.min(dim=1).values.median())
    return Neighbours(name, samples, reference[nearest], d.float(), typical, len(index))


def describe(nb: Neighbours) -> List[str]:
    """One line per sample: its nearest distance relative to the typical training spacing."""
    lines = []
    for i, row in enumerate(nb.distances.tolist()):
        ratio = f" ({row[0] / nb.typical:.2f}x typical)" if nb.typical else ""
        lines.append(f"sample {i}: nearest {row[0]:.3f}{ratio}")
    return lines
