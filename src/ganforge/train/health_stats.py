"""Pure statistics behind the health checks: functions of tensors of D outputs or features.

Shapes: D outputs are 1-D float tensors (one value per sample); features are N x F.
"""
from __future__ import annotations

import math
from typing import Optional

import numpy as np
import torch

Tensor = torch.Tensor


def mean_pairwise_distance(feats: Tensor) -> float:
    """Mean Euclidean distance over all pairs of the N samples in ``feats`` (N x ..., N >= 2)."""
    flat = feats.detach().reshape(feats.shape[0], -1).double()
    if flat.shape[0] < 2:
        raise ValueError("mean_pairwise_distance needs at least 2 samples")
    return float(torch.pdist(flat).mean())


def diversity_ratio(fake_feats: Tensor, real_feats: Tensor) -> float:
    """Generated over real mean pairwise distance; ~1 when G is as diverse as the data."""
    real = mean_pairwise_distance(real_feats)
    return mean_pairwise_distance(fake_feats) / real if real > 0 else math.nan


def ada_overfit(d_train: Tensor, d_holdout: Tensor, d_gen: Tensor) -> float:
    """ADA's validation heuristic r_v (Karras et al. 2020, eq. 1):
    (E[D(train)] - E[D(held-out)]) / (E[D(train)] - E[D(generated)]).

    0 when D scores unseen real data like its training data, 1 when it scores it like fakes.
    Differences of means, so it holds for any logit offset and scale (Wasserstein critics too).
    NaN when D does not separate training reals from fakes at all (nothing to compare against).
    """
    gap = float(d_train.mean() - d_gen.mean())
    if not math.isfinite(gap) or gap <= 1e-6:
        return math.nan
    return float(d_train.mean() - d_holdout.mean()) / gap


def median(values) -> float:
    return float(np.median(np.asarray(values, dtype=float)))


def generator_signal(g_loss, d_gen: Tensor, d_real: Optional[Tensor] = None) -> float:
    """How hard the adversarial loss pushes each fake, relative to a D at chance.

    The mean over fakes of |dL_G / d logit| times the batch size (the per-sample push in logit
    space), divided by the same at zero logits. ~1 or more for losses that keep pushing (ns,
    hinge); it falls towards 0 when the loss saturates, as minimax does once D rejects every fake,
    whatever happens to gradient norms inside G. ``g_loss(fake, real)`` is a loss family's G term.
    """
    def push(fake: Tensor, real: Optional[Tensor]) -> float:
        fake = fake.detach().double().clone().requires_grad_(True)
        loss = g_loss(fake, None if real is None else real.detach().double())
        (grad,) = torch.autograd.grad(loss, fake)
        return float(grad.abs().mean() * len(fake))

    chance = push(torch.zeros_like(d_gen), None if d_real is None else torch.zeros_like(d_real))
    return push(d_gen, d_real) / chance if chance > 0 else math.nan
