"""The interface every discriminator-input augmentation shares, and the no-op one.

The Trainer uses augmenters uniformly:

    x_aug = aug(x, generator=g)        # real and fake batches, right before D
    x_aug, t = aug.apply_t(x, g)       # the same, plus a per-sample condition for D (or None)
    aug.observe(d_real_logits)         # after each D step (no-op unless adaptive)
    aug.update()                       # after each D step; adapts every `interval` observations
    log.update(aug.stats())            # flat dict of floats for the logger
    ckpt["augment"] = aug.state_dict() # plain floats/ints, safe for torch.load(weights_only=True)
"""
from __future__ import annotations

import inspect
from typing import Any, Dict, Optional, Tuple

import torch


class Augmenter:
    """Base class: identity transform, no feedback, no state."""

    name = "none"
    adapts_on_sign = False  # the strength follows r_t = E[sign D(real)] (unless target is None)
    conditions_discriminator = False  # D must also take the per-sample condition of apply_t

    @classmethod
    def adapts(cls, options: Dict[str, Any]) -> bool:
        """Whether an augmenter built with ``options`` adapts its strength on sign(D(real))."""
        if not cls.adapts_on_sign:
            return False
        default = inspect.signature(cls).parameters["target"].default
        return options.get("target", default) is not None

    def __call__(self, x: torch.Tensor, generator: Optional[torch.Generator] = None) -> torch.Tensor:
        """Augment ``x`` (N x C x H x W, in [-1, 1]); returns a tensor of the same shape."""
        return self.apply(x, generator=generator)

    def apply(self, x: torch.Tensor, generator: Optional[torch.Generator] = None) -> torch.Tensor:
        return x

    def apply_t(self, x: torch.Tensor, generator: Optional[torch.Generator] = None,
                group: int = 1) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        """(augmented x, per-group condition for D or None); ``group`` consecutive samples form one
        D input (PacGAN) and share a condition. Only Diffusion-GAN returns one (its steps t)."""
        return self.apply(x, generator=generator), None

    def observe(self, real_logits: torch.Tensor) -> None:
        """Record D's outputs on (augmented) real images; used only by adaptive augmenters."""

    def update(self) -> bool:
        """Adapt the strength if enough observations accumulated; True when it changed state."""
        return False

    def state_dict(self) -> Dict[str, Any]:
        return {}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        pass

    def stats(self) -> Dict[str, float]:
        """Scalars worth logging, e.g. ``{"ada_p": 0.12, "r_t": 0.64}``."""
        return {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class NoAugment(Augmenter):
    """Passes images through unchanged (``augment=none``)."""

    name = "none"

    def __init__(self, batch_size: Optional[int] = None):
        # batch_size is accepted so the Trainer can pass the same options to every augmenter.
        del batch_size
