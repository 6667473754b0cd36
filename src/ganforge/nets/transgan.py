"""TransGAN generator (Jiang, Chang & Wang, "TransGAN: Two Pure Transformers Can Make One Strong
GAN, and That Can Scale Up", NeurIPS 2021): a convolution-free generator built of transformer
stages at growing resolutions.

As in the authors' ``models_search/ViT_custom.py`` (VITA-Group/TransGAN): a linear layer maps z
to a ``bottom`` x ``bottom`` map of tokens of width D, each stage adds a learned position
embedding (truncated normal, std 0.02) and runs transformer blocks, and between stages a pixel
shuffle doubles the resolution and divides the width by 4; a 1x1 projection makes the pixels.
Stages whose token map is larger than ``grid`` x ``grid`` use grid self-attention (attention
within non-overlapping windows), the paper's device for high resolutions. Where dividing the
width by 4 would leave fewer than 4 channels per head (64 px and up at small widths), a linear
layer widens the tokens before the shuffle. Class-conditional models concatenate a learned class
embedding to z. The output is linear, as in the reference, and clipped to [-1, 1] in eval mode.
"""
from __future__ import annotations

import math
from typing import Optional, Sequence

import torch
from torch import nn

from .base import check_labels
from .registry import register_model
from .transformer import Block, grid_blocks, pixel_upsample

Tensor = torch.Tensor


@register_model("transgan", role="generator")
class TransGANGenerator(nn.Module):
    """z (N, z_dim) (+ labels y (N,)) -> images (N, C, H, W), H = bottom * 2^k; in [-1, 1] in eval
    mode (training mode leaves the linear output unclipped).

    ``width``: token width D of the first stage (384 in the paper's CIFAR model).
    ``depths``: transformer blocks per stage, first to last (5, 4, 2 in the paper, the last entry
    repeating for extra stages).
    ``heads``: attention heads of every block.
    ``mlp_ratio``: hidden units of the MLPs over the token width.
    ``bottom``: side of the first token map.
    ``grid``: window side of grid self-attention (0: full attention everywhere)."""

    def __init__(self, z_dim: int = 100, shape: Sequence[int] = (3, 32, 32), num_classes: int = 0, width: int = 384,
                 depths: Sequence[int] = (5, 4, 2), heads: int = 4, mlp_ratio: float = 4.0, bottom: int = 8,
                 grid: int = 16):
        super().__init__()
        channels, size = int(shape[0]), int(shape[1])
        upsamplings = math.log2(size / bottom) if size >= bottom else -1
        if len(shape) != 3 or shape[1] != shape[2] or upsamplings != int(upsamplings):
            raise ValueError(f"transgan makes square images whose side is bottom ({bottom}) times a power of two, "
                             f"got {tuple(shape)}; change image_size or generator.bottom")
        self.num_classes, self.bottom, self.grid, self.width = num_classes, bottom, grid, width
        self.embed = nn.Embedding(num_classes, z_dim) if num_classes else None
        self.l1 = nn.Linear(z_dim * (2 if num_classes else 1), bottom * bottom * width)
        dims = [width]
        self.widen = nn.ModuleList()
        for _ in range(int(upsamplings)):
            d = max(dims[-1] // 4, 4 * heads)
            # Pixel shuffle turns 4d channels into d; widen first when the previous stage is narrower.
            self.widen.append(nn.Identity() if dims[-1] == 4 * d else nn.Linear(dims[-1], 4 * d))
            dims.append(d)
        self.pos = nn.ParameterList()
        self.stages = nn.ModuleList()
        for i, d in enumerate(dims):
            side = bottom * 2 ** i
            pos = nn.Parameter(torch.zeros(1, side * side, d))
            nn.init.trunc_normal_(pos, std=0.02)
            self.pos.append(pos)
            depth = int(depths[min(i, len(depths) - 1)])
            self.stages.append(nn.ModuleList(Block(d, heads, mlp_ratio) for _ in range(depth)))
        self.to_rgb = nn.Linear(dims[-1], channels)
        self.shape = (channels, size, size)

    def forward(self, z: Tensor, y: Optional[Tensor] = None) -> Tensor:
        check_labels(self.num_classes, y)
        if self.embed is not None:
            z = torch.cat([z, self.embed(y)], dim=1)
        side = self.bottom
        x = self.l1(z).reshape(z.shape[0], side * side, self.width)
        for i, blocks in enumerate(self.stages):
            if i > 0:
                x = pixel_upsample(self.widen[i - 1](x), side)
                side *= 2
            x = grid_blocks(blocks, x + self.pos[i], side, self.grid)
        out = self.to_rgb(x).transpose(1, 2).reshape(z.shape[0], *self.shape)
        # Linear output as in the reference: a tanh here saturated at the black MNIST background
        # within 50 steps and G's gradients vanished. Sampled images are clipped to [-1, 1].
        return out if self.training else out.clamp(-1, 1)
