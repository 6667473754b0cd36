"""Video runs: animated grids (APNG data URIs, which browsers play in an ``<img>``) of generated
and training clips, and the frames of one generated clip side by side."""
from __future__ import annotations

from typing import Any, Dict

import torch

from ...media.video import DEFAULT_FPS, animation_bytes, grid_frames
from ..embed import data_uri
from ..pictures import SECTION, SUMMARY, Picture, at, strip, zoom_for
from .base import KindInput, register_kind

CLIPS = 16  # clips per animated grid (4 x 4)
STRIP_FRAMES = 16


def animation(videos: torch.Tensor, alt: str, fps: float, target: int = SUMMARY, caption: str = "") -> Picture:
    """Clips (N, C, T, H, W) in [-1, 1] as one looping animated grid picture."""
    frames = grid_frames(videos)
    h, w = frames[0].shape[:2]
    return Picture(data_uri(animation_bytes(frames, fps), "image/png"), w, h, alt, zoom_for(w, target), caption)


def random_clips(dataset, n: int, seed: int = 0) -> torch.Tensor:
    index = torch.randperm(len(dataset), generator=torch.Generator().manual_seed(seed))[:n]
    return dataset.get(index)[0]


@register_kind("video", "Clips", lambda gen: gen.kind == "video")
def video(inp: KindInput) -> Dict[str, Any]:
    """16 generated clips (seed 0) and 16 random training clips, animated, plus the frames of
    generated clip 0 in a row (what the animation shows, readable in print)."""
    fps = float(inp.gen.info.get("fps") or DEFAULT_FPS)
    fake = inp.gen.sample(CLIPS, seed=0)
    real = random_clips(inp.dataset, CLIPS)
    frames = fake.shape[2]
    shown = [animation(fake, f"{CLIPS} generated clips, animated", fps, caption="generated (seed 0)"),
             animation(real, f"{len(real)} training clips, animated", fps, caption="training data")]
    first = strip(fake[0, :, :STRIP_FRAMES].transpose(0, 1), f"the first {min(frames, STRIP_FRAMES)} frames of "
                  "generated clip 0", cell=48, caption="generated clip 0, frame by frame")
    return {"generated": shown[:1], "real": shown[1:], "large": [at(p, SECTION) for p in shown], "frames_strip": first,
            "count": CLIPS, "frames": frames, "fps": fps,
            "note": f"{CLIPS} generated clips of {frames} frames at {fps:g} fps, seed 0, looping"}
