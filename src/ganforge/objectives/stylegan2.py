"""StyleGAN2 training logic: style-mixing regularization and lazy path-length regularization
(lazy R1 is the standard ``regularizer=r1 reg_every=16``), as NVlabs/stylegan2-ada-pytorch
training/loss.py (``StyleGAN2Loss``) and training_loop.py (Gmain / Greg phases) compute them."""
from __future__ import annotations

import math
from typing import Dict, Optional, Tuple

import torch

from ..errors import ConfigError
from .base import Logs, StepContext
from .gan import GANObjective
from .registry import OBJECTIVES

Tensor = torch.Tensor


@OBJECTIVES.register("stylegan2")
class StyleGAN2Objective(GANObjective):
    """``mixing_prob``: chance a batch's layers after a random cutoff take their styles from a
    second latent. ``pl_weight``/``pl_every``/``pl_decay``: path-length penalty
    E[(||J_w^T y||_2 - a)^2] with y ~ N(0, I)/sqrt(HW) and a the running mean of the lengths, on
    ``pl_batch_frac`` of the batch; with ``pl_every`` k > 1 it is its own G optimizer step every k
    steps, scaled by k (and G's Adam gets the lazy correction). Only the main mapping pass moves
    ``w_avg``: the mixing latents and the path-length pass do not (``skip_w_avg_update``).

    ``pl_batch_frac``: fraction of the batch the path-length penalty is computed on."""

    def __init__(self, cfg, data_info: Dict[str, object], mixing_prob: float = 0.9, pl_weight: float = 2.0,
                 pl_every: int = 4, pl_decay: float = 0.01, pl_batch_frac: float = 0.5, **options):
        super().__init__(cfg, data_info, **options)
        g = self.generator
        if not (hasattr(g, "map") and hasattr(g, "synthesize")):
            raise ConfigError(f"objective=stylegan2 needs a style generator (generator=stylegan2), not '{cfg.generator.name}'")
        if not 0 <= mixing_prob <= 1 or pl_every < 1 or not 0 < pl_batch_frac <= 1:
            raise ConfigError("objective=stylegan2 needs 0 <= mixing_prob <= 1, pl_every >= 1, 0 < pl_batch_frac <= 1")
        self.mixing_prob, self.pl_weight, self.pl_every = mixing_prob, pl_weight, pl_every
        self.pl_decay, self.pl_batch_frac = pl_decay, pl_batch_frac
        self.register_buffer("pl_mean", torch.zeros(()))

    def styles(self, n: int, labels: Optional[Tensor], device: torch.device, update_w_avg: bool = True) -> Tensor:
        """(N, num_ws, w_dim) per-layer styles, mixed from two latents with ``mixing_prob``."""
        g = self.generator
        w = g.map(self.latent(n, device), labels, update_w_avg=update_w_avg)
        ws = w[:, None].repeat(1, g.num_ws, 1)
        if self.mixing_prob > 0 and torch.rand(()) < self.mixing_prob:
            cutoff = int(torch.randint(1, g.num_ws, ()))
            ws[:, cutoff:] = g.map(self.latent(n, device), labels, update_w_avg=False)[:, None]
        return ws

    def fake(self, n: int, labels: Optional[Tensor], device: torch.device) -> Tensor:
        return self.generator.synthesize(self.styles(n, labels, device))

    def path_length_penalty(self, labels: Optional[Tensor], n: int, device: torch.device) -> Tuple[Tensor, Tensor]:
        """(penalty, mean length) on a fresh batch of ``n``; updates the running mean."""
        ws = self.styles(n, labels, device, update_w_avg=False)
        img = self.generator.synthesize(ws)
        noise = torch.randn_like(img) / math.sqrt(img.shape[2] * img.shape[3])
        (grad,) = torch.autograd.grad((img * noise).sum(), ws, create_graph=True)
        lengths = grad.square().sum(2).mean(1).sqrt()
        with torch.no_grad():
            self.pl_mean.lerp_(lengths.mean().detach(), self.pl_decay)
        return (lengths - self.pl_mean).square().mean(), lengths.mean().detach()

    def lazy_intervals(self, progress: float = 0.0) -> Dict[str, int]:
        lazy = super().lazy_intervals(progress)
        if self.pl_weight > 0 and self.pl_every > 1:
            lazy["g"] = self.pl_every
        return lazy

    def _path_length(self, real: Tensor, labels: Optional[Tensor]) -> Tuple[Tensor, Logs]:
        n = max(1, int(real.shape[0] * self.pl_batch_frac))
        y = labels[:n] if self.num_classes else None
        penalty, length = self.path_length_penalty(y, n, real.device)
        return self.pl_weight * penalty, {"reg_pl": penalty.detach(), "pl_length": length,
                                          "pl_mean": self.pl_mean.detach().clone()}

    def g_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        loss, logs = super().g_step(real, labels, ctx)
        if self.pl_weight > 0 and self.pl_every == 1:  # not lazy: one combined step (Gboth)
            penalty, pl_logs = self._path_length(real, labels)
            loss, logs = loss + penalty, {**logs, **pl_logs}
        return loss, logs

    def g_reg_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Optional[Tuple[Tensor, Logs]]:
        """Every ``pl_every`` G steps: the path-length penalty times ``pl_every`` (phase Greg)."""
        if not (self.pl_weight > 0 and self.pl_every > 1) or ctx.step % self.pl_every:
            return None
        penalty, logs = self._path_length(real, labels)
        return self.pl_every * penalty, logs

    def extra_state(self) -> Dict[str, object]:
        return {**super().extra_state(), "pl_mean": float(self.pl_mean)}

    def load_extra_state(self, state: Dict[str, object]) -> None:
        super().load_extra_state(state)
        self.pl_mean.fill_(float(state.get("pl_mean", 0.0)))
