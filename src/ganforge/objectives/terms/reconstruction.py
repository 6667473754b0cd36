"""Reconstruction against a paired target: the L1 distance pix2pix adds to its adversarial loss
(Isola et al. 2017, Eq. 3, lambda = 100), which keeps the low frequencies right and leaves D to
sharpen the high ones."""
from __future__ import annotations

from typing import Optional

import torch
import torch.nn.functional as F

from .base import LOSS_TERMS, LossTerm, TermInputs

Tensor = torch.Tensor


@LOSS_TERMS.register("l1")
class L1Reconstruction(LossTerm):
    """E ||target - G(x)||_1 (mean over pixels), in G's loss."""

    sides = frozenset({"g"})
    needs = frozenset({"target"})
    order = 5

    def __init__(self, weight: float = 100.0, **common):
        super().__init__(weight, **common)

    def g_value(self, objective, inputs: TermInputs, logs) -> Optional[Tensor]:
        rec = F.l1_loss(inputs.fake, inputs.target)
        logs["loss_g_l1"] = rec.detach()
        return rec
