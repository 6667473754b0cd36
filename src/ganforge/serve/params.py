"""Query parameters and PNG responses of the explorer."""
from __future__ import annotations

import math
from typing import Optional

import torch
from flask import request

from ..images import make_grid, png_bytes
from ..report.embed import pyplot
from .errors import BadRequest


def int_arg(name: str, default: Optional[int], lo: int, hi: int) -> Optional[int]:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"'{name}' must be an integer, got {raw[:40]!r}") from None
    if not lo <= value <= hi:
        raise BadRequest(f"'{name}' must be in {lo}..{hi}, got {value}")
    return value


def float_arg(name: str, default: float, lo: float, hi: float) -> float:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise BadRequest(f"'{name}' must be a number, got {raw[:40]!r}") from None
    if not math.isfinite(value) or not lo <= value <= hi:
        raise BadRequest(f"'{name}' must be in {lo:g}..{hi:g}, got {raw[:40]}")
    return value


def png(images: torch.Tensor, nrow: Optional[int] = None, scale: int = 1, pad: int = 2) -> bytes:
    """Images N x C x H x W in [-1, 1] -> PNG grid, each pixel repeated ``scale`` times (square
    pixels: downloads keep the look of the page)."""
    grid = make_grid(images, nrow, pad)
    if scale > 1:
        grid = grid.repeat(scale, axis=0).repeat(scale, axis=1)
    return png_bytes(grid)


def scatter_png(points: torch.Tensor, info: dict) -> bytes:
    """2-D samples as a PNG scatter plot over the true modes (when the data is a known mixture)."""
    import io

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(4.8, 4.8), dpi=100)
    pts = points.numpy()
    ax.scatter(pts[:, 0], pts[:, 1], s=6, alpha=0.6, linewidths=0, color="#4e79d6", label="generated")
    means = (info.get("modes") or {}).get("means")
    if means:
        m = torch.tensor(means).numpy()
        ax.scatter(m[:, 0], m[:, 1], marker="x", c="#d64e72", s=60, linewidths=1.8, label="true modes")
        span = abs(m).max() * 1.4 + 0.3
        ax.set_xlim(-span, span)
        ax.set_ylim(-span, span)
    ax.set_aspect("equal")
    ax.grid(True, color="#e3e6ec")
    ax.legend(loc="upper right", fontsize=10)
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()
