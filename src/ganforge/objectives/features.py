"""Frozen feature networks for perceptual (feature-space) losses, by name.

- ``vgg19``: ESRGAN's VGG-19 conv5_4 features before activation (``nets/vgg.py``), from the
  torchvision weights file named by ``GANFORGE_VGG19_WEIGHTS``; the file cannot ship and is never
  downloaded, so this name fails with a one-line message saying where to get it when it is absent.
- ``auto``: ``vgg19`` when its weights file is there, otherwise ``random`` (with a warning).
- ``random``: a small conv net with fixed random weights drawn from a fixed seed. Random
  convolutional features still respond to local structure and texture, so matching them
  penalises blur beyond what a pixel loss sees; the same seed gives the same net everywhere. It
  is no perceptual metric, so objectives cap its weight.
- ``mnist``: the penultimate layer of the MNIST classifier shipped with ``ganforge.metrics``
  (meaningful for digit-like images only).
"""
from __future__ import annotations

from typing import Optional

import torch
from torch import nn

from ..errors import ConfigError
from ..metrics import mnist_net
from ..nets.vgg import VGG19Features, vgg19_path
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


@FEATURE_NETS.register("vgg19")
def vgg19_features(channels: int = 3, path: Optional[str] = None) -> nn.Module:
    """(N, C, H, W) in [-1, 1] -> (N, 512, H/16, W/16) VGG-19 conv5_4 features before activation.

    ``path``: torchvision's vgg19-dcbb9e9d.pth (default: $GANFORGE_VGG19_WEIGHTS)."""
    del channels  # grey images are repeated to RGB inside
    return Frozen(VGG19Features(path))


def resolve_feature_net(name: str) -> str:
    """``auto`` -> ``vgg19`` when $GANFORGE_VGG19_WEIGHTS names a file, else ``random``; other names as given."""
    if name != "auto":
        FEATURE_NETS.get(name)  # unknown names fail here, listing the choices
        return name
    return "vgg19" if vgg19_path() is not None else "random"


def create_feature_net(name: str, channels: int) -> nn.Module:
    """A frozen feature net by name ('vgg19', 'auto', 'random', 'mnist') for images with ``channels`` channels."""
    return FEATURE_NETS.create(resolve_feature_net(name), channels=channels)
