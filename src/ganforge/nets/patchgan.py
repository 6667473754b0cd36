"""PatchGAN discriminator (pix2pix/CycleGAN "basic" D): one realness logit per image patch.

``layers`` stride-2 4x4 convs, then a stride-1 conv and a stride-1 1-channel head; with
layers=3 each output sees a 70x70 input patch. Judging local patches models high-frequency
structure while the L1/cycle losses keep low frequencies right, and the net runs on any size.
For pix2pix the objective feeds the input and the output concatenated along channels, so
``shape[0]`` is C_in + C_out there.
"""
from __future__ import annotations

from typing import Optional, Sequence

import torch
from torch import nn

from .base import DOutput, Projection, check_labels, maybe_sn
from .dcgan import init_dcgan
from .i2i import norm2d
from .registry import register_model

Tensor = torch.Tensor


def receptive_field(layers: int) -> int:
    """Input patch side seen by one output logit (70 for layers=3)."""
    rf = 1
    for stride in [1, 1] + [2] * layers:  # walk back from the head: two stride-1 convs, then the stride-2 ones
        rf = rf * stride + (4 - stride)
    return rf


@register_model("patchgan", role="discriminator")
class PatchGANDiscriminator(nn.Module):
    """x: (N, C, H, W) -> DOutput(logits (N, P) for the P patches, features (N, F) pooled).

    ``layers``: stride-2 conv layers (3 gives the 70x70 PatchGAN)."""

    def __init__(self, shape: Sequence[int] = (6, 256, 256), num_classes: int = 0, width: int = 64, layers: int = 3,
                 norm: str = "batch", spectral_norm: bool = False):
        super().__init__()
        size = int(min(shape[1:]))
        if size // 2 ** layers < 3:
            raise ValueError(f"patchgan with layers={layers} needs images of at least {3 * 2 ** layers} px, "
                             f"got {size}; "
                             "lower discriminator.layers or raise image_size")
        self.num_classes = num_classes
        bias = norm != "batch"
        body = [maybe_sn(nn.Conv2d(int(shape[0]), width, 4, 2, 1), spectral_norm), nn.LeakyReLU(0.2, True)]
        ch = width
        for n in range(1, layers + 1):
            out = width * min(2 ** n, 8)
            stride = 2 if n < layers else 1
            body += [maybe_sn(nn.Conv2d(ch, out, 4, stride, 1, bias=bias), spectral_norm), norm2d(norm, out),
                     nn.LeakyReLU(0.2, True)]
            ch = out
        self.body = nn.Sequential(*body)
        self.head = maybe_sn(nn.Conv2d(ch, 1, 4, 1, 1), spectral_norm)
        self.projection = Projection(num_classes, ch, spectral_norm) if num_classes else None
        init_dcgan(self)

    def forward(self, x: Tensor, y: Optional[Tensor] = None) -> DOutput:
        check_labels(self.num_classes, y)
        h = self.body(x)
        logits = self.head(h).flatten(1)
        features = h.mean(dim=(2, 3))
        if self.projection is not None:
            logits = logits + self.projection(features, y)[:, None]  # class term shared by every patch
        return DOutput(logits=logits, features=features)
