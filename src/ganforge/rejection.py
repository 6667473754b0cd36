"""Discriminator rejection sampling (DRS; Azadi et al., ICLR 2019).

A discriminator trained with the logistic (non-saturating / minimax) loss estimates
D~(x) = log p_data(x) / p_G(x) in its logit, so accepting a generated x with probability
exp(D~(x) - D~_M), D~_M the largest logit, is rejection sampling from the data distribution
with G as proposal. DRS makes this practical with the paper's acceptance score

    F(x) = D~(x) - D~_M - log(1 - exp(D~(x) - D~_M - eps)) - gamma,   accept with p = sigmoid(F(x)),

where D~_M is estimated on a burn-in set and raised whenever a larger logit turns up, and gamma
shifts F so that ``percentile`` % of each batch's scores lie below 0 (the paper's 95th
percentile by default: lower keeps more samples, higher is stricter). For critics trained with
other losses (hinge, Wasserstein, relativistic) the logit is a realness score rather than a
density ratio and DRS becomes a soft filter that drops the samples D likes least.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Tuple

import torch
from torch import Tensor

from .errors import ConfigError

Draw = Callable[[int], Tuple[Tensor, Tensor]]  # k -> (k samples, their k discriminator logits)


@dataclass
class RejectionStats:
    drawn: int = 0
    accepted: int = 0
    d_max: float = float("-inf")

    @property
    def acceptance(self) -> float:
        return self.accepted / max(self.drawn, 1)


def drs_scores(logits: Tensor, d_max: float, eps: float = 1e-6) -> Tensor:
    """F(x) before the gamma shift; ``logits`` must not exceed ``d_max``. Monotone in the logit."""
    a = logits.double() - d_max - eps  # < 0
    return a + eps - torch.log(-torch.expm1(a))


def accept_probability(logits: Tensor, d_max: float, percentile: float, eps: float = 1e-6) -> Tensor:
    """sigmoid(F(x) - gamma), gamma the ``percentile`` of this batch's F values."""
    f = drs_scores(logits, d_max, eps)
    gamma = torch.quantile(f, percentile / 100.0)
    return torch.sigmoid(f - gamma).float()


def rejection_sample(draw: Draw, n: int, generator: torch.Generator, percentile: float = 95.0,
                     burn_in: int = 5000, batch: int = 1000, max_draws: int = 0) -> Tuple[Tensor, RejectionStats]:
    """n samples kept by DRS out of batches from ``draw``; the accept/reject coins come from
    ``generator`` (the same seed gives the same samples). Stops with a clear error after
    ``max_draws`` proposals (default 200 x n + burn-in) if too few are accepted."""
    if not 0 <= percentile < 100:
        raise ConfigError(f"rejection percentile must be in [0, 100), got {percentile}")
    if n <= 0:
        raise ConfigError(f"number of samples must be positive, got {n}")
    stats = RejectionStats()
    _, logits = draw(max(burn_in, 1))
    stats.d_max = float(logits.max())
    limit = max_draws or (200 * n + burn_in)
    kept, have = [], 0
    while have < n:
        if stats.drawn >= limit:
            raise ConfigError(f"rejection sampling accepted only {have} of {stats.drawn} samples; "
                              f"lower the percentile (now {percentile:g}) or sample without rejection")
        x, logits = draw(batch)
        stats.drawn += len(x)
        stats.d_max = max(stats.d_max, float(logits.max()))
        p = accept_probability(logits, stats.d_max, percentile)
        keep = torch.rand(len(p), generator=generator) < p
        kept.append(x[keep])
        have += int(keep.sum())
    stats.accepted = have
    return torch.cat(kept)[:n], stats
