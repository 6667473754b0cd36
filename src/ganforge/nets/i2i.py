"""What the image-to-image networks (U-Net, ResNet, RRDB generators; PatchGAN) share.

These generators consume images, not latent vectors: they carry ``input_kind = "image"`` so
noise-to-image code (and the registry-wide tests) can tell them apart, ``size_multiple`` (input
sides must be a multiple of it; tiling pads to it) and ``scale`` (output side / input side).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Optional

import torch
from torch import nn

from ..errors import ConfigError

Tensor = torch.Tensor


def norm2d(kind: str, channels: int) -> nn.Module:
    """Normalization layer by name. Instance norm is the pix2pix/CycleGAN one: no affine
    parameters and no running statistics, so train and eval behave the same."""
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "instance":
        return nn.InstanceNorm2d(channels, affine=False, track_running_stats=False)
    if kind == "none":
        return nn.Identity()
    raise ValueError(f"unknown norm '{kind}'; choose batch, instance or none")


class ImageToImage(nn.Module, ABC):
    """Base class of generators mapping images (N, C_in, H, W) to images (N, C_out, sH, sW)."""

    input_kind = "image"
    size_multiple = 1
    scale = 1

    def __init__(self, name: str, z_dim: int = 0, num_classes: int = 0):
        super().__init__()
        if z_dim or num_classes:
            # Reached when a noise-to-image objective (objective=gan) is given this generator.

            raise ConfigError(f"generator '{name}' translates images and takes no latent/class input; use it with "
                              "objective=pix2pix, cyclegan or superres, or pick a noise generator such as dcgan")

    @abstractmethod
    def forward(self, x: Tensor, y: Optional[Tensor] = None) -> Tensor:
        """N x C x H x W input in [-1, 1] -> the translated images."""
