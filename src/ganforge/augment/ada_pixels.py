"""Colour, image-space filtering and corruption parts of the StyleGAN2-ADA pipeline.

Transcribed from NVlabs/stylegan2-ada-pytorch, training/augment.py: colour transforms compose one
4 x 4 affine matrix on RGB (brightness, contrast, luma flip, hue rotation, saturation); filtering
amplifies four frequency bands of a ``sym2`` wavelet filter bank with random gains normalised to
keep the expected (1/f) power; corruptions add Gaussian noise of random strength and cut out a
square of half the image size. Each transform hits each sample with probability p.
"""
from __future__ import annotations

import math
from typing import Optional

import numpy as np
import scipy.signal
import torch
import torch.nn.functional as F

from ._random import rand, randn

Tensor = torch.Tensor
BRIGHTNESS_STD, CONTRAST_STD, HUE_MAX, SATURATION_STD = 0.2, 0.5, 1.0, 1.0
IMGFILTER_STD, IMGFILTER_BANDS, NOISE_STD, CUTOUT_SIZE = 1.0, (1, 1, 1, 1), 0.1, 0.5
# Daubechies symlet-2 low-pass (pywt 'sym2'); the reference builds its filter bank from it.
SYM2 = [-0.12940952255092145, 0.22414386804185735, 0.836516303737469, 0.48296291314469025]
EXPECTED_POWER = (10.0, 1.0, 1.0, 1.0)  # 1/f spectrum of natural images, per band (/ 13)


def _gate(value: Tensor, neutral: float, prob: float, g: Optional[torch.Generator]) -> Tensor:
    shape = (value.shape[0],) + (1,) * (value.dim() - 1)
    return torch.where(rand(shape, value, g) < prob, value, torch.full_like(value, neutral))


def _rotate_about(v: Tensor, theta: Tensor) -> Tensor:
    """N x 4 x 4 rotations by ``theta`` about the unit 3-vector ``v`` (the reference's rotate3d)."""
    vx, vy, vz = (float(c) for c in v)
    s, c = torch.sin(theta), torch.cos(theta)
    cc, o, z = 1 - c, torch.ones_like(theta), torch.zeros_like(theta)
    rows = [[vx * vx * cc + c, vx * vy * cc - vz * s, vx * vz * cc + vy * s, z],
            [vy * vx * cc + vz * s, vy * vy * cc + c, vy * vz * cc - vx * s, z],
            [vz * vx * cc - vy * s, vz * vy * cc + vx * s, vz * vz * cc + c, z],
            [z, z, z, o]]
    return torch.stack([torch.stack(r, dim=-1) for r in rows], dim=-2)


def color_matrix(n: int, channels: int, p: float, device, generator: Optional[torch.Generator] = None) -> Tensor:
    """N x 4 x 4 colour maps: C @ [r, g, b, 1] (hue and saturation only for multi-channel images)."""
    g = generator
    like = torch.empty(n, device=device)
    eye = torch.eye(4, device=device)
    c = eye.repeat(n, 1, 1)
    b = _gate(randn((n,), like, g) * BRIGHTNESS_STD, 0.0, p, g)
    shift = eye.repeat(n, 1, 1)
    shift[:, :3, 3] = b[:, None]
    c = shift @ c
    k = _gate(torch.exp2(randn((n,), like, g) * CONTRAST_STD), 1.0, p, g)
    c = torch.diag_embed(torch.stack([k, k, k, torch.ones_like(k)], dim=-1)) @ c
    v = torch.tensor([1.0, 1.0, 1.0, 0.0], device=device) / math.sqrt(3)  # luma axis
    vv = torch.outer(v, v)
    i = _gate(torch.floor(rand((n, 1, 1), like, g) * 2), 0.0, p, g)
    c = (eye - 2 * vv * i) @ c  # Householder reflection of the luma axis
    if channels > 1:
        theta = _gate((rand((n,), like, g) * 2 - 1) * math.pi * HUE_MAX, 0.0, p, g)
        c = _rotate_about(v[:3], theta) @ c
        s = _gate(torch.exp2(randn((n, 1, 1), like, g) * SATURATION_STD), 1.0, p, g)
        c = (vv + (eye - vv) * s) @ c
    return c


