"""Pictures for the page: PNG data URIs shown at a whole-number zoom with square pixels, so small
samples (16 or 32 px) are big enough to judge and never blurred."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import numpy as np
import torch

from .embed import array_uri, file_uri
from ..images import make_grid


@dataclass
class Picture:
    """A PNG ``uri`` of ``width`` x ``height`` pixels, shown ``zoom`` times larger."""

    uri: str
    width: int
    height: int
    alt: str
    zoom: int = 1
    caption: str = ""

    @property
    def shown_width(self) -> int:
        return self.width * self.zoom

    @property
    def shown_height(self) -> int:
        return self.height * self.zoom


def zoom_for(width: int, target: int, most: int = 8) -> int:
    """The largest whole zoom (at most ``most``) that keeps ``width`` pixels within ``target``
    CSS pixels, and at least 1."""
    return max(1, min(most, target // max(width, 1)))


SUMMARY = 300  # CSS pixels for each of the summary card's two pictures
SECTION = 540  # CSS pixels for a picture that has a section of its own


def at(picture: Picture, target: int) -> Picture:
    """The same picture at the zoom that fits ``target`` CSS pixels."""
    return replace(picture, zoom=zoom_for(picture.width, target))


def from_array(array: np.ndarray, alt: str, target: int = SUMMARY, caption: str = "") -> Picture:
    """A uint8 H x W (x 3) array as a picture about ``target`` CSS pixels wide (or less)."""
    h, w = array.shape[:2]
    return Picture(array_uri(array), w, h, alt, zoom_for(w, target), caption)


def grid(images: torch.Tensor, alt: str, nrow: Optional[int] = None, target: int = SUMMARY, caption: str = "",
         pad: int = 2) -> Picture:
    """Images N x C x H x W in [-1, 1] as one grid picture."""
    return from_array(make_grid(images, nrow, pad), alt, target, caption)


def strip(images: torch.Tensor, alt: str, cell: int = 140, caption: str = "", pad: int = 4) -> Picture:
    """Images N x C x H x W in [-1, 1] side by side, each enlarged (square pixels) to about
    ``cell`` CSS pixels before padding, so the gaps stay thin however small the images are."""
    import torch.nn.functional as F

    zoom = zoom_for(images.shape[-1], cell, most=16)
    big = F.interpolate(images, scale_factor=zoom, mode="nearest") if zoom > 1 else images
    return from_array(make_grid(big, len(images), pad), alt, target=big.shape[-1] * len(images) + pad * 8, caption=caption)


def single(image: torch.Tensor, alt: str, target: int = 96, caption: str = "") -> Picture:
    """One image C x H x W in [-1, 1], without padding."""
    return grid(image[None], alt, 1, target, caption, pad=0)


def from_file(path, alt: str, target: int = 220, caption: str = "") -> Picture:
    """A PNG file (a sample grid saved during training)."""
    from PIL import Image

    with Image.open(path) as img:
        w, h = img.size
    return Picture(file_uri(path), w, h, alt, zoom_for(w, target), caption)
