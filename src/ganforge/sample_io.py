"""Writing samples to disk: one .npy array, one PNG grid, a folder of PNG files, a class-balanced
folder of PNG files (one subfolder per class), or a table (.csv / .parquet)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Optional

import torch

from .console import track
from .errors import ConfigError
from .images import make_grid, save_png, to_uint8
from .media import media_writer
from .media.registry import write_array
from .tabular.io import write_table


def write_samples(samples: torch.Tensor, out: Path, grid: bool = False, nrow: Optional[int] = None,
                  info: Optional[Dict[str, Any]] = None) -> str:
    """Save ``samples`` (images N x C x H x W in [-1, 1], vectors N x D, or a DataFrame of table
    rows) and describe what was written. ``info`` (the run's data.json) routes videos, audio
    and text to their writers (``ganforge.media``)."""
    out = Path(out)
    writer = media_writer(str(info.get("kind"))) if info else None
    if writer is not None:
        return writer.write(samples, out, info, grid=grid, nrow=nrow)
    if not isinstance(samples, torch.Tensor):  # table rows (a pandas DataFrame)
        return write_table(samples, out)
    if out.suffix == ".npy":
        return write_array(samples, out)
    if samples.dim() != 4:
        raise ConfigError(f"vector samples can only be written as .npy; use --out {out.with_suffix('.npy')}")
    if grid:
        if out.suffix.lower() != ".png":
            raise ConfigError(f"--grid writes one PNG image; give --out a name ending in .png, not '{out.name}'")
        out.parent.mkdir(parents=True, exist_ok=True)
        save_png(make_grid(samples, nrow), out)
        return f"{out} (grid of {len(samples)})"
    if out.suffix:
        raise ConfigError(f"--out '{out}' looks like a file; give a directory, a .npy file, or add --grid for one PNG")
    out.mkdir(parents=True, exist_ok=True)
    arr = to_uint8(samples)
    for i, img in track(list(enumerate(arr)), "writing PNG files", "file", enabled=None if len(arr) > 100 else False):
        save_png(img[..., 0] if img.shape[-1] == 1 else img, out / f"{i:05d}.png")
    return f"{len(arr)} PNG files in {out}"


def write_class_folder(gen, per_class: int, out: Path, seed: int = 0) -> str:
    """``per_class`` images of every class of a class-conditional generator into
    ``out/<class name>/00000.png`` (the layout ``data=folder:PATH`` reads back with labels)."""
    if not gen.num_classes:
        raise ConfigError("a class-balanced folder needs a class-conditional run (trained with conditional=true)")
    names = list(gen.info.get("class_names") or []) or [str(k) for k in range(gen.num_classes)]
    for k, name in enumerate(names):
        write_samples(gen.sample(per_class, seed=seed + k, labels=k), Path(out) / name, info=gen.info)
    return f"{per_class} PNG files for each of {len(names)} classes in {out}"