def apply_color(x: Tensor, c: Tensor) -> Tensor:
    """Apply N x 4 x 4 colour maps to N x C x H x W images. RGB uses the full map; other channel
    counts treat each channel as a grey level (r = g = b), as the reference does for 1 channel."""
    n, ch, h, w = x.shape
    c = c.to(x.dtype)
    flat = x.reshape(n, ch, h * w)
    if ch == 3:
        out = c[:, :3, :3] @ flat + c[:, :3, 3:]
    else:
        grey = c[:, :3, :].mean(dim=1, keepdim=True)  # N x 1 x 4
        out = flat * grey[:, :, :3].sum(dim=2, keepdim=True) + grey[:, :, 3:]
    return out.reshape(n, ch, h, w)


def filter_bank() -> np.ndarray:
    """4 x 43 band-pass filters (low to high frequencies) built from ``sym2``, as the reference."""
    lo = np.asarray(SYM2)
    hi = lo * ((-1) ** np.arange(lo.size))
    lo2 = np.convolve(lo, lo[::-1]) / 2
    hi2 = np.convolve(hi, hi[::-1]) / 2
    bank = np.eye(4, 1)
    for i in range(1, bank.shape[0]):
        bank = np.dstack([bank, np.zeros_like(bank)]).reshape(bank.shape[0], -1)[:, :-1]  # dilate 2x
        bank = scipy.signal.convolve(bank, [lo2])
        bank[i, (bank.shape[1] - hi2.size) // 2:(bank.shape[1] + hi2.size) // 2] += hi2
    return bank


_BANK = torch.as_tensor(filter_bank(), dtype=torch.float32)


def _reflect_pad(x: Tensor, p: int) -> Tensor:
    # Reflect padding is limited to size - 1 per call; repeat it for images smaller than the filter.
    while p > 0:
        step = min(p, x.shape[-1] - 1, x.shape[-2] - 1)
        x = F.pad(x, [step] * 4, mode="reflect")
        p -= step
    return x


def image_filter(x: Tensor, p: float, generator: Optional[torch.Generator] = None) -> Tensor:
    """Amplify or attenuate each frequency band by 2^N(0, 1), keeping the expected power."""
    n, ch, h, w = x.shape
    g = generator
    like = torch.empty(n, device=x.device)
    bank = _BANK.to(x.device)
    power = torch.tensor(EXPECTED_POWER, device=x.device) / sum(EXPECTED_POWER)
    gains = torch.ones(n, bank.shape[0], device=x.device)
    for i, band_strength in enumerate(IMGFILTER_BANDS):
        t_i = _gate(torch.exp2(randn((n,), like, g) * IMGFILTER_STD), 1.0, p * band_strength, g)
        t = torch.ones(n, bank.shape[0], device=x.device)
        t[:, i] = t_i
        gains = gains * t / (power * t.square()).sum(dim=-1, keepdim=True).sqrt()
    taps = (gains @ bank)[:, None].repeat(1, ch, 1).reshape(n * ch, 1, -1).to(x.dtype)
    pad = bank.shape[1] // 2
    y = _reflect_pad(x.reshape(1, n * ch, h, w), pad)
    y = F.conv2d(y, taps.unsqueeze(2), groups=n * ch)
    y = F.conv2d(y, taps.unsqueeze(3), groups=n * ch)
    return y.reshape(n, ch, h, w)


def additive_noise(x: Tensor, p: float, generator: Optional[torch.Generator] = None) -> Tensor:
    """x + N(0, sigma^2) with sigma = |N(0, 1)| * 0.1 per sample."""
    n = x.shape[0]
    sigma = _gate(randn((n, 1, 1, 1), x, generator).abs() * NOISE_STD, 0.0, p, generator)
    return x + randn(x.shape, x, generator) * sigma


def cutout(x: Tensor, p: float, generator: Optional[torch.Generator] = None) -> Tensor:
    """Zero a rectangle of half the width and height at a uniform random centre."""
    n, _, h, w = x.shape
    size = _gate(torch.full((n, 2, 1, 1, 1), CUTOUT_SIZE, device=x.device), 0.0, p, generator)
    center = rand((n, 2, 1, 1, 1), size, generator)
    cx = torch.arange(w, device=x.device).reshape(1, 1, 1, -1)
    cy = torch.arange(h, device=x.device).reshape(1, 1, -1, 1)
    mask_x = ((cx + 0.5) / w - center[:, 0]).abs() >= size[:, 0] / 2
    mask_y = ((cy + 0.5) / h - center[:, 1]).abs() >= size[:, 1] / 2
    return x * torch.logical_or(mask_x, mask_y).to(x.dtype)
