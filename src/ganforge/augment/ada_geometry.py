"""Geometric part of the StyleGAN2-ADA pipeline: pixel blitting and general transforms.

Transcribed from NVlabs/stylegan2-ada-pytorch, training/augment.py (``AugmentPipe.forward``):
every transform adds its *inverse* to one homogeneous matrix G_inv (output pixel -> input pixel,
origin at the image centre), each gated per sample by ``rand < p``. The composed warp is executed
once, anti-aliased: reflect-pad by the margin the transform needs, up-sample 2x with the
orthogonal ``sym6`` wavelet low-pass, bilinear ``grid_sample`` at 2x, filter and down-sample 2x
(instead of one aliasing ``grid_sample`` at 1x).
"""
from __future__ import annotations

import math
from typing import Optional

import torch
import torch.nn.functional as F

from ..fir import downsample2d, setup_filter, upsample2d
from ._random import rand, randn

Tensor = torch.Tensor
XINT_MAX, SCALE_STD, ROTATE_MAX, ANISO_STD, XFRAC_STD = 0.125, 0.2, 1.0, 0.2, 0.125
# Daubechies symlet-6 low-pass (pywt 'sym6'), the reference's Hz_geom.
SYM6 = [0.015404109327027373, 0.0034907120842174702, -0.11799011114819057, -0.048311742585633,
        0.4910559419267466, 0.787641141030194, 0.3379294217276218, -0.07263752278646252,
        -0.021060292512300564, 0.04472490177066578, 0.0017677118642428036, -0.007800708325034148]


def matrix3(rows, like: Tensor) -> Tensor:
    """N x 3 x 3 from rows of per-sample tensors (N,) or Python numbers."""
    ref = next(v for row in rows for v in row if isinstance(v, Tensor))
    elems = [v if isinstance(v, Tensor) else torch.full_like(ref, float(v)) for row in rows for v in row]
    return torch.stack(elems, dim=-1).reshape(ref.shape + (len(rows), -1))


def translate2d(tx: Tensor, ty: Tensor) -> Tensor:
    return matrix3([[1, 0, tx], [0, 1, ty], [0, 0, 1]], tx)


def scale2d(sx: Tensor, sy: Tensor) -> Tensor:
    return matrix3([[sx, 0, 0], [0, sy, 0], [0, 0, 1]], sx)


def rotate2d(theta: Tensor) -> Tensor:
    return matrix3([[torch.cos(theta), torch.sin(-theta), 0], [torch.sin(theta), torch.cos(theta), 0], [0, 0, 1]],
                   theta)


def _const3(m, device) -> Tensor:
    return torch.tensor(m, dtype=torch.float32, device=device)


def _gate(value: Tensor, neutral: float, prob: float, g: Optional[torch.Generator]) -> Tensor:
    """Keep ``value`` per sample where U[0, 1) < ``prob``, else the neutral value (one draw per sample)."""
    shape = (value.shape[0],) + (1,) * (value.dim() - 1)
    return torch.where(rand(shape, value, g) < prob, value, torch.full_like(value, neutral))


