"""Exponential moving average of generator weights (the weights users sample from)."""
from __future__ import annotations

import copy
from typing import List, Optional, Tuple

import torch
from torch import Tensor, nn


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
        self._params: Optional[Tuple[nn.Module, List[Tensor], List[Tensor]]] = None

    def decay_at(self, step: int) -> float:
        """The decay used by the update after ``step`` steps (0-based)."""
        if step < self.start:
            return 0.0
        if self.rampup is None:
            return self.decay
        return min(self.decay, 0.5 ** (1.0 / max(self.rampup * (step - self.start), 1e-8)))

    def _parameter_lists(self, model: nn.Module) -> Tuple[List[Tensor], List[Tensor]]:
        """(shadow, live) parameters, listed once per live model: walking the module tree every
        step cost more than the update itself on small nets. Parameters keep their identity
        under ``.to()``; buffers may not, so they are listed at each update."""
        if self._params is None or self._params[0] is not model:
            self._params = (model, list(self.shadow.parameters()), list(model.parameters()))
        return self._params[1], self._params[2]

    @torch.no_grad()
    def update(self, model: nn.Module, step: int) -> None:
        decay = self.decay_at(step)
        shadow_p, live_p = self._parameter_lists(model)
        if shadow_p:  # one foreach call: the same lerp per tensor as a loop of lerp_
            torch._foreach_lerp_(shadow_p, live_p, 1.0 - decay)
        shadow_b, live_b = list(self.shadow.buffers()), list(model.buffers())
        if shadow_b:
            torch._foreach_copy_(shadow_b, live_b)
