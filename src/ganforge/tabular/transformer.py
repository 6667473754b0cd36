"""Table <-> matrix: the reversible encoding a tabular GAN trains on.

Per column, in table order:
  * continuous / integer: [alpha (tanh span), mode one-hot (softmax span)] from a
    :class:`ModeNormalizer`, then a [present, missing] one-hot when the column has missing values;
  * categorical / boolean: a one-hot over the observed values (missing is one more value).
A numeric column may first be log-transformed and may have point-mass values with modes of
their own (see :mod:`.encodings`). The inverse rounds integers, clips numbers to the observed
range, writes NaN where the missing indicator says so and restores each column's original dtype.
Everything needed to decode is plain JSON (:meth:`to_json`), stored in the run's ``data.json``.
Encoding runs over ``CHUNK`` rows at a time, so its temporary memory stays bounded on big tables.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from ..errors import DataError
from .columns import NUMERIC_KINDS, ColumnSpec, check_table
from .encodings import LogTransform, log_columns, special_values
from .normalizer import ModeNormalizer

Span = Tuple[str, int]  # ("tanh" | "softmax", width)
CHUNK = 65536  # rows encoded at a time
MAX_CATEGORIES = 1000  # more distinct values than this in one discrete column is refused by default


def py_value(v: Any) -> Any:
    """A JSON-friendly Python scalar for a table cell; missing (NaN, None, NA) -> None."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    return v.item() if isinstance(v, np.generic) else v


def sorted_values(values: pd.Series) -> List[Any]:
    """Distinct values, sorted (numerically when possible), with None last when any is missing."""
    distinct = {py_value(v) for v in values.unique()}
    present = [v for v in distinct if v is not None]
    try:
        present.sort()
    except TypeError:
        present.sort(key=str)
    return present + ([None] if None in distinct else [])


@dataclass
class Block:
    """Where one column lives in the matrix and how it is encoded."""

    spec: ColumnSpec
    start: int
    normalizer: Optional[ModeNormalizer] = None  # numeric columns
    categories: Optional[List[Any]] = None  # discrete columns (None = missing)
    counts: Optional[List[int]] = None
    log: Optional[LogTransform] = None  # numeric columns, optional
    specials: Optional[List[float]] = None  # point masses in the column's own units (numeric, optional)

    def to_model(self, values: np.ndarray) -> np.ndarray:
        """Column units -> the units the normalizer works in (log space when transformed)."""
        return values if self.log is None else self.log.forward(values)

    def from_model(self, values: np.ndarray) -> np.ndarray:
        return values if self.log is None else self.log.inverse(values)

    @property
    def spans(self) -> List[Span]:
        if self.normalizer is not None:
            missing = [("softmax", 2)] if self.spec.has_missing else []
            return [("tanh", 1), ("softmax", self.normalizer.num_modes)] + missing
        return [("softmax", len(self.categories))]

    @property
    def width(self) -> int:
        return sum(w for _, w in self.spans)


def restore_dtype(values: pd.Series, spec: ColumnSpec) -> pd.Series:
    """Cast decoded values back to the column's original dtype (a nullable one for integer and
    boolean columns that can be missing, so every sample of a model has the same dtypes)."""
    has_nan = spec.has_missing or bool(values.isna().any())
    dtype = spec.dtype
    if has_nan and dtype.startswith(("int", "uint")):
        dtype = "Int64"
    elif has_nan and dtype == "bool":
        dtype = "boolean"
    try:
        return values.astype(dtype)
    except (TypeError, ValueError):
        return values