def geometric_inverse(n: int, height: int, width: int, p: float, blit: bool, general: bool, device,
                      generator: Optional[torch.Generator] = None) -> Tensor:
    """N x 3 x 3 inverse transforms (output -> input pixels, centred) of the enabled groups.

    blit: x-flip, 90-degree rotations, integer translation; general: isotropic scaling, pre-
    rotation, anisotropic scaling, post-rotation, fractional translation (published ranges).
    """
    g = generator
    like = torch.empty(n, device=device)
    m = torch.eye(3, device=device).repeat(n, 1, 1)
    one = torch.ones(n, device=device)
    if blit:
        i = _gate(torch.floor(rand((n,), like, g) * 2), 0.0, p, g)
        m = m @ scale2d(1 / (1 - 2 * i), one)
        i = _gate(torch.floor(rand((n,), like, g) * 4), 0.0, p, g)
        m = m @ rotate2d(math.pi / 2 * i)  # rotate2d_inv(-pi/2 * i)
        t = _gate((rand((n, 2), like, g) * 2 - 1) * XINT_MAX, 0.0, p, g)
        m = m @ translate2d(-torch.round(t[:, 0] * width), -torch.round(t[:, 1] * height))
    if general:
        s = _gate(torch.exp2(randn((n,), like, g) * SCALE_STD), 1.0, p, g)
        m = m @ scale2d(1 / s, 1 / s)
        p_rot = 1 - math.sqrt(min(max(1 - p, 0.0), 1.0))  # P(pre or post rotation) = p
        theta = _gate((rand((n,), like, g) * 2 - 1) * math.pi * ROTATE_MAX, 0.0, p_rot, g)
        m = m @ rotate2d(theta)  # rotate2d_inv(-theta), before anisotropic scaling
        s = _gate(torch.exp2(randn((n,), like, g) * ANISO_STD), 1.0, p, g)
        m = m @ scale2d(1 / s, s)
        theta = _gate((rand((n,), like, g) * 2 - 1) * math.pi * ROTATE_MAX, 0.0, p_rot, g)
        m = m @ rotate2d(theta)  # after anisotropic scaling
        t = _gate(randn((n, 2), like, g) * XFRAC_STD, 0.0, p, g)
        m = m @ translate2d(-t[:, 0] * width, -t[:, 1] * height)
    return m


def warp(x: Tensor, g_inv: Tensor) -> Tensor:
    """Resample N x C x H x W ``x`` through N x 3 x 3 inverse maps, anti-aliased at 2x.

    Follows the reference step by step: the padding margin covers where the corners land, the
    origin shift of an asymmetric pad, the 2x up-sampling (and its half-pixel offset), the
    normalised coordinates of ``affine_grid``, then a 2x down-sampling that crops the pad back.
    """
    n, c, h, w = x.shape
    dev = x.device
    hz = setup_filter(SYM6).to(dev)
    hz_pad = hz.numel() // 4
    g_inv = g_inv.to(dev, torch.float32)
    cx, cy = (w - 1) / 2, (h - 1) / 2
    corners = _const3([[-cx, -cy, 1], [cx, -cy, 1], [cx, cy, 1], [-cx, cy, 1]], dev)
    cp = g_inv @ corners.t()  # N x 3 x 4
    margin = cp[:, :2, :].permute(1, 0, 2).flatten(1)  # [xy, N * 4]
    margin = torch.cat([-margin, margin]).max(dim=1).values  # x0, y0, x1, y1
    margin = margin + _const3([hz_pad * 2 - cx, hz_pad * 2 - cy] * 2, dev)
    margin = margin.max(torch.zeros(4, device=dev)).min(_const3([w - 1, h - 1] * 2, dev))
    mx0, my0, mx1, my1 = (int(v) for v in margin.ceil().tolist())

    x = F.pad(x, [mx0, mx1, my0, my1], mode="reflect")
    ones, halves = torch.ones(n, device=dev), torch.full((n,), 0.5, device=dev)
    g_inv = translate2d(ones * (mx0 - mx1) / 2, ones * (my0 - my1) / 2) @ g_inv
    x = upsample2d(x, hz, up=2)
    g_inv = scale2d(2 * ones, 2 * ones) @ g_inv @ scale2d(ones / 2, ones / 2)
    g_inv = translate2d(-halves, -halves) @ g_inv @ translate2d(halves, halves)
    shape = [n, c, (h + hz_pad * 2) * 2, (w + hz_pad * 2) * 2]
    g_inv = (scale2d(ones * 2 / x.shape[3], ones * 2 / x.shape[2]) @ g_inv
             @ scale2d(ones * shape[3] / 2, ones * shape[2] / 2))
    grid = F.affine_grid(g_inv[:, :2, :].to(x.dtype), shape, align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    return downsample2d(x, hz, down=2, padding=-hz_pad * 2, flip_filter=True)
