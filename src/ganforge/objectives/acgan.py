"""AC-GAN's objective: the standard GAN step with fakes drawn for uniformly random classes and
the auxiliary classifier term (``terms/auxiliary.py``) on by default."""
from __future__ import annotations

from typing import Dict, Optional

import torch

from .gan import GANObjective
from .registry import OBJECTIVES

Tensor = torch.Tensor


@OBJECTIVES.register("acgan")
class ACGANObjective(GANObjective):
    """AC-GAN (Odena et al. 2017): D also predicts the class; D minimises the cross-entropy on
    real and fake images, G on its fakes. ``aux_weight``: weight of that cross-entropy in both
    steps (the ``aux`` term). Needs a discriminator with ``aux_classifier=true`` and
    ``objective.conditional=true``; takes every option of the standard GAN objective too."""

    term_shorthands = {"aux_weight": ("aux", "weight")}

    def __init__(self, cfg, data_info: Dict[str, object], aux_weight: float = 1.0, **options):
        super().__init__(cfg, data_info, **options)

    def fake_labels(self, n: int, labels: Optional[Tensor], device: torch.device) -> Optional[Tensor]:
        """Classes drawn uniformly, so G learns every class whatever the batch holds."""
        return torch.randint(0, self.num_classes, (n,), device=device)
