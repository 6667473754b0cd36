"""Dataset registry and loading: ``load_dataset("mnist", image_size=32)``.

Specs: ``mnist``, ``digits``, ``faces``, ``ring8``, ``grid25``, ``folder:PATH``. Every loader
works offline from data shipped inside installed packages or on local disk.
"""
from __future__ import annotations

from . import (  # noqa: F401  (registers the loaders)
    embedded,
    folder,
    mixtures,
    stacked_mnist,
    superres,
    tables,
    translation,
    translation_demos,
)
from .dataset import BatchStream, Dataset
from .registry import DATASETS
from ..registry import import_submodules


def load_dataset(spec: str, image_size: int = 32, **kwargs) -> Dataset:
    """``name`` or ``name:ARG`` -> :class:`Dataset` (images uint8 N x C x H x W, or float N x D)."""
    name, _, arg = spec.partition(":")
    return DATASETS.create(name, arg=arg, image_size=image_size, **kwargs)


def list_datasets():
    return DATASETS.names()


__all__ = ["DATASETS", "Dataset", "BatchStream", "load_dataset", "list_datasets"]

import_submodules(__name__, __path__)  # a new family file registers itself: no list to edit
