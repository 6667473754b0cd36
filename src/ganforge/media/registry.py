"""The registry of media writers, keyed by data kind."""
from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np
import torch

from ..errors import ConfigError
from ..files import atomic_path, write_bytes_atomic
from ..registry import Registry

MEDIA = Registry("media kind")


class MediaWriter(ABC):
    """Writes one kind of sample. ``info`` is the run's ``data.json`` (frame rate, sample
    rate, vocabulary...)."""

    @abstractmethod
    def panel(self, samples: torch.Tensor, stem: Path, info: Dict[str, Any]) -> List[Path]:
        """Training-time preview of ``samples``: writes ``stem.png`` (and e.g. ``stem.wav``);
        returns the files written, the PNG first."""

    @abstractmethod
    def write(self, samples: torch.Tensor, out: Path, info: Dict[str, Any], grid: bool = False,
              nrow: Optional[int] = None) -> str:
        """``ganforge sample --out``: write ``samples`` and describe what was written."""


def media_writer(kind: str) -> Optional[MediaWriter]:
    """The writer of a data kind, or None for images, vectors and tables (written elsewhere)."""
    return MEDIA.create(kind) if kind in MEDIA else None


def write_array(array: torch.Tensor, out: Path) -> str:
    """Samples as one float32 (or integer) ``.npy`` array."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    data = array.numpy()
    with atomic_path(out) as tmp, open(tmp, "wb") as fh:  # a full disk leaves no half-written array
        np.save(fh, data if data.dtype.kind in "iu" else data.astype(np.float32))
    return f"{out} (array {tuple(array.shape)})"


def atomic_bytes(data: bytes, path: Path) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, data)


def check_suffix(out: Path, allowed, what: str) -> None:
    if Path(out).suffix.lower() not in allowed:
        raise ConfigError(f"{what}; give --out a name ending in {' or '.join(allowed)}, not '{Path(out).name}'")
