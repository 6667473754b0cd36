"""Image-to-image training data: ``paired:DIR`` and ``unpaired:DIR_A,DIR_B`` (``superres:DIR`` in :mod:`.superres`).

Datasets hold uint8 images at a load size a little larger than the training crop; each batch is
randomly cropped and flipped (pix2pix's jitter), drawing from the global torch RNG, which the
engine seeds and checkpoints, so runs are deterministic and resume exactly.
Paired data keeps A as ``x`` (the input) and B as ``y`` (the target), cropped at the same spot;
B may be ``scale`` times larger than A (super-resolution). Unpaired data draws its B images
independently of its A images.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from PIL import Image, UnidentifiedImageError

from ..errors import DataError
from .dataset import Dataset, _as_float
from .folder import _images_in
from .registry import DATASETS
from .transforms import fit_square, to_mode

Tensor = torch.Tensor
GRAY_MODES = ("1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F")


def _crop_flip(images: Tensor, top: Tensor, left: Tensor, size: int, flip: Tensor) -> Tensor:
    """images (n, C, L, L) -> (n, C, size, size) cut at (top, left) per image, mirrored where ``flip``."""
    pieces = [images[k, :, t:t + size, c:c + size] for k, (t, c) in enumerate(zip(top.tolist(), left.tolist()))]
    out = torch.stack(pieces)
    return torch.where(flip[:, None, None, None], out.flip(-1), out)


def _random_offsets(n: int, load: int, crop: int, flip: bool) -> Tuple[Tensor, Tensor, Tensor]:
    top = torch.randint(0, load - crop + 1, (n,))
    left = torch.randint(0, load - crop + 1, (n,))
    mirror = torch.rand(n) < 0.5 if flip else torch.zeros(n, dtype=torch.bool)
    return top, left, mirror


def _center(images: Tensor, crop: int, scale: int = 1) -> Tensor:
    off = (images.shape[-1] // scale - crop) // 2 * scale
    return images[..., off:off + crop * scale, off:off + crop * scale]


def _spread(n: int, total: int) -> Tensor:
    # Demo sets are stored photo by photo (or class by class): a preview should show them all.
    return torch.linspace(0, total - 1, min(n, total)).round().long()


@dataclass
class PairedDataset(Dataset):
    """A (``x``, uint8 N x C_a x L x L) and aligned B (``y``, N x C_b x sL x sL); batches are
    ``crop`` x ``crop`` cuts of A with the matching ``s*crop`` cuts of B, flipped together."""

    crop: int = 0
    flip: bool = True

    @property
    def scale(self) -> int:
        return self.y.shape[-1] // self.x.shape[-1]

    @property
    def shape(self) -> Tuple[int, ...]:
        return (self.x.shape[1], self.crop, self.crop)

    @property
    def target_shape(self) -> Tuple[int, ...]:
        return (self.y.shape[1], self.crop * self.scale, self.crop * self.scale)

    def get(self, index: Tensor) -> Tuple[Tensor, Tensor]:
        """Random aligned crops: (A (n, C_a, crop, crop), B (n, C_b, s*crop, s*crop)) in [-1, 1]."""
        top, left, mirror = _random_offsets(len(index), self.x.shape[-1], self.crop, self.flip)
        s = self.scale
        a = _crop_flip(self.x[index], top, left, self.crop, mirror)
        b = _crop_flip(self.y[index], top * s, left * s, self.crop * s, mirror)
        return _as_float(a), _as_float(b)

    def fixed_batch(self, n: int) -> Tuple[Tensor, Tensor]:
        """``n`` pairs spread evenly over the dataset (all of it when n >= len), center-cropped and
        unflipped: for sample grids and evaluation; draws no randomness."""
        pick = _spread(n, len(self))
        return _as_float(_center(self.x[pick], self.crop)), _as_float(_center(self.y[pick], self.crop, self.scale))

    def targets(self, index: Tensor) -> Tensor:
        """Center-cropped targets of rows ``index``, in [-1, 1] (no randomness)."""
        return _as_float(_center(self.y[index], self.crop, self.scale))

    def info(self) -> Dict[str, object]:
        return {**super().info(), "task": "paired", "target_shape": list(self.target_shape), "scale": self.scale}


@dataclass
class UnpairedDataset(Dataset):
    """Domain A (``x``) and domain B (``y``, any count); each batch pairs the requested A images
    with B images drawn uniformly at random, each cropped and flipped independently."""

    crop: int = 0
    flip: bool = True

    @property
    def shape(self) -> Tuple[int, ...]:
        return (self.x.shape[1], self.crop, self.crop)

    @property
    def target_shape(self) -> Tuple[int, ...]:
        return (self.y.shape[1], self.crop, self.crop)

    def get(self, index: Tensor) -> Tuple[Tensor, Tensor]:
        """(A (n, C_a, crop, crop), B (n, C_b, crop, crop)) in [-1, 1]."""
        n = len(index)
        pick = torch.randint(0, self.y.shape[0], (n,))
        a = _crop_flip(self.x[index], *self._jitter(n, self.x), self.crop, self._mirror(n))
        b = _crop_flip(self.y[pick], *self._jitter(n, self.y), self.crop, self._mirror(n))
        return _as_float(a), _as_float(b)

    def _jitter(self, n: int, images: Tensor) -> Tuple[Tensor, Tensor]:
        return _random_offsets(n, images.shape[-1], self.crop, False)[:2]

    def _mirror(self, n: int) -> Tensor:
        return torch.rand(n) < 0.5 if self.flip else torch.zeros(n, dtype=torch.bool)

    def fixed_batch(self, n: int) -> Tuple[Tensor, Tensor]:
        """``n`` images of A and of B spread evenly over each domain, center-cropped (no randomness)."""
        a, b = _spread(n, len(self.x)), _spread(n, len(self.y))
        return _as_float(_center(self.x[a], self.crop)), _as_float(_center(self.y[b], self.crop))

    def targets(self, index: Tensor) -> Tensor:
        """Center-cropped B images (``index`` wraps around B's count), in [-1, 1] (no randomness)."""
        return _as_float(_center(self.y[index % self.y.shape[0]], self.crop))

    def info(self) -> Dict[str, object]:
        return {**super().info(), "task": "unpaired", "target_shape": list(self.target_shape), "scale": 1}


# ----------------------------------------------------------------------------- decoding

def open_image(path: Path) -> Image.Image:
    """Decode an image file fully; unreadable or truncated files raise a one-line DataError."""
    try:
        with Image.open(path) as img:
            img.load()  # full decode, so truncated files fail here and not mid-run
            return img.copy()
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError) as err:
        raise DataError(f"cannot read image '{path}' ({err}); fix or remove the file") from None


