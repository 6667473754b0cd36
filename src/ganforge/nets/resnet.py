"""SNGAN-style ResNet generator and discriminator (Miyato et al. 2018; Miyato & Koyama 2018).

G: linear z -> 4x4, up-sampling residual blocks (BN-ReLU-up-conv3-BN-ReLU-conv3, 1x1 shortcut),
BN-ReLU-conv3-tanh. Conditional G uses class-conditional batch norm. D: an "optimized" first
block, down-sampling residual blocks (ReLU-conv3-ReLU-conv3-avgpool), then blocks at the
lowest resolution, ReLU, global sum pooling, a linear head plus the projection term
<embed(y), h>; ``aux_classifier`` adds ACGAN class logits. Spectral norm on every D layer by
default. ``attention`` inserts SAGAN self-attention at that resolution (0: none).
"""
from __future__ import annotations

import math
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .base import DOutput, Projection, check_labels, maybe_sn
from .layers import ConditionalBatchNorm2d, SelfAttention
from .registry import register_model
from .timestep import head_logits, make_head

Tensor = torch.Tensor


def num_blocks(size: int, family: str) -> int:
    n = int(math.log2(size)) - 2
    if size < 8 or 2 ** (n + 2) != size:
        raise ValueError(f"{family} needs a power-of-two image_size >= 8, got {size}")
    return n


class GBlock(nn.Module):
    """Up-sampling residual block; ``cond`` feeds the conditional batch norms."""

    def __init__(self, in_ch: int, out_ch: int, num_classes: int = 0, cond_dim: int = 0, spectral_norm: bool = False):
        super().__init__()
        self.bn1 = ConditionalBatchNorm2d(in_ch, num_classes, cond_dim, spectral_norm)
        self.conv1 = maybe_sn(nn.Conv2d(in_ch, out_ch, 3, 1, 1), spectral_norm)
        self.bn2 = ConditionalBatchNorm2d(out_ch, num_classes, cond_dim, spectral_norm)
        self.conv2 = maybe_sn(nn.Conv2d(out_ch, out_ch, 3, 1, 1), spectral_norm)
        self.shortcut = maybe_sn(nn.Conv2d(in_ch, out_ch, 1), spectral_norm)

    def forward(self, x: Tensor, cond: Optional[Tensor] = None) -> Tensor:
        h = F.interpolate(F.relu(self.bn1(x, cond)), scale_factor=2, mode="nearest")
        h = self.conv2(F.relu(self.bn2(self.conv1(h), cond)))
        return h + self.shortcut(F.interpolate(x, scale_factor=2, mode="nearest"))


class DBlock(nn.Module):
    """Pre-activation residual block, optionally down-sampling; ``first`` is SNGAN's
    optimized block (no leading ReLU, pool before the shortcut conv)."""

    def __init__(self, in_ch: int, out_ch: int, down: bool, spectral_norm: bool, first: bool = False):
        super().__init__()
        self.conv1 = maybe_sn(nn.Conv2d(in_ch, out_ch, 3, 1, 1), spectral_norm)
        self.conv2 = maybe_sn(nn.Conv2d(out_ch, out_ch, 3, 1, 1), spectral_norm)
        self.learn_sc = down or in_ch != out_ch
        self.shortcut = maybe_sn(nn.Conv2d(in_ch, out_ch, 1), spectral_norm) if self.learn_sc else None
        self.down, self.first, self.out_ch = down, first, out_ch

    def forward(self, x: Tensor) -> Tensor:
        h = x if self.first else F.relu(x)
        h = self.conv2(F.relu(self.conv1(h)))
        if self.down:
            h = F.avg_pool2d(h, 2)
        sc = x
        if self.first:
            sc = self.shortcut(F.avg_pool2d(x, 2))
        elif self.learn_sc:
            sc = self.shortcut(x)
            sc = F.avg_pool2d(sc, 2) if self.down else sc
        return h + sc


