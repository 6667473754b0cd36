"""Multiplier schedules over training progress, shared by the learning rates and the penalty weight."""
from __future__ import annotations

import math

SCHEDULES = ("constant", "linear", "cosine")


def schedule_factor(kind: str, progress: float, start: float, end: float, final: float) -> float:
    """Multiplier at ``progress`` in [0, 1]: 1 until ``start``, then to ``final`` at ``end`` along a
    straight line (``linear``) or a half cosine (``cosine``: R3GAN's ``cosine_decay_with_warmup``,
    brownvc/R3GAN training/training_loop.py, base + (1 - d) (final - base) with
    d = (1 + cos(pi * fraction)) / 2), ``final`` afterwards; ``constant`` is always 1."""
    if kind == "constant" or progress <= start:
        return 1.0
    frac = min(1.0, (progress - start) / max(end - start, 1e-12))
    keep = 1.0 - frac if kind == "linear" else 0.5 * (1.0 + math.cos(math.pi * frac))
    return final + (1.0 - final) * keep
