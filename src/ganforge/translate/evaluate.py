"""Held-out evaluation of image-to-image models against trivial baselines.

Each function returns rows ``{"method", "psnr", "ssim", ...}`` (mean over images; PSNR in dB)
for the model and its baseline, on data never used in training:
- :func:`superres_scores`: whole held-out photos, x``scale``, against bicubic up-scaling;
- :func:`paired_scores`: held-out pairs, against passing the input through unchanged (and a
  flat mean-colour image);
- :func:`cycle_scores`: CycleGAN on ground-truth pairs (when known), plus the cycle error.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Sequence

import torch

from ..data.superres import bicubic_upscale, downscale
from .quality import cycle_error, mean_db, psnr, quantize, ssim

Tensor = torch.Tensor
Row = Dict[str, object]


def _row(method: str, out: Tensor, target: Tensor) -> Row:
    return {"method": method, "psnr": mean_db(psnr(out, target)), "ssim": float(ssim(out, target).mean())}


def _match_channels(x: Tensor, channels: int) -> Tensor:
    if x.shape[1] == channels:
        return x
    return x.mean(1, keepdim=True) if channels == 1 else x.expand(-1, channels, -1, -1)


def superres_scores(model: Callable[[Tensor], Tensor], photos: Sequence[Tensor], scale: int) -> List[Row]:
    """photos: uint8 (C, H, W) HR images. Each is cropped to a multiple of ``scale``, reduced with
    the training degradation, restored by ``model`` and by bicubic; a ``scale``-pixel border is
    ignored (as is customary, since neither method sees beyond the image edge). Scores are
    averaged over photos."""
    per_photo: Dict[str, List[Row]] = {"model": [], "bicubic": []}
    for photo in photos:
        h, w = photo.shape[-2] // scale * scale, photo.shape[-1] // scale * scale
        hr = photo[None, :, :h, :w].float() / 127.5 - 1
        lr = quantize(downscale(hr, scale))
        inner = (..., slice(scale, -scale), slice(scale, -scale))
        with torch.no_grad():
            for method, out in (("model", model(lr)), ("bicubic", bicubic_upscale(lr, scale))):
                per_photo[method].append(_row(method, quantize(out)[inner], hr[inner]))
    return [{"method": m, "psnr": sum(r["psnr"] for r in rows) / len(rows),
             "ssim": sum(r["ssim"] for r in rows) / len(rows)} for m, rows in per_photo.items()]


@torch.no_grad()
def paired_scores(model: Callable[[Tensor], Tensor], inputs: Tensor, targets: Tensor,
                  mean_colour: Optional[Tensor] = None, batch: int = 64) -> List[Row]:
    """inputs (N, C_a, H, W), targets (N, C_b, H, W) in [-1, 1] -> rows for the model, the
    identity and, when ``mean_colour`` (C_b,) is given, a flat image of that colour (the best
    constant guess when the input says little about colour)."""
    outs = torch.cat([model(inputs[i:i + batch]) for i in range(0, len(inputs), batch)])
    identity = _match_channels(inputs, targets.shape[1])
    rows = [_row("model", quantize(outs), targets), _row("identity", quantize(identity), targets)]
    if mean_colour is not None:
        flat = mean_colour.reshape(1, -1, 1, 1).expand_as(targets)
        rows.append(_row("mean training colour", quantize(flat), targets))
    return rows


@torch.no_grad()
def cycle_scores(ab: Callable[[Tensor], Tensor], ba: Callable[[Tensor], Tensor], a: Tensor, b: Tensor,
                 batch: int = 64) -> List[Row]:
    """a, b: aligned ground-truth pairs (N, C, H, W) in [-1, 1]. Rows for A->B (model, identity)
    and B->A, each with the round-trip cycle error (mean absolute error on [0, 1])."""
    def run(fn, x):
        return torch.cat([fn(x[i:i + batch]) for i in range(0, len(x), batch)])

    rows = []
    for name, fwd, back, src, dst in (("A->B", ab, ba, a, b), ("B->A", ba, ab, b, a)):
        row = _row(f"model {name}", quantize(run(fwd, src)), dst)
        row["cycle_error"] = float(cycle_error(lambda x: run(fwd, x), lambda x: run(back, x), src).mean())
        rows += [row, _row(f"identity {name}", _match_channels(src, dst.shape[1]), dst)]
    return rows