def domain_channels(images: Sequence[Tuple[str, Image.Image]], where: str, channels: Optional[int], option: str) -> int:
    """1 or 3: ``channels`` when given, else what every image is; mixing grayscale and color fails."""
    if channels is not None:
        if channels not in (1, 3):
            raise DataError(f"{option} must be 1 (grayscale) or 3 (RGB), got {channels}")
        return channels
    gray = [name for name, img in images if img.mode in GRAY_MODES]
    color = [name for name, img in images if img.mode not in GRAY_MODES]
    if gray and color:
        raise DataError(f"{where} mixes grayscale ({gray[0]}) and color ({color[0]}) images; convert them or set "
                        f"data_options.{option}=1 or 3 to convert all of them on load")
    return 1 if gray else 3


def to_tensor(arrays: List[np.ndarray]) -> Tensor:
    """List of uint8 H x W (x C) -> uint8 N x C x H x W."""
    x = torch.as_tensor(np.stack(arrays))
    return x.unsqueeze(1) if x.dim() == 3 else x.permute(0, 3, 1, 2).contiguous()


def default_load_size(image_size: int, load_size: Optional[int]) -> int:
    """pix2pix loads 286 px and crops 256: the same 9/8 ratio unless ``load_size`` is given."""
    load = int(load_size) if load_size else (image_size * 9 + 7) // 8
    if load < image_size:
        raise DataError(f"load_size {load} is smaller than image_size {image_size}; use load_size >= image_size")
    return load


Pair = Tuple[str, str, Image.Image, Image.Image]  # (name of A, name of B, A, B)


def _pairs_from_folders(root: Path) -> List[Pair]:
    a_files = {p.stem: p for p in _images_in(root / "A")}
    b_files = {p.stem: p for p in _images_in(root / "B")}
    only_a, only_b = sorted(set(a_files) - set(b_files)), sorted(set(b_files) - set(a_files))
    if only_a or only_b:
        parts = [f"{len(only_a)} in A/ have no partner in B/ (first: {a_files[only_a[0]].name})"] if only_a else []
        parts += [f"{len(only_b)} in B/ have none in A/ (first: {b_files[only_b[0]].name})"] if only_b else []
        raise DataError(f"paired data in '{root}': {'; '.join(parts)}; A/ and B/ need the same file names")
    if not a_files:
        raise DataError(f"paired data in '{root}': A/ and B/ hold no images")
    pairs = []
    for stem in sorted(a_files):
        name_a, name_b = f"A/{a_files[stem].name}", f"B/{b_files[stem].name}"
        a, b = open_image(a_files[stem]), open_image(b_files[stem])
        if a.size != b.size:
            raise DataError(f"{name_a} is {a.size[0]}x{a.size[1]} but {name_b} is {b.size[0]}x{b.size[1]}; "
                            "the images of a pair must have the same size")
        pairs.append((name_a, name_b, a, b))
    return pairs


