"""Diffusion-GAN instance noise (Wang et al., 2022).

Real and generated images are pushed through a forward diffusion chain before D:

    y = sqrt(abar_t) * x + sqrt(1 - abar_t) * sigma * eps,   eps ~ N(0, I),

with t drawn per sample from a pool of steps, half of them 0 (the clean image) and half drawn
from 1..T, and abar_t = prod_{s <= t} (1 - beta_s), where the betas of the chosen schedule are
spread over T steps, so a longer chain also reaches more noise. D sees t as well: D(y, t)
(``nets/timestep.py``). T moves between ``t_min`` and ``t_max`` with the ADA rule: it grows
while D is overconfident (r_t = E[sign(D(real))] above ``target``) and shrinks otherwise.
"""
from __future__ import annotations

import math
from typing import Any, Dict, Optional, Tuple

import torch

from ..errors import ConfigError
from ._random import randint, randn
from .base import Augmenter
from .feedback import SignFeedback

SCHEDULES = ("linear", "quad", "const", "cosine")
T_SAMPLING = ("uniform", "priority")


def beta_schedule(name: str, steps: int, beta_start: float = 1e-4, beta_end: float = 2e-2) -> torch.Tensor:
    """``steps`` betas (float64) of the named schedule: linear, quad, const or cosine."""
    if name == "linear":
        return torch.linspace(beta_start, beta_end, steps, dtype=torch.float64)
    if name == "quad":
        return torch.linspace(beta_start ** 0.5, beta_end ** 0.5, steps, dtype=torch.float64) ** 2
    if name == "const":
        return torch.full((steps,), beta_end, dtype=torch.float64)
    if name == "cosine":  # Nichol & Dhariwal (2021); ignores beta_start/beta_end
        s = 0.008
        grid = torch.arange(steps + 1, dtype=torch.float64) / steps
        abar = torch.cos((grid + s) / (1 + s) * math.pi / 2) ** 2
        return (1 - abar[1:] / abar[:-1]).clamp(0, 0.999)
    raise ConfigError(f"unknown beta_schedule '{name}'; choose from: {', '.join(SCHEDULES)}")


