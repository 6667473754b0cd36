"""Adversarial loss families as pure functions of discriminator logits.

Each family gives ``d_loss(real, fake, smoothing)`` (minimised by D) and ``g_loss(fake, real)``
(minimised by G). Logits are tensors of shape (N,) or (N, 1); the result is a scalar mean.
Sign convention: D wants large logits on real data and small logits on fakes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F

from .registry import Registry

Tensor = torch.Tensor
LOSSES = Registry("loss")


@dataclass(frozen=True)
class LossFamily:
    d_loss: Callable[..., Tensor]
    g_loss: Callable[..., Tensor]
    smoothable: bool = False  # one-sided label smoothing is defined for this family
    g_needs_real: bool = False  # g_loss compares fakes with real logits (relativistic)
    sign_is_verdict: bool = True  # logit > 0 means "real" (false for Wasserstein critics, whose offset is free)
    # D's logit is trained as the log-odds that a sample is real (the cross-entropy losses), so its
    # size is a probability: a logit of 6 is 99.75% sure
    log_odds: bool = False
    # d_loss = s * (crit(real, 1) + crit(fake, 0)) and g_loss = s * crit(fake, 1) for the family's
    # per-sample criterion; s = 1/2 for lsgan, whose paper halves the squares.
    criterion_scale: float = 1.0


def criterion_weights(family: LossFamily) -> "tuple[float, float]":
    """(D, G) factors turning ``family``'s d_loss / g_loss into the pix2pix/CycleGAN code's use of its
    GANLoss (junyanz/pytorch-CycleGAN-and-pix2pix models/networks.py: lsgan is a plain MSELoss;
    backward_D_basic: D = 0.5 * (crit(real, 1) + crit(fake, 0)); backward_G: G = crit(fake, 1))."""
    s = family.criterion_scale
    return 0.5 / s, 1.0 / s


def _bce_real(real: Tensor, smoothing: float) -> Tensor:
    # Cross-entropy against target 1 - smoothing (one-sided: fakes keep target 0).
    return (1.0 - smoothing) * F.softplus(-real) + smoothing * F.softplus(real)


def register_loss(name: str, family: LossFamily) -> None:
    LOSSES.register(name)(lambda: family)


register_loss("ns", LossFamily(
    d_loss=lambda real, fake, smoothing=0.0: (_bce_real(real, smoothing).mean() + F.softplus(fake).mean()),
    g_loss=lambda fake, real=None: F.softplus(-fake).mean(),
    smoothable=True,
    log_odds=True,
))
register_loss("minimax", LossFamily(
    d_loss=lambda real, fake, smoothing=0.0: (_bce_real(real, smoothing).mean() + F.softplus(fake).mean()),
    # G minimises log(1 - D(G(z))) = -softplus(fake): saturates when D wins, kept for completeness.
    g_loss=lambda fake, real=None: -F.softplus(fake).mean(),
    smoothable=True,
    log_odds=True,
))
register_loss("hinge", LossFamily(
    d_loss=lambda real, fake, smoothing=0.0: F.relu(1.0 - real).mean() + F.relu(1.0 + fake).mean(),
    g_loss=lambda fake, real=None: -fake.mean(),
))
register_loss("wasserstein", LossFamily(
    d_loss=lambda real, fake, smoothing=0.0: fake.mean() - real.mean(),
    g_loss=lambda fake, real=None: -fake.mean(),
    sign_is_verdict=False,
))
register_loss("lsgan", LossFamily(
    d_loss=lambda real, fake, smoothing=0.0: 0.5 * ((real - (1.0 - smoothing)) ** 2).mean() + 0.5 * (fake ** 2).mean(),
    g_loss=lambda fake, real=None: 0.5 * ((fake - 1.0) ** 2).mean(),
    smoothable=True,
    sign_is_verdict=False,  # targets are 1 and 0: the decision threshold is 0.5, not 0
    criterion_scale=0.5,
))


def _paired(a: Tensor, b: Tensor) -> Tensor:
    if a.shape != b.shape:
        raise ValueError("rpgan pairs real and fake logits one to one; they must have the same shape")
    return a - b


# Relativistic pairing (RpGAN): each real is compared with one fake.
register_loss("rpgan", LossFamily(
    d_loss=lambda real, fake, smoothing=0.0: F.softplus(-_paired(real, fake)).mean(),
    g_loss=lambda fake, real: F.softplus(-_paired(fake, real)).mean(),
    g_needs_real=True,
    sign_is_verdict=False,  # only differences of logits matter; their offset is free
))


def _ra(a: Tensor, b: Tensor) -> Tensor:
    # Relativistic average: how much more realistic a looks than the average of b.
    return a - b.mean()


# Relativistic average GAN (RaGAN, Jolicoeur-Martineau 2018; ESRGAN's adversarial loss).
register_loss("ragan", LossFamily(
    d_loss=lambda real, fake, smoothing=0.0: F.softplus(-_ra(real, fake)).mean() + F.softplus(_ra(fake, real)).mean(),
    g_loss=lambda fake, real: F.softplus(_ra(real, fake)).mean() + F.softplus(-_ra(fake, real)).mean(),
    g_needs_real=True,
    sign_is_verdict=False,  # only differences of logits matter; their offset is free
))


def get_loss(name: str) -> LossFamily:
    return LOSSES.create(name)
