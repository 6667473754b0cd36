"""Sample grids (PNG) for images and scatter plots over the true modes for 2-D data."""
from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Optional

import numpy as np
import torch
from PIL import Image


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """N x C x H x W in [-1, 1] -> N x H x W x C uint8."""
    x = ((images.detach().float().cpu().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    return x.permute(0, 2, 3, 1).numpy()


def make_grid(images: torch.Tensor, nrow: Optional[int] = None, pad: int = 2) -> np.ndarray:
    """N x C x H x W in [-1, 1] -> one H' x W' (x 3) uint8 mosaic, ``nrow`` images per row."""
    arr = to_uint8(images)
    n, h, w, c = arr.shape
    nrow = nrow or int(math.ceil(math.sqrt(n)))
    rows = int(math.ceil(n / nrow))
    grid = np.zeros((rows * (h + pad) + pad, nrow * (w + pad) + pad, c), dtype=np.uint8)
    for i in range(n):
        r, col = divmod(i, nrow)
        grid[pad + r * (h + pad):pad + r * (h + pad) + h, pad + col * (w + pad):pad + col * (w + pad) + w] = arr[i]
    return grid[..., 0] if c == 1 else grid


def png_bytes(array: np.ndarray) -> bytes:
    """A uint8 H x W (x 3) array -> PNG file contents."""
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, format="PNG")
    return buf.getvalue()


def save_png(array: np.ndarray, path: Path) -> None:
    """Write a uint8 H x W (x 3) array atomically."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    Image.fromarray(array).save(tmp, format="PNG")
    tmp.replace(path)


def save_grid(images: torch.Tensor, path: Path, nrow: Optional[int] = None) -> None:
    save_png(make_grid(images, nrow), path)


def save_scatter(points: torch.Tensor, path: Path, means: Optional[torch.Tensor] = None, title: str = "") -> None:
    """2-D samples as a scatter plot, with the true mixture means marked when known."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pts = points.detach().float().cpu().numpy()
    fig, ax = plt.subplots(figsize=(4, 4), dpi=100)
    ax.scatter(pts[:, 0], pts[:, 1], s=2, alpha=0.5, label="samples")
    if means is not None:
        m = means.cpu().numpy()
        ax.scatter(m[:, 0], m[:, 1], s=40, marker="x", c="red", label="true modes")
        span = np.abs(m).max() * 1.5 + 0.5
        ax.set_xlim(-span, span)
        ax.set_ylim(-span, span)
    ax.set_aspect("equal")
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=7)
    fig.tight_layout()
    tmp = Path(str(path) + ".tmp")
    fig.savefig(tmp, format="png")
    plt.close(fig)
    tmp.replace(path)
