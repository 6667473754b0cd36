"""Running a fully convolutional model on images of any size, tile by tile.

Large images do not fit in memory in one pass, and nets with down-sampling need sides that are a
multiple of some power of two. The image is reflect-padded to that multiple, cut into
overlapping tiles, and the outputs are blended with weights that ramp up linearly over the
overlap, so seams do not show; the padding is cropped off at the end. An image that fits in one
tile is processed in a single pass, exactly as the model would process it whole.
"""
from __future__ import annotations

from typing import Callable, List

import torch
import torch.nn.functional as F

Tensor = torch.Tensor


def _round_up(n: int, m: int) -> int:
    return -(-n // m) * m


def pad_to_multiple(x: Tensor, multiple: int, min_size: int = 1) -> Tensor:
    """(N, C, H, W) -> reflect-padded at the bottom/right to sides that are multiples of ``multiple``
    and at least ``min_size`` (replicate padding where the image is too small to reflect)."""
    h, w = x.shape[-2:]
    ph, pw = (_round_up(max(side, min_size), multiple) - side for side in (h, w))
    if not (ph or pw):
        return x
    mode = "reflect" if ph < h and pw < w else "replicate"
    return F.pad(x, (0, pw, 0, ph), mode=mode)


def tile_starts(length: int, tile: int, stride: int) -> List[int]:
    """Start offsets of tiles of side ``tile`` covering ``length`` with the given stride; the last
    tile is flush with the end."""
    if length <= tile:
        return [0]
    starts = list(range(0, length - tile, stride))
    return starts + [length - tile]


def ramp(length: int, overlap: int, device=None) -> Tensor:
    """1-D blending weights: linear from ~0 to 1 over ``overlap`` samples at each end, always > 0."""
    i = torch.arange(length, dtype=torch.float32, device=device)
    if overlap <= 0:
        return torch.ones(length, device=device)
    return torch.minimum((i + 0.5) / overlap, (length - i - 0.5) / overlap).clamp(max=1.0)


def tiled_apply(fn: Callable[[Tensor], Tensor], x: Tensor, scale: int = 1, tile: int = 256, overlap: int = 32,
                multiple: int = 1, min_size: int = 1) -> Tensor:
    """Apply ``fn`` ((N, C, h, w) -> (N, C', s*h, s*w)) to ``x`` (N, C, H, W) of any size.

    tile, overlap: input pixels (rounded to ``multiple``, which input sides must be multiples
    of for ``fn``). Images smaller than ``min_size`` are padded up to it (nets with reflection
    padding fail on tiny inputs). Returns (N, C', s*H, s*W).
    """
    if tile <= overlap:
        raise ValueError(f"tile ({tile}) must be larger than overlap ({overlap})")
    h, w = x.shape[-2:]
    padded = pad_to_multiple(x, multiple, min_size)
    ph, pw = padded.shape[-2:]
    tile = max(multiple, tile // multiple * multiple)
    overlap = min(_round_up(overlap, multiple), tile - multiple)
    if ph <= tile and pw <= tile:
        return fn(padded)[..., :h * scale, :w * scale]
    out = weights = None
    stride = tile - overlap
    for top in tile_starts(ph, tile, stride):
        for left in tile_starts(pw, tile, stride):
            piece = fn(padded[..., top:top + tile, left:left + tile])
            if out is None:
                out = piece.new_zeros(piece.shape[:2] + (ph * scale, pw * scale))
                weights = piece.new_zeros((ph * scale, pw * scale))
            th, tw = piece.shape[-2:]
            wgt = ramp(th, overlap * scale, piece.device)[:, None] * ramp(tw, overlap * scale, piece.device)[None, :]
            rows, cols = slice(top * scale, top * scale + th), slice(left * scale, left * scale + tw)
            out[..., rows, cols] += piece * wgt
            weights[rows, cols] += wgt
    return (out / weights)[..., :h * scale, :w * scale]
