"""BigGAN's orthogonal regularization of G's weights (Brock et al. 2019, beta = 1e-4):
sum_W ||W W^T * (1 - I)||_F^2 over conv and linear weights."""
from __future__ import annotations

from typing import Optional

import torch

from ...nets.layers import orthogonal_penalty
from .base import LOSS_TERMS, LossTerm, TermInputs

Tensor = torch.Tensor


@LOSS_TERMS.register("ortho")
class Orthogonal(LossTerm):
    """Orthogonal regularization on the generator."""

    sides = frozenset({"g"})
    order = 60

    def __init__(self, weight: float = 1e-4, **common):
        super().__init__(weight, **common)

    def g_value(self, objective, inputs: TermInputs, logs) -> Optional[Tensor]:
        ortho = orthogonal_penalty(objective.generator)
        logs["reg_ortho"] = ortho.detach()
        return ortho
