"""Generators that ship inside the package: ``ganforge.from_pretrained("pretrained:mnist")``.

Each is a model folder ``weights/NAME/`` (``config.json`` + ``model.safetensors``), the same
format ``ganforge export`` writes (see ``ganforge/artifact.py``), made by
``scripts/train_pretrained_mnist.py``. This module only finds them.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import List

from .errors import ConfigError

PREFIX = "pretrained:"
CONFIG_FILE = "config.json"  # ganforge.artifact.CONFIG_FILE (same floor, so not imported)


def weights_dir() -> Path:
    return Path(str(resources.files("ganforge") / "weights"))


def available() -> List[str]:
    """Names of the shipped generators (``pretrained:NAME``)."""
    return sorted(p.parent.name for p in weights_dir().glob(f"*/{CONFIG_FILE}"))


def is_pretrained(spec) -> bool:
    return str(spec).startswith(PREFIX)


def pretrained_folder(spec: str) -> Path:
    """``pretrained:NAME`` -> the package's ``weights/NAME`` model folder."""
    name = str(spec)[len(PREFIX):]
    folder = weights_dir() / name
    if not name or "/" in name or not (folder / CONFIG_FILE).is_file():
        raise ConfigError(f"unknown pretrained model '{name}'; choose one of: {', '.join(available()) or 'none shipped'}")
    return folder


__all__ = ["PREFIX", "available", "is_pretrained", "pretrained_folder", "weights_dir"]
