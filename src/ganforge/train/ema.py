"""Exponential moving average of generator weights (the weights users sample from)."""
from __future__ import annotations

import copy
from typing import List, Optional, Tuple

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
        self._pairs: Optional[Tuple[nn.Module, List[Tuple[nn.Module, nn.Module]]]] = None

    def decay_at(self, step: int) -> float:
        """The decay used by the update after ``step`` steps (0-based)."""
        if step < self.start:
            return 0.0
        if self.rampup is None:
            return self.decay
        return min(self.decay, 0.5 ** (1.0 / max(self.rampup * (step - self.start), 1e-8)))

    def _module_pairs(self, model: nn.Module) -> List[Tuple[nn.Module, nn.Module]]:
        """(shadow submodule, live submodule) pairs, listed once per live model: walking the
        module tree for its parameters and buffers every step cost more than the update itself
        on small nets. Each step reads the tensors from the modules, so a buffer that ``.to()``
        replaced is still the one copied."""
        if self._pairs is None or self._pairs[0] is not model:
            self._pairs = (model, list(zip(self.shadow.modules(), model.modules())))
        return self._pairs[1]

    @torch.no_grad()
    def update(self, model: nn.Module, step: int) -> None:
        decay = self.decay_at(step)
        shadow_p, live_p, shadow_b, live_b, seen = [], [], [], [], set()
        for s, m in self._module_pairs(model):
            for name, p in m._parameters.items():
                if p is not None and id(p) not in seen:  # a shared tensor once, as parameters() lists it
                    seen.add(id(p))
                    shadow_p.append(s._parameters[name])
                    live_p.append(p)
            for name, b in m._buffers.items():
                if b is not None and id(b) not in seen:
                    seen.add(id(b))
                    shadow_b.append(s._buffers[name])
                    live_b.append(b)
        if shadow_p:  # one foreach call: the same lerp per tensor as a loop of lerp_
            torch._foreach_lerp_(shadow_p, live_p, 1.0 - decay)
        if shadow_b:
            torch._foreach_copy_(shadow_b, live_b)
