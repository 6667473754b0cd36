"""Progressive growing: the resolution schedule with fade-in (Karras et al. 2018).

The growth state is a pure function of the generator step, so resuming anywhere (even in the
middle of a fade) restores it exactly without extra checkpoint state.
"""
from __future__ import annotations

from typing import Dict, Optional, Tuple

import torch

from ..errors import ConfigError
from .base import Logs, StepContext
from .gan import GANObjective
from .registry import OBJECTIVES

Tensor = torch.Tensor


def growth_schedule(step: int, top: int, stage_steps: int, fade_fraction: float) -> Tuple[int, float]:
    """(level, alpha) at generator ``step``: level k starts at step k * stage_steps and fades in
    linearly (alpha 0 -> 1) over its first ``fade_fraction`` of a stage; level 0 (4x4) and the
    top level's stable phase have alpha = 1; after the top stage everything stays at the top."""
    k, within = divmod(step, stage_steps)
    if k == 0:
        return 0, 1.0
    if k > top:
        return top, 1.0
    fade = fade_fraction * stage_steps
    return k, 1.0 if fade <= 0 else min(1.0, within / fade)


@OBJECTIVES.register("progressive")
class ProgressiveObjective(GANObjective):
    """Standard GAN step on growing nets (``generator=progan discriminator=progan``):
    ``stage_steps`` G steps per resolution, the first ``fade_fraction`` of each fading in.

    ``stage_steps``: G steps per resolution. ``fade_fraction``: part of each stage spent fading the new
    resolution in."""

    def __init__(self, cfg, data_info: Dict[str, object], stage_steps: int = 500, fade_fraction: float = 0.5, **options):
        super().__init__(cfg, data_info, **options)
        if not all(hasattr(m, "set_growth") for m in (self.generator, self.discriminator)):
            raise ConfigError("objective=progressive needs growing nets: generator=progan discriminator=progan")
        if stage_steps < 1 or not 0 <= fade_fraction <= 1:
            raise ConfigError("objective=progressive needs stage_steps >= 1 and 0 <= fade_fraction <= 1")
        self.stage_steps, self.fade_fraction = stage_steps, fade_fraction
        self.top = self.generator.top

    def grow(self, step: int) -> Tuple[int, float]:
        level, alpha = growth_schedule(step, self.top, self.stage_steps, self.fade_fraction)
        self.generator.set_growth(level, alpha)
        self.discriminator.set_growth(level, alpha)
        return level, alpha

    def d_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        level, alpha = self.grow(ctx.step)
        loss, logs = super().d_step(real, labels, ctx)
        logs.update(resolution=torch.tensor(4.0 * 2 ** level), fade_alpha=torch.tensor(alpha))
        return loss, logs

    def g_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        self.grow(ctx.step)
        return super().g_step(real, labels, ctx)
