"""R3GAN networks (Huang et al. 2024, "The GAN is dead; long live the GAN!"), as brownvc/R3GAN
R3GAN/Networks.py builds them, sized for CPU by ``width``/``max_channels``.

Each stage is a transition plus residual bottleneck blocks: 1x1 conv (expand) -> bias + leaky
ReLU -> grouped 3x3 conv -> bias + leaky ReLU -> 1x1 conv. No normalization layers anywhere.
Every layer uses the reference's MSR initialisation N(0, gain / sqrt(fan_in)) with zero biases:
gain 1 on linear layers (transitions, bases, toRGB/fromRGB, head), sqrt(2 / (1 + 0.2^2)) x
L^(-1/(2m - 2)) on the first two convs of a residual branch (L blocks of m = 3 convs, fix-up
style), 0 on the last one, so every branch starts as the identity. G starts from a generative
basis (a learned 4x4 x C tensor scaled per channel by a linear map of z) and its transitions
change the width with a 1x1 conv *before* up-sampling; D's transitions down-sample first. The
resamplers are the reference's interpolative [1, 2, 1] FIR filters (upfirdn2d). G's output is
linear (toRGB, no tanh; eval mode clamps to [-1, 1]). D ends with a 4x4 depthwise basis conv and
a linear head (plus a projection term when conditional). Train it with ``loss=rpgan
regularizer=r1r2`` and the cosine schedules of ``r3gan-mnist``.
"""
from __future__ import annotations

import math
from typing import Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..fir import downsample2d, setup_filter, upsample2d
from .base import DOutput, Projection, check_labels, maybe_sn
from .registry import register_model
from .resnet import num_blocks
from .timestep import head_logits, make_head

Tensor = torch.Tensor
ACT_GAIN = math.sqrt(2 / (1 + 0.2 ** 2))  # the reference's BiasedActivation.Gain for leaky ReLU 0.2
RESAMPLE_FILTER = (1, 2, 1)  # Networks.py ResamplingFilter default; convolved with [1, 1] -> [1, 3, 3, 1]


def _act(x: Tensor) -> Tensor:
    return F.leaky_relu(x, 0.2)


def msr_init(layer: nn.Module, gain: float = 1.0) -> nn.Module:
    """The reference's MSRInitializer: weight ~ N(0, gain / sqrt(fan_in)), bias 0."""
    w = layer.parametrizations.weight.original if hasattr(layer, "parametrizations") else layer.weight
    fan_in = w.shape[1] * w[0][0].numel()
    with torch.no_grad():
        w.normal_(0.0, gain / math.sqrt(fan_in))
        if getattr(layer, "bias", None) is not None:
            layer.bias.zero_()
    return layer


def _lowpass() -> Tensor:
    """The reference's CreateLowpassKernel(Inplace=False): [1, 2, 1] * [1, 1] = [1, 3, 3, 1], unit sum."""
    return setup_filter(np.convolve(RESAMPLE_FILTER, [1, 1]).tolist())


