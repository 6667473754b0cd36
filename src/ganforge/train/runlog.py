"""The run directory's JSON-lines statistics (``metrics.jsonl``), written by rank 0 only."""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

from ..distributed import is_main
from .tensorboard import TensorBoardLogger  # imports tensorboard itself only when it is installed


def _clean(value: Any) -> Any:
    # JSON has no NaN/inf; keep them visible as strings rather than dropping the row.
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


class MetricsLog:
    """Append-only ``metrics.jsonl``; on resume rows past the checkpoint's step are dropped so
    the file reads as one uninterrupted run."""

    def __init__(self, path: Path, tensorboard: bool = False):
        self.path = Path(path)
        self._want_tb = tensorboard  # opened on the first row: building a run writes nothing yet
        self._tb: Optional[Any] = None

    def _tensorboard(self) -> Optional[Any]:
        if self._want_tb and self._tb is None and is_main():
            self._want_tb = False
            self._tb = TensorBoardLogger.maybe(self.path.parent, True)
        return self._tb

    def truncate_after(self, step: int) -> None:
        if not is_main() or not self.path.exists():
            return
        kept = [line for line in self.path.read_text().splitlines() if line.strip() and json.loads(line)["step"] <= step]
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text("".join(line + "\n" for line in kept))
        tmp.replace(self.path)

    def write(self, row: Dict[str, Any]) -> None:
        if not is_main():
            return
        with open(self.path, "a") as fh:
            fh.write(json.dumps({k: _clean(v) for k, v in row.items()}) + "\n")
        if self._tensorboard() is not None:
            self._tb.scalars(row)

    def image(self, tag: str, png_path: Path, step: int) -> None:
        """Mirror a written sample image to TensorBoard (when enabled)."""
        if self._tensorboard() is not None:
            self._tb.image(tag, png_path, step)


def read_metrics(path: Path) -> List[Dict[str, Any]]:
    """All rows of a ``metrics.jsonl`` file."""
    return list(iter_metrics(path))


def iter_metrics(path: Path) -> Iterator[Dict[str, Any]]:
    path = Path(path)
    if not path.exists():
        return
    for line in path.read_text().splitlines():
        if line.strip():
            yield json.loads(line)
