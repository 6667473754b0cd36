"""Gated-convolution inpainting generator (Yu et al., "Free-Form Image Inpainting with Gated
Convolution", ICCV 2019, DeepFill v2): the coarse network of the authors' ``inpaint_model.py``.

A gated convolution computes features and a soft gate from the same input,
``out = ELU(conv_f(x)) * sigmoid(conv_g(x))`` (``gen_conv`` in the reference ``inpaint_ops.py``),
so every layer learns where its input is valid instead of being told by a hand-made mask update
(partial convolutions). The input is the image with its holes zeroed, a channel of ones (so zero
padding at the border is distinguishable from a hole) and the hole mask. Layout at feature width
w (24 in the paper, whose ``cnum=48`` counts features and gates): 5x5 conv, two stride-2 stages
(2w, 4w), dilated 3x3 convs at rates 2, 4, 8, 16 (those no smaller than the feature map are left
out, they would only read padding), nearest-neighbour up-sampling back, a plain 3x3 conv to the
image channels and tanh.
"""
from __future__ import annotations

from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .i2i import ImageToImage
from .registry import register_model

Tensor = torch.Tensor


class GatedConv2d(nn.Module):
    """(N, C_in, H, W) -> (N, C_out, H/stride, W/stride): ELU features times a sigmoid gate, 'same' padding."""

    def __init__(self, c_in: int, c_out: int, kernel: int = 3, stride: int = 1, dilation: int = 1):
        super().__init__()
        self.conv = nn.Conv2d(c_in, 2 * c_out, kernel, stride, padding=dilation * (kernel - 1) // 2, dilation=dilation)

    def forward(self, x: Tensor) -> Tensor:
        features, gate = self.conv(x).chunk(2, dim=1)
        return F.elu(features) * torch.sigmoid(gate)


class GatedUp(nn.Module):
    """``gen_deconv``: nearest-neighbour x2 up-sampling, then a gated 3x3 conv."""

    def __init__(self, c_in: int, c_out: int):
        super().__init__()
        self.conv = GatedConv2d(c_in, c_out, 3)

    def forward(self, x: Tensor) -> Tensor:
        return self.conv(F.interpolate(x, scale_factor=2, mode="nearest"))


@register_model("gated", role="generator")
class GatedGenerator(ImageToImage):
    """shape: the image (C, H, W); forward(x, mask) with x (N, C, H, W) in [-1, 1] and mask
    (N, 1, H, W), 1 = missing (None: nothing missing) -> (N, C, H, W) in [-1, 1] everywhere
    (the caller pastes known pixels back). Sides must be multiples of 4.

    ``width``: feature channels of the first layer (2w and 4w deeper, 24 in the paper).
    ``dilations``: rates of the dilated middle convs (those not smaller than the feature map at
    the training size are dropped)."""

    size_multiple = 4

    def __init__(self, shape: Sequence[int] = (3, 256, 256), width: int = 24,
                 dilations: Sequence[int] = (2, 4, 8, 16), z_dim: int = 0, num_classes: int = 0):
        super().__init__("gated", z_dim, num_classes)
        c, size = int(shape[0]), int(min(shape[1:]))
        if size % 4:
            raise ValueError(f"gated needs image sides divisible by 4, got {size}; change image_size")
        self.out_channels = c
        w = int(width)
        rates = [int(r) for r in dilations if int(r) < size // 4]
        layers = [GatedConv2d(c + 2, w, 5), GatedConv2d(w, 2 * w, 3, 2), GatedConv2d(2 * w, 2 * w, 3),
                  GatedConv2d(2 * w, 4 * w, 3, 2), GatedConv2d(4 * w, 4 * w, 3), GatedConv2d(4 * w, 4 * w, 3)]
        layers += [GatedConv2d(4 * w, 4 * w, 3, dilation=r) for r in rates]
        layers += [GatedConv2d(4 * w, 4 * w, 3), GatedConv2d(4 * w, 4 * w, 3), GatedUp(4 * w, 2 * w),
                   GatedConv2d(2 * w, 2 * w, 3), GatedUp(2 * w, w), GatedConv2d(w, max(w // 2, 1), 3)]
        self.body = nn.Sequential(*layers)
        self.to_image = nn.Conv2d(max(w // 2, 1), c, 3, 1, 1)
        self.dilations = tuple(rates)

    def forward(self, x: Tensor, mask: Optional[Tensor] = None) -> Tensor:
        if mask is None:
            mask = x.new_zeros(x.shape[0], 1, *x.shape[2:])
        h = torch.cat([x * (1 - mask), torch.ones_like(mask), mask], dim=1)
        return torch.tanh(self.to_image(self.body(h)))
