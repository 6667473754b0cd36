"""BigGAN's objective: the standard GAN step plus orthogonal regularization of G's weights."""
from __future__ import annotations

from typing import Dict, Optional, Tuple

import torch

from ..nets.layers import orthogonal_penalty
from .base import Logs, StepContext
from .gan import GANObjective
from .registry import OBJECTIVES

Tensor = torch.Tensor


@OBJECTIVES.register("biggan")
class BigGANObjective(GANObjective):
    """Standard GAN step plus BigGAN's orthogonal regularization on G's weights,
    ``ortho_weight * sum ||W W^T * (1 - I)||^2`` (Brock et al. 2019, beta = 1e-4).

    ``ortho_weight``: weight of the orthogonal regularization (1e-4 in BigGAN)."""

    def __init__(self, cfg, data_info: Dict[str, object], ortho_weight: float = 1e-4, **options):
        super().__init__(cfg, data_info, **options)
        self.ortho_weight = ortho_weight

    def g_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        loss, logs = super().g_step(real, labels, ctx)
        if self.ortho_weight > 0:
            ortho = orthogonal_penalty(self.generator)
            logs["reg_ortho"] = ortho.detach()
            loss = loss + self.ortho_weight * ortho
        return loss, logs
