"""Extra encodings of numeric columns from the tabular GAN literature after CTGAN.

* Log transform for long-tailed positive columns (CTAB-GAN, Zhao et al. 2021, "long tail
  treatment"): with ``lower`` the column's minimum and ``eps = 1``,
  ``y = log(x)`` when lower > 0, ``log(x + eps)`` when lower == 0, ``log(x - lower + eps)``
  otherwise; decoded by the exact inverse. The mixture then sees a compact, less skewed column.
* Mixed-type columns (CTAB-GAN): point-mass values (a zero income, a capped maximum) become
  their own modes (see :mod:`.normalizer`), found here as values that hold at least
  ``MIN_SHARE`` of a column's rows.

Which columns get them: ``data_options.log`` and ``data_options.mixed``, each a list of column
names or ``"auto"`` (log: positive columns with skewness above ``SKEW``; mixed: every numeric
column with a point mass); ``mixed`` also takes ``{column: [values]}``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Dict, List, Optional, Sequence, Union

import numpy as np

from ..errors import ConfigError

SKEW = 2.0  # "auto" log-transforms non-negative columns whose sample skewness exceeds this
MIN_SHARE = 0.05  # "auto" treats a value held by at least this share of rows as a point mass
MAX_SPECIALS = 3  # at most this many point masses per column (the heaviest ones)
EPS = 1.0  # CTAB-GAN's offset for columns that reach zero or below


@dataclass
class LogTransform:
    """CTAB-GAN's log transform of one column with minimum ``lower`` (module docstring)."""

    lower: float
    eps: float = EPS

    @property
    def shift(self) -> float:
        """What is added to x before the log: 0, eps, or eps - lower."""
        return 0.0 if self.lower > 0 else self.eps if self.lower == 0 else self.eps - self.lower

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.log(np.asarray(x, dtype=np.float64) + self.shift)

    def inverse(self, y: np.ndarray) -> np.ndarray:
        return np.exp(np.asarray(y, dtype=np.float64)) - self.shift

    def to_json(self) -> Dict[str, float]:
        return asdict(self)


def skewness(values: np.ndarray) -> float:
    """Sample skewness E[(x - mean)^3] / std^3 (0 for a constant column)."""
    values = np.asarray(values, dtype=np.float64)
    sd = values.std()
    return 0.0 if sd == 0 else float(np.mean((values - values.mean()) ** 3) / sd ** 3)


def wants_log(values: np.ndarray) -> bool:
    """The "auto" rule: no negative values, and a long right tail (skewness > SKEW)."""
    return len(values) > 0 and float(np.min(values)) >= 0 and skewness(values) > SKEW


def point_masses(values: np.ndarray, min_share: float = MIN_SHARE, limit: int = MAX_SPECIALS) -> List[float]:
    """Values held by at least ``min_share`` of the (non-missing) ``values``, heaviest first,
    at most ``limit``; none when the column is nothing but a few values (that is a category)."""
    uniq, counts = np.unique(np.asarray(values, dtype=np.float64), return_counts=True)
    if len(uniq) <= limit + 1:
        return []
    order = np.argsort(-counts, kind="stable")
    heavy = [float(uniq[i]) for i in order[:limit] if counts[i] >= min_share * len(values)]
    return heavy


Choice = Union[None, str, Sequence[str], Dict[str, Sequence[float]]]


def _names(option: Choice, key: str, numeric: Sequence[str]) -> Optional[List[str]]:
    """Column names an option names ("auto" -> None, meaning: decide per column)."""
    if option is None or option == [] or option == "":
        return []
    if option == "auto":
        return None
    if isinstance(option, str):
        option = [v.strip() for v in option.split(",") if v.strip()]
    names = [str(v) for v in (option.keys() if isinstance(option, dict) else option)]
    bad = [n for n in names if n not in numeric]
    if bad:
        raise ConfigError(f"data_options.{key} names '{bad[0]}', which is not a numeric column; "
                          f"numeric columns: {', '.join(numeric) or 'none'}")
    return names


def log_columns(option: Choice, numeric: Dict[str, np.ndarray]) -> Dict[str, LogTransform]:
    """Per numeric column (name -> non-missing values), its log transform when ``option`` asks."""
    names = _names(option, "log", list(numeric))
    chosen = [n for n in numeric if wants_log(numeric[n])] if names is None else names
    out = {}
    for name in chosen:
        lower = float(np.min(numeric[name]))
        out[name] = LogTransform(lower)
    return out


def special_values(option: Choice, numeric: Dict[str, np.ndarray]) -> Dict[str, List[float]]:
    """Per numeric column, the point-mass values to encode as their own modes."""
    names = _names(option, "mixed", list(numeric))
    if isinstance(option, dict):
        out = {}
        for name, values in option.items():
            values = [values] if np.isscalar(values) else list(values)
            present = set(np.unique(numeric[str(name)]).tolist())
            absent = [v for v in values if float(v) not in present]
            if absent:
                raise ConfigError(f"data_options.mixed gives {absent[0]!r} for column '{name}', "
                                  f"which never takes that value")
            out[str(name)] = sorted(float(v) for v in values)
        return out
    chosen = list(numeric) if names is None else names
    found = {n: point_masses(numeric[n]) for n in chosen}
    return {n: sorted(v) for n, v in found.items() if v}
