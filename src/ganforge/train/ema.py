"""Exponential moving average of generator weights (the weights users sample from)."""
from __future__ import annotations

import copy
from typing import Optional

import torch
from torch import nn


class EMA:
    """Keeps ``shadow`` = decay * shadow + (1 - decay) * live after each G step.

    Before ``start`` steps the shadow simply copies the live weights, so early garbage does not
    linger in the average. ``rampup`` (StyleGAN2-ADA's ``ema_rampup``, NVlabs/stylegan2-ada-pytorch
    training/training_loop.py): the average's half-life is at most ``rampup`` times the steps
    done so far, ``decay_t = min(decay, 0.5 ** (1 / (rampup * t)))`` at update t = 0, 1, ...
    (0 at t = 0, a copy), so a short run does not sample from weights averaged with its first
    steps. Buffers (batch-norm statistics) are always copied.
    """

    def __init__(self, model: nn.Module, decay: float, start: int = 0, rampup: Optional[float] = None):
        self.decay, self.start, self.rampup = decay, start, rampup
        self.shadow = copy.deepcopy(model).eval().requires_grad_(False)

    def decay_at(self, step: int) -> float:
        """The decay used by the update after ``step`` steps (0-based)."""
        if step < self.start:
            return 0.0
        if self.rampup is None:
            return self.decay
        return min(self.decay, 0.5 ** (1.0 / max(self.rampup * (step - self.start), 1e-8)))

    @torch.no_grad()
    def update(self, model: nn.Module, step: int) -> None:
        decay = self.decay_at(step)
        for s, p in zip(self.shadow.parameters(), model.parameters()):
            s.lerp_(p.detach(), 1.0 - decay)
        for s, b in zip(self.shadow.buffers(), model.buffers()):
            s.copy_(b)
