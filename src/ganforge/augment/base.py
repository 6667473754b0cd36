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

from ..errors import ConfigError
from ..registry import lookup


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

    @classmethod
    def check_config(cls, cfg) -> None:
        """Config-time checks of what D is fed: an adaptive strength needs a loss whose logit sign
        is a verdict, and a condition for D (Diffusion-GAN's t) a discriminator that takes it."""
        losses = lookup("loss")
        if cls.adapts(cfg.augment.kwargs()) and not losses.get(cfg.loss)().sign_is_verdict:
            good = [n for n in losses.names() if losses.get(n)().sign_is_verdict]
            good = ", ".join(good[:-1]) + f" or {good[-1]}" if len(good) > 1 else good[0]
            raise ConfigError(f"augment.name={cfg.augment.name} adapts on sign(D(real)), which means nothing for "
                              f"loss={cfg.loss}; use loss={good}, or fix the strength with augment.target=null")
        if cls.conditions_discriminator:
            nets = lookup("discriminator")
            takes_t = [n for n in nets.names() if "t_dim" in inspect.signature(nets.get(n)).parameters]
            if cfg.discriminator.name not in takes_t:
                raise ConfigError(f"augment.name={cfg.augment.name} conditions D on the diffusion step t, which "
                                  f"discriminator={cfg.discriminator.name} cannot take; use one of: {', '.join(takes_t)}")

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
