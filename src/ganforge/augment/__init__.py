"""Discriminator-input augmentations behind one interface (see ``base.Augmenter``).

Registry names (``augment=...``):
  * ``none``        - identity.
  * ``diffaugment`` - DiffAugment color/translation/cutout (``policy``, ``strength``).
  * ``ada``         - StyleGAN2-ADA pipeline with adaptive probability p.
  * ``diffusion``   - Diffusion-GAN instance noise with adaptive chain length T.

``create_augment(name, **options)`` builds one; unknown names or options raise
``ConfigError`` naming the valid choices. Every factory accepts ``batch_size``.
"""
from __future__ import annotations

from typing import Any

from ..registry import Registry
from .ada import AdaptiveAugment
from .base import Augmenter, NoAugment
from .diffaugment import DiffAugment, diff_augment
from .diffusion import DiffusionNoise
from .feedback import SignFeedback

AUGMENTS = Registry("augmentation", reserved=("batch_size",))
AUGMENTS.register("none")(NoAugment)
AUGMENTS.register("diffaugment")(DiffAugment)
AUGMENTS.register("ada")(AdaptiveAugment)
AUGMENTS.register("diffusion")(DiffusionNoise)


def create_augment(name: str, **options: Any) -> Augmenter:
    """Build the augmenter registered as ``name`` with keyword ``options``."""
    return AUGMENTS.create(name, **options)


__all__ = ["AUGMENTS", "Augmenter", "AdaptiveAugment", "DiffAugment", "DiffusionNoise", "NoAugment",
           "SignFeedback", "create_augment", "diff_augment"]