@register_model("resnet", role="generator")
class ResNetGenerator(nn.Module):
    def __init__(self, z_dim: int = 128, shape: Sequence[int] = (3, 32, 32), num_classes: int = 0,
                 width: int = 64, attention: int = 0):
        super().__init__()
        channels, size = shape[0], shape[-1]
        n = num_blocks(size, "resnet")
        self.z_dim, self.num_classes, self.shape = z_dim, num_classes, tuple(shape)
        chs = [width * min(2 ** (n - i), 8) for i in range(n + 1)]  # 4x4 widest
        self.linear = nn.Linear(z_dim, chs[0] * 16)
        self.blocks = nn.ModuleList(GBlock(chs[i], chs[i + 1], num_classes) for i in range(n))
        self.attn = nn.ModuleDict({str(i): SelfAttention(chs[i + 1]) for i in range(n) if 2 ** (i + 3) == attention})
        self.out = nn.Sequential(nn.BatchNorm2d(chs[-1]), nn.ReLU(), nn.Conv2d(chs[-1], channels, 3, 1, 1), nn.Tanh())
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.xavier_uniform_(m.weight)

    def forward(self, z: Tensor, y: Optional[Tensor] = None) -> Tensor:
        """z: (N, z_dim), y: (N,) labels when conditional -> images (N, C, H, W) in [-1, 1]."""
        check_labels(self.num_classes, y)
        h = self.linear(z).view(z.shape[0], -1, 4, 4)
        for i, block in enumerate(self.blocks):
            h = block(h, y if self.num_classes else None)
            if str(i) in self.attn:
                h = self.attn[str(i)](h)
        return self.out(h)


@register_model("resnet", role="discriminator")
class ResNetDiscriminator(nn.Module):
    """``projection``: add the class projection term when conditional. ``aux_classifier``: add AC-GAN class
    logits."""
    def __init__(self, shape: Sequence[int] = (3, 32, 32), num_classes: int = 0, width: int = 64,
                 spectral_norm: bool = True, projection: bool = True, aux_classifier: bool = False,
                 attention: int = 0, t_dim: int = 0):
        super().__init__()
        channels, size = shape[0], shape[-1]
        n = num_blocks(size, "resnet")
        self.num_classes = num_classes
        chs = [width * min(2 ** i, 8) for i in range(n + 1)]
        blocks = [DBlock(channels, chs[0], True, spectral_norm, first=True)]
        blocks += [DBlock(chs[i], chs[i + 1], i < n - 2, spectral_norm) for i in range(n - 1)]
        blocks += [DBlock(chs[n - 1], chs[n - 1], False, spectral_norm)]
        self.blocks = nn.ModuleList(blocks)
        res, attn = size, {}
        for i, block in enumerate(blocks):  # attention after the block that outputs `attention` px
            res //= 2 if block.down else 1
            if res == attention and not attn:
                attn[str(i)] = SelfAttention(block.out_ch, spectral_norm)
        self.attn = nn.ModuleDict(attn)
        dim = chs[n - 1]
        self.head = make_head(dim, t_dim, maybe_sn(nn.Linear(dim, 1), spectral_norm))
        self.projection = Projection(num_classes, dim, spectral_norm) if num_classes and projection else None
        self.classifier = maybe_sn(nn.Linear(dim, num_classes), spectral_norm) if num_classes and aux_classifier else None

    def forward(self, x: Tensor, y: Optional[Tensor] = None, t: Optional[Tensor] = None) -> DOutput:
        """x: (N, C, H, W), t: (N,) diffusion steps when ``t_dim`` -> DOutput(logits (N,), features
        (N, F), class_logits (N, K) for ACGAN)."""
        if self.projection is not None:
            check_labels(self.num_classes, y)
        h = x
        for i, block in enumerate(self.blocks):
            h = block(h)
            if str(i) in self.attn:
                h = self.attn[str(i)](h)
        h = F.relu(h).sum(dim=(2, 3))  # global sum pooling
        logits = head_logits(self.head, h, t)
        if self.projection is not None:
            logits = logits + self.projection(h, y)
        class_logits = self.classifier(h) if self.classifier is not None else None
        return DOutput(logits=logits, features=h, class_logits=class_logits)
