"""Layers shared by the architecture zoo: conditional batch norm, self-attention, equalized
learning rate, pixel norm, minibatch standard deviation and the orthogonal regularizer."""
from __future__ import annotations

import math
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from .base import maybe_sn

Tensor = torch.Tensor


class ConditionalBatchNorm2d(nn.Module):
    """Batch norm whose scale and shift come from the class (de Vries et al. 2017; SNGAN, BigGAN).

    With ``num_classes`` the gain/bias are per-class embeddings (gain initialised to 1); with
    ``cond_dim`` they are linear functions of a conditioning vector (BigGAN's shared embedding
    plus a latent chunk), gain = 1 + linear(c). With neither it is a plain affine batch norm.
    """

    def __init__(self, channels: int, num_classes: int = 0, cond_dim: int = 0, spectral_norm: bool = False):
        super().__init__()
        self.bn = nn.BatchNorm2d(channels, affine=not (num_classes or cond_dim))
        self.num_classes, self.cond_dim = num_classes, cond_dim
        if cond_dim:
            self.gain = maybe_sn(nn.Linear(cond_dim, channels, bias=False), spectral_norm)
            self.bias = maybe_sn(nn.Linear(cond_dim, channels, bias=False), spectral_norm)
        elif num_classes:
            self.gain = nn.Embedding(num_classes, channels)
            self.bias = nn.Embedding(num_classes, channels)
            nn.init.ones_(self.gain.weight)
            nn.init.zeros_(self.bias.weight)

    def forward(self, x: Tensor, cond: Optional[Tensor] = None) -> Tensor:
        """x: (N, C, H, W); cond: labels (N,) for class embeddings or vectors (N, cond_dim)."""
        h = self.bn(x)
        if self.cond_dim:
            return h * (1 + self.gain(cond))[:, :, None, None] + self.bias(cond)[:, :, None, None]
        if self.num_classes:
            return h * self.gain(cond)[:, :, None, None] + self.bias(cond)[:, :, None, None]
        return h


class SelfAttention(nn.Module):
    """SAGAN self-attention (Zhang et al. 2019): theta/phi/g 1x1 convs, phi and g max-pooled
    2x2, output scaled by a learned gamma that starts at 0 so the block begins as identity."""

    def __init__(self, channels: int, spectral_norm: bool = False):
        super().__init__()
        c8, c2 = max(channels // 8, 1), max(channels // 2, 1)
        self.theta = maybe_sn(nn.Conv2d(channels, c8, 1, bias=False), spectral_norm)
        self.phi = maybe_sn(nn.Conv2d(channels, c8, 1, bias=False), spectral_norm)
        self.g = maybe_sn(nn.Conv2d(channels, c2, 1, bias=False), spectral_norm)
        self.o = maybe_sn(nn.Conv2d(c2, channels, 1, bias=False), spectral_norm)
        self.gamma = nn.Parameter(torch.zeros(()))

    def forward(self, x: Tensor) -> Tensor:
        n, c, h, w = x.shape
        theta = self.theta(x).flatten(2)                       # N, C/8, HW
        phi = F.max_pool2d(self.phi(x), 2).flatten(2)          # N, C/8, HW/4
        g = F.max_pool2d(self.g(x), 2).flatten(2)              # N, C/2, HW/4
        attn = torch.softmax(theta.transpose(1, 2) @ phi, dim=-1)  # N, HW, HW/4
        o = (g @ attn.transpose(1, 2)).view(n, -1, h, w)
        return x + self.gamma * self.o(o)


def orthogonal_penalty(module: nn.Module) -> Tensor:
    """BigGAN's orthogonal regularization sum_W ||W W^T * (1 - I)||_F^2 over conv/linear
    weights (rows = output units); it ignores the diagonal, so only filter angles matter."""
    total = None
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            w = m.parametrizations.weight.original if hasattr(m, "parametrizations") else m.weight
            w = w.flatten(1)
            gram = w @ w.t()
            value = (gram * (1 - torch.eye(gram.shape[0], device=w.device, dtype=w.dtype))).square().sum()
            total = value if total is None else total + value
    return total if total is not None else torch.zeros(())


# ----------------------------------------------------------------------- equalized lr

class EqualLinear(nn.Module):
    """Linear layer with equalized learning rate (Karras et al. 2018): weights stored as
    N(0, 1) / lr_mul and scaled at run time by gain * lr_mul / sqrt(fan_in), so Adam's
    per-parameter step is the same for every layer whatever its fan-in. ``gain`` sqrt(2) is
    He's (PGGAN's get_weight default); StyleGAN2 keeps 1 and puts sqrt(2) in its activation."""

    def __init__(self, in_dim: int, out_dim: int, bias: bool = True, lr_mul: float = 1.0, bias_init: float = 0.0,
                 gain: float = 1.0):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_dim, in_dim) / lr_mul)
        self.bias = nn.Parameter(torch.full((out_dim,), float(bias_init) / lr_mul)) if bias else None
        self.scale, self.lr_mul = gain * lr_mul / math.sqrt(in_dim), lr_mul

    def forward(self, x: Tensor) -> Tensor:
        bias = self.bias * self.lr_mul if self.bias is not None else None
        weight = self.weight  # read once: a spectral-norm parametrization recomputes it on access
        if x.numel() < weight.numel():  # scale the smaller operand: the same product, less work
            return F.linear(x * self.scale, weight, bias)
        return F.linear(x, weight * self.scale, bias)


class EqualConv2d(nn.Module):
    """Conv with equalized learning rate: weight N(0, 1), scaled by gain / sqrt(in * k * k)."""

    def __init__(self, in_ch: int, out_ch: int, kernel: int, padding: int = 0, bias: bool = True, gain: float = 1.0):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_ch, in_ch, kernel, kernel))
        self.bias = nn.Parameter(torch.zeros(out_ch)) if bias else None
        self.scale, self.padding = gain / math.sqrt(in_ch * kernel * kernel), padding

    def forward(self, x: Tensor) -> Tensor:
        return F.conv2d(x, self.weight * self.scale, self.bias, padding=self.padding)


class PixelNorm(nn.Module):
    """Normalise each pixel's feature vector to unit average square (PGGAN, StyleGAN mapping)."""

    def forward(self, x: Tensor) -> Tensor:
        return x * torch.rsqrt(x.square().mean(dim=1, keepdim=True) + 1e-8)


class MinibatchStd(nn.Module):
    """Append the average over features of the per-group batch standard deviation as extra
    channel(s), so D can see a lack of variety across samples (PGGAN)."""

    def __init__(self, group_size: int = 4, num_channels: int = 1):
        super().__init__()
        self.group_size, self.num_channels = group_size, num_channels

    def forward(self, x: Tensor) -> Tensor:
        n, c, h, w = x.shape
        g = min(self.group_size, n)
        while n % g:  # largest group size that divides the batch
            g -= 1
        f = self.num_channels
        y = x.reshape(g, -1, f, c // f, h, w)
        y = (y - y.mean(dim=0)).square().mean(dim=0).add(1e-8).sqrt()  # n/g, f, c/f, h, w
        y = y.mean(dim=(2, 3, 4)).reshape(-1, f, 1, 1).repeat(g, 1, h, w)
        return torch.cat([x, y], dim=1)
