"""The registry of media writers, keyed by data kind."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np
import torch

from ..errors import ConfigError
from ..registry import Registry

MEDIA = Registry("media kind")


class MediaWriter:
    """Writes one kind of sample. ``info`` is the run's ``data.json`` (frame rate, sample
    rate, vocabulary...)."""

    def panel(self, samples: torch.Tensor, stem: Path, info: Dict[str, Any]) -> List[Path]:
        """Training-time preview of ``samples``: writes ``stem.png`` (and e.g. ``stem.wav``);
        returns the files written, the PNG first."""
        raise NotImplementedError

    def write(self, samples: torch.Tensor, out: Path, info: Dict[str, Any], grid: bool = False,
              nrow: Optional[int] = None) -> str:
        """``ganforge sample --out``: write ``samples`` and describe what was written."""
        raise NotImplementedError


def media_writer(kind: str) -> Optional[MediaWriter]:
    """The writer of a data kind, or None for images, vectors and tables (written elsewhere)."""
    return MEDIA.create(kind) if kind in MEDIA else None


def write_array(array: torch.Tensor, out: Path) -> str:
    """Samples as one float32 (or integer) ``.npy`` array."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    data = array.numpy()
    np.save(out, data if data.dtype.kind in "iu" else data.astype(np.float32))
    return f"{out} (array {tuple(array.shape)})"


def atomic_bytes(data: bytes, path: Path) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def check_suffix(out: Path, allowed, what: str) -> None:
    if Path(out).suffix.lower() not in allowed:
        raise ConfigError(f"{what}; give --out a name ending in {' or '.join(allowed)}, not '{Path(out).name}'")
