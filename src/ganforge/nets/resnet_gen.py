"""CycleGAN ResNet generator (Zhu et al. 2017, after Johnson et al. 2016).

7x7 stem, two stride-2 down-sampling convs, ``blocks`` residual blocks at 1/4 resolution
(9 for 256 px, 6 for 128 px in the paper), two transposed-conv up-samplings and a 7x7 tanh head.
Reflection padding instead of zeros avoids dark borders; instance norm makes each image's
style statistics independent of the rest of the batch.
"""
from __future__ import annotations

from typing import Optional, Sequence

import torch
from torch import nn

from .dcgan import init_dcgan
from .i2i import ImageToImage, norm2d
from .registry import register_model

Tensor = torch.Tensor


class ResnetBlock(nn.Module):
    """x + [pad, conv3, norm, ReLU, (dropout), pad, conv3, norm](x)."""

    def __init__(self, channels: int, norm: str, dropout: float, bias: bool):
        super().__init__()
        layers = [nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3, bias=bias), norm2d(norm, channels),
                  nn.ReLU(True)]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        layers += [nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3, bias=bias), norm2d(norm, channels)]
        self.body = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return x + self.body(x)


@register_model("cyclegan-resnet", role="generator")
class ResnetGenerator(ImageToImage):
    """shape: input (C_in, H, W); out_channels: C_out (default C_in); width: stem channels;
    blocks: residual blocks; downs: number of 2x down-samplings (2 in CycleGAN)."""

    def __init__(self, shape: Sequence[int] = (3, 256, 256), out_channels: Optional[int] = None, width: int = 64,
                 blocks: int = 9, downs: int = 2, norm: str = "instance", dropout: float = 0.0,
                 z_dim: int = 0, num_classes: int = 0):
        super().__init__("resnet", z_dim, num_classes)
        in_ch = int(shape[0])
        out_ch = int(out_channels or in_ch)
        if min(shape[1:]) % 2 ** downs:
            raise ValueError(f"resnet with downs={downs} needs image sides divisible by {2 ** downs}, "
                             f"got {tuple(shape[1:])}")
        self.size_multiple, self.out_channels = 2 ** downs, out_ch
        bias = norm != "batch"
        layers = [nn.ReflectionPad2d(3), nn.Conv2d(in_ch, width, 7, bias=bias), norm2d(norm, width), nn.ReLU(True)]
        ch = width
        for _ in range(downs):
            layers += [nn.Conv2d(ch, ch * 2, 3, 2, 1, bias=bias), norm2d(norm, ch * 2), nn.ReLU(True)]
            ch *= 2
        layers += [ResnetBlock(ch, norm, dropout, bias) for _ in range(blocks)]
        for _ in range(downs):
            layers += [nn.ConvTranspose2d(ch, ch // 2, 3, 2, 1, output_padding=1, bias=bias), norm2d(norm, ch // 2),
                       nn.ReLU(True)]
            ch //= 2
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(ch, out_ch, 7), nn.Tanh()]
        self.net = nn.Sequential(*layers)
        init_dcgan(self)  # CycleGAN's default init is the same N(0, 0.02)

    def forward(self, x: Tensor, y: Optional[Tensor] = None) -> Tensor:
        """x: (N, C_in, H, W) in [-1, 1], sides multiples of ``size_multiple`` -> (N, C_out, H, W) in [-1, 1]."""
        return self.net(x)