class TableTransformer:
    """Fitted encoding of a table's columns (see module docstring)."""

    def __init__(self, blocks: List[Block], seed: int = 0, target: Optional[str] = None,
                 target_share: Optional[float] = None):
        self.blocks, self.seed, self.target, self.target_share = blocks, seed, target, target_share

    # -- fitting ----------------------------------------------------------------------------
    @classmethod
    def fit(cls, df: pd.DataFrame, specs: Sequence[ColumnSpec], max_modes: int = 10, fit_rows: int = 5000,
            seed: int = 0, log=None, mixed=None, target: Optional[str] = None,
            max_categories: int = MAX_CATEGORIES, target_share: Optional[float] = None) -> "TableTransformer":
        """Fit one encoder per column of ``df`` (typed by ``specs``, see ``infer_columns``).
        ``log`` / ``mixed``: see :mod:`.encodings`; ``target``: the column an auxiliary model
        predicts and ``target_share`` its share of the training conditions (both kept in the
        JSON, see :mod:`.conditional`); ``max_categories``: refuse discrete columns with more values."""
        check_specs(df, specs, target, max_categories)
        numeric = {s.name: df[s.name].dropna().to_numpy(dtype=np.float64) for s in specs if s.kind in NUMERIC_KINDS}
        logs, specials = log_columns(log, numeric), special_values(mixed, numeric)
        blocks, start = [], 0
        for i, spec in enumerate(specs):
            values = df[spec.name]
            if spec.discrete:
                cats = sorted_values(values)
                codes = _codes(values, cats)
                block = Block(spec, start, categories=cats, counts=np.bincount(codes, minlength=len(cats)).tolist())
            else:
                block = Block(spec, start, log=logs.get(spec.name), specials=specials.get(spec.name))
                kept = block.to_model(numeric[spec.name])
                block.normalizer = ModeNormalizer.fit(kept, max_modes, fit_rows, seed + i,
                                                      block.to_model(np.asarray(block.specials or [])))
            blocks.append(block)
            start += block.width
        return cls(blocks, seed, target, target_share)

    # -- layout -----------------------------------------------------------------------------
    @property
    def width(self) -> int:
        return sum(b.width for b in self.blocks)

    @property
    def spans(self) -> List[Span]:
        """Output layout for the generator's activations, in matrix order."""
        return [s for b in self.blocks for s in b.spans]

    @property
    def columns(self) -> List[str]:
        return [b.spec.name for b in self.blocks]

    @property
    def discrete_blocks(self) -> List[Block]:
        return [b for b in self.blocks if b.categories is not None]

    def block(self, name: str) -> Block:
        for b in self.blocks:
            if b.spec.name == name:
                return b
        raise KeyError(name)

    # -- encode / decode --------------------------------------------------------------------
    def transform(self, df: pd.DataFrame) -> np.ndarray:
        """Table (N rows, these columns) -> float32 matrix N x width, ``CHUNK`` rows at a time."""
        missing = [c for c in self.columns if c not in df.columns]
        if missing:
            raise DataError(f"table lacks column '{missing[0]}' that the model was fitted on")
        rng = np.random.default_rng(self.seed)
        out = np.zeros((len(df), self.width), dtype=np.float32)
        for first in range(0, len(df), CHUNK):
            rows = slice(first, first + CHUNK)
            self._encode(df.iloc[rows], out[rows], rng)
        return out

    def _encode(self, df: pd.DataFrame, out: np.ndarray, rng: np.random.Generator) -> None:
        """Fill ``out`` (len(df) x width, zeros) with the encoding of ``df``."""
        index = np.arange(len(df))
        for b in self.blocks:
            values = df[b.spec.name]
            if b.categories is not None:
                out[index, b.start + _codes(values, b.categories)] = 1.0
                continue
            absent = values.isna().to_numpy()
            filled = values.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
            # Missing cells get the heaviest mode's mean: a valid encoding the indicator overrides.
            model = b.to_model(np.where(absent, b.spec.min, filled))
            model[absent] = b.normalizer.means[int(np.argmax(b.normalizer.weights))]
            k = 1 + b.normalizer.num_modes
            out[:, b.start:b.start + k] = b.normalizer.transform(model, rng)
            if b.spec.has_missing:
                out[index, b.start + k + absent.astype(int)] = 1.0

    def codes(self, df: pd.DataFrame) -> np.ndarray:
        """Category index of every discrete column: N x (number of discrete columns), int64."""
        blocks = self.discrete_blocks
        if not blocks:
            return np.zeros((len(df), 0), dtype=np.int64)
        return np.stack([_codes(df[b.spec.name], b.categories) for b in blocks], axis=1)

    def inverse(self, matrix: np.ndarray, rng: Optional[np.random.Generator] = None) -> pd.DataFrame:
        """Matrix N x width -> table with original dtypes. One-hot spans may hold scores: the
        arg-max is taken, or with ``rng`` a value is drawn from them as probabilities (how
        generator outputs are decoded)."""
        matrix = np.asarray(matrix, dtype=np.float64)
        if matrix.ndim != 2 or matrix.shape[1] != self.width:
            raise ValueError(f"expected an N x {self.width} matrix, got shape {matrix.shape}")
        cols = {}
        for b in self.blocks:
            spec = b.spec
            if b.categories is not None:
                idx = _pick(matrix[:, b.start:b.start + len(b.categories)], rng)
                cols[spec.name] = restore_dtype(pd.Series([b.categories[i] for i in idx], dtype=object), spec)
                continue
            k = 1 + b.normalizer.num_modes
            mode = _pick(matrix[:, b.start + 1:b.start + k], rng)
            values = b.from_model(b.normalizer.inverse(matrix[:, b.start], mode))
            if b.specials:  # exactly the special value, not its image through log and back
                slot = mode - len(b.normalizer.means)
                values[slot >= 0] = np.asarray(b.specials)[slot[slot >= 0]]
            values = np.clip(values, spec.min, spec.max)
            if spec.kind == "integer":
                values = np.round(values)
            if spec.has_missing:
                values[_pick(matrix[:, b.start + k:b.start + k + 2], rng) == 1] = np.nan
            cols[spec.name] = restore_dtype(pd.Series(values), spec)
        return pd.DataFrame(cols)

    # -- persistence ------------------------------------------------------------------------
    def to_json(self) -> Dict[str, Any]:
        columns = []
        for b in self.blocks:
            col = b.spec.to_json()
            if b.normalizer is not None:
                col["modes"] = b.normalizer.to_json()
                col.update({k: v for k, v in (("log", b.log and b.log.to_json()), ("specials", b.specials)) if v})
            else:
                col.update(categories=b.categories, counts=b.counts)
            columns.append(col)
        return {"seed": self.seed, "target": self.target, "target_share": self.target_share, "columns": columns}

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> "TableTransformer":
        blocks, start = [], 0
        for col in data["columns"]:
            col = dict(col)
            modes, cats, counts = col.pop("modes", None), col.pop("categories", None), col.pop("counts", None)
            log, specials = col.pop("log", None), col.pop("specials", None)
            block = Block(ColumnSpec(**col), start, ModeNormalizer(**modes) if modes else None, cats, counts,
                          LogTransform(**log) if log else None, specials)
            blocks.append(block)
            start += block.width
        return cls(blocks, int(data.get("seed", 0)), data.get("target"), data.get("target_share"))


