"""Hole masks for inpainting: DeepFill v2's free-form brush strokes and boxes, drawn with torch.

A mask is a float tensor (N, 1, H, W) with 1 where pixels are missing (to be filled) and 0 where
they are known. Draws come from ``generator`` (a seeded ``torch.Generator``) or, when it is None,
from the global torch RNG, which the engine seeds and checkpoints, so training masks are
deterministic and resume exactly; evaluation passes its own generator so held-out masks are fixed.

The free-form algorithm and its constants are those of Yu et al., "Free-Form Image Inpainting
with Gated Convolution" (ICCV 2019), function ``brush_stroke_mask`` of the authors'
``inpaint_ops.py`` (JiahuiYu/generative_inpainting, v2): 1-3 strokes, each a polyline of 4-11
vertices with alternating turning angles around 2*pi/5, segment lengths ~ N(r, r // 2) clipped to
[0, 2r] with r = sqrt(H^2 + W^2) / 8, and a stroke width uniform in [12, 40) px at 256 px (scaled
with the image here), drawn with round joints; then a random horizontal and vertical flip (which
the reference code meant to apply but discarded). Boxes follow ``random_bbox``/``bbox2mask``: a
square of half the image side at a uniform position, each side pulled in by up to 1/16 of the
side. ``both`` is their union, as DeepFill v2 trains on.
"""
from __future__ import annotations

import math
from typing import Optional

import torch

from ..registry import Registry

Tensor = torch.Tensor
MASKS = Registry("mask")

# Constants of brush_stroke_mask (JiahuiYu/generative_inpainting, inpaint_ops.py), for 256 px images.
MIN_VERTEX, MAX_VERTEX = 4, 12  # np.random.randint(4, 12): 4..11 vertices after the first
MEAN_ANGLE, ANGLE_RANGE = 2 * math.pi / 5, 2 * math.pi / 15
MIN_WIDTH, MAX_WIDTH, REFERENCE_SIDE = 12, 40, 256
MAX_STROKES = 3  # np.random.randint(1, 4)


def _uniform(low: float, high: float, g: Optional[torch.Generator]) -> float:
    return low + (high - low) * float(torch.rand((), generator=g))


def _randint(low: int, high: int, g: Optional[torch.Generator]) -> int:
    """Uniform integer in [low, high), as numpy's randint."""
    return int(torch.randint(low, high, (), generator=g))


def _stroke(height: int, width: int, g: Optional[torch.Generator]):
    """One brush stroke: vertices (K, 2) as (x, y) pixel positions, and its width in pixels."""
    radius = math.sqrt(height * height + width * width) / 8
    n = _randint(MIN_VERTEX, MAX_VERTEX, g)
    low = MEAN_ANGLE - _uniform(0, ANGLE_RANGE, g)
    high = MEAN_ANGLE + _uniform(0, ANGLE_RANGE, g)
    angles = [2 * math.pi - _uniform(low, high, g) if i % 2 == 0 else _uniform(low, high, g) for i in range(n)]
    vertices = [(_randint(0, width, g), _randint(0, height, g))]
    for angle in angles:
        r = min(max(radius + (radius // 2) * float(torch.randn((), generator=g)), 0.0), 2 * radius)
        x = min(max(vertices[-1][0] + r * math.cos(angle), 0), width)
        y = min(max(vertices[-1][1] + r * math.sin(angle), 0), height)
        vertices.append((int(x), int(y)))
    scale = min(height, width) / REFERENCE_SIDE
    stroke_width = int(_uniform(MIN_WIDTH * scale, MAX_WIDTH * scale, g))
    return torch.tensor(vertices, dtype=torch.float32), max(stroke_width, 1)


def _distance_to_polyline(vertices: Tensor, height: int, width: int) -> Tensor:
    """(H, W) distance from each pixel position to the polyline through ``vertices`` (K, 2)."""
    ys, xs = torch.meshgrid(torch.arange(height, dtype=torch.float32), torch.arange(width, dtype=torch.float32),
                            indexing="ij")
    p = torch.stack([xs, ys], dim=-1).reshape(-1, 1, 2)  # (P, 1, 2)
    a, b = vertices[:-1][None], vertices[1:][None]  # (1, S, 2)
    ab = b - a
    t = (((p - a) * ab).sum(-1) / ab.pow(2).sum(-1).clamp(min=1e-12)).clamp(0, 1)
    closest = a + t[..., None] * ab
    return (p - closest).norm(dim=-1).min(dim=1).values.reshape(height, width)


def freeform_mask(height: int, width: int, g: Optional[torch.Generator] = None) -> Tensor:
    """One DeepFill v2 free-form mask (1, H, W): the union of 1-3 round-jointed brush strokes."""
    mask = torch.zeros(height, width)
    for _ in range(_randint(1, MAX_STROKES + 1, g)):
        vertices, stroke_width = _stroke(height, width, g)
        # A pixel is covered when it lies within half the width of a segment (PIL's line plus the
        # discs the reference code draws at every vertex).
        covered = _distance_to_polyline(vertices, height, width) <= stroke_width / 2
        mask = torch.maximum(mask, covered.float())
    if float(torch.rand((), generator=g)) < 0.5:
        mask = mask.flip(1)
    if float(torch.rand((), generator=g)) < 0.5:
        mask = mask.flip(0)
    return mask[None]


def box_mask(height: int, width: int, g: Optional[torch.Generator] = None) -> Tensor:
    """One DeepFill v2 box mask (1, H, W): a (H/2, W/2) box at a uniform position whose sides are
    pulled in by a random 0..H/16 (and 0..W/16) pixels each."""
    bh, bw = height // 2, width // 2
    top, left = _randint(0, height - bh, g), _randint(0, width - bw, g)  # tf.random.uniform: maxval excluded
    dh, dw = _randint(0, height // 16 + 1, g), _randint(0, width // 16 + 1, g)
    mask = torch.zeros(1, height, width)
    mask[:, top + dh:top + bh - dh, left + dw:left + bw - dw] = 1.0
    return mask


@MASKS.register("freeform")
def freeform(n: int, height: int, width: int, generator: Optional[torch.Generator] = None) -> Tensor:
    """(n, 1, H, W) free-form brush-stroke masks."""
    return torch.stack([freeform_mask(height, width, generator) for _ in range(n)])


@MASKS.register("box")
def box(n: int, height: int, width: int, generator: Optional[torch.Generator] = None) -> Tensor:
    """(n, 1, H, W) box masks."""
    return torch.stack([box_mask(height, width, generator) for _ in range(n)])


@MASKS.register("both")
def both(n: int, height: int, width: int, generator: Optional[torch.Generator] = None) -> Tensor:
    """(n, 1, H, W): each mask the union of a free-form and a box mask (DeepFill v2's training masks)."""
    return torch.stack([torch.maximum(freeform_mask(height, width, generator), box_mask(height, width, generator))
                        for _ in range(n)])


@MASKS.register("none")
def none(n: int, height: int, width: int, generator: Optional[torch.Generator] = None) -> Tensor:
    """(n, 1, H, W) zeros: no holes (denoising restores every pixel instead)."""
    return torch.zeros(n, 1, height, width)


def draw_masks(kind: str, n: int, height: int, width: int, generator: Optional[torch.Generator] = None) -> Tensor:
    """``n`` masks of the registered ``kind`` (freeform, box, both, none): (n, 1, H, W), 1 = hole."""
    return MASKS.get(kind)(n, height, width, generator)
