"""DCGAN (Radford et al. 2015) generator and discriminator for square images 16..256 px.

Transposed-conv up-sampling from 4x4 with batch norm and ReLU in G; strided convs with
LeakyReLU(0.2) in D. Optional class conditioning: a learned class embedding concatenated to z
in G, a projection term in D.
"""
from __future__ import annotations

import math
from typing import Optional, Sequence

import torch
from torch import nn

from .base import DOutput, Projection, check_labels, maybe_sn
from .registry import register_model
from .timestep import head_logits, make_head

Tensor = torch.Tensor


def _num_ups(size: int) -> int:
    n = int(math.log2(size)) - 2
    if size < 16 or 2 ** (n + 2) != size:
        raise ValueError(f"dcgan needs a power-of-two image_size >= 16, got {size}")
    return n


def _d_norm(kind: str, channels: int) -> nn.Module:
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "instance":
        return nn.InstanceNorm2d(channels, affine=True)
    if kind == "none":
        return nn.Identity()
    raise ValueError(f"unknown norm '{kind}'; choose batch, instance or none")


@register_model("dcgan", role="generator")
class DCGANGenerator(nn.Module):
    def __init__(self, z_dim: int = 100, shape: Sequence[int] = (1, 32, 32), num_classes: int = 0,
                 width: int = 64, embed_dim: int = 32):
        super().__init__()
        channels, size = shape[0], shape[-1]
        n = _num_ups(size)
        self.z_dim, self.num_classes, self.shape = z_dim, num_classes, tuple(shape)
        self.embed = nn.Embedding(num_classes, embed_dim) if num_classes else None
        in_dim = z_dim + (embed_dim if num_classes else 0)
        ch = width * 2 ** (n - 1)
        layers = [nn.ConvTranspose2d(in_dim, ch, 4, 1, 0, bias=False), nn.BatchNorm2d(ch), nn.ReLU(True)]
        for _ in range(n - 1):
            layers += [nn.ConvTranspose2d(ch, ch // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ch // 2), nn.ReLU(True)]
            ch //= 2
        layers += [nn.ConvTranspose2d(ch, channels, 4, 2, 1), nn.Tanh()]
        self.net = nn.Sequential(*layers)
        init_dcgan(self)

    def forward(self, z: Tensor, y: Optional[Tensor] = None) -> Tensor:
        """z: (N, z_dim), y: (N,) labels when conditional -> images (N, C, H, W) in [-1, 1]."""
        check_labels(self.num_classes, y)
        if self.embed is not None:
            z = torch.cat([z, self.embed(y)], dim=1)
        return self.net(z[:, :, None, None])


@register_model("dcgan", role="discriminator")
class DCGANDiscriminator(nn.Module):
    def __init__(self, shape: Sequence[int] = (1, 32, 32), num_classes: int = 0, width: int = 64,
                 norm: str = "batch", spectral_norm: bool = False, t_dim: int = 0):
        super().__init__()
        channels, size = shape[0], shape[-1]
        n = _num_ups(size)
        self.num_classes = num_classes
        layers = [maybe_sn(nn.Conv2d(channels, width, 4, 2, 1), spectral_norm), nn.LeakyReLU(0.2, True)]
        ch = width
        for _ in range(n - 1):
            layers += [maybe_sn(nn.Conv2d(ch, ch * 2, 4, 2, 1, bias=norm == "none"), spectral_norm),
                       _d_norm(norm, ch * 2), nn.LeakyReLU(0.2, True)]
            ch *= 2
        self.body = nn.Sequential(*layers)
        # Diffusion-GAN's projection width is D's 4x4 width (the reference's channels_dict[4])
        self.head = make_head(ch * 16, t_dim, maybe_sn(nn.Linear(ch * 16, 1), spectral_norm), cmap_dim=ch)
        self.projection = Projection(num_classes, ch * 16, spectral_norm) if num_classes else None
        init_dcgan(self)

    def forward(self, x: Tensor, y: Optional[Tensor] = None, t: Optional[Tensor] = None) -> DOutput:
        """x: (N, C, H, W), t: (N,) diffusion steps when ``t_dim`` -> DOutput(logits (N,), features
        (N, 16 * top width))."""
        check_labels(self.num_classes, y)
        h = self.body(x).flatten(1)
        logits = head_logits(self.head, h, t)
        if self.projection is not None:
            logits = logits + self.projection(h, y)
        return DOutput(logits=logits, features=h)


def init_dcgan(module: nn.Module) -> None:
    """DCGAN paper init: conv weights N(0, 0.02), batch-norm scale N(1, 0.02)."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            w = m.parametrizations.weight.original if hasattr(m, "parametrizations") else m.weight
            nn.init.normal_(w, 0.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)
