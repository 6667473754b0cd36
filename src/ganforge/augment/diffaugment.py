"""DiffAugment (Zhao et al., 2020): cheap differentiable augmentations applied to
both real and generated images before D, so G still receives gradients.

Policies, at ``strength=1`` with the published parameters:
  * ``color``: brightness + U(-0.5, 0.5); saturation: deviation from the per-pixel
    channel mean scaled by U(0, 2); contrast: deviation from the per-image mean
    scaled by U(0.5, 1.5).
  * ``translation``: integer shift of up to 1/8 of height/width, zero fill.
  * ``cutout``: one zeroed square of half the height/width at a random centre.
``strength`` scales every range about its neutral value (0 gives the identity).
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Sequence, Union

import torch
import torch.nn.functional as F

from ..errors import ConfigError
from ._random import rand, randint
from .base import Augmenter

Op = Callable[[torch.Tensor, float, Optional[torch.Generator]], torch.Tensor]


def _brightness(x: torch.Tensor, s: float, g: Optional[torch.Generator]) -> torch.Tensor:
    return x + (rand((x.shape[0], 1, 1, 1), x, g) - 0.5) * s


def _saturation(x: torch.Tensor, s: float, g: Optional[torch.Generator]) -> torch.Tensor:
    mean = x.mean(dim=1, keepdim=True)
    factor = 1.0 + s * (rand((x.shape[0], 1, 1, 1), x, g) * 2.0 - 1.0)
    return (x - mean) * factor + mean


def _contrast(x: torch.Tensor, s: float, g: Optional[torch.Generator]) -> torch.Tensor:
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    factor = 1.0 + s * (rand((x.shape[0], 1, 1, 1), x, g) - 0.5)
    return (x - mean) * factor + mean


def _translation(x: torch.Tensor, s: float, g: Optional[torch.Generator], ratio: float = 0.125) -> torch.Tensor:
    n, _, h, w = x.shape
    max_dy, max_dx = int(h * ratio * s + 0.5), int(w * ratio * s + 0.5)
    dy = randint(-max_dy, max_dy + 1, (n,), x, g)
    dx = randint(-max_dx, max_dx + 1, (n,), x, g)
    if max_dy == 0 and max_dx == 0:
        return x
    padded = F.pad(x, [max_dx, max_dx, max_dy, max_dy])
    rows = torch.arange(h, device=x.device)[None, :] + max_dy - dy[:, None]  # N x H
    cols = torch.arange(w, device=x.device)[None, :] + max_dx - dx[:, None]  # N x W
    batch = torch.arange(n, device=x.device)[:, None, None]
    # Advanced indices split by the channel slice put the broadcast dims first: N x H x W x C.
    out = padded[batch, :, rows[:, :, None], cols[:, None, :]]
    return out.permute(0, 3, 1, 2)


def _cutout(x: torch.Tensor, s: float, g: Optional[torch.Generator], ratio: float = 0.5) -> torch.Tensor:
    n, _, h, w = x.shape
    ch, cw = int(h * ratio * s + 0.5), int(w * ratio * s + 0.5)
    # Odd-sized holes may be centred on the last row/column too, as in the published code.
    cy = randint(0, h + (1 - ch % 2), (n, 1), x, g)
    cx = randint(0, w + (1 - cw % 2), (n, 1), x, g)
    if ch == 0 or cw == 0:
        return x
    ys = torch.arange(h, device=x.device)[None, :]
    xs = torch.arange(w, device=x.device)[None, :]
    in_y = (ys >= cy - ch // 2) & (ys < cy - ch // 2 + ch)  # N x H
    in_x = (xs >= cx - cw // 2) & (xs < cx - cw // 2 + cw)  # N x W
    keep = ~(in_y[:, :, None] & in_x[:, None, :])
    return x * keep[:, None].to(x.dtype)


POLICIES: Dict[str, List[Op]] = {
    "color": [_brightness, _saturation, _contrast],
    "translation": [_translation],
    "cutout": [_cutout],
}


def parse_policy(policy: Union[str, Sequence[str], None]) -> List[str]:
    """Split ``"color,translation"`` (or a list) into validated policy names."""
    if policy is None:
        return []
    names = policy.split(",") if isinstance(policy, str) else list(policy)
    names = [p.strip() for p in names if p.strip()]
    for name in names:
        if name not in POLICIES:
            raise ConfigError(f"unknown DiffAugment policy '{name}'; choose from: {', '.join(POLICIES)}")
    return names


def diff_augment(x: torch.Tensor, policy: Union[str, Sequence[str]] = "color,translation,cutout",
                 generator: Optional[torch.Generator] = None, strength: float = 1.0) -> torch.Tensor:
    """Apply DiffAugment policies in order, independently per sample.

    Args:
        x: N x C x H x W images in [-1, 1].
        policy: comma-separated subset of ``color``, ``translation``, ``cutout``.
        generator: source of randomness (default: the global torch RNG).
        strength: >= 0 multiplier on every magnitude range; 0 is the identity.
    Returns:
        N x C x H x W tensor, differentiable w.r.t. ``x``.
    """
    if strength < 0:
        raise ConfigError(f"DiffAugment strength must be >= 0, got {strength}")
    names = parse_policy(policy)
    if x.dim() != 4:
        raise ValueError(f"diff_augment expects N x C x H x W images, got shape {tuple(x.shape)}")
    if strength == 0:
        return x
    for name in names:
        for op in POLICIES[name]:
            x = op(x, strength, generator)
    return x


class DiffAugment(Augmenter):
    """``augment=diffaugment``: fixed-strength DiffAugment with the shared augmenter interface.

    ``policy``: comma-separated transforms: color, translation, cutout. ``strength``: scales every range about
    its neutral value (0: identity)."""

    name = "diffaugment"

    def __init__(self, policy: Union[str, Sequence[str]] = "color,translation,cutout",
                 strength: float = 1.0, batch_size: Optional[int] = None):
        del batch_size  # accepted for a uniform constructor; not needed here
        if strength < 0:
            raise ConfigError(f"DiffAugment strength must be >= 0, got {strength}")
        self.policy = parse_policy(policy)
        self.strength = float(strength)

    def apply(self, x: torch.Tensor, generator: Optional[torch.Generator] = None) -> torch.Tensor:
        return diff_augment(x, self.policy, generator=generator, strength=self.strength)

    def __repr__(self) -> str:
        return f"DiffAugment(policy={','.join(self.policy)!r}, strength={self.strength})"
