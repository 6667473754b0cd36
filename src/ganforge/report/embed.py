"""Turning figures and arrays into self-contained ``data:`` URIs for the HTML report."""
from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np

from ..images import png_bytes


def png_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def file_uri(path: Path) -> str:
    return png_uri(Path(path).read_bytes())


def array_uri(array: np.ndarray) -> str:
    """uint8 H x W (x 3) -> PNG data URI."""
    return png_uri(png_bytes(array))


def figure_uri(fig) -> str:
    """A matplotlib figure -> PNG data URI (the figure is closed)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return png_uri(buf.getvalue())


def pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def panel_grid(n: int, width: float, height: float, dpi: int, max_cols: int = 4):
    """A figure with room for ``n`` small panels, at most ``max_cols`` per row -> (fig, axes 2-D)."""
    cols = min(max_cols, n)
    rows = (n + cols - 1) // cols
    return pyplot().subplots(rows, cols, figsize=(width * cols, height * rows), dpi=dpi, squeeze=False)
