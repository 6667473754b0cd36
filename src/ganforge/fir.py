"""Separable FIR filtering with up/down-sampling ("upfirdn2d"), in plain PyTorch.

The same operation as ``torch_utils/ops/upfirdn2d.py`` of NVlabs/stylegan2-ada-pytorch (its
reference path ``_upfirdn2d_ref``): for each channel, insert ``up - 1`` zeros after every pixel,
pad (negative padding crops), convolve with the filter, keep every ``down``-th pixel. Used by the
ADA geometric warp (anti-aliased 2x resampling) and by R3GAN's interpolative resamplers. Every
step is a differentiable torch op, so gradients of any order flow through (R1 through ADA).

On the CPU each 1-D pass (zero insertion, padding, filter and stride together) runs as one
product with a banded matrix: the same sums as the depthwise convolutions, many times faster
there than a one-channel-per-group convolution and its backward pass (``benchmarks/remedy_cost.py``,
its "ADA, FIR on convolutions" row). Elsewhere, and for long axes, the convolutions run.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Sequence, Tuple, Union

import torch
import torch.nn.functional as F

Tensor = torch.Tensor
Padding = Union[int, Sequence[int]]
MATRIX_MAX_LENGTH = 512  # longest padded axis the CPU matrix path takes (its cost grows with length^2)


def setup_filter(taps: Sequence[float], normalize: bool = True) -> Tensor:
    """1-D separable filter (float32); normalised to unit DC gain like the reference's setup_filter."""
    f = torch.as_tensor(list(taps), dtype=torch.float32)
    return f / f.sum() if normalize else f


def _padding(padding: Padding) -> Tuple[int, int, int, int]:
    if isinstance(padding, int):
        return padding, padding, padding, padding
    if len(padding) == 2:
        px, py = padding
        return px, px, py, py
    x0, x1, y0, y1 = padding
    return x0, x1, y0, y1


def upfirdn2d(x: Tensor, f: Tensor, up: int = 1, down: int = 1, padding: Padding = 0,
              flip_filter: bool = False, gain: float = 1.0) -> Tensor:
    """Upsample by zero insertion, pad/crop, filter with the separable ``f`` (taps,), downsample.

    x: (N, C, H, W); padding: int, [x, y] or [x0, x1, y0, y1] in up-sampled pixels. ``gain``
    scales the output (split evenly over the two 1-D passes, as the reference does).
    """
    n, c, h, w = x.shape
    px0, px1, py0, py1 = _padding(padding)
    f = (f * gain ** 0.5).to(device=x.device, dtype=x.dtype)
    if not flip_filter:  # convolution, not correlation
        f = f.flip(0)
    if x.device.type == "cpu" and max(h * up + py0 + py1, w * up + px0 + px1) <= MATRIX_MAX_LENGTH:
        x = x @ pass_matrix(f, w, up, down, px0, px1)  # along width
        return (x.transpose(2, 3) @ pass_matrix(f, h, up, down, py0, py1)).transpose(2, 3)  # along height
    if up > 1:
        x = x.reshape(n, c, h, 1, w, 1)
        x = F.pad(x, [0, up - 1, 0, 0, 0, up - 1])
        x = x.reshape(n, c, h * up, w * up)
    x = F.pad(x, [max(px0, 0), max(px1, 0), max(py0, 0), max(py1, 0)])
    x = x[:, :, max(-py0, 0):x.shape[2] - max(-py1, 0), max(-px0, 0):x.shape[3] - max(-px1, 0)]
    k = f[None, None].repeat(c, 1, 1)  # (C, 1, taps)
    x = F.conv2d(x, k.unsqueeze(2), groups=c)  # along width
    x = F.conv2d(x, k.unsqueeze(3), groups=c)  # along height
    return x[:, :, ::down, ::down]


@lru_cache(maxsize=256)
def _pass_indices(length: int, up: int, down: int, pad0: int, pad1: int,
                  taps: int) -> Tuple[int, Tensor, Tensor, Tensor]:
    """(output length, input index, output index, tap) of every product one 1-D pass takes: output o
    reads the zero-inserted, padded signal at o * down + k, which is input i where that lands on i * up."""
    out_len = max((length * up + pad0 + pad1 - taps) // down + 1, 0)
    o, k = torch.meshgrid(torch.arange(out_len), torch.arange(taps), indexing="ij")
    q = o * down + k - pad0  # position in the zero-inserted signal
    keep = (q >= 0) & (q < length * up) & (q % up == 0)
    return out_len, q[keep] // up, o[keep], k[keep]


def pass_matrix(f: Tensor, length: int, up: int, down: int, pad0: int, pad1: int) -> Tensor:
    """(length, out) matrix of one 1-D pass with the correlation taps ``f``: signal @ matrix."""
    out_len, i, o, k = _pass_indices(length, up, down, pad0, pad1, f.numel())
    m = torch.zeros(length, out_len, dtype=f.dtype, device=f.device)
    return m.index_put_((i.to(f.device), o.to(f.device)), f[k.to(f.device)], accumulate=True)


def upsample2d(x: Tensor, f: Tensor, up: int = 2, padding: Padding = 0, gain: float = 1.0) -> Tensor:
    """(N, C, H, W) -> (N, C, up*H, up*W) (plus ``padding``), filtered with ``f``; the reference's
    upsample2d (gain up^2 keeps the mean, since zero insertion divides it by up^2)."""
    fw = f.numel()
    x0, x1, y0, y1 = _padding(padding)
    p = [x0 + (fw + up - 1) // 2, x1 + (fw - up) // 2, y0 + (fw + up - 1) // 2, y1 + (fw - up) // 2]
    return upfirdn2d(x, f, up=up, padding=p, gain=gain * up * up)


def downsample2d(x: Tensor, f: Tensor, down: int = 2, padding: Padding = 0, flip_filter: bool = False) -> Tensor:
    """(N, C, H, W) -> (N, C, H/down, W/down) (plus ``padding``), low-pass filtered with ``f`` first;
    the reference's downsample2d."""
    fw = f.numel()
    x0, x1, y0, y1 = _padding(padding)
    p = [x0 + (fw - down + 1) // 2, x1 + (fw - down) // 2, y0 + (fw - down + 1) // 2, y1 + (fw - down) // 2]
    return upfirdn2d(x, f, down=down, padding=p, flip_filter=flip_filter)
