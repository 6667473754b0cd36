"""Self-contained ``data:`` URIs of PNG (and WAV) files and arrays for the pages, and matplotlib without a display."""
from __future__ import annotations

import base64
from pathlib import Path

import numpy as np

from ..images import png_bytes


def data_uri(data: bytes, mime: str) -> str:
    """``data:MIME;base64,...`` of file contents (PNG, animated PNG, WAV)."""
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


def png_uri(data: bytes) -> str:
    return data_uri(data, "image/png")


def file_uri(path: Path) -> str:
    return png_uri(Path(path).read_bytes())


def array_uri(array: np.ndarray) -> str:
    """uint8 H x W (x 3) -> PNG data URI."""
    return png_uri(png_bytes(array))


def pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt

