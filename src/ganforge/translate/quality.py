"""Image quality against a reference: PSNR, SSIM (Wang et al. 2004) and cycle-consistency error.

Inputs are image batches (N, C, H, W) in [-1, 1] (the library's convention); both metrics are
computed on [0, 1] intensities, per image, averaged over channels for SSIM.
"""
from __future__ import annotations

import math
from typing import Callable

import torch
import torch.nn.functional as F

Tensor = torch.Tensor

# Wang, Bovik, Sheikh & Simoncelli (2004): 11x11 Gaussian window, sigma 1.5, K1 = 0.01, K2 = 0.03.
SSIM_WINDOW, SSIM_SIGMA, SSIM_K1, SSIM_K2 = 11, 1.5, 0.01, 0.03


def _unit(x: Tensor) -> Tensor:
    return (x.detach().double() + 1.0) / 2.0


def _check(a: Tensor, b: Tensor) -> None:
    if a.shape != b.shape or a.dim() != 4:
        raise ValueError(f"quality metrics compare image batches (N, C, H, W) of one shape, got {tuple(a.shape)} "
                         f"and {tuple(b.shape)}")


def psnr(a: Tensor, b: Tensor) -> Tensor:
    """Peak signal-to-noise ratio in dB per image: 10 log10(1 / MSE) on [0, 1] intensities.
    a, b: (N, C, H, W) in [-1, 1] -> (N,) float64; identical images give +inf."""
    _check(a, b)
    mse = (_unit(a) - _unit(b)).pow(2).flatten(1).mean(1)
    return 10.0 * torch.log10(1.0 / mse)


def _gaussian_window(size: int, sigma: float) -> Tensor:
    x = torch.arange(size, dtype=torch.float64) - (size - 1) / 2
    g = torch.exp(-x ** 2 / (2 * sigma ** 2))
    return g / g.sum()


def ssim(a: Tensor, b: Tensor) -> Tensor:
    """Mean structural similarity per image. a, b: (N, C, H, W) in [-1, 1], H and W >= 11 ->
    (N,) float64 in [-1, 1]; 1.0 for identical images. Local statistics use the 11x11
    Gaussian window (sigma 1.5) over the valid region only, as in the authors' reference code,
    with C1 = (0.01 L)^2 and C2 = (0.03 L)^2 for dynamic range L = 1."""
    _check(a, b)
    if min(a.shape[-2:]) < SSIM_WINDOW:
        raise ValueError(f"ssim needs images of at least {SSIM_WINDOW}x{SSIM_WINDOW} px, got {tuple(a.shape[-2:])}")
    x, y = _unit(a), _unit(b)
    n, c = x.shape[:2]
    g = _gaussian_window(SSIM_WINDOW, SSIM_SIGMA)
    kernel = (g[:, None] * g[None, :]).expand(c, 1, SSIM_WINDOW, SSIM_WINDOW)

    def blur(t: Tensor) -> Tensor:
        return F.conv2d(t, kernel, groups=c)

    mx, my = blur(x), blur(y)
    vx, vy, cov = blur(x * x) - mx ** 2, blur(y * y) - my ** 2, blur(x * y) - mx * my
    c1, c2 = SSIM_K1 ** 2, SSIM_K2 ** 2
    smap = ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx ** 2 + my ** 2 + c1) * (vx + vy + c2))
    return smap.flatten(1).mean(1)


def cycle_error(forward: Callable[[Tensor], Tensor], backward: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """Mean absolute error of backward(forward(x)) against x on [0, 1] intensities, per image:
    (N, C, H, W) in [-1, 1] -> (N,). 0 means a perfect round trip."""
    with torch.no_grad():
        back = backward(forward(x))
    _check(back, x)
    return (_unit(back) - _unit(x)).abs().flatten(1).mean(1)


def quantize(x: Tensor) -> Tensor:
    """Round [-1, 1] images to the 8-bit values they are saved with, so scores are for the PNGs."""
    return ((x.clamp(-1, 1) + 1) * 127.5).round() / 127.5 - 1


def mean_db(values: Tensor) -> float:
    """Average of per-image PSNRs, ignoring infinite ones (identical images)."""
    finite = values[torch.isfinite(values)]
    return float(finite.mean()) if len(finite) else math.inf
