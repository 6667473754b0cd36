"""Videos as animated grids: animated PNG (APNG; browsers play it, other viewers show frame 1)
or GIF, one frame of the grid per video frame."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np
import torch
from PIL import Image

from ..errors import ConfigError
from ..images import make_grid
from .registry import MEDIA, MediaWriter, atomic_bytes, check_suffix, write_array

DEFAULT_FPS = 8
ANIMATIONS = (".png", ".gif")


def grid_frames(videos: torch.Tensor, nrow: Optional[int] = None, pad: int = 2) -> List[np.ndarray]:
    """(N, C, T, H, W) in [-1, 1] -> T uint8 grids (H' x W' or H' x W' x 3), clip i at the same
    cell of every grid."""
    return [make_grid(videos[:, :, t], nrow, pad) for t in range(videos.shape[2])]


def animation_bytes(frames: List[np.ndarray], fps: float = DEFAULT_FPS, fmt: str = "png") -> bytes:
    """uint8 frames -> an endlessly looping animated PNG (``fmt="png"``) or GIF."""
    images = [Image.fromarray(f) for f in frames]
    buf = io.BytesIO()
    duration = int(round(1000 / fps))
    images[0].save(buf, format=fmt.upper(), save_all=True, append_images=images[1:], duration=duration, loop=0)
    return buf.getvalue()


def save_animation(videos: torch.Tensor, path: Path, fps: float = DEFAULT_FPS, nrow: Optional[int] = None,
                   pad: int = 2) -> None:
    """Write clips (N, C, T, H, W) as one animated grid; the format follows the suffix (.png or .gif)."""
    path = Path(path)
    check_suffix(path, ANIMATIONS, "an animated grid is a PNG (APNG) or a GIF")
    atomic_bytes(animation_bytes(grid_frames(videos, nrow, pad), fps, path.suffix.lower().lstrip(".")), path)


def _fps(info: Dict[str, Any]) -> float:
    return float(info.get("fps") or DEFAULT_FPS)


@MEDIA.register("video")
class VideoWriter(MediaWriter):
    def panel(self, samples: torch.Tensor, stem: Path, info: Dict[str, Any]) -> List[Path]:
        path = Path(stem).with_suffix(".png")
        save_animation(samples, path, _fps(info))
        return [path]

    def write(self, samples: torch.Tensor, out: Path, info: Dict[str, Any], grid: bool = False,
              nrow: Optional[int] = None) -> str:
        out = Path(out)
        if out.suffix == ".npy":
            return write_array(samples, out)
        if grid:
            save_animation(samples, out, _fps(info), nrow)
            return f"{out} (animated grid of {len(samples)} clips, {samples.shape[2]} frames)"
        if out.suffix:
            raise ConfigError(f"--out '{out}' looks like a file; give a directory (one GIF per clip), a .npy file, "
                              "or add --grid for one animated .png/.gif")
        out.mkdir(parents=True, exist_ok=True)
        for i in range(len(samples)):
            save_animation(samples[i:i + 1], out / f"{i:05d}.gif", _fps(info), 1, pad=0)
        return f"{len(samples)} GIF files in {out}"
