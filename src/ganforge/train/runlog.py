"""The run directory's JSON-lines statistics (``metrics.jsonl``), written by rank 0 only."""
from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

from ..distributed import is_main
from ..files import named, write_text_atomic
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
        kept = [line for line, row in _lines(self.path) if row["step"] <= step]
        write_text_atomic(self.path, "".join(line + "\n" for line in kept))

    def write(self, row: Dict[str, Any]) -> None:
        """Append one row; a write that fails (full disk) is undone, so no torn line is left."""
        if not is_main():
            return
        line = (json.dumps({k: _clean(v) for k, v in row.items()}) + "\n").encode()
        with open(self.path, "ab", buffering=0) as fh:  # unbuffered: close() has nothing left to fail on
            start = fh.seek(0, os.SEEK_END)
            try:
                done = 0
                while done < len(line):
                    done += fh.write(line[done:])
            except OSError as err:
                os.truncate(self.path, start)
                raise named(err, self.path) from None
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
    """Rows of ``metrics.jsonl``; a line that is not a JSON object with a step (cut short by a
    crash, or edited) is skipped rather than ending every reader of the run."""
    return (row for _, row in _lines(Path(path)))


def _lines(path: Path) -> Iterator[Tuple[str, Dict[str, Any]]]:
    if not path.exists():
        return
    for line in path.read_text(errors="replace").splitlines():
        try:
            row = json.loads(line) if line.strip() else None
        except ValueError:
            continue
        if isinstance(row, dict) and isinstance(row.get("step"), int):
            yield line, row
