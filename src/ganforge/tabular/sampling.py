"""Drawing table rows from a trained generator, unconditioned or ``where={"column": value}``.

Unconditioned rows are generated under conditional vectors drawn at the real value
frequencies. Conditioned rows use the conditional vector of the first requested value (what
training-by-sampling taught the generator to honour), then keep only rows that match every
requested value, generating more until there are enough.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd
import torch

from ..errors import ConfigError, DataError
from ..nets.generate import generate
from .conditional import ConditionSampler
from .transformer import Block, TableTransformer, py_value

MAX_TRIES_FACTOR = 50  # give up after generating this many times the requested rows


def _match_value(block: Block, value: Any) -> int:
    cats = block.categories
    wanted = py_value(value)
    for i, cat in enumerate(cats):
        if cat == wanted and type(cat) is type(wanted):
            return i
    text = str(value).strip().lower()
    missing_words = ("", "nan", "none", "null", "na", "missing")
    for i, cat in enumerate(cats):
        if (cat is None and text in missing_words) or (cat is not None and str(cat).lower() == text):
            return i
    shown = ", ".join("<missing>" if c is None else str(c) for c in cats[:20])
    raise ConfigError(f"column '{block.spec.name}' never takes the value {value!r}; choose one of: {shown}")


def resolve_where(transformer: TableTransformer, where: Dict[str, Any]) -> List[Tuple[int, Block, int]]:
    """Check ``where`` against the table: [(discrete column index, block, value index), ...]."""
    discrete = transformer.discrete_blocks
    names = [b.spec.name for b in discrete]
    out = []
    for column, value in where.items():
        if column not in transformer.columns:
            raise ConfigError(f"--where names column '{column}', which the table does not have; "
                              f"columns: {', '.join(transformer.columns)}")
        if column not in names:
            raise ConfigError(f"--where works on discrete columns ({', '.join(names) or 'none in this table'}); "
                              f"'{column}' is {transformer.block(column).spec.kind}")
        block = discrete[names.index(column)]
        out.append((names.index(column), block, _match_value(block, value)))
    return out


def parse_where(items, columns: Sequence[str] = ()) -> Dict[str, str]:
    """CLI ``column=value`` strings -> dict (values stay strings; matched leniently later).

    A column name may itself contain ``=``: when ``columns`` (the table's) are given, the split
    is the one whose left side is a known column (the longest, if several are)."""
    where = {}
    for item in items or ():
        cuts = [i for i, ch in enumerate(item) if ch == "="]
        known = [i for i in cuts if item[:i].strip() in set(columns)]
        cut = max(known, key=lambda i: len(item[:i].strip())) if known else (cuts[0] if cuts else -1)
        column, value = item[:cut], item[cut + 1:]
        if cut < 0 or not column.strip():
            raise ConfigError(f"--where '{item}' must look like column=value (for example island=Dream)")
        where[column.strip()] = value.strip()
    return where


@torch.no_grad()
def _generate(net: torch.nn.Module, z: torch.Tensor, cond: Optional[torch.Tensor], batch_size: int) -> np.ndarray:
    # Eval mode: one-hot spans come out as probabilities; the decoder draws from them.
    return generate(net, z, None if cond is None else cond.to(z.device), batch_size).float().cpu().numpy()


def _matches(df: pd.DataFrame, wanted: List[Tuple[int, Block, int]]) -> np.ndarray:
    keep = np.ones(len(df), dtype=bool)
    for _, block, index in wanted:
        cat = block.categories[index]
        column = df[block.spec.name]
        keep &= column.isna().to_numpy() if cat is None else np.array([py_value(v) == cat for v in column])
    return keep


def sample_rows(transformer: TableTransformer, conditions: ConditionSampler, net: torch.nn.Module,
                z: torch.Tensor, batch_size: int = 256, seed: int = 0,
                where: Optional[Dict[str, Any]] = None) -> pd.DataFrame:
    """len(z) rows as a DataFrame with the table's columns and dtypes.

    z: (N, z_dim) latents on the generator's device. The same seed gives the same rows (the
    conditional vectors and the decoded categories are drawn from generators seeded by ``seed``).
    """
    n = len(z)
    wanted = resolve_where(transformer, where) if where else []
    rng, decode_rng = torch.Generator().manual_seed(seed), np.random.default_rng(seed)
    if not wanted:
        cond = conditions.sample_original(n, rng) if conditions.num_columns else None
        return transformer.inverse(_generate(net, z, cond, batch_size), decode_rng)
    column, _, value = wanted[0]
    kept, made = [], 0
    while sum(len(k) for k in kept) < n:
        if made >= MAX_TRIES_FACTOR * n:
            got = sum(len(k) for k in kept)
            shown = ", ".join(f"{b.spec.name}={b.categories[i]}" for _, b, i in wanted)
            raise DataError(f"only {got} of {made} generated rows matched {shown}; train longer "
                            f"or ask for a value the model produces more often")
        batch = z if made == 0 else torch.randn(max(n, 256), z.shape[1], generator=rng).to(z.device)
        matrix = _generate(net, batch, conditions.fixed(column, value, len(batch)), batch_size)
        rows = transformer.inverse(matrix, decode_rng)
        kept.append(rows[_matches(rows, wanted)])
        made += len(batch)
    return pd.concat(kept, ignore_index=True).iloc[:n].reset_index(drop=True)
