"""R3GAN-style normalization-free ResNets (Huang et al. 2024, "The GAN is dead; long live the GAN!").

Each stage is a transition (bilinear resample + 1x1 conv to the stage width) followed by
residual bottleneck blocks: 1x1 conv (expand) -> leaky ReLU -> grouped 3x3 conv -> leaky ReLU
-> 1x1 conv. No normalization layers anywhere; stability comes from fix-up initialisation
(the last conv of every residual branch starts at zero and the others are scaled by
L^(-1/(2m - 2)) for L blocks of m convs) together with the relativistic loss and R1 + R2
(``loss=rpgan regularizer=r1r2``). G starts from a learned linear map to 4x4; D ends with a
4x4 depthwise "basis" conv and a linear head (projection when conditional).
"""
from __future__ import annotations

import math
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .base import DOutput, Projection, check_labels, maybe_sn
from .registry import register_model
from .resnet import num_blocks

Tensor = torch.Tensor


def _act(x: Tensor) -> Tensor:
    return F.leaky_relu(x, 0.2)


class Bottleneck(nn.Module):
    def __init__(self, ch: int, expansion: int, group_size: int, variance_scale: float, spectral_norm: bool = False):
        super().__init__()
        hidden = ch * expansion
        groups = max(1, hidden // group_size)
        self.conv1 = maybe_sn(nn.Conv2d(ch, hidden, 1), spectral_norm)
        self.conv2 = maybe_sn(nn.Conv2d(hidden, hidden, 3, 1, 1, groups=groups), spectral_norm)
        self.conv3 = maybe_sn(nn.Conv2d(hidden, ch, 1, bias=False), spectral_norm)
        # spectral norm would divide a zero matrix by its zero norm, so fix-up's zero start is skipped then
        last = variance_scale if spectral_norm else 0.0
        for conv, gain in ((self.conv1, variance_scale), (self.conv2, variance_scale), (self.conv3, last)):
            w = conv.parametrizations.weight.original if hasattr(conv, "parametrizations") else conv.weight
            fan_in = w[0].numel()
            nn.init.normal_(w, 0.0, gain * math.sqrt(2 / (1 + 0.2 ** 2)) / math.sqrt(fan_in))
            if conv.bias is not None:
                nn.init.zeros_(conv.bias)

    def forward(self, x: Tensor) -> Tensor:
        return x + self.conv3(_act(self.conv2(_act(self.conv1(x)))))


def _stage(ch: int, blocks: int, expansion: int, group_size: int, total_blocks: int, sn: bool = False) -> nn.Sequential:
    scale = total_blocks ** (-1 / (2 * 3 - 2))  # fix-up: m = 3 convs per residual branch
    return nn.Sequential(*[Bottleneck(ch, expansion, group_size, scale, sn) for _ in range(blocks)])


@register_model("r3gan", role="generator")
class R3GANGenerator(nn.Module):
    """``blocks_per_stage``: bottleneck blocks per resolution. ``expansion``: channel expansion inside each
    bottleneck."""
    def __init__(self, z_dim: int = 64, shape: Sequence[int] = (3, 32, 32), num_classes: int = 0, width: int = 32,
                 max_channels: int = 256, blocks_per_stage: int = 1, expansion: int = 2, group_size: int = 16,
                 embed_dim: int = 32):
        super().__init__()
        channels, size = shape[0], shape[-1]
        n = num_blocks(size, "r3gan")
        self.z_dim, self.num_classes, self.shape = z_dim, num_classes, tuple(shape)
        chs = [min(width * 2 ** (n - i), max_channels) for i in range(n + 1)]
        self.embed = nn.Embedding(num_classes, embed_dim) if num_classes else None
        self.basis = nn.Linear(z_dim + (embed_dim if num_classes else 0), chs[0] * 16)
        total = blocks_per_stage * (n + 1)
        self.stages = nn.ModuleList([_stage(chs[0], blocks_per_stage, expansion, group_size, total)])
        self.transitions = nn.ModuleList()
        for i in range(n):
            self.transitions.append(nn.Conv2d(chs[i], chs[i + 1], 1, bias=False))
            self.stages.append(_stage(chs[i + 1], blocks_per_stage, expansion, group_size, total))
        self.to_rgb = nn.Conv2d(chs[-1], channels, 1)

    def forward(self, z: Tensor, y: Optional[Tensor] = None) -> Tensor:
        """z: (N, z_dim), y: (N,) labels when conditional -> images (N, C, H, W) in [-1, 1]."""
        check_labels(self.num_classes, y)
        if self.embed is not None:
            z = torch.cat([z, self.embed(y)], dim=1)
        h = _act(self.basis(z)).view(z.shape[0], -1, 4, 4)
        h = self.stages[0](h)
        for transition, stage in zip(self.transitions, self.stages[1:]):
            h = stage(transition(F.interpolate(h, scale_factor=2, mode="bilinear", align_corners=False)))
        return torch.tanh(self.to_rgb(h))


@register_model("r3gan", role="discriminator")
class R3GANDiscriminator(nn.Module):
    """``blocks_per_stage``: bottleneck blocks per resolution. ``expansion``: channel expansion inside each
    bottleneck."""
    def __init__(self, shape: Sequence[int] = (3, 32, 32), num_classes: int = 0, width: int = 32,
                 max_channels: int = 256, blocks_per_stage: int = 1, expansion: int = 2, group_size: int = 16,
                 spectral_norm: bool = False):
        super().__init__()
        channels, size = shape[0], shape[-1]
        n = num_blocks(size, "r3gan")
        self.num_classes = num_classes
        chs = [min(width * 2 ** i, max_channels) for i in range(n + 1)]
        sn = spectral_norm
        self.from_rgb = maybe_sn(nn.Conv2d(channels, chs[0], 1), sn)
        total = blocks_per_stage * (n + 1)
        self.blocks = nn.ModuleList()  # stage i: residual blocks at its resolution, then down + widen
        self.transitions = nn.ModuleList()
        for i in range(n):
            self.blocks.append(_stage(chs[i], blocks_per_stage, expansion, group_size, total, sn))
            self.transitions.append(maybe_sn(nn.Conv2d(chs[i], chs[i + 1], 1, bias=False), sn))
        self.blocks.append(_stage(chs[n], blocks_per_stage, expansion, group_size, total, sn))
        self.basis = maybe_sn(nn.Conv2d(chs[n], chs[n], 4, groups=chs[n], bias=False), sn)
        self.head = maybe_sn(nn.Linear(chs[n], 1), sn)
        self.projection = Projection(num_classes, chs[n], sn) if num_classes else None

    def forward(self, x: Tensor, y: Optional[Tensor] = None) -> DOutput:
        """x: (N, C, H, W) -> DOutput(logits (N,), features (N, F))."""
        check_labels(self.num_classes, y)
        h = self.from_rgb(x)
        for stage, transition in zip(self.blocks, self.transitions):
            h = transition(F.interpolate(stage(h), scale_factor=0.5, mode="bilinear", align_corners=False,
                                         antialias=True))
        h = self.basis(self.blocks[-1](h)).flatten(1)
        logits = self.head(h).squeeze(1)
        if self.projection is not None:
            logits = logits + self.projection(h, y)
        return DOutput(logits=logits, features=h)
