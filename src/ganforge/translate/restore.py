"""Held-out scores of inpainting and denoising against the classical methods.

:func:`heldout_cases` corrupts clean images with masks and noise drawn from a fixed seed (never
the training stream); :func:`restoration_scores` restores them with the model and each baseline
and reports mean PSNR and SSIM over the whole 8-bit image (known pixels included, as in the
inpainting literature) plus PSNR inside the holes alone. Baselines for holes: the mean of each
image's known pixels, scikit-image's biharmonic inpainting, and OpenCV's Telea and Navier-Stokes
inpainting when ``opencv-python-headless`` is installed. Baselines for noise: the noisy input,
total-variation (Chambolle, the best of a few weights on these very images: an oracle setting),
non-local means and, with PyWavelets installed, wavelet (BayesShrink) denoising, the last two told
the true noise level.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Tuple

import numpy as np
import torch

from ..extras import require
from ..objectives.inpaint import corrupt
from .quality import mean_db, psnr, quantize, ssim

Tensor = torch.Tensor
Row = Dict[str, object]
Method = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (H x W x C image in [0, 1], H x W bool holes) -> image
TV_WEIGHTS = (0.03, 0.06, 0.1, 0.2)


def heldout_cases(images: Tensor, mask_kind: str, per_image: int = 4, noise_sigma: float = 0.0,
                  seed: int = 2_024) -> Tuple[Tensor, Tensor, Tensor]:
    """images (N, C, H, W) in [-1, 1] -> (clean, corrupted input (M, C + 1, H, W), masks (M, 1, H, W))
    with M = N * per_image: every image with ``per_image`` masks (and noise) of its own from ``seed``."""
    clean = images.repeat_interleave(per_image, dim=0)
    inputs, masks = corrupt(clean, mask_kind, noise_sigma, torch.Generator().manual_seed(seed))
    return clean, inputs, masks


def hole_psnr(out: Tensor, target: Tensor, masks: Tensor) -> Tensor:
    """PSNR (dB) over the hole pixels of each image only: (N, C, H, W) x2, masks (N, 1, H, W) -> (N,)."""
    err = ((out.double() - target.double()) / 2).pow(2) * masks
    mse = err.flatten(1).sum(1) / (masks.flatten(1).sum(1) * out.shape[1]).clamp(min=1)
    return 10 * torch.log10(1 / mse)


def _row(method: str, out: Tensor, clean: Tensor, masks: Tensor) -> Row:
    out = quantize(out)
    row: Row = {"method": method, "psnr": mean_db(psnr(out, clean)), "ssim": float(ssim(out, clean).mean())}
    if masks.sum() > 0:
        row["hole_psnr"] = mean_db(hole_psnr(out, clean, masks))
    return row


def _apply(method: Method, inputs: Tensor, masks: Tensor) -> Tensor:
    """Run a numpy method image by image: inputs (M, C, H, W) in [-1, 1] -> (M, C, H, W)."""
    out = []
    for x, m in zip(inputs * (1 - masks), masks):  # what lies under the holes is never shown
        img = ((x.permute(1, 2, 0).double().numpy() + 1) / 2).clip(0, 1)
        restored = np.asarray(method(img, m[0].numpy() > 0.5)).reshape(img.shape)  # some drop a single channel
        out.append(torch.as_tensor(restored).permute(2, 0, 1).float() * 2 - 1)
    return torch.stack(out)


def _mean_fill(img: np.ndarray, holes: np.ndarray) -> np.ndarray:
    out = img.copy()
    known = ~holes
    fill = img[known].mean(axis=0) if known.any() else np.full(img.shape[-1], 0.5)
    out[holes] = fill
    return out


def _biharmonic(img: np.ndarray, holes: np.ndarray) -> np.ndarray:
    inpaint_biharmonic = require("skimage.restoration", "images", "the biharmonic baseline").inpaint_biharmonic
    return inpaint_biharmonic(img, holes, channel_axis=-1) if holes.any() else img


def _opencv(flag_name: str) -> Optional[Method]:
    try:
        import cv2
    except ImportError:  # optional: pip install opencv-python-headless
        return None

    def method(img: np.ndarray, holes: np.ndarray) -> np.ndarray:
        pixels = (img * 255).round().astype(np.uint8)
        out = cv2.inpaint(pixels, holes.astype(np.uint8) * 255, 3, getattr(cv2, flag_name))
        return (out.reshape(img.shape) / 255.0).astype(np.float64)

    return method


def hole_baselines() -> Dict[str, Method]:
    methods = {"mean fill": _mean_fill, "biharmonic (scikit-image)": _biharmonic}
    for name, flag in (("Telea (OpenCV)", "INPAINT_TELEA"), ("Navier-Stokes (OpenCV)", "INPAINT_NS")):
        method = _opencv(flag)
        if method is not None:
            methods[name] = method
    return methods


def noise_baselines(noise_sigma: float) -> Dict[str, Method]:
    restoration = require("skimage.restoration", "images", "the denoising baselines")
    denoise_nl_means, denoise_wavelet = restoration.denoise_nl_means, restoration.denoise_wavelet

    sigma = noise_sigma / 255.0

    def nl_means(img, holes):  # scikit-image's suggested h = 0.8 sigma with fast mode, 5x5 patches
        return denoise_nl_means(img, h=0.8 * sigma, sigma=sigma, fast_mode=True, patch_size=5, patch_distance=6,
                                channel_axis=-1)

    def wavelet(img, holes):
        return denoise_wavelet(img, sigma=sigma, method="BayesShrink", mode="soft", channel_axis=-1,
                               rescale_sigma=True)

    methods = {"noisy input": lambda img, holes: img, "non-local means": nl_means}
    try:
        import pywt  # noqa: F401  (optional: pip install PyWavelets)

        methods["wavelet (BayesShrink)"] = wavelet
    except ImportError:
        pass
    return methods


def _best_tv(inputs: Tensor, clean: Tensor, masks: Tensor) -> Row:
    denoise_tv_chambolle = require("skimage.restoration", "images", "the denoising baselines").denoise_tv_chambolle

    rows = [_row(f"total variation (weight {w}, oracle)",
                 _apply(lambda img, holes, w=w: denoise_tv_chambolle(img, weight=w, channel_axis=-1), inputs, masks),
                 clean, masks) for w in TV_WEIGHTS]
    return max(rows, key=lambda r: r["psnr"])


@torch.no_grad()
def restoration_scores(model: Callable[[Tensor, Tensor], Tensor], clean: Tensor, inputs: Tensor, masks: Tensor,
                       noise_sigma: float = 0.0, batch: int = 64) -> List[Row]:
    """Rows {"method", "psnr", "ssim"(, "hole_psnr")} for ``model(image, mask)`` and the baselines.
    clean, inputs (corrupted image + mask channel) and masks come from :func:`heldout_cases`."""
    images = inputs[:, :-1]
    outs = torch.cat([model(images[i:i + batch], masks[i:i + batch]) for i in range(0, len(images), batch)])
    rows = [_row("model", outs, clean, masks)]
    has_holes = bool(masks.sum() > 0)
    if noise_sigma > 0:
        rows += [_row(name, _apply(m, images, masks), clean, masks) for name, m in noise_baselines(noise_sigma).items()]
        rows.append(_best_tv(images, clean, masks))
    if has_holes:
        # Classical inpainting of a noisy image fills from noisy borders; the comparison stays fair.
        rows += [_row(name, _apply(m, images, masks), clean, masks) for name, m in hole_baselines().items()]
    return rows
