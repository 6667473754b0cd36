"""StyleGAN2 training logic: style-mixing regularization, and lazy path-length regularization on
by default (the ``path_length`` term; lazy R1 is the standard ``regularizer=r1 reg_every=16``),
as NVlabs/stylegan2-ada-pytorch training/loss.py (``StyleGAN2Loss``) and training_loop.py
(Gmain / Greg phases) compute them."""
from __future__ import annotations

from typing import Dict, Optional, Tuple

import torch
from pydantic import Field
from typing_extensions import Annotated

from ..errors import ConfigError
from .gan import GANObjective
from .registry import OBJECTIVES

Tensor = torch.Tensor


@OBJECTIVES.register("stylegan2")
class StyleGAN2Objective(GANObjective):
    """``mixing_prob``: chance a batch's layers after a random cutoff take their styles from a
    second latent. ``pl_weight``/``pl_every``/``pl_decay``: path-length penalty
    E[(||J_w^T y||_2 - a)^2] with y ~ N(0, I)/sqrt(HW) and a the running mean of the lengths, on
    ``pl_batch_frac`` of the batch; with ``pl_every`` k > 1 it is its own G optimizer step every k
    steps, scaled by k (and G's Adam gets the lazy correction). Only the main mapping pass moves
    ``w_avg``: the mixing latents and the path-length pass do not (``skip_w_avg_update``).

    ``pl_batch_frac``: fraction of the batch the path-length penalty is computed on."""

    provides = GANObjective.provides | {"styles"}
    term_shorthands = {"pl_weight": ("path_length", "weight"), "pl_every": ("path_length", "every"),
                       "pl_decay": ("path_length", "decay"), "pl_batch_frac": ("path_length", "batch_frac")}

    def __init__(self, cfg, data_info: Dict[str, object], mixing_prob: Annotated[float, Field(ge=0, le=1)] = 0.9,
                 pl_weight: float = 2.0, pl_every: Annotated[int, Field(ge=1, le=10_000)] = 4,
                 pl_decay: Annotated[float, Field(ge=0, le=1)] = 0.01,
                 pl_batch_frac: Annotated[float, Field(gt=0, le=1)] = 0.5, **options):
        super().__init__(cfg, data_info, **options)
        g = self.generator
        if not (hasattr(g, "map") and hasattr(g, "synthesize")):
            raise ConfigError(f"objective=stylegan2 needs a style generator (generator=stylegan2), not '{cfg.generator.name}'")
        self.mixing_prob = mixing_prob

    def styles(self, n: int, labels: Optional[Tensor], device: torch.device, update_w_avg: bool = True) -> Tensor:
        """(N, num_ws, w_dim) per-layer styles, mixed from two latents with ``mixing_prob``."""
        g = self.generator
        w = g.map(self.latent(n, device), labels, update_w_avg=update_w_avg)
        ws = w[:, None].repeat(1, g.num_ws, 1)
        if self.mixing_prob > 0 and torch.rand(()) < self.mixing_prob:
            cutoff = int(torch.randint(1, g.num_ws, ()))
            ws[:, cutoff:] = g.map(self.latent(n, device), labels, update_w_avg=False)[:, None]
        return ws

    def fake(self, n: int, labels: Optional[Tensor], device: torch.device) -> Tensor:
        return self.generator.synthesize(self.styles(n, labels, device))

    def path_length_penalty(self, labels: Optional[Tensor], n: int, device: torch.device) -> Tuple[Tensor, Tensor]:
        """(penalty, mean length) on a fresh batch of ``n``; updates the running mean."""
        if "path_length" not in self.terms:
            raise ConfigError("the path-length term is off (pl_weight=0); set objective.pl_weight > 0")
        return self.terms["path_length"].penalty(self, labels, n, device)
