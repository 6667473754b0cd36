"""The conditional vector and training-by-sampling (CTGAN, Xu et al. 2019).

The conditional vector concatenates one one-hot slot per discrete column; exactly one slot of one
column is set. In training, CTGAN picks a discrete column uniformly, then one of its values with
probability proportional to log(1 + count) (so rare values are seen far more often than their
frequency), then a real row holding that value.

Here the same joint distribution over (column, value, row) is drawn the other way round: rows
are drawn with weight w(r) = mean_c p_log(value_rc | c) / count(value_rc) (done by the table
dataset, see ``data/tables.py``), then the column from its posterior given the row,
P(c | r) proportional to p_log(value_rc | c) / count(value_rc). Both give
P(c, value, r) = (1/C) * p_log(value | c) / count(value), with no per-value row index.

With a declared discrete target and ``data_options.target_share=s``, the column is the target
with probability s and each other column with (1 - s) / (C - 1) instead of 1/C: every weight
above is scaled by C * P(c), so P(c, value, r) = P(c) * p_log(value | c) / count(value). The
critic then compares real and generated rows of each target class far more often (a loanapp
target is 1 of 11 discrete columns), which is what ties the other columns to the target.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional, Sequence

import numpy as np
import torch

if TYPE_CHECKING:
    from .transformer import TableTransformer

Tensor = torch.Tensor


def target_column_probs(columns: Sequence[str], target: Optional[str], share: Optional[float]) -> Optional[List[float]]:
    """P(column) with the target's ``share`` and the rest spread evenly over the other discrete
    columns; None (uniform) without a share, a discrete target, or another discrete column."""
    if share is None or target not in columns or len(columns) < 2:
        return None
    rest = (1.0 - share) / (len(columns) - 1)
    return [share if c == target else rest for c in columns]


class ConditionSampler:
    """Conditional vectors for discrete columns with category ``counts`` (one list per column);
    ``column_probs``: P(column) of the training conditions (default uniform, CTGAN's)."""

    def __init__(self, counts: Sequence[Sequence[int]], column_probs: Optional[Sequence[float]] = None):
        self.sizes: List[int] = [len(c) for c in counts]
        self.offsets: List[int] = [int(sum(self.sizes[:i])) for i in range(len(self.sizes))]
        self.width = int(sum(self.sizes))
        k = max(self.sizes, default=1)
        freq = np.zeros((len(counts), k))
        log_freq = np.zeros((len(counts), k))
        weight = np.zeros((len(counts), k))
        for c, cnt in enumerate(counts):
            cnt = np.asarray(cnt, dtype=np.float64)
            freq[c, :len(cnt)] = cnt / cnt.sum()
            log_freq[c, :len(cnt)] = np.log1p(cnt) / np.log1p(cnt).sum()
            weight[c, :len(cnt)] = np.where(cnt > 0, log_freq[c, :len(cnt)] / np.maximum(cnt, 1), 0.0)
        if column_probs is not None:
            weight *= len(counts) * np.asarray(column_probs, dtype=np.float64)[:, None]
        self.freq = torch.as_tensor(freq, dtype=torch.float64)
        self.log_freq = torch.as_tensor(log_freq, dtype=torch.float64)
        self._weight = torch.as_tensor(weight, dtype=torch.float64)

    @classmethod
    def for_table(cls, transformer: "TableTransformer") -> "ConditionSampler":
        """The sampler of a fitted table: its discrete columns, the target's share if declared."""
        blocks = transformer.discrete_blocks
        return cls([b.counts for b in blocks], target_column_probs([b.spec.name for b in blocks],
                                                                    transformer.target, transformer.target_share))

    @property
    def num_columns(self) -> int:
        return len(self.sizes)

    def row_weights(self, codes: np.ndarray) -> np.ndarray:
        """Training-by-sampling weight of each row: codes N x C (category per discrete column) -> (N,)."""
        if not self.num_columns:
            return np.ones(len(codes))
        w = self._weight.numpy()
        return w[np.arange(self.num_columns)[None, :], codes].mean(axis=1)

    def vector(self, columns: Tensor, values: Tensor) -> Tensor:
        """One-hot conditional vectors N x width for (discrete column, category) pairs, each (N,)."""
        offsets = torch.as_tensor(self.offsets, device=columns.device)
        slots = (offsets.index_select(0, columns) + values)[:, None]
        return torch.zeros(len(columns), self.width, device=columns.device).scatter_(1, slots, 1.0)

    def from_rows(self, codes: Tensor, generator: Optional[torch.Generator] = None):
        """Condition each real row on one of its own discrete values, the column drawn from
        P(c | row) above. codes: N x C long -> (cond N x width, column (N,), value (N,)).

        The column is drawn by inverting the row's cumulative P(c | row) at one uniform per row
        (``torch.multinomial`` draws the same distribution at 5x the cost on a few columns)."""
        flat = codes + torch.arange(self.num_columns, device=codes.device) * self._weight.shape[1]
        scores = self._weight.to(codes.device).view(-1).index_select(0, flat.view(-1)).view_as(codes)
        cdf = scores.cumsum(1)
        u = torch.rand(len(codes), 1, generator=generator, dtype=cdf.dtype, device=codes.device) * cdf[:, -1:]
        columns = (cdf <= u).sum(1).clamp_(max=self.num_columns - 1)
        values = codes.gather(1, columns[:, None]).squeeze(1)
        return self.vector(columns, values), columns, values

    def sample_original(self, n: int, generator: Optional[torch.Generator] = None) -> Tensor:
        """n conditional vectors for unconditioned sampling: a uniform column, then a value at
        its real frequency (so the generated marginals follow the data, not the log-frequency)."""
        columns = torch.randint(self.num_columns, (n,), generator=generator)
        values = torch.multinomial(self.freq[columns].float(), 1, generator=generator).squeeze(1)
        return self.vector(columns, values)

    def fixed(self, column: int, value: int, n: int) -> Tensor:
        """n copies of the conditional vector for one (column, value)."""
        return self.vector(torch.full((n,), column), torch.full((n,), value))
