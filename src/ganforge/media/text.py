"""Text samples: one string per line in a ``.txt`` file, and a rendered list for previews."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont

from ..data.text import decode, letters_vocab
from ..errors import ConfigError
from ..images import save_png
from .registry import MEDIA, MediaWriter, atomic_bytes, write_array

COLUMNS = 4


def text_image(strings: List[str], columns: int = COLUMNS) -> np.ndarray:
    """Strings laid out in columns on a white uint8 image (for the report's sample strip)."""
    font = ImageFont.load_default()
    cell_w = max([8 + 7 * len(s) for s in strings] + [80])
    rows = (len(strings) + columns - 1) // columns
    img = Image.new("L", (columns * cell_w + 8, rows * 14 + 8), 255)
    draw = ImageDraw.Draw(img)
    for i, s in enumerate(strings):
        r, c = divmod(i, columns)
        draw.text((6 + c * cell_w, 4 + r * 14), s or "(empty)", fill=0, font=font)
    return np.asarray(img)


def _vocab(info: Dict[str, Any]):
    return tuple(info.get("vocab") or letters_vocab())


@MEDIA.register("text")
class TextWriter(MediaWriter):
    def panel(self, samples: torch.Tensor, stem: Path, info: Dict[str, Any]) -> List[Path]:
        stem = Path(stem)
        strings = decode(samples, _vocab(info))
        png, txt = stem.with_suffix(".png"), stem.with_suffix(".txt")
        save_png(text_image(strings), png)
        atomic_bytes("".join(s + "\n" for s in strings).encode(), txt)
        return [png, txt]

    def write(self, samples: torch.Tensor, out: Path, info: Dict[str, Any], grid: bool = False,
              nrow: Optional[int] = None) -> str:
        out = Path(out)
        if out.suffix == ".npy":  # character ids, the compact form
            ids = samples.argmax(-1) if samples.dim() == 3 else samples
            return write_array(ids.to(torch.int64), out)
        if grid or out.suffix.lower() != ".txt":
            raise ConfigError(f"text samples are written as lines of a .txt file (or ids in a .npy file); "
                              f"give --out a name ending in .txt, not '{out.name}'" + (" and drop --grid" if grid else ""))
        atomic_bytes("".join(s + "\n" for s in decode(samples, _vocab(info))).encode(), out)
        return f"{out} ({len(samples)} strings, one per line)"
