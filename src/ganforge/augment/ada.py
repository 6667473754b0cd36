"""Adaptive discriminator augmentation (Karras et al., 2020, "StyleGAN2-ADA").

The augmentation probability p is tuned online so that D's overconfidence
r_t = E[sign(D(real))] stays near ``target``; see ``feedback.py`` for the rule. The 18
transforms and their order follow NVlabs/stylegan2-ada-pytorch, training/augment.py; the named
pipelines are that repository's ``--augpipe`` choices (train.py, ``augpipe_specs``).
"""
from __future__ import annotations

from typing import Any, Dict, FrozenSet, Optional

import torch

from ..errors import ConfigError
from .ada_geometry import geometric_inverse, warp
from .ada_pixels import additive_noise, apply_color, color_matrix, cutout, image_filter
from .base import Augmenter
from .feedback import SignFeedback

GROUPS = {"blit": "x-flip, 90-degree rotations, integer translation",
          "geom": "isotropic and anisotropic scaling, arbitrary rotation, fractional translation",
          "color": "brightness, contrast, luma flip, hue, saturation",
          "filter": "image-space filtering of 4 frequency bands",
          "noise": "additive Gaussian noise", "cutout": "cutout of a half-size rectangle"}
PIPELINES: Dict[str, FrozenSet[str]] = {name: frozenset([name]) for name in GROUPS}
PIPELINES.update({"bg": frozenset({"blit", "geom"}), "bgc": frozenset({"blit", "geom", "color"}),
                  "bgcf": frozenset({"blit", "geom", "color", "filter"}),
                  "bgcfn": frozenset({"blit", "geom", "color", "filter", "noise"}),
                  "bgcfnc": frozenset(GROUPS)})


class AdaptiveAugment(Augmenter):
    """``augment=ada``: StyleGAN2-ADA's pipeline with an adaptive probability p.

    Args:
        target: desired r_t (0.6 as published); None keeps p fixed at its initial value.
        interval: D steps (``observe`` calls) between p updates.
        speed_images: images for p to move by 1 (published: 500k).
        batch_size: real images per D step; None infers it from the observed logits.
        p: initial augmentation probability, >= 0 (values above 1 apply every transform).
        pipeline: a named pipeline of the reference: ``bgc`` (the paper's default), ``bgcfnc``
            (all 18 transforms), ``blit``, ``geom``, ``color``, ``filter``, ``noise``, ``cutout``,
            ``bg``, ``bgcf``, ``bgcfn``.

    ``apply`` is differentiable w.r.t. its input (including double backward, for R1 through
    the augmentation) and returns its input unchanged when p == 0. p is bounded below by 0 only,
    as in the reference (the probability of each transform is min(p, 1)).
    """

    name = "ada"
    adapts_on_sign = True

    def __init__(self, target: Optional[float] = 0.6, interval: int = 4, speed_images: float = 500_000,
                 batch_size: Optional[int] = None, p: float = 0.0, pipeline: str = "bgc"):
        if p < 0:
            raise ConfigError(f"ADA p must be >= 0, got {p}")
        if pipeline not in PIPELINES:
            raise ConfigError(f"unknown ADA pipeline '{pipeline}'; choose one of: {', '.join(PIPELINES)} "
                              "(bgc is the paper's default, bgcfnc has all 18 transforms)")
        self.p = float(p)
        self.pipeline = pipeline
        self.groups = PIPELINES[pipeline]
        self.feedback = SignFeedback(target, interval, speed_images, batch_size)

    def apply(self, x: torch.Tensor, generator: Optional[torch.Generator] = None) -> torch.Tensor:
        """Augment N x C x H x W images; each transform hits each sample with probability p."""
        if x.dim() != 4:
            raise ValueError(f"ADA expects N x C x H x W images, got shape {tuple(x.shape)}")
        if self.p <= 0.0:
            return x
        n, c, h, w = x.shape
        blit, geom = "blit" in self.groups, "geom" in self.groups
        if blit or geom:
            x = warp(x, geometric_inverse(n, h, w, self.p, blit, geom, x.device, generator))
        if "color" in self.groups:
            x = apply_color(x, color_matrix(n, c, self.p, x.device, generator))
        if "filter" in self.groups:
            x = image_filter(x, self.p, generator)
        if "noise" in self.groups:
            x = additive_noise(x, self.p, generator)
        if "cutout" in self.groups:
            x = cutout(x, self.p, generator)
        return x

    def observe(self, real_logits: torch.Tensor) -> None:
        """Record D's logits on augmented real images (call once per D step)."""
        self.feedback.observe(real_logits)

    def update(self) -> bool:
        """Every ``interval`` observations: p += sign(r_t - target) * images / speed_images, p >= 0."""
        delta = self.feedback.step()
        if delta is None:
            return False
        self.p = max(self.p + delta, 0.0)
        return True

    def state_dict(self) -> Dict[str, Any]:
        return {"p": float(self.p), **self.feedback.state_dict()}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        self.p = float(state["p"])
        self.feedback.load_state_dict(state)

    def stats(self) -> Dict[str, float]:
        out = {"ada_p": float(self.p)}
        if self.feedback.r_t == self.feedback.r_t:  # skip NaN before the first update
            out["r_t"] = float(self.feedback.r_t)
        return out

    def __repr__(self) -> str:
        return f"AdaptiveAugment(p={self.p:.4f}, pipeline={self.pipeline!r}, target={self.feedback.target})"
