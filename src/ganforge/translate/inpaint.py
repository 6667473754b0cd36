"""Applying an inpainting or denoising run to image files of any size, with masks from files,
boxes or the run's own mask generator."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional, Union

import numpy as np
import torch
from PIL import Image

from ..data.masks import draw_masks
from ..data.translation import open_image
from ..errors import ConfigError
from ..images import save_png, to_uint8
from ..loading import load_generator
from .apply import read_image
from .tiling import tiled_apply

if TYPE_CHECKING:
    from ..generator import Generator

Tensor = torch.Tensor


class InpaintModel:
    """A restoration run ready for whole images: ``model(image, mask)`` with image (N, C, H, W)
    in [-1, 1] of any size and mask (N, 1, H, W), 1 = fill (None: no holes, for denoising runs)
    -> the restored image (N, C, H, W), computed in tiles of ``tile`` pixels overlapping by
    ``overlap``. ``run`` is a run directory or an already loaded Generator."""

    def __init__(self, run: Union[str, Path, "Generator"], device: str = "cpu", tile: int = 256, overlap: int = 32,
                 checkpoint: Optional[Union[str, Path]] = None):
        gen = load_generator(run, device=device, checkpoint=checkpoint) if isinstance(run, (str, Path)) else run
        if not getattr(gen.net, "needs_mask", False):
            raise ConfigError(f"run '{gen.run_dir}' does not restore images; use ganforge sample, translate or upscale")
        options = gen.cfg.objective.kwargs()
        self.net, self.device, self.tile, self.overlap = gen.net, gen.device, tile, overlap
        self.channels = int(gen.info["shape"][0])
        self.min_size = int(min(gen.info["shape"][1:]))
        self.mask_kind = str(options.get("mask", "both"))
        self.noise_sigma = float(options.get("noise_sigma", 0.0))
        self.run = Path(gen.run_dir)

    @torch.no_grad()
    def __call__(self, image: Tensor, mask: Optional[Tensor] = None) -> Tensor:
        if mask is None:
            if self.noise_sigma == 0:
                raise ConfigError(f"run '{self.run}' fills holes: pass a mask (a file with white where to fill, "
                                  "box:LEFT,TOP,WIDTH,HEIGHT, or random)")
            mask = image.new_zeros(image.shape[0], 1, *image.shape[2:])
        if mask.shape[-2:] != image.shape[-2:]:
            raise ConfigError(f"the mask is {mask.shape[-1]}x{mask.shape[-2]} but the image is "
                              f"{image.shape[-1]}x{image.shape[-2]}; draw the mask at the image's size")
        x = torch.cat([image, mask.to(image.dtype)], dim=1).to(self.device)
        out = tiled_apply(self.net, x, tile=self.tile, overlap=self.overlap, multiple=self.net.size_multiple,
                          min_size=self.min_size)
        return out.clamp(-1, 1).cpu()


def _box(spec: str, height: int, width: int) -> Tensor:
    try:
        left, top, w, h = (int(v) for v in spec.split(","))
    except ValueError:
        raise ConfigError(f"box mask '{spec}' must be box:LEFT,TOP,WIDTH,HEIGHT in pixels (e.g. box:8,8,16,12)") from None
    if w <= 0 or h <= 0 or left < 0 or top < 0 or left + w > width or top + h > height:
        raise ConfigError(f"box {left},{top},{w},{h} does not lie inside the {width}x{height} image")
    mask = torch.zeros(1, 1, height, width)
    mask[..., top:top + h, left:left + w] = 1.0
    return mask


def mask_from_file(path: Path) -> Tensor:
    """A mask image -> (1, 1, H, W): 1 where it is bright (> 127 after converting to gray). Any
    transparency is laid over black, so strokes painted on a transparent layer are the holes."""
    img = open_image(path)
    if img.mode in ("RGBA", "LA", "PA", "P") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        img = Image.alpha_composite(Image.new("RGBA", rgba.size, (0, 0, 0, 255)), rgba)
    gray = np.asarray(img.convert("L"))
    return torch.from_numpy((gray > 127).astype(np.float32))[None, None]


def parse_mask(spec: str, height: int, width: int, kind: str = "both") -> Tensor:
    """``--mask`` -> (1, 1, H, W): an image file (white = fill), ``box:LEFT,TOP,WIDTH,HEIGHT``, or
    ``random[:SEED]`` (a mask of the run's training ``kind`` drawn from SEED, default 0)."""
    if spec.startswith("box:"):
        return _box(spec[4:], height, width)
    if spec == "random" or spec.startswith("random:"):
        seed = spec.partition(":")[2] or "0"
        if not seed.isdigit():
            raise ConfigError(f"random mask seed must be a non-negative integer, got '{seed}'")
        return draw_masks(kind if kind != "none" else "both", 1, height, width, torch.Generator().manual_seed(int(seed)))
    path = Path(spec)
    if not path.is_file():
        raise ConfigError(f"mask '{spec}' is not a file; pass an image (white = fill), box:LEFT,TOP,WIDTH,HEIGHT "
                          "or random[:SEED]")
    return mask_from_file(path)


def inpaint_file(model: InpaintModel, image: Path, mask: Optional[str], out: Path,
                 masked_out: Optional[Path] = None) -> Path:
    """Restore one image file (holes from the ``mask`` spec) into the PNG ``out``, written
    atomically; ``masked_out`` also saves the input with its holes painted white."""
    x = read_image(Path(image), model.channels)
    m = parse_mask(mask, x.shape[-2], x.shape[-1], model.mask_kind) if mask else None
    result = model(x, m)
    for array, path in ((result, out), ((x * (1 - m) + m) if m is not None else None, masked_out)):
        if array is not None and path is not None:
            pixels = to_uint8(array)[0]
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            save_png(pixels[..., 0] if pixels.shape[-1] == 1 else pixels, Path(path))
    return out