def _pairs_side_by_side(root: Path) -> List[Pair]:
    files = _images_in(root)
    if not files:
        raise DataError(f"paired data in '{root}': no A/ and B/ subfolders and no side-by-side A|B images; "
                        "use DIR/A and DIR/B with matching names, or images with A left of B")
    pairs = []
    for path in files:
        img = open_image(path)
        w, h = img.size
        if w % 2:
            raise DataError(f"side-by-side image '{path.name}' is {w} px wide, which cannot split into equal "
                            "A|B halves")
        left, right = img.crop((0, 0, w // 2, h)), img.crop((w // 2, 0, w, h))
        pairs.append((f"{path.name} (left)", f"{path.name} (right)", left, right))
    return pairs


@DATASETS.register("paired")
def paired(arg: str = "", image_size: int = 256, load_size: Optional[int] = None, flip: bool = True,
           channels_a: Optional[int] = None, channels_b: Optional[int] = None,
           direction: str = "AtoB") -> PairedDataset:
    """``paired:DIR``: DIR/A and DIR/B with matching file names, or side-by-side A|B images in DIR.

    Each pair is resized (shorter side) and center-cropped to ``load_size``, then cut to random
    ``image_size`` crops per batch. ``direction=BtoA`` swaps input and target.

    ``channels_a``: channels of the A images (default: from the files). ``channels_b``: channels of the B
    images. ``direction``: AtoB or BtoA, which side is the input.
    """
    if direction not in ("AtoB", "BtoA"):
        raise DataError(f"direction must be AtoB or BtoA, got '{direction}'")
    root = Path(arg).expanduser()
    if not root.is_dir():
        raise DataError(f"paired data folder '{root}' does not exist; pass data=paired:DIR")
    pairs = _pairs_from_folders(root) if (root / "A").is_dir() and (root / "B").is_dir() else _pairs_side_by_side(root)
    ca = domain_channels([(p[0], p[2]) for p in pairs], f"'{root}'", channels_a, "channels_a")
    cb = domain_channels([(p[1], p[3]) for p in pairs], f"'{root}'", channels_b, "channels_b")
    load = default_load_size(image_size, load_size)
    x = to_tensor([fit_square(to_mode(p[2], ca), load) for p in pairs])
    y = to_tensor([fit_square(to_mode(p[3], cb), load) for p in pairs])
    if direction == "BtoA":
        x, y = y, x
    return PairedDataset(f"paired:{root}", x, y, crop=image_size, flip=flip)


def _domain(folder: Path, load: int, channels: Optional[int], option: str) -> Tensor:
    if not folder.is_dir():
        raise DataError(f"image folder '{folder}' does not exist; pass data=unpaired:DIR_A,DIR_B")
    files = _images_in(folder)
    if not files:
        raise DataError(f"image folder '{folder}' holds no images")
    images = [(p.name, open_image(p)) for p in files]
    ch = domain_channels(images, f"'{folder}'", channels, option)
    return to_tensor([fit_square(to_mode(img, ch), load) for _, img in images])


@DATASETS.register("unpaired")
def unpaired(arg: str = "", image_size: int = 256, load_size: Optional[int] = None, flip: bool = True,
             channels_a: Optional[int] = None, channels_b: Optional[int] = None) -> UnpairedDataset:
    """``unpaired:DIR_A,DIR_B``: two folders of images (any counts, names unrelated).

    ``channels_a``: channels of the A images (default: from the files). ``channels_b``: channels of the B
    images."""
    parts = [p for p in arg.split(",") if p]
    if len(parts) != 2:
        raise DataError(f"unpaired data needs two folders: data=unpaired:DIR_A,DIR_B (got '{arg}')")
    load = default_load_size(image_size, load_size)
    x = _domain(Path(parts[0]).expanduser(), load, channels_a, "channels_a")
    y = _domain(Path(parts[1]).expanduser(), load, channels_b, "channels_b")
    return UnpairedDataset(f"unpaired:{parts[0]},{parts[1]}", x, y, crop=image_size, flip=flip)
