"""Objectives: what one D step and one G step compute, by family."""
from . import acgan, biggan, cyclegan, gan, pix2pix, progressive, stylegan2, superres, tabular  # noqa: F401
from .base import Objective, StepContext
from .registry import OBJECTIVES
from ..registry import import_submodules


def build_objective(cfg, data_info) -> Objective:
    """The configured objective (``objective.name`` with its options) for data described by ``data_info``."""
    return OBJECTIVES.create(cfg.objective.name, cfg=cfg, data_info=data_info, **cfg.objective.kwargs())


__all__ = ["OBJECTIVES", "Objective", "StepContext", "build_objective"]

import_submodules(__name__, __path__)  # a new family file registers itself: no list to edit
