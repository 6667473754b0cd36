"""BigGAN's objective: the standard GAN step with orthogonal regularization of G's weights on
by default (the ``ortho`` term)."""
from __future__ import annotations

from typing import Dict

from .gan import GANObjective
from .registry import OBJECTIVES


@OBJECTIVES.register("biggan")
class BigGANObjective(GANObjective):
    """Standard GAN step plus BigGAN's orthogonal regularization on G's weights,
    ``ortho_weight * sum ||W W^T * (1 - I)||^2`` (Brock et al. 2019, beta = 1e-4).

    ``ortho_weight``: weight of the orthogonal regularization (1e-4 in BigGAN)."""

    term_shorthands = {"ortho_weight": ("ortho", "weight")}

    def __init__(self, cfg, data_info: Dict[str, object], ortho_weight: float = 1e-4, **options):
        super().__init__(cfg, data_info, **options)
