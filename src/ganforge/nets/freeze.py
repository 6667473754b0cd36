"""FreezeD (Mo et al. 2020): keep a discriminator's input layer and first blocks fixed while
fine-tuning, so transfer learning adapts only its upper layers."""
from __future__ import annotations

from typing import List

from torch import nn

from ..errors import ConfigError


def frozen_d_modules(discriminator: nn.Module, k: int) -> List[nn.Module]:
    """The input layer (``from_rgb`` when present) and the first ``k`` of ``blocks``."""
    if k == 0:
        return []
    blocks = getattr(discriminator, "blocks", None)
    if not isinstance(blocks, nn.ModuleList):
        raise ConfigError(f"freeze_d needs a discriminator built from blocks (resnet, biggan, stylegan2, r3gan, "
                          f"progan), not {type(discriminator).__name__}")
    if k > len(blocks):
        raise ConfigError(f"freeze_d={k} but this discriminator has {len(blocks)} blocks; use 0..{len(blocks)}")
    first = [discriminator.from_rgb] if isinstance(getattr(discriminator, "from_rgb", None), nn.Module) else []
    return first + list(blocks[:k])


def trainable_d_parameters(discriminator: nn.Module, k: int) -> List[nn.Parameter]:
    """D's parameters minus the frozen ones, which also stop asking for gradients."""
    frozen = {id(p) for m in frozen_d_modules(discriminator, k) for p in m.parameters()}
    for p in discriminator.parameters():
        if id(p) in frozen:
            p.requires_grad_(False)
    return [p for p in discriminator.parameters() if id(p) not in frozen]
