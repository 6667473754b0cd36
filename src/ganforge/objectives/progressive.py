"""Progressive growing: the resolution schedule with fade-in (Karras et al. 2018).

The growth state is a pure function of the generator step, so resuming anywhere (even in the
middle of a fade) restores it exactly without extra checkpoint state. While a level fades in,
the real images are cross-faded between the two resolutions exactly as G's output is
(tkarras/progressive_growing_of_gans train.py ``process_reals``, "FadeLOD"), and D's loss adds
the paper's drift term eps_drift * E[D(x)^2] (loss.py ``D_wgangp_acgan``, eps_drift = 0.001).
The paper's loss is the recipe's: ``loss=wasserstein regularizer=gp reg_weight=10`` (target 1).
"""
from __future__ import annotations

from typing import Dict, Optional, Tuple

import torch
import torch.nn.functional as F

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


def fade_reals(x: Tensor, level: int, alpha: float) -> Tensor:
    """Full-size real images (N, C, S, S) as D should see them at (level, alpha): at the level's
    resolution R = 4 * 2^level, lerp(2x2-box-averaged and nearest-repeated image, image, alpha),
    nearest-repeated back to S (D average-pools it to R again, exactly)."""
    if alpha >= 1.0 or level == 0:
        return x
    size = x.shape[-1]
    factor = size // (4 * 2 ** level)
    at_level = F.avg_pool2d(x, factor) if factor > 1 else x
    coarse = F.interpolate(F.avg_pool2d(at_level, 2), scale_factor=2, mode="nearest")
    faded = torch.lerp(coarse, at_level, alpha)
    return F.interpolate(faded, scale_factor=factor, mode="nearest") if factor > 1 else faded


@OBJECTIVES.register("progressive")
class ProgressiveObjective(GANObjective):
    """Standard GAN step on growing nets (``generator=progan discriminator=progan``):
    ``stage_steps`` G steps per resolution, the first ``fade_fraction`` of each fading in.

    ``stage_steps``: G steps per resolution. ``fade_fraction``: part of each stage spent fading the new
    resolution in. ``drift``: weight of E[D(x_real)^2], the paper's eps_drift (0.001, 0 turns it off)."""

    def __init__(self, cfg, data_info: Dict[str, object], stage_steps: int = 500, fade_fraction: float = 0.5,
                 drift: float = 0.001, **options):
        super().__init__(cfg, data_info, drift=drift, **options)
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
        loss, logs = super().d_step(fade_reals(real, level, alpha), labels, ctx)
        logs.update(resolution=torch.tensor(4.0 * 2 ** level), fade_alpha=torch.tensor(alpha))
        return loss, logs

    def d_reg_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext):
        level, alpha = self.grow(ctx.step)
        return super().d_reg_step(fade_reals(real, level, alpha), labels, ctx)

    def g_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        level, alpha = self.grow(ctx.step)
        return super().g_step(fade_reals(real, level, alpha), labels, ctx)