def _check_levels(name: str, levels: int, rows: int, limit: int) -> None:
    """Refuse a discrete column whose one-hot would dominate the model (an id, a free-text field)."""
    if levels > 50 and levels > rows // 2:
        raise DataError(f"column '{name}' has {levels} distinct values in {rows} rows, "
                        f"like an identifier; drop it with data_options.drop=[{name}]")
    if limit and levels > limit:
        raise DataError(f"column '{name}' has {levels:,} distinct values (more than data_options.max_categories="
                        f"{limit}); its one-hot would make the model huge: drop it (data_options.drop=[{name}]), "
                        f"treat it as a number (data_options.continuous=[{name}]), or allow it with "
                        f"data_options.max_categories={levels}")


def _codes(values: pd.Series, categories: List[Any]) -> np.ndarray:
    """Index of each cell's value in ``categories`` (None = missing); unknown values -> DataError."""
    lookup = {v: i for i, v in enumerate(categories)}
    try:
        return np.fromiter((lookup[py_value(v)] for v in values), dtype=np.int64, count=len(values))
    except KeyError as err:
        shown = ", ".join(map(str, categories[:10]))
        raise DataError(f"column '{values.name}' has value {err.args[0]!r} the model never saw; "
                        f"known values: {shown}") from None


def _pick(scores: np.ndarray, rng: Optional[np.random.Generator]) -> np.ndarray:
    """Index per row of N x K scores: the arg-max, or a draw with probabilities scores / sum."""
    if rng is None:
        return scores.argmax(axis=1)
    p = np.clip(scores, 0.0, None)
    p = p / np.maximum(p.sum(axis=1, keepdims=True), 1e-12)
    u = rng.random((len(p), 1))
    return np.minimum((p.cumsum(axis=1) < u).sum(axis=1), p.shape[1] - 1)


def check_specs(df: pd.DataFrame, specs: Sequence[ColumnSpec], target: Optional[str] = None,
                max_categories: int = MAX_CATEGORIES) -> None:
    """Everything ``TableTransformer.fit`` refuses, checked before any mixture is fitted (and,
    for a DataFrame given to ``train``, before the run directory is made)."""
    check_table(df)
    if target is not None and target not in [s.name for s in specs]:
        raise DataError(f"data_options.target names column '{target}', which the table does not have; "
                        f"columns: {', '.join(s.name for s in specs)}")
    for spec in specs:
        if spec.discrete:
            _check_levels(spec.name, len(sorted_values(df[spec.name])), len(df), max_categories)
