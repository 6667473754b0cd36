"""The overfitting heuristic r_t = E[sign(D(real))] and the strength update rule it drives.

StyleGAN2-ADA (Karras et al., 2020) measures how confidently D calls the real
images real; r_t near 1 means D has memorised the training set. Every
``interval`` D steps the strength moves by

    delta = sign(r_t - target) * (images seen in those steps) / speed_images

so the strength can go from 0 to 1 in ``speed_images`` images. ADA uses it for
its probability p; Diffusion-GAN reuses it to move its diffusion length T.
"""
from __future__ import annotations

import math
from typing import Any, Dict, Optional

import torch

from ..distributed import all_ranks_sum, world_size
from ..errors import ConfigError


class SignFeedback:
    """Accumulates sign(D(real)) and turns it into strength adjustments.

    Args:
        target: desired r_t (0.6 in ADA); None disables adaptation (fixed strength).
        interval: number of ``observe`` calls between adjustments.
        speed_images: images needed for the strength to traverse [0, 1].
        batch_size: real images per observed D step; when None the first dimension
            of the observed logits is used (pass it explicitly with packing or
            patch discriminators, where logits are not one per image).
    """

    def __init__(self, target: Optional[float] = 0.6, interval: int = 4,
                 speed_images: float = 500_000, batch_size: Optional[int] = None):
        if target is not None and not 0.0 <= target <= 1.0:
            raise ConfigError(f"augment target must be in [0, 1], got {target}")
        if interval < 1:
            raise ConfigError(f"augment interval must be >= 1, got {interval}")
        if speed_images <= 0:
            raise ConfigError(f"augment speed_images must be > 0, got {speed_images}")
        if batch_size is not None and batch_size < 1:
            raise ConfigError(f"batch_size must be >= 1, got {batch_size}")
        self.target = target
        self.interval = int(interval)
        self.speed_images = float(speed_images)
        self.batch_size = batch_size
        self.r_t = math.nan
        self._reset()

    def _reset(self) -> None:
        # Kept as a tensor on the logits' device so observe() never forces a GPU sync.
        self._sign_sum: Any = 0.0
        self._sign_count = 0
        self._images = 0
        self._calls = 0

    def observe(self, real_logits: torch.Tensor) -> None:
        """Accumulate sign(D(real)) over all elements of ``real_logits`` (any shape)."""
        logits = real_logits.detach()
        self._sign_sum = self._sign_sum + torch.sign(logits.float()).sum()
        self._sign_count += logits.numel()
        self._images += int(logits.shape[0]) if logits.dim() > 0 else 1
        self._calls += 1

    def step(self) -> Optional[float]:
        """Return the signed strength change once ``interval`` observations accumulated, else None."""
        if self._calls < self.interval or self._sign_count == 0:
            return None
        # Under torchrun every rank adapts from the same global r_t, so strengths stay identical.
        totals = all_ranks_sum([float(self._sign_sum), float(self._sign_count)])
        self.r_t = totals[0] / totals[1]
        images = (self.batch_size * self._calls if self.batch_size else self._images) * world_size()
        self._reset()
        if self.target is None:
            return 0.0
        direction = (self.r_t > self.target) - (self.r_t < self.target)
        return direction * images / self.speed_images

    def state_dict(self) -> Dict[str, Any]:
        return {"r_t": float(self.r_t), "sign_sum": float(self._sign_sum),
                "sign_count": int(self._sign_count), "images": int(self._images),
                "calls": int(self._calls)}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        self.r_t = float(state["r_t"])
        self._sign_sum = float(state["sign_sum"])
        self._sign_count = int(state["sign_count"])
        self._images = int(state["images"])
        self._calls = int(state["calls"])
