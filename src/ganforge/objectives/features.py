"""Frozen feature networks for perceptual (feature-space) losses, by name.

ESRGAN compares VGG-19 features, whose weights cannot ship here and may not be downloaded at run
time. Two offline choices instead:

- ``random`` (default): a small conv net with fixed random weights drawn from a fixed seed.
  Random convolutional features still respond to local structure and texture, so matching them
  penalises blur beyond what a pixel loss sees; the same seed gives the same net everywhere.
- ``mnist``: the penultimate layer of the MNIST classifier shipped with ``ganforge.metrics``
  (meaningful for digit-like images only).
"""
from __future__ import annotations

import torch
from torch import nn

from ..metrics import mnist_net
from ..registry import Registry

Tensor = torch.Tensor
FEATURE_NETS = Registry("feature net", reserved=("channels",))


class Frozen(nn.Module):
    """Wraps a feature net: no parameter updates, always in eval mode; gradients still flow to the input."""

    def __init__(self, net: nn.Module):
        super().__init__()
        self.net = net.requires_grad_(False).eval()

    def train(self, mode: bool = True) -> "Frozen":
        return super().train(False)

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)


@FEATURE_NETS.register("random")
def random_features(channels: int = 3, width: int = 32, seed: int = 0) -> nn.Module:
    """(N, C, H, W) in [-1, 1] -> (N, 2*width, H/2, W/2) features of a fixed random conv net."""
    net = nn.Sequential(nn.Conv2d(channels, width, 3, 1, 1), nn.ReLU(), nn.Conv2d(width, width, 3, 1, 1), nn.ReLU(),
                        nn.AvgPool2d(2), nn.Conv2d(width, 2 * width, 3, 1, 1), nn.ReLU(),
                        nn.Conv2d(2 * width, 2 * width, 3, 1, 1))
    g = torch.Generator().manual_seed(seed)
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            # He init keeps the activations' scale through the ReLUs, so no layer's features vanish.
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu", generator=g)
            nn.init.zeros_(m.bias)
    return Frozen(net)


class _MnistEmbed(nn.Module):
    def __init__(self, mnist_net):
        super().__init__()
        self.convert, self.net = mnist_net.to_classifier_input, mnist_net.load_pretrained()

    def forward(self, x: Tensor) -> Tensor:
        return self.net.embed(self.convert(x))


@FEATURE_NETS.register("mnist")
def mnist_features(channels: int = 1) -> nn.Module:
    """(N, C, H, W) in [-1, 1] -> (N, 128) embeddings of the shipped MNIST classifier."""
    return Frozen(_MnistEmbed(mnist_net))


def create_feature_net(name: str, channels: int) -> nn.Module:
    """A frozen feature net by name ('random', 'mnist') for images with ``channels`` channels."""
    return FEATURE_NETS.create(name, channels=channels)
