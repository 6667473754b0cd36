"""pix2pix U-Net generator (Isola et al. 2017): an encoder-decoder with skip connections.

Encoder level i halves the resolution with a 4x4 stride-2 conv (LeakyReLU 0.2 before it, norm
after it except at the outermost and innermost levels); the decoder mirrors it with transposed
convs (ReLU before, norm after) and concatenates the encoder features of the same resolution, so
low-level structure (edges, layout) is passed straight across the bottleneck. Dropout in the
three decoder levels next to the bottleneck is pix2pix's only source of noise (there is no z), so
it stays on at test time too, as in the paper ("we apply dropout at test time") and the
reference's test.py without --eval; ``test_dropout=false`` turns it off in eval mode. The paper
also normalises with the test batch's statistics; ``test_batch_stats=true`` does that (off by
default: tiled inference would make tiles depend on each other).
Widths grow width, 2w, 4w, 8w and stay at 8w.
"""
from __future__ import annotations

from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .dcgan import init_dcgan
from .i2i import ImageToImage, norm2d
from .registry import register_model

Tensor = torch.Tensor


class TestTimeDropout(nn.Dropout):
    """Dropout that also drops in eval mode (pix2pix's noise source at test time) while
    ``eval_noise`` is true; portable copies switch it off, since a traced copy cannot be checked
    against a random eager output."""

    eval_noise = True

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, training=self.training or self.eval_noise)


class BatchStatsNorm2d(nn.BatchNorm2d):
    """Batch norm that normalises with the batch's own statistics in eval mode too (running
    statistics are kept for state-dict compatibility but neither used nor updated in eval)."""

    def forward(self, x: Tensor) -> Tensor:
        if self.training:
            return super().forward(x)
        return F.batch_norm(x, None, None, self.weight, self.bias, True, 0.0, self.eps)


def _norm(kind: str, channels: int, test_batch_stats: bool) -> nn.Module:
    return BatchStatsNorm2d(channels) if kind == "batch" and test_batch_stats else norm2d(kind, channels)


def _widths(width: int, depth: int):
    return [width * min(2 ** i, 8) for i in range(depth)]


@register_model("unet", role="generator")
class UNetGenerator(ImageToImage):
    """shape: input (C_in, H, W); out_channels: C_out (default C_in); depth: number of 2x
    down-samplings (default: as many as the training size allows, down to 1x1 for powers of two,
    as pix2pix's unet_256 has 8); dropout: decoder dropout rate (0.5); test_dropout: keep
    dropout on in eval mode (the paper's test-time noise); test_batch_stats: batch norm with the
    test batch's statistics in eval mode (the paper's test protocol)."""

    def __init__(self, shape: Sequence[int] = (3, 256, 256), out_channels: Optional[int] = None, width: int = 64,
                 depth: Optional[int] = None, norm: str = "batch", dropout: float = 0.5, test_dropout: bool = True,
                 test_batch_stats: bool = False, z_dim: int = 0, num_classes: int = 0):
        super().__init__("unet", z_dim, num_classes)
        in_ch, size = int(shape[0]), int(min(shape[1:]))
        depth = depth or (size & -size).bit_length() - 1  # halve while the side stays even (8 for 256 px)
        if depth < 2 or size % 2 ** depth:
            raise ValueError(f"unet with depth={depth} needs image sides divisible by {2 ** depth}, got {size}; "
                             "change image_size or generator.depth")
        out_ch = int(out_channels or in_ch)
        self.size_multiple, self.out_channels = 2 ** depth, out_ch
        bias = norm != "batch"  # batch norm's shift makes a conv bias redundant
        w = _widths(width, depth)
        self.downs = nn.ModuleList()
        for i in range(depth):
            layers = [] if i == 0 else [nn.LeakyReLU(0.2, True)]
            layers.append(nn.Conv2d(in_ch if i == 0 else w[i - 1], w[i], 4, 2, 1, bias=bias or i in (0, depth - 1)))
            if 0 < i < depth - 1:
                layers.append(_norm(norm, w[i], test_batch_stats))
            self.downs.append(nn.Sequential(*layers))
        self.ups = nn.ModuleList()  # ups[i] brings level i back to the resolution of level i - 1
        for i in range(depth):
            cin = w[i] if i == depth - 1 else 2 * w[i]
            if i == 0:
                layers = [nn.ReLU(True), nn.ConvTranspose2d(cin, out_ch, 4, 2, 1), nn.Tanh()]
            else:
                layers = [nn.ReLU(True), nn.ConvTranspose2d(cin, w[i - 1], 4, 2, 1, bias=bias),
                          _norm(norm, w[i - 1], test_batch_stats)]
                if dropout > 0 and i >= depth - 4 and i < depth - 1:
                    layers.append(TestTimeDropout(dropout) if test_dropout else nn.Dropout(dropout))
            self.ups.append(nn.Sequential(*layers))
        init_dcgan(self)  # pix2pix uses the same N(0, 0.02) init

    def forward(self, x: Tensor, y: Optional[Tensor] = None) -> Tensor:
        """x: (N, C_in, H, W) in [-1, 1], H and W multiples of ``size_multiple`` -> (N, C_out, H, W) in [-1, 1]."""
        skips = []
        for down in self.downs:
            x = down(x)
            skips.append(x)
        h = self.ups[-1](skips[-1])
        for i in range(len(self.ups) - 2, -1, -1):
            h = self.ups[i](torch.cat([skips[i], h], dim=1))
        return h

