"""Tables: ``csv:PATH`` (also .tsv / .parquet files) and ``penguins`` (Palmer penguins, offline).

A table is encoded once by a fitted :class:`~ganforge.tabular.TableTransformer` (mode-specific
normalization, one-hots, missing indicators). Options (``data_options.KEY=...``), one line each:

* ``discrete`` / ``continuous``: force column kinds (a list or ``"a,b"``); ``drop``: remove columns.
* ``max_modes``: mixture modes per numeric column; ``fit_rows``: rows the mixtures are fitted on
  (a seeded sample; every row is then encoded); ``seed``: fixes the fit.
* ``max_int_levels``: whole-number columns with fewer distinct values are categories.
* ``target``: the column an auxiliary model predicts (``objective.target_weight``), and the
  default target of ``ganforge eval``.
* ``target_share``: with a discrete target, the share of training conditions on it (default:
  uniform over the discrete columns, CTGAN's training-by-sampling; see ``tabular/conditional.py``).
* ``log``: log-transform these numeric columns, or ``auto`` (long-tailed non-negative ones).
* ``mixed``: point-mass values get modes of their own: columns, ``auto``, or ``{col: [values]}``.
* ``max_categories``: refuse a discrete column with more distinct values (0: no limit).

The dataset's ``info()`` carries the transformer's JSON so a saved run decodes samples alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Tuple, Union

import pandas as pd
import torch

from ..errors import ConfigError, DataError
from ..extras import require
from ..tabular.columns import MAX_INT_LEVELS, as_name_list, check_table, infer_columns
from ..tabular.conditional import ConditionSampler
from ..tabular.io import read_table, write_table
from ..tabular.transformer import MAX_CATEGORIES, TableTransformer, check_specs
from .dataset import Dataset
from .registry import DATASETS

Tensor = torch.Tensor


@dataclass
class TableDataset(Dataset):
    """Encoded rows ``x`` (N x width), category codes of the discrete columns ``y`` (N x C) and
    the cumulative training-by-sampling weights ``cdf`` (N,) (see ``tabular/conditional.py``)."""

    transformer: Optional[TableTransformer] = None
    cdf: Optional[Tensor] = None

    @property
    def kind(self) -> str:
        return "table"

    def get(self, index: Tensor) -> Tuple[Tensor, Optional[Tensor]]:
        """Rows for one batch, re-weighted for training-by-sampling.

        ``index`` is a slice of a uniform permutation; each index i picks the row at quantile
        (i + U) / N of the weighted distribution, U ~ U(0, 1) from the (checkpointed) global RNG.
        Over an epoch this is stratified sampling of the weighted rows, and it stays resumable."""
        u = (index.double() + torch.rand(len(index), dtype=torch.float64)) / len(self)
        rows = torch.searchsorted(self.cdf, u).clamp_(max=len(self) - 1)
        return self.x.index_select(0, rows), self.y.index_select(0, rows)

    def info(self) -> Dict[str, object]:
        info = super().info()
        info.update(kind="table", table=self.transformer.to_json())
        return info


def prepare_frame(df: pd.DataFrame, drop: Union[str, list, None] = None, what: str = "table") -> pd.DataFrame:
    """Drop the requested columns, reset the index and check what remains can be learned."""
    if not isinstance(df, pd.DataFrame):
        raise DataError(f"{what} must be a pandas DataFrame, got {type(df).__name__}")
    names = as_name_list(drop, "drop")
    unknown = [n for n in names if n not in df.columns]
    if unknown:
        raise ConfigError(f"data_options.drop names column '{unknown[0]}', which {what} does not have; "
                          f"columns: {', '.join(map(str, df.columns))}")
    df = df.drop(columns=names).reset_index(drop=True)
    df.columns = [str(c) for c in df.columns]
    check_table(df, what)
    return df


def table_dataset(name: str, df: pd.DataFrame, discrete=None, continuous=None, drop=None, max_modes: int = 10,
                  fit_rows: int = 5000, seed: int = 0, max_int_levels: int = MAX_INT_LEVELS,
                  target: Optional[str] = None, log=None, mixed=None,
                  max_categories: int = MAX_CATEGORIES, target_share: Optional[float] = None) -> TableDataset:
    """Type the columns, fit the transformer and encode every row of ``df`` (options: module docstring)."""
    check_target_share(target_share)
    if max_modes < 1 or fit_rows < 10:
        raise ConfigError(f"data_options.max_modes must be >= 1 and fit_rows >= 10, got {max_modes} and {fit_rows}")
    if max_categories < 0:
        raise ConfigError(f"data_options.max_categories must be >= 0 (0: no limit), got {max_categories}")
    df = prepare_frame(df, drop, f"table '{name}'")
    specs = infer_columns(df, as_name_list(discrete, "discrete"), as_name_list(continuous, "continuous"),
                          max_int_levels)
    transformer = TableTransformer.fit(df, specs, max_modes, fit_rows, seed, log, mixed,
                                       None if target is None else str(target), max_categories,
                                       None if target_share is None else float(target_share))
    codes = transformer.codes(df)
    sampler = ConditionSampler.for_table(transformer)
    weights = torch.as_tensor(sampler.row_weights(codes), dtype=torch.float64)
    cdf = torch.cumsum(weights / weights.sum(), 0)
    return TableDataset(name, torch.as_tensor(transformer.transform(df)), torch.as_tensor(codes),
                        transformer=transformer, cdf=cdf)


def check_target_share(share: object) -> None:
    """Refuse a ``data_options.target_share`` that is not a share strictly between 0 and 1."""
    if share is None:
        return
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share < 1:
        raise ConfigError(f"data_options.target_share must be a number between 0 and 1 (the share of training "
                          f"conditions on the target column, e.g. 0.5), got {share!r}")


def check_frame(df: pd.DataFrame, options: Dict[str, object]) -> None:
    """What ``table_dataset`` would refuse about ``df`` with these ``data_options`` (unknown or
    impossible column names, an empty table, too many categories), without fitting anything:
    ``train(data=df)`` calls it before the run directory exists."""
    df = prepare_frame(df, options.get("drop"), "the DataFrame")
    specs = infer_columns(df, as_name_list(options.get("discrete"), "discrete"),
                          as_name_list(options.get("continuous"), "continuous"),
                          int(options.get("max_int_levels", MAX_INT_LEVELS)))
    target = options.get("target")
    check_target_share(options.get("target_share"))
    check_specs(df, specs, None if target is None else str(target),
                int(options.get("max_categories", MAX_CATEGORIES)))


def read_frame(spec: str, drop=None) -> pd.DataFrame:
    """The raw table behind a data spec (``penguins``, ``csv:PATH``), after ``drop``."""
    name, _, arg = spec.partition(":")
    if name == "penguins":
        load_penguins = require("palmerpenguins", "tables", "data=penguins").load_penguins
        return prepare_frame(load_penguins(), drop, "penguins")
    if name in ("csv", "parquet"):
        if not arg:
            raise ConfigError(f"data={name} needs a path: data={name}:PATH")
        return prepare_frame(read_table(arg), drop, f"'{arg}'")
    raise ConfigError(f"'{spec}' is not a table; tables are penguins or csv:PATH")


FRAME_FILE = "table.csv"


def save_frame(df: pd.DataFrame, path: Path) -> None:
    """Save a DataFrame given to ``ganforge.train(data=df)`` as CSV (inside the run, so the run
    can be resumed and re-evaluated without the caller's object)."""
    write_table(df, path)


# Options every table loader takes (read by ``ganforge options`` and the config checks).
TABLE_OPTIONS = ("``discrete``: columns to treat as categories. ``continuous``: columns to treat as numbers. "
                 "``drop``: columns to leave out. ``max_modes``: most Gaussian modes per numeric column. "
                 "``fit_rows``: rows used to fit the mode normalizers. ``max_int_levels``: integer columns with "
                 "at most this many values are categories. ``seed``: fixes the fit. ``target``: the column an "
                 "auxiliary model predicts (objective.target_weight). ``log``: log-transform these numeric "
                 "columns, or auto. ``mixed``: point-mass values get their own modes (columns, auto, or "
                 "{col: [values]}). ``max_categories``: refuse a discrete column with more values (0: no limit). "
                 "``target_share``: with a discrete target, the share of training conditions on it (default: "
                 "uniform over the discrete columns).")


@DATASETS.register("penguins")
def penguins(arg: str = "", image_size: int = 32, discrete=None, continuous=None, drop=None, max_modes: int = 10,
             fit_rows: int = 5000, seed: int = 0, max_int_levels: int = MAX_INT_LEVELS, target: Optional[str] = None,
             log=None, mixed=None, max_categories: int = MAX_CATEGORIES,
             target_share: Optional[float] = None) -> TableDataset:
    """The 344 Palmer penguins (3 species, 3 islands, 4 measurements, sex, year; some missing)."""
    return table_dataset("penguins", read_frame("penguins", drop), discrete, continuous, None, max_modes,
                         fit_rows, seed, max_int_levels, target, log, mixed, max_categories, target_share)


penguins.__doc__ += "\n\n" + TABLE_OPTIONS


def _file_table(kind: str):
    def load(arg: str = "", image_size: int = 32, discrete=None, continuous=None, drop=None, max_modes: int = 10,
             fit_rows: int = 5000, seed: int = 0, max_int_levels: int = MAX_INT_LEVELS, target: Optional[str] = None,
             log=None, mixed=None, max_categories: int = MAX_CATEGORIES,
             target_share: Optional[float] = None) -> TableDataset:
        return table_dataset(f"{kind}:{arg}", read_frame(f"{kind}:{arg}", drop), discrete, continuous, None,
                             max_modes, fit_rows, seed, max_int_levels, target, log, mixed, max_categories,
                             target_share)

    load.__doc__ = f"A table read from a {kind} file: data={kind}:PATH.\n\n{TABLE_OPTIONS}"
    return load


DATASETS.register("csv")(_file_table("csv"))
DATASETS.register("parquet")(_file_table("parquet"))
