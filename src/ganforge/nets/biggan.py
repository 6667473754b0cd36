"""SAGAN/BigGAN-style generator and discriminator (Zhang et al. 2019; Brock et al. 2019).

G: the latent is split into one chunk per residual block plus one for the 4x4 input
("hierarchical latent", skip-z); each block's batch norms are conditioned on
[shared class embedding, its z chunk] through linear gains and biases; self-attention at
``attention`` px; spectral norm in G and D; orthogonal init. The orthogonal regularizer lives
in ``objective=biggan``. ``forward(z, y, truncation=t)`` applies the truncation trick: each
latent entry is mapped (through the normal CDF, so deterministically per seed) onto a normal
truncated to [-t, t]; t = 0 gives the mean latent.
D: the ResNet projection discriminator with self-attention.
"""
from __future__ import annotations

from typing import Optional, Sequence

import torch
from torch import nn

from .base import check_labels, maybe_sn
from .layers import SelfAttention
from .registry import register_model
from .resnet import GBlock, ResNetDiscriminator, num_blocks

Tensor = torch.Tensor


def truncate_normal(z: Tensor, threshold: float) -> Tensor:
    """Map standard-normal ``z`` onto N(0, 1) truncated to [-threshold, threshold] by
    inverse-CDF transport: monotone and deterministic, 0 when threshold = 0."""
    lo = torch.special.ndtr(torch.tensor(-float(threshold), dtype=z.dtype, device=z.device))
    u = torch.special.ndtr(z)
    return torch.special.ndtri(lo + u * (1 - 2 * lo)).clamp(-threshold, threshold)


def orthogonal_init(module: nn.Module) -> None:
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            w = m.parametrizations.weight.original if hasattr(m, "parametrizations") else m.weight
            nn.init.orthogonal_(w)
            if m.bias is not None:
                nn.init.zeros_(m.bias)


@register_model("biggan", role="generator")
class BigGANGenerator(nn.Module):
    """``shared_dim``: size of the class embedding shared by all blocks."""
    supports_truncation = True

    def __init__(self, z_dim: int = 120, shape: Sequence[int] = (3, 32, 32), num_classes: int = 0,
                 width: int = 64, shared_dim: int = 32, attention: int = 16, spectral_norm: bool = True):
        super().__init__()
        channels, size = shape[0], shape[-1]
        n = num_blocks(size, "biggan")
        if z_dim < n + 1:
            raise ValueError(f"biggan splits z into {n + 1} chunks; z_dim must be >= {n + 1}, got {z_dim}")
        self.z_dim, self.num_classes, self.shape = z_dim, num_classes, tuple(shape)
        chunk = z_dim // (n + 1)
        self.chunks = [z_dim - n * chunk] + [chunk] * n  # the first chunk takes the remainder
        self.shared = nn.Embedding(num_classes, shared_dim) if num_classes else None
        cond_dim = chunk + (shared_dim if num_classes else 0)
        chs = [width * min(2 ** (n - i), 8) for i in range(n + 1)]
        self.linear = maybe_sn(nn.Linear(self.chunks[0], chs[0] * 16), spectral_norm)
        self.blocks = nn.ModuleList(GBlock(chs[i], chs[i + 1], cond_dim=cond_dim, spectral_norm=spectral_norm)
                                    for i in range(n))
        self.attn = nn.ModuleDict({str(i): SelfAttention(chs[i + 1], spectral_norm)
                                   for i in range(n) if 2 ** (i + 3) == attention})
        self.out = nn.Sequential(nn.BatchNorm2d(chs[-1]), nn.ReLU(),
                                 maybe_sn(nn.Conv2d(chs[-1], channels, 3, 1, 1), spectral_norm), nn.Tanh())
        orthogonal_init(self)

    def forward(self, z: Tensor, y: Optional[Tensor] = None, truncation: Optional[float] = None) -> Tensor:
        """z: (N, z_dim), y: (N,) labels when conditional -> images (N, C, H, W) in [-1, 1]."""
        check_labels(self.num_classes, y)
        if truncation is not None:
            z = truncate_normal(z, truncation)
        zs = torch.split(z, self.chunks, dim=1)
        h = self.linear(zs[0]).view(z.shape[0], -1, 4, 4)
        shared = self.shared(y) if self.shared is not None else None
        for i, block in enumerate(self.blocks):
            cond = zs[i + 1] if shared is None else torch.cat([shared, zs[i + 1]], dim=1)
            h = block(h, cond)
            if str(i) in self.attn:
                h = self.attn[str(i)](h)
        return self.out(h)


@register_model("biggan", role="discriminator")
class BigGANDiscriminator(ResNetDiscriminator):
    """ResNet projection discriminator with self-attention at ``attention`` px and orthogonal init."""

    def __init__(self, shape: Sequence[int] = (3, 32, 32), num_classes: int = 0, width: int = 64,
                 spectral_norm: bool = True, attention: int = 16, t_dim: int = 0):
        super().__init__(shape, num_classes, width=width, spectral_norm=spectral_norm, attention=attention,
                         t_dim=t_dim)
        orthogonal_init(self)
