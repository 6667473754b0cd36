"""ESRGAN (Wang et al. 2018) super-resolution generator and its VGG-style discriminator.

Generator: conv stem, ``blocks`` residual-in-residual dense blocks (RRDB: three 5-conv dense
blocks, each residual scaled by 0.2, no batch norm), a trunk conv with a long skip, then x2
stages of nearest-neighbour up-sampling + conv (no checkerboard artefacts of transposed
convs) and two output convs. ``global_skip`` adds the bicubic up-sampling of the input to the
output so the net only learns the missing detail (VDSR-style residual learning; ESRGAN has no
such skip, but small CPU models train much faster with it).
Discriminator: strided 3x3/4x4 conv stages with batch norm and LeakyReLU, then a 100-unit
linear layer and one logit per image, used with the relativistic average loss (``ragan``).
"""
from __future__ import annotations

import math
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .base import DOutput, Projection, check_labels, maybe_sn
from .i2i import ImageToImage, norm2d
from .registry import register_model

Tensor = torch.Tensor


class DenseBlock(nn.Module):
    """Five 3x3 convs, each seeing the block input and all previous outputs; x + 0.2 * out."""

    def __init__(self, width: int, growth: int):
        super().__init__()
        self.convs = nn.ModuleList(nn.Conv2d(width + i * growth, growth if i < 4 else width, 3, 1, 1) for i in range(5))
        self.act = nn.LeakyReLU(0.2, True)

    def forward(self, x: Tensor) -> Tensor:
        feats = [x]
        for i, conv in enumerate(self.convs):
            out = conv(torch.cat(feats, dim=1))
            if i < 4:
                feats.append(self.act(out))
        return x + 0.2 * out


class RRDB(nn.Module):
    """Residual in residual: x + 0.2 * dense3(dense2(dense1(x)))."""

    def __init__(self, width: int, growth: int):
        super().__init__()
        self.body = nn.Sequential(*(DenseBlock(width, growth) for _ in range(3)))

    def forward(self, x: Tensor) -> Tensor:
        return x + 0.2 * self.body(x)


@register_model("rrdb", role="generator")
class RRDBGenerator(ImageToImage):
    """shape: input (C, h, w); scale: 2 or 4 (or any power of two); width: features (64 in
    ESRGAN); growth: dense-block growth channels (32); blocks: RRDBs (23 in ESRGAN).

    ``global_skip``: add the bicubic up-sampling of the input to the output."""

    def __init__(self, shape: Sequence[int] = (3, 32, 32), scale: int = 4, width: int = 64, growth: int = 32,
                 blocks: int = 23, global_skip: bool = False, z_dim: int = 0, num_classes: int = 0):
        super().__init__("rrdb", z_dim, num_classes)
        if scale < 2 or scale & (scale - 1):
            raise ValueError(f"rrdb scale must be a power of two (2, 4, 8), got {scale}")
        ch = int(shape[0])
        self.scale, self.out_channels, self.global_skip = int(scale), ch, global_skip
        self.stem = nn.Conv2d(ch, width, 3, 1, 1)
        self.body = nn.Sequential(*(RRDB(width, growth) for _ in range(blocks)))
        self.trunk = nn.Conv2d(width, width, 3, 1, 1)
        self.ups = nn.ModuleList(nn.Conv2d(width, width, 3, 1, 1) for _ in range(int(math.log2(scale))))
        self.hr_conv = nn.Conv2d(width, width, 3, 1, 1)
        self.last = nn.Conv2d(width, ch, 3, 1, 1)
        self.act = nn.LeakyReLU(0.2, True)
        for m in self.body.modules():
            if isinstance(m, nn.Conv2d):
                # ESRGAN scales the Kaiming init of residual branches by 0.1 so deep stacks start near identity.
                nn.init.kaiming_normal_(m.weight, a=0.2)
                m.weight.data.mul_(0.1)
                nn.init.zeros_(m.bias)
        if global_skip:
            # Start as exactly bicubic up-scaling; training then only has to add detail.
            nn.init.zeros_(self.last.weight)
            nn.init.zeros_(self.last.bias)

    def forward(self, x: Tensor, y: Optional[Tensor] = None) -> Tensor:
        """x: (N, C, h, w) in [-1, 1] -> (N, C, scale*h, scale*w), roughly [-1, 1] (not clamped)."""
        feat = self.stem(x)
        feat = feat + self.trunk(self.body(feat))
        for conv in self.ups:
            feat = self.act(conv(F.interpolate(feat, scale_factor=2, mode="nearest")))
        out = self.last(self.act(self.hr_conv(feat)))
        if self.global_skip:
            out = out + F.interpolate(x, scale_factor=self.scale, mode="bicubic", align_corners=False)
        return out


@register_model("esrgan", role="discriminator")
class ESRGANDiscriminator(nn.Module):
    """x: (N, C, H, W) -> DOutput(logits (N,), features (N, 100)). Stages halve the size down
    to 4x4 (at most ``stages``); other sizes are average-pooled to 4x4 before the linear head.

    ``stages``: strided conv stages, each halving the resolution."""

    def __init__(self, shape: Sequence[int] = (3, 128, 128), num_classes: int = 0, width: int = 64, stages: int = 5,
                 norm: str = "batch", spectral_norm: bool = False):
        super().__init__()
        size = int(min(shape[1:]))
        n = max(1, min(stages, int(math.log2(max(size, 8))) - 2))
        self.num_classes = num_classes
        bias = norm != "batch"
        layers = [maybe_sn(nn.Conv2d(int(shape[0]), width, 3, 1, 1), spectral_norm), nn.LeakyReLU(0.2, True)]
        ch = width
        for i in range(n):
            out = width * min(2 ** i, 8)
            if i:
                layers += [maybe_sn(nn.Conv2d(ch, out, 3, 1, 1, bias=bias), spectral_norm), norm2d(norm, out),
                           nn.LeakyReLU(0.2, True)]
            layers += [maybe_sn(nn.Conv2d(out, out, 4, 2, 1, bias=bias), spectral_norm), norm2d(norm, out),
                       nn.LeakyReLU(0.2, True)]
            ch = out
        self.body = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(4))
        self.fc = nn.Sequential(maybe_sn(nn.Linear(ch * 16, 100), spectral_norm), nn.LeakyReLU(0.2, True))
        self.head = maybe_sn(nn.Linear(100, 1), spectral_norm)
        self.projection = Projection(num_classes, 100, spectral_norm) if num_classes else None

    def forward(self, x: Tensor, y: Optional[Tensor] = None) -> DOutput:
        check_labels(self.num_classes, y)
        h = self.fc(self.body(x).flatten(1))
        logits = self.head(h).squeeze(1)
        if self.projection is not None:
            logits = logits + self.projection(h, y)
        return DOutput(logits=logits, features=h)
