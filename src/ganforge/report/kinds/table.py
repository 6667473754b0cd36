"""Table runs: per-column distributions, synthetic against real, and a few rows of each."""
from __future__ import annotations

from typing import Any, Dict

from ...data.tables import read_frame
from ...errors import GanforgeError
from ..numbers import sig
from ..tables import column_panels
from .base import KindInput, register_kind

ROWS = 1000
SHOWN_ROWS = 8
SUMMARY_COLUMNS = 2


def _real_frame(cfg):
    """The training table as read for training (None when it cannot be read any more)."""
    try:
        return read_frame(cfg.data, cfg.data_options.get("drop"))
    except (GanforgeError, OSError):
        return None


@register_kind("table", "Columns: synthetic vs real", lambda gen: gen.kind == "table")
def table(inp: KindInput) -> Dict[str, Any]:
    fake = inp.gen.sample(ROWS, seed=0)
    real = _real_frame(inp.cfg)
    panels = column_panels(fake, real)
    head = lambda df: {"columns": [str(c) for c in df.columns],  # noqa: E731 - a tiny local formatter
                       "rows": [[_cell(v) for v in row] for row in df.head(SHOWN_ROWS).itertuples(index=False)]}
    return {"generated": panels[:SUMMARY_COLUMNS], "real": [], "panels": panels, "rows": ROWS,
            "fake": head(fake), "real_rows": head(real) if real is not None else None,
            "real_count": len(real) if real is not None else None}


def _cell(value) -> str:
    return sig(value, 4) if isinstance(value, float) else str(value)
