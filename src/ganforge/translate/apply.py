"""Loading a trained image-to-image run and applying it to image files and folders."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, List, Optional, Sequence, Tuple, Union

import torch

from ..console import track
from ..data.folder import IMAGE_SUFFIXES
from ..data.transforms import to_mode
from ..data.translation import open_image
from ..errors import ConfigError
from ..images import save_png, to_uint8
from ..loading import load_generator
from .tiling import tiled_apply

if TYPE_CHECKING:
    from PIL import Image

    from ..generator import Generator

Tensor = torch.Tensor


class ImageModel:
    """A run's generator ready to apply to whole images: ``model(x)`` with x (N, C, H, W) in
    [-1, 1] of any size -> (N, C', s*H, s*W) in [-1, 1], computed in tiles of ``tile`` input
    pixels overlapping by ``overlap``. ``direction`` picks G_BA of a CycleGAN run. ``run`` is a
    run directory or an already loaded :class:`ganforge.generator.Generator`."""

    def __init__(self, run: Union[str, Path, "Generator"], direction: str = "AtoB", device: str = "cpu",
                 tile: int = 256, overlap: int = 32, checkpoint: Optional[Union[str, Path]] = None):
        gen = load_generator(run, device=device, checkpoint=checkpoint) if isinstance(run, (str, Path)) else run
        run = gen.run_dir
        net = gen.net
        if getattr(net, "input_kind", "latent") != "image":
            raise ConfigError(f"run '{run}' generates from noise; use ganforge sample, not translate/upscale")
        if getattr(net, "needs_mask", False):
            raise ConfigError(f"run '{run}' restores images; use ganforge inpaint RUN IMAGE --mask MASK")
        directions = getattr(net, "directions", ("AtoB",))
        if direction not in directions:
            raise ConfigError(f"run '{run}' translates only {' and '.join(directions)}; got --direction {direction}")
        self.net = net.direction(direction) if len(directions) > 1 else net
        key = "shape" if direction == "AtoB" else "target_shape"
        self.in_channels = int(gen.info[key][0])
        self.min_size = int(min(gen.info[key][1:]))  # the training crop: smaller images are padded to it
        self.scale = int(getattr(net, "scale", 1))
        self.multiple = int(getattr(self.net, "size_multiple", 1))
        self.device, self.tile, self.overlap = gen.device, tile, overlap
        self.run = Path(run)

    @torch.no_grad()
    def __call__(self, x: Tensor) -> Tensor:
        x = x.to(self.device)
        out = tiled_apply(self.net, x, scale=self.scale, tile=self.tile, overlap=self.overlap, multiple=self.multiple,
                          min_size=self.min_size)
        return out.clamp(-1, 1).cpu()


def image_tensor(img: "Image.Image", channels: int) -> Tensor:
    """A decoded PIL image -> (1, channels, H, W) in [-1, 1] (any PIL mode converted)."""
    import numpy as np

    arr = np.asarray(to_mode(img, channels))
    x = torch.as_tensor(arr.copy())
    x = x[None] if x.dim() == 2 else x.permute(2, 0, 1)
    return x[None].float().div(127.5).sub(1.0)


def read_image(path: Path, channels: int) -> Tensor:
    """An image file -> (1, channels, H, W) in [-1, 1] (any PIL mode converted)."""
    return image_tensor(open_image(path), channels)


def collect_inputs(inputs: Sequence[Union[str, Path]], out: Path) -> List[Tuple[Path, Path]]:
    """(source, destination) pairs: files map to ``out/NAME.png``; folders are walked recursively
    and keep their layout under ``out``. Fails up front on missing paths, empty inputs and
    outputs that would overwrite each other."""
    jobs: List[Tuple[Path, Path]] = []
    for item in map(Path, inputs):
        if item.is_dir():
            files = sorted(p for p in item.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
            jobs += [(p, out / p.relative_to(item).with_suffix(".png")) for p in files]
        elif item.is_file():
            jobs.append((item, out / f"{item.stem}.png"))
        else:
            raise ConfigError(f"input '{item}' does not exist; pass image files or folders of images")
    if not jobs:
        raise ConfigError(f"no images found in {', '.join(map(str, inputs))}")
    seen = {}
    for src, dst in jobs:
        if dst in seen:
            raise ConfigError(f"'{src}' and '{seen[dst]}' would both be written to '{dst}'; translate them separately")
        seen[dst] = src
    return jobs


def apply_to_files(model: ImageModel, inputs: Sequence[Union[str, Path]], out: Union[str, Path],
                   progress: bool = True) -> List[Path]:
    """Run ``model`` on every image in ``inputs`` (files or folders) and write PNGs under ``out``
    (atomically). Returns the written paths."""
    jobs = collect_inputs(inputs, Path(out))
    written = []
    for src, dst in track(jobs, model.run.name, "image", enabled=None if progress else False):
        result = to_uint8(model(read_image(src, model.in_channels)))[0]
        dst.parent.mkdir(parents=True, exist_ok=True)
        save_png(result[..., 0] if result.shape[-1] == 1 else result, dst)
        written.append(dst)
    return written
