"""Noise-to-image runs: unconditional (one grid) and class-conditional (one row per class)."""
from __future__ import annotations

from typing import Any, Dict

import torch

from ..pictures import SECTION, at, grid
from .base import KindInput, input_kind, register_kind

GRID = 64  # samples in the unconditional grid (8 x 8)
PER_CLASS = 8
MAX_CLASSES = 16


def _real(dataset, n: int, seed: int = 0) -> torch.Tensor:
    index = torch.randperm(len(dataset), generator=torch.Generator().manual_seed(seed))[:n]
    return dataset.get(index)[0]


@register_kind("noise", "Samples", lambda gen: gen.kind == "image" and input_kind(gen) == "latent"
               and not gen.num_classes, memorization=True)
def noise(inp: KindInput) -> Dict[str, Any]:
    """An 8 x 8 grid from seed 0 beside 64 random training images."""
    n = GRID
    fake = inp.gen.sample(n, seed=0)
    real = _real(inp.dataset, n)
    shown = [grid(fake, f"{n} generated samples", caption="generated (seed 0)"),
             grid(real, f"{len(real)} training images", caption="training data")]
    return {"generated": shown[:1], "real": shown[1:], "large": [at(p, SECTION) for p in shown], "count": n}


def _names(gen, k: int):
    names = list(gen.info.get("class_names") or [])
    return [str(names[i]) if i < len(names) else str(i) for i in range(k)]


@register_kind("conditional", "Samples per class", lambda gen: gen.kind == "image" and input_kind(gen) == "latent"
               and bool(gen.num_classes), memorization=True)
def conditional(inp: KindInput) -> Dict[str, Any]:
    """One row per class (up to 16 classes), generated beside real items of the same classes."""
    gen, data = inp.gen, inp.dataset
    k = min(gen.num_classes, MAX_CLASSES)
    labels = torch.arange(k).repeat_interleave(PER_CLASS)
    fake = gen.sample(len(labels), seed=0, labels=labels)
    rows = []
    if data.y is not None and data.y.dim() == 1:
        g = torch.Generator().manual_seed(0)
        for c in range(k):
            idx = (data.y == c).nonzero().flatten()
            pick = idx[torch.randperm(len(idx), generator=g)[:PER_CLASS]]
            x = data.get(pick)[0] if len(pick) else torch.empty(0, *fake.shape[1:])
            pad = -torch.ones(PER_CLASS - len(x), *fake.shape[1:])  # a class with few items: black cells
            rows.append(torch.cat([x, pad]))
    real = [grid(torch.cat(rows), "training images per class", PER_CLASS, caption="training data")] if rows else []
    fake_grid = grid(fake, "generated samples per class", PER_CLASS, caption="generated, one row per class")
    return {"generated": [fake_grid], "real": real, "large": [at(p, SECTION) for p in [fake_grid] + real],
            "names": _names(gen, k), "shown_classes": k, "num_classes": gen.num_classes}