class Bottleneck(nn.Module):
    def __init__(self, ch: int, expansion: int, group_size: int, variance_scale: float, spectral_norm: bool = False):
        super().__init__()
        hidden = ch * expansion
        groups = max(1, hidden // group_size)
        self.conv1 = maybe_sn(nn.Conv2d(ch, hidden, 1), spectral_norm)
        self.conv2 = maybe_sn(nn.Conv2d(hidden, hidden, 3, 1, 1, groups=groups), spectral_norm)
        self.conv3 = maybe_sn(nn.Conv2d(hidden, ch, 1, bias=False), spectral_norm)
        # spectral norm would divide a zero matrix by its zero norm, so the zero start is skipped then
        gain = ACT_GAIN * variance_scale
        for conv, g in ((self.conv1, gain), (self.conv2, gain), (self.conv3, gain if spectral_norm else 0.0)):
            msr_init(conv, g)

    def forward(self, x: Tensor) -> Tensor:
        return x + self.conv3(_act(self.conv2(_act(self.conv1(x)))))


def _stage(ch: int, blocks: int, expansion: int, group_size: int, total_blocks: int, sn: bool = False) -> nn.Sequential:
    scale = total_blocks ** (-1 / (2 * 3 - 2))  # L^(-1/(2m-2)) with m = 3 convs per residual branch
    return nn.Sequential(*[Bottleneck(ch, expansion, group_size, scale, sn) for _ in range(blocks)])


def _conv1x1(cin: int, cout: int, sn: bool = False) -> nn.Module:
    return msr_init(maybe_sn(nn.Conv2d(cin, cout, 1, bias=False), sn)) if cin != cout else nn.Identity()


class GenerativeBasis(nn.Module):
    """z (N, D) -> basis (C, 4, 4) scaled per channel by a linear map of z: (N, C, 4, 4)."""

    def __init__(self, in_dim: int, channels: int):
        super().__init__()
        self.basis = nn.Parameter(torch.randn(channels, 4, 4))
        self.linear = msr_init(nn.Linear(in_dim, channels, bias=False))

    def forward(self, z: Tensor) -> Tensor:
        return self.basis[None] * self.linear(z)[:, :, None, None]


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
        if self.embed is not None:  # a bias-free linear map of the one-hot label, MSR gain 1
            nn.init.normal_(self.embed.weight, 0.0, 1 / math.sqrt(num_classes))
        self.basis = GenerativeBasis(z_dim + (embed_dim if num_classes else 0), chs[0])
        total = blocks_per_stage * (n + 1)
        self.stages = nn.ModuleList([_stage(chs[0], blocks_per_stage, expansion, group_size, total)])
        self.transitions = nn.ModuleList()
        for i in range(n):
            self.transitions.append(_conv1x1(chs[i], chs[i + 1]))
            self.stages.append(_stage(chs[i + 1], blocks_per_stage, expansion, group_size, total))
        self.to_rgb = msr_init(nn.Conv2d(chs[-1], channels, 1, bias=False))
        self.register_buffer("lowpass", _lowpass(), persistent=False)

    def forward(self, z: Tensor, y: Optional[Tensor] = None) -> Tensor:
        """z: (N, z_dim), y: (N,) labels when conditional -> images (N, C, H, W): linear in training,
        clamped to [-1, 1] in eval mode (sampling)."""
        check_labels(self.num_classes, y)
        if self.embed is not None:
            z = torch.cat([z, self.embed(y)], dim=1)
        h = self.stages[0](self.basis(z))
        for transition, stage in zip(self.transitions, self.stages[1:]):
            h = stage(upsample2d(transition(h), self.lowpass))
        rgb = self.to_rgb(h)
        return rgb if self.training else rgb.clamp(-1, 1)


@register_model("r3gan", role="discriminator")
class R3GANDiscriminator(nn.Module):
    """``blocks_per_stage``: bottleneck blocks per resolution. ``expansion``: channel expansion inside each
    bottleneck."""
    def __init__(self, shape: Sequence[int] = (3, 32, 32), num_classes: int = 0, width: int = 32,
                 max_channels: int = 256, blocks_per_stage: int = 1, expansion: int = 2, group_size: int = 16,
                 spectral_norm: bool = False, t_dim: int = 0):
        super().__init__()
        channels, size = shape[0], shape[-1]
        n = num_blocks(size, "r3gan")
        self.num_classes = num_classes
        chs = [min(width * 2 ** i, max_channels) for i in range(n + 1)]
        sn = spectral_norm
        self.from_rgb = msr_init(maybe_sn(nn.Conv2d(channels, chs[0], 1, bias=False), sn))
        total = blocks_per_stage * (n + 1)
        self.blocks = nn.ModuleList()  # stage i: residual blocks at its resolution, then down + widen
        self.transitions = nn.ModuleList()
        for i in range(n):
            self.blocks.append(_stage(chs[i], blocks_per_stage, expansion, group_size, total, sn))
            self.transitions.append(_conv1x1(chs[i], chs[i + 1], sn))
        self.blocks.append(_stage(chs[n], blocks_per_stage, expansion, group_size, total, sn))
        self.basis = msr_init(maybe_sn(nn.Conv2d(chs[n], chs[n], 4, groups=chs[n], bias=False), sn))
        self.head = make_head(chs[n], t_dim, msr_init(maybe_sn(nn.Linear(chs[n], 1, bias=False), sn)))
        self.projection = Projection(num_classes, chs[n], sn) if num_classes else None
        self.register_buffer("lowpass", _lowpass(), persistent=False)

    def forward(self, x: Tensor, y: Optional[Tensor] = None, t: Optional[Tensor] = None) -> DOutput:
        """x: (N, C, H, W), t: (N,) diffusion steps when ``t_dim`` -> DOutput(logits (N,), features (N, F))."""
        check_labels(self.num_classes, y)
        h = self.from_rgb(x)
        for stage, transition in zip(self.blocks, self.transitions):
            h = transition(downsample2d(stage(h), self.lowpass))
        h = self.basis(self.blocks[-1](h)).flatten(1)
        logits = head_logits(self.head, h, t)
        if self.projection is not None:
            logits = logits + self.projection(h, y)
        return DOutput(logits=logits, features=h)
