"""The in-memory dataset every loader returns, and a resumable batch stream over it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

import torch

from ..errors import DataError

Tensor = torch.Tensor


def _as_float(t: Tensor) -> Tensor:
    # Images are stored as uint8 and scaled per batch: 4x less memory, no re-decoding.
    return t.float().div_(127.5).sub_(1.0) if t.dtype == torch.uint8 else t


@dataclass
class Dataset:
    """Training data held in memory.

    ``x`` is uint8 N x C x H x W for images (decoded once, scaled to [-1, 1] per batch) or
    float32 N x D for vectors; ``y`` holds integer labels (N,) or is None.
    ``modes`` = (means K x D, std) for Gaussian-mixture data, used by mode-coverage metrics.
    """

    name: str
    x: Tensor
    y: Optional[Tensor] = None
    num_classes: int = 0
    class_names: Tuple[str, ...] = ()
    modes: Optional[Tuple[Tensor, float]] = None
    skipped: int = 0

    @property
    def kind(self) -> str:
        return "image" if self.x.dim() == 4 else "vector"

    @property
    def shape(self) -> Tuple[int, ...]:
        """Shape of one sample: (C, H, W) or (D,)."""
        return tuple(self.x.shape[1:])

    def __len__(self) -> int:
        return self.x.shape[0]

    def get(self, index: Tensor) -> Tuple[Tensor, Optional[Tensor]]:
        """Rows ``index`` as float in [-1, 1] (images) or as stored (vectors), with their
        labels, or with their target images for paired data (``y`` uint8 N x C x H x W)."""
        return _as_float(self.x[index]), (_as_float(self.y[index]) if self.y is not None else None)

    def evaluation_items(self) -> Tensor:
        """Rows behind the real-data statistics of the metrics: all of them. Procedural sets
        rendered per batch (videos, audio) cap this so FID references stay affordable."""
        return torch.arange(len(self))

    def metric_context(self) -> Dict[str, object]:
        """What this data's own metrics need to know (word lists, note sets); empty by default."""
        return {}

    def info(self) -> Dict[str, object]:
        """What a saved generator needs to know about its data (JSON-friendly)."""
        info: Dict[str, object] = {"name": self.name, "kind": self.kind, "shape": list(self.shape),
                                   "num_classes": self.num_classes, "class_names": list(self.class_names)}
        if self.modes is not None:
            info["modes"] = {"means": self.modes[0].tolist(), "std": self.modes[1]}
        return info


HOLDOUT_SEED = 1_234_577  # fixed, not the run's seed: the split is a property of the data
HOLDOUT_MAX = 256


def holdout_size(n: int) -> int:
    """Items to hold out of ``n`` for the overfitting check: 5%, at least min(16, n // 10)
    (so small sets still give a usable estimate), at most HOLDOUT_MAX."""
    return min(HOLDOUT_MAX, max(min(16, n // 10), round(0.05 * n)))


def split_holdout(n: int, count: int) -> Tuple[Tensor, Tensor]:
    """Deterministic split of ``range(n)`` into (training indices, held-out indices), each
    sorted; the same ``(n, count)`` always gives the same split, whatever the run's seed."""
    if not 0 <= count < n:
        raise ValueError(f"cannot hold out {count} of {n} items")
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(HOLDOUT_SEED))
    return perm[count:].sort().values, perm[:count].sort().values


@dataclass
class BatchStream:
    """Endless shuffled batches with an exactly resumable position.

    Each epoch's order is a permutation drawn from (seed, epoch) alone, so the stream needs no
    RNG state beyond ``epoch`` and ``pos``; ranks of a distributed run take disjoint slices of
    the same permutation. The last incomplete batch of an epoch is dropped. ``index`` limits the
    stream to those rows (a held-out split stays out of training); None streams every row.
    """

    dataset: Dataset
    batch_size: int
    seed: int = 0
    rank: int = 0
    world_size: int = 1
    epoch: int = 0
    pos: int = 0
    index: Optional[Tensor] = None
    _perm: Optional[Tensor] = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.size < self.batch_size * self.world_size:
            held = f" ({len(self.dataset) - self.size} held out)" if self.index is not None else ""
            raise DataError(f"dataset '{self.dataset.name}' has {self.size} training items{held}, fewer than one "
                            f"batch ({self.batch_size * self.world_size}); lower batch_size or add data")

    @property
    def size(self) -> int:
        """Rows the stream draws from."""
        return len(self.dataset) if self.index is None else len(self.index)

    def _permutation(self) -> Tensor:
        if self._perm is None:
            g = torch.Generator().manual_seed(self.seed * 100_003 + self.epoch)
            perm = torch.randperm(self.size, generator=g)
            if self.index is not None:
                perm = self.index[perm]
            usable = len(perm) // (self.batch_size * self.world_size) * self.batch_size * self.world_size
            self._perm = perm[:usable][self.rank::self.world_size]
        return self._perm

    def next(self) -> Tuple[Tensor, Optional[Tensor]]:
        perm = self._permutation()
        if self.pos + self.batch_size > len(perm):
            self.epoch, self.pos, self._perm = self.epoch + 1, 0, None
            perm = self._permutation()
        index = perm[self.pos:self.pos + self.batch_size]
        self.pos += self.batch_size
        return self.dataset.get(index)

    def state_dict(self) -> Dict[str, int]:
        return {"epoch": self.epoch, "pos": self.pos}

    def load_state_dict(self, state: Dict[str, int]) -> None:
        self.epoch, self.pos, self._perm = int(state["epoch"]), int(state["pos"]), None
