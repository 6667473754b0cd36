"""``folder:PATH``: a folder of images; class subfolders become labels."""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import List, Optional, Tuple

import numpy as np
import torch
from PIL import Image, UnidentifiedImageError

from ..cache import cached_arrays
from ..errors import DataError
from .audio_folder import audio, holds_audio
from .dataset import Dataset
from .registry import DATASETS
from .scan import scan_labelled
from .transforms import fit_square, to_mode

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".pgm"}


def _images_in(folder: Path) -> List[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def scan_folder(root: Path) -> Tuple[List[Path], List[int], Tuple[str, ...]]:
    """Image files and labels; subfolders holding images are classes (sorted by name)."""
    if not root.is_dir():
        raise DataError(f"image folder '{root}' does not exist; pass data=folder:PATH with a folder of images")
    files, labels, classes = scan_labelled(root, _images_in)
    if not files:
        raise DataError(f"image folder '{root}' holds no images ({', '.join(sorted(IMAGE_SUFFIXES))}); "
                        "put images in it or in one subfolder per class")
    return files, labels, classes


def _decode(path: Path, size: int, channels: int) -> np.ndarray:
    with Image.open(path) as img:
        img.load()  # forces full decode so truncated files fail here, not mid-run
        return fit_square(to_mode(img, channels), size)


def _guess_channels(files: List[Path]) -> int:
    for path in files[:50]:
        try:
            with Image.open(path) as img:
                if img.mode not in ("1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F"):
                    return 3
        except (OSError, UnidentifiedImageError, ValueError):
            continue
    return 1


def _holds_images(root: Path) -> bool:
    return bool(_images_in(root)) or any(d.is_dir() and _images_in(d) for d in root.iterdir())


@DATASETS.register("folder")
def folder(arg: str = "", image_size: int = 32, channels: Optional[int] = None, sample_rate: int = 16000,
           length: int = 16384, first_slice: bool = False, normalize: bool = False) -> Dataset:
    """Load every readable image under ``arg``, resized and center-cropped to ``image_size``.

    Unreadable or truncated files are skipped and counted (one summary line on stderr).
    Channels: 1 if every sampled image is grayscale, else 3, unless given. A folder of sound
    files and no images is read as audio, as ``audio:PATH`` reads it.

    Args:
        channels: 1 or 3 (images; default: 3 unless every sampled image is grayscale).
        sample_rate: audio folders: rate every file is resampled to, in Hz.
        length: audio folders: samples per clip.
        first_slice: audio folders: keep only the first slice of each file.
        normalize: audio folders: scale every clip to a peak of 1.
    """
    if not arg:
        raise DataError("data=folder needs a path: data=folder:PATH")
    root = Path(arg).expanduser().resolve()
    if holds_audio(root) and not _holds_images(root):
        return audio(arg, image_size, sample_rate, length, first_slice, normalize)
    files, labels, classes = scan_folder(root)
    channels = channels or _guess_channels(files)
    # Decoded once per (files, size, channels); later runs and epochs never decode again.
    stamp = hashlib.sha1(repr((str(root), image_size, channels,
                               [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files])).encode())
    arrays = cached_arrays(f"folder-{stamp.hexdigest()[:16]}",
                           lambda: decode_all(root, files, labels, image_size, channels))
    skipped = int(arrays["skipped"][0])
    if skipped:
        print(f"ganforge: skipped {skipped} unreadable image(s) of {len(files)} in {root} "
              f"(first: {bytes(arrays['first_failure']).decode()})", file=sys.stderr)
    if len(arrays["x"]) == 0:
        raise DataError(f"no readable images in '{root}' ({skipped} unreadable); check the files")
    x = torch.from_numpy(arrays["x"])
    y = torch.from_numpy(np.asarray(arrays["y"])) if classes else None
    return Dataset(f"folder:{root}", x, y, num_classes=len(classes), class_names=classes, skipped=skipped)


def decode_all(root: Path, files: List[Path], labels: List[int], size: int, channels: int):
    """Decode every file -> {"x": uint8 N x C x H x W, "y": int64 N, "skipped": [n], "first_failure": bytes}."""
    images, kept, failures = [], [], []
    for i, path in enumerate(files):
        try:
            images.append(_decode(path, size, channels))
            kept.append(i)
        except (OSError, UnidentifiedImageError, ValueError, SyntaxError) as err:
            failures.append(f"{path.relative_to(root)}: {err}")
    x = np.stack(images) if images else np.zeros((0, size, size), np.uint8)
    x = x[:, None] if x.ndim == 3 else x.transpose(0, 3, 1, 2)
    return {"x": np.ascontiguousarray(x), "y": np.asarray([labels[i] for i in kept] if labels else [], np.int64),
            "skipped": np.asarray([len(failures)]),
            "first_failure": np.frombuffer((failures[0] if failures else "").encode(), np.uint8)}
