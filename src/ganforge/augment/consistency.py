"""The augmentation of consistency regularization (CR, Zhang et al. 2020; bCR, Zhao et al. 2021):
a random horizontal flip and a random translation by up to 1/8 of the image size.

Both papers use "flipping the image horizontally and shifting it by a few pixels" (up to 4 of
32); the shift fills with the reflected image as in StudioGAN's bCR (src/utils/cr.py,
``apply_diffaug4cr``: flip with probability 0.5, ``random_translation(x, 1/8)`` with reflect
padding). Applied to the un-augmented image, before D's own input pipeline.
"""
from __future__ import annotations

from typing import Optional

import torch
import torch.nn.functional as F

from ._random import rand, randint

Tensor = torch.Tensor


def flip_translate(x: Tensor, generator: Optional[torch.Generator] = None, ratio: float = 0.125) -> Tensor:
    """N x C x H x W -> same shape: each image flipped left-right with probability 1/2, then shifted
    by integers in [-int(H*ratio), int(H*ratio)] x [-int(W*ratio), int(W*ratio)], reflect-filled."""
    n, _, h, w = x.shape
    flip = rand((n, 1, 1, 1), x, generator) < 0.5
    x = torch.where(flip, x.flip(3), x)
    max_y, max_x = int(h * ratio), int(w * ratio)
    if max_y == 0 and max_x == 0:
        return x
    dy = randint(-max_y, max_y + 1, (n,), x, generator)
    dx = randint(-max_x, max_x + 1, (n,), x, generator)
    padded = F.pad(x, [max_x, max_x, max_y, max_y], mode="reflect")
    rows = torch.arange(h, device=x.device)[None, :] + max_y + dy[:, None]  # N x H
    cols = torch.arange(w, device=x.device)[None, :] + max_x + dx[:, None]  # N x W
    batch = torch.arange(n, device=x.device)[:, None, None]
    return padded[batch, :, rows[:, :, None], cols[:, None, :]].permute(0, 3, 1, 2)