class DiffusionNoise(Augmenter):
    """``augment=diffusion``: adaptive-length forward-diffusion noise on D's inputs, with the
    sampled step t handed to a timestep-conditioned D (``apply_t``).

    Args:
        beta_schedule, beta_start, beta_end: noise schedule spread over the current T.
        t_min, t_max: range T adapts in (10 and 1000 as published); t_init: starting T
            (default t_min: the reference starts its diffusion level p at 0).
        target, interval, speed_images, batch_size: the r_t feedback (``feedback.py``);
            ``speed_images`` is the number of images for T to cross [t_min, t_max]
            (published: 100k). ``target=None`` keeps T fixed.
        sigma: noise scale (0.05 as published for images in [-1, 1]).
        t_sampling: how the noisy share of the step pool is drawn: ``priority`` (the published
            default, P(t) proportional to t - 1 over 1..T, favouring noisier steps) or ``uniform``
            over 1..T.
        clean_share: share of the step pool fixed at t = 0 (clean samples): 0.5 as published.
        pool_size: steps in the pool (64 as published); each sample's t is drawn uniformly
            from the pool, which is redrawn whenever T is adapted (never with a fixed T).

    The sampling follows Zhendong-Wang/Diffusion-GAN, diffusion-stylegan2/training/diffusion.py
    (``Diffusion.update_T`` and ``forward``). The output is the input itself when T == 0.
    """

    name = "diffusion"
    adapts_on_sign = True
    conditions_discriminator = True

    def __init__(self, beta_schedule: str = "linear", beta_start: float = 1e-4, beta_end: float = 2e-2,
                 t_min: int = 10, t_max: int = 1000, t_init: Optional[int] = None, target: Optional[float] = 0.6,
                 interval: int = 4, speed_images: float = 100_000, batch_size: Optional[int] = None,
                 sigma: float = 0.05, t_sampling: str = "priority", clean_share: float = 0.5, pool_size: int = 64):
        t_init = t_min if t_init is None else t_init
        if beta_schedule not in SCHEDULES:
            raise ConfigError(f"unknown beta_schedule '{beta_schedule}'; choose from: {', '.join(SCHEDULES)}")
        if t_sampling not in T_SAMPLING:
            raise ConfigError(f"unknown t_sampling '{t_sampling}'; choose from: {', '.join(T_SAMPLING)}")
        if not 0 <= t_min <= t_init <= t_max:
            raise ConfigError(f"diffusion needs 0 <= t_min <= t_init <= t_max, got {t_min}, {t_init}, {t_max}")
        if not 0 < beta_start <= beta_end < 1:
            raise ConfigError(f"diffusion needs 0 < beta_start <= beta_end < 1, got {beta_start}, {beta_end}")
        if sigma < 0:
            raise ConfigError(f"diffusion sigma must be >= 0, got {sigma}")
        if not 0 <= clean_share <= 1 or pool_size < 1:
            raise ConfigError(f"diffusion needs 0 <= clean_share <= 1 and pool_size >= 1, got {clean_share}, {pool_size}")
        self.schedule, self.beta_start, self.beta_end = beta_schedule, float(beta_start), float(beta_end)
        self.t_min, self.t_max = int(t_min), int(t_max)
        self.sigma, self.t_sampling = float(sigma), t_sampling
        self.clean_share, self.pool_size = float(clean_share), int(pool_size)
        # Adaptation runs on a level in [0, 1] (the reference's p); T is derived from it.
        span = self.t_max - self.t_min
        self.level = (t_init - self.t_min) / span if span > 0 else 0.0
        self.feedback = SignFeedback(target, interval, speed_images, batch_size)
        self.last_t: Optional[torch.Tensor] = None
        self._cache: Dict[int, torch.Tensor] = {}
        self.pool = self.draw_pool()

    @property
    def T(self) -> int:
        """Current diffusion length: t_min + round(level * (t_max - t_min))."""
        return int(round(self.t_min + self.level * (self.t_max - self.t_min)))

    def alpha_bars(self, T: Optional[int] = None) -> torch.Tensor:
        """abar_t for t = 0..T (float64, abar_0 = 1)."""
        T = self.T if T is None else T
        if T not in self._cache:
            betas = beta_schedule(self.schedule, T, self.beta_start, self.beta_end)
            abar = torch.cat([torch.ones(1, dtype=torch.float64), torch.cumprod(1 - betas, 0)])
            self._cache = {T: abar}  # T changes slowly; one entry is enough
        return self._cache[T]

    def draw_pool(self, generator: Optional[torch.Generator] = None) -> torch.Tensor:
        """(pool_size,) int64 steps: the first ``clean_share`` are 0, the rest drawn from 1..T by
        ``t_sampling`` (priority: P(t) = (t - 1) / sum, as the reference's arange(T) weights)."""
        T, n_noisy = self.T, self.pool_size - int(round(self.clean_share * self.pool_size))
        pool = torch.zeros(self.pool_size, dtype=torch.long)
        if T == 0 or n_noisy == 0:
            return pool
        if self.t_sampling == "priority" and T > 1:
            weights = torch.arange(T, dtype=torch.float64)
            noisy = torch.multinomial(weights, n_noisy, replacement=True, generator=generator) + 1
        else:  # uniform (and priority at T = 1, where the reference's weights would all be 0)
            noisy = torch.randint(1, T + 1, (n_noisy,), generator=generator)
        pool[self.pool_size - n_noisy:] = noisy
        return pool

    def sample_t(self, n: int, like: torch.Tensor, generator: Optional[torch.Generator] = None) -> torch.Tensor:
        """n int64 steps drawn uniformly (with replacement) from the pool."""
        return self.pool.to(like.device)[randint(0, self.pool_size, (n,), like, generator)]

    def apply_t(self, x: torch.Tensor, generator: Optional[torch.Generator] = None,
                group: int = 1) -> Tuple[torch.Tensor, torch.Tensor]:
        """Diffuse N x C x H x W (or N x D) samples -> (y, t (N / group,)); ``group`` consecutive
        samples (one PacGAN pack) share a step. Differentiable, shape-preserving."""
        n = x.shape[0]
        if self.T == 0:
            t = torch.zeros(n // group, dtype=torch.long, device=x.device)
            self.last_t = t
            return x, t
        t = self.sample_t(n // group, x, generator)
        per_sample = t.repeat_interleave(group)
        abar = self.alpha_bars().to(x.device)[per_sample].to(x.dtype)
        abar = abar.reshape((-1,) + (1,) * (x.dim() - 1))
        eps = randn(x.shape, x, generator)
        self.last_t = t
        return abar.sqrt() * x + (1 - abar).sqrt() * self.sigma * eps, t

    def apply(self, x: torch.Tensor, generator: Optional[torch.Generator] = None) -> torch.Tensor:
        return self.apply_t(x, generator)[0]

    def observe(self, real_logits: torch.Tensor) -> None:
        """Record D's logits on diffused real images (call once per D step)."""
        self.feedback.observe(real_logits)

    def update(self) -> bool:
        """Every ``interval`` observations move T toward keeping r_t at ``target`` and redraw the pool."""
        delta = self.feedback.step()
        if delta is None:
            return False
        if self.feedback.target is not None:  # the reference redraws the pool with each update_T only
            self.level = min(max(self.level + delta, 0.0), 1.0)
            self.pool = self.draw_pool()
        return True

    def state_dict(self) -> Dict[str, Any]:
        return {"level": float(self.level), "T": self.T, "pool": [int(t) for t in self.pool],
                **self.feedback.state_dict()}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        self.level = float(state["level"])
        if "pool" in state and len(state["pool"]) == self.pool_size:
            self.pool = torch.tensor(state["pool"], dtype=torch.long)
        else:  # checkpoints written before the pool existed
            self.pool = self.draw_pool()
        self.feedback.load_state_dict(state)

    def stats(self) -> Dict[str, float]:
        out = {"diffusion_T": float(self.T), "diffusion_level": float(self.level)}
        if self.feedback.r_t == self.feedback.r_t:  # skip NaN before the first update
            out["r_t"] = float(self.feedback.r_t)
        return out

    def __repr__(self) -> str:
        return f"DiffusionNoise(T={self.T}, t_min={self.t_min}, t_max={self.t_max}, schedule={self.schedule!r})"
