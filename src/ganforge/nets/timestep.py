"""Diffusion-timestep conditioning of discriminators, D(x, t), as in Diffusion-GAN.

Transcribed from Zhendong-Wang/Diffusion-GAN, diffusion-stylegan2/training/networks.py: the
discriminator's conditioning input is the diffusion step t (t_dim = 1, the raw step as a float);
a mapping network (``MappingNetwork(z_dim=0, c_dim=t_dim)``: an equalized-lr embedding,
second-moment normalisation, 8 equalized-lr layers with a 0.01 learning-rate multiplier and
leaky ReLU x sqrt(2)) turns it into ``cmap``; the final layer outputs ``cmap_dim`` values instead
of one, and the logit is their projection onto cmap scaled by 1/sqrt(cmap_dim)
(``DiscriminatorEpilogue``). Every family that takes ``t_dim`` replaces its one-output head by
:class:`TimestepHead`; the objective sets ``t_dim`` when ``augment.name=diffusion``.
"""
from __future__ import annotations

import math
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from .base import maybe_sn
from .layers import EqualLinear, PixelNorm

Tensor = torch.Tensor
MAPPING_LAYERS = 8  # the reference MappingNetwork's default depth (D's mapping_kwargs are empty)
MAX_CMAP_DIM = 512  # the reference's cmap_dim is the 4x4 width, at most channel_max = 512


class TimestepMapping(nn.Module):
    """t (N,) or (N, t_dim) -> cmap (N, cmap_dim)."""

    def __init__(self, cmap_dim: int, t_dim: int = 1, layers: int = MAPPING_LAYERS, lr_mul: float = 0.01):
        super().__init__()
        self.t_dim = t_dim
        self.embed = EqualLinear(t_dim, cmap_dim)
        self.norm = PixelNorm()  # normalize_2nd_moment over the feature axis
        self.layers = nn.ModuleList(EqualLinear(cmap_dim, cmap_dim, lr_mul=lr_mul) for _ in range(layers))

    def forward(self, t: Tensor) -> Tensor:
        x = self.norm(self.embed(t.to(self.embed.weight.dtype).reshape(t.shape[0], self.t_dim)))
        for layer in self.layers:
            x = F.leaky_relu(layer(x), 0.2) * math.sqrt(2)
        return x


class TimestepHead(nn.Module):
    """Replaces a discriminator's linear head: features (N, F) and steps t (N,) -> logits (N,)
    = <out(h), mapping(t)> / sqrt(cmap_dim). ``cmap_dim``: the reference's channels_dict[4], the
    discriminator's width at its last resolution (a head that reads a flattened map passes it),
    default F; at most 512."""

    def __init__(self, features: int, t_dim: int = 1, spectral_norm: bool = False, cmap_dim: Optional[int] = None):
        super().__init__()
        self.cmap_dim = min(features if cmap_dim is None else cmap_dim, MAX_CMAP_DIM)
        self.out = maybe_sn(EqualLinear(features, self.cmap_dim), spectral_norm)
        self.mapping = TimestepMapping(self.cmap_dim, t_dim)

    def forward(self, h: Tensor, t) -> Tensor:
        """h: (N, F), t: (N,) steps or None for clean images (t = 0, as rejection sampling needs)."""
        if t is None:
            t = torch.zeros(h.shape[0], device=h.device)
        # t takes few values (a pool of 64 steps, half of them 0): map each distinct one once.
        # The same products as mapping every sample, and the same gradients (index_select sums them).
        steps, index = torch.unique(t.reshape(t.shape[0], -1), dim=0, return_inverse=True)
        cmap = self.mapping(steps).index_select(0, index)
        return (self.out(h) * cmap).sum(dim=1) / math.sqrt(self.cmap_dim)


def make_head(features: int, t_dim: int, linear: nn.Module, cmap_dim: Optional[int] = None) -> nn.Module:
    """The family's own one-output ``linear`` head, or a :class:`TimestepHead` when ``t_dim``."""
    return TimestepHead(features, t_dim, _has_sn(linear), cmap_dim) if t_dim else linear


def head_logits(head: nn.Module, h: Tensor, t) -> Tensor:
    """(N,) logits from a head built by :func:`make_head`."""
    return head(h, t) if isinstance(head, TimestepHead) else head(h).squeeze(1)


def _has_sn(module: nn.Module) -> bool:
    return hasattr(module, "parametrizations")
