"""Partial-convolution U-Net for inpainting (Liu et al., "Image Inpainting for Irregular Holes
Using Partial Convolutions", ECCV 2018).

A partial convolution only looks at valid (known) pixels and renormalises by how many it saw:
``out = W^T (X * M) * sum(1) / sum(M) + b`` where the window holds any valid input, 0 elsewhere,
and the output pixel becomes valid (the mask update). This follows ``PartialConv2d`` of the
authors' code (NVIDIA/partialconv, ``partialconv2d.py``, multi-channel masks): there the ratio is
``slide_winsize / (update_mask + 1e-8)`` with ``slide_winsize = C_in * kh * kw``. Masks here are
kept as one channel holding the *fraction* of valid input channels per pixel, which gives the
same sums as per-channel masks at a fraction of the memory (features are zeroed wherever their
own mask is 0, so concatenating skip features needs no per-channel mask).

Layout (the paper's, depth and widths as options): encoder partial convs with stride 2 and
kernels 7, 5, 5, 3, 3, ... (batch norm from the second layer, ReLU), decoder nearest-neighbour
up-sampling, concatenation with the encoder features of the same size (the last one with the
input image and its mask), partial conv 3x3, batch norm, LeakyReLU 0.2; the last layer maps to
the image channels with tanh (the paper leaves its output linear).
"""
from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from .i2i import ImageToImage
from .registry import register_model

Tensor = torch.Tensor


class PartialConv2d(nn.Conv2d):
    """forward(x, valid) with x (N, C_in, H, W) zero wherever invalid and valid (N, 1, H, W) the
    fraction of valid input channels -> (output zero where invalid, new 0/1 valid map)."""

    def forward(self, x: Tensor, valid: Tensor) -> Tuple[Tensor, Tensor]:  # type: ignore[override]
        kh, kw = self.kernel_size
        window = self.in_channels * kh * kw
        with torch.no_grad():
            ones = valid.new_ones(1, 1, kh, kw)
            count = F.conv2d(valid, ones, stride=self.stride, padding=self.padding, dilation=self.dilation)
            count = count * self.in_channels  # sum of the per-channel masks over the window
            updated = count.clamp(0, 1)
            ratio = window / (count + 1e-8) * updated
        raw = F.conv2d(x, self.weight, None, self.stride, self.padding, self.dilation)
        out = raw * ratio
        if self.bias is not None:
            out = out + self.bias.view(1, -1, 1, 1)
        return out * updated, updated


def _concat(parts: List[Tuple[Tensor, Tensor]]) -> Tuple[Tensor, Tensor]:
    """Concatenate (features, valid) pairs along channels; valid becomes the channel-weighted mean."""
    features = torch.cat([f for f, _ in parts], dim=1)
    total = sum(f.shape[1] for f, _ in parts)
    valid = sum(v * f.shape[1] for f, v in parts) / total
    return features, valid


class Stage(nn.Module):
    """Partial conv, optional batch norm, activation; re-zeroes invalid pixels after the norm's shift."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int, norm: bool, act: Optional[nn.Module]):
        super().__init__()
        self.conv = PartialConv2d(c_in, c_out, kernel, stride, kernel // 2, bias=not norm)
        self.norm = nn.BatchNorm2d(c_out) if norm else nn.Identity()
        self.act = act if act is not None else nn.Identity()

    def forward(self, x: Tensor, valid: Tensor) -> Tuple[Tensor, Tensor]:
        h, valid = self.conv(x, valid)
        return self.act(self.norm(h)) * valid, valid


@register_model("partialconv", role="generator")
class PartialConvGenerator(ImageToImage):
    """shape: the image (C, H, W); forward(x, mask) with x (N, C, H, W) in [-1, 1] and mask
    (N, 1, H, W), 1 = missing (None: nothing missing) -> (N, C, H, W) in [-1, 1].

    ``width``: channels of the first layer (2w, 4w and 8w deeper, capped at 8w, 64 in the paper).
    ``depth``: stride-2 stages (default: as many as halve the training size down to 2 px, at most 8)."""

    def __init__(self, shape: Sequence[int] = (3, 256, 256), width: int = 64, depth: Optional[int] = None,
                 z_dim: int = 0, num_classes: int = 0):
        super().__init__("partialconv", z_dim, num_classes)
        c, size = int(shape[0]), int(min(shape[1:]))
        depth = depth or min(8, (size & -size).bit_length() - 2)  # 32 px -> 4 stages, down to 2 x 2
        if depth < 1 or size % 2 ** depth:
            raise ValueError(f"partialconv with depth={depth} needs image sides divisible by {2 ** depth}, got "
                             f"{size}; change image_size or generator.depth")
        self.size_multiple, self.out_channels = 2 ** depth, c
        widths = [width * min(2 ** i, 8) for i in range(depth)]
        kernels = [7, 5, 5] + [3] * max(depth - 3, 0)
        self.encoder = nn.ModuleList(
            Stage(c if i == 0 else widths[i - 1], widths[i], kernels[i], 2, norm=i > 0, act=nn.ReLU())
            for i in range(depth))
        self.decoder = nn.ModuleList()
        for i in reversed(range(depth)):  # brings level i back to the size of level i - 1 (or the input)
            skip = widths[i - 1] if i > 0 else c
            out = widths[i - 1] if i > 0 else c
            last = i == 0
            self.decoder.append(Stage(widths[i] + skip, out, 3, 1, norm=not last,
                                      act=None if last else nn.LeakyReLU(0.2)))

    def forward(self, x: Tensor, mask: Optional[Tensor] = None) -> Tensor:
        valid = x.new_ones(x.shape[0], 1, *x.shape[2:]) if mask is None else 1 - mask
        h, v = x * valid, valid
        skips = [(h, v)]
        for stage in self.encoder:
            h, v = stage(h, v)
            skips.append((h, v))
        skips.pop()  # the bottleneck itself
        for stage in self.decoder:
            up = (F.interpolate(h, scale_factor=2, mode="nearest"), F.interpolate(v, scale_factor=2, mode="nearest"))
            h, v = stage(*_concat([up, skips.pop()]))
        return torch.tanh(h)
