"""StyleGAN2's path-length regularization (Karras et al. 2020), as NVlabs/stylegan2-ada-pytorch
training/loss.py (``StyleGAN2Loss``, phase Greg) computes it: E[(||J_w^T y||_2 - a)^2] with
y ~ N(0, I) / sqrt(HW) and a the running mean of the lengths, on a fresh fraction of the batch
whose mapping pass does not move ``w_avg``. Lazy by default (every 4 G steps, its own step)."""
from __future__ import annotations

import math
from typing import Optional, Tuple

import torch
from pydantic import Field
from typing_extensions import Annotated

from .base import LOSS_TERMS, Every, LossTerm, TermInputs
from .set import LEGACY_OWNERS

Tensor = torch.Tensor


@LOSS_TERMS.register("path_length")
class PathLength(LossTerm):
    """``decay``: rate of the running mean of the path lengths. ``batch_frac``: fraction of the batch
    the penalty is computed on."""

    sides = frozenset({"g"})
    needs = frozenset({"styles"})
    own_phase = True
    order = 70
    legacy_buffers = {"pl_mean": "pl_mean"}  # held by the stylegan2 objective before

    def __init__(self, weight: float = 2.0, every: Every = 4, decay: Annotated[float, Field(ge=0, le=1)] = 0.01,
                 batch_frac: Annotated[float, Field(gt=0, le=1)] = 0.5, **common):
        super().__init__(weight, every, **common)
        self.decay, self.batch_frac = float(decay), float(batch_frac)
        self.register_buffer("pl_mean", torch.zeros(()))

    def penalty(self, objective, labels: Optional[Tensor], n: int, device: torch.device) -> Tuple[Tensor, Tensor]:
        """(penalty, mean length) on a fresh batch of ``n``; updates the running mean."""
        ws = objective.styles(n, labels, device, update_w_avg=False)
        img = objective.generator.synthesize(ws)
        noise = torch.randn_like(img) / math.sqrt(img.shape[2] * img.shape[3])
        (grad,) = torch.autograd.grad((img * noise).sum(), ws, create_graph=True)
        lengths = grad.square().sum(2).mean(1).sqrt()
        with torch.no_grad():
            self.pl_mean.lerp_(lengths.mean().detach(), self.decay)
        return (lengths - self.pl_mean).square().mean(), lengths.mean().detach()

    def g_value(self, objective, inputs: TermInputs, logs) -> Optional[Tensor]:
        n = max(1, int(inputs.real.shape[0] * self.batch_frac))
        y = inputs.labels[:n] if getattr(objective, "num_classes", 0) else None
        penalty, length = self.penalty(objective, y, n, inputs.real.device)
        logs.update(reg_pl=penalty.detach(), pl_length=length, pl_mean=self.pl_mean.detach().clone())
        return penalty


LEGACY_OWNERS.append(PathLength)
