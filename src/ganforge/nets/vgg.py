"""VGG-19 features for perceptual losses (ESRGAN / SRGAN), loaded from a local torchvision file.

The layers and parameter names follow torchvision's ``vgg19`` (``features.{i}.weight``: config
"E", 16 3x3 convs with ReLU, max-pooling after each group), so the published state dict
``vgg19-dcbb9e9d.pth`` loads unchanged; torchvision itself is not needed. The network stops at
``conv5_4`` *before* its ReLU (``features.34``), the layer ESRGAN's perceptual loss uses (BasicSR
options/train/ESRGAN/train_ESRGAN_x4.yml: ``layer_weights: {conv5_4: 1}  # before relu``), and
normalises its input with the ImageNet mean and std (``use_input_norm: true`` on [0, 1] images).

The weights cannot ship and are never downloaded: fetch
https://download.pytorch.org/models/vgg19-dcbb9e9d.pth once and point ``GANFORGE_VGG19_WEIGHTS``
at it (or pass ``path=``).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional, Union

import torch
from torch import nn

from ..errors import ConfigError

Tensor = torch.Tensor
VGG19_ENV = "GANFORGE_VGG19_WEIGHTS"
VGG19_FILE = "vgg19-dcbb9e9d.pth"
VGG19_URL = f"https://download.pytorch.org/models/{VGG19_FILE}"
# torchvision's cfgs["E"]: output channels of each 3x3 conv, "M" = 2x2 max-pool.
VGG19_CONFIG: List[Union[int, str]] = [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M",
                                       512, 512, 512, 512, "M", 512, 512, 512, 512, "M"]
CONV5_4 = 34  # index of conv5_4 in torchvision's vgg19().features
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def vgg19_layers(last: int = CONV5_4) -> nn.Sequential:
    """torchvision's vgg19 ``features`` up to and including index ``last`` (default conv5_4)."""
    layers: List[nn.Module] = []
    cin = 3
    for v in VGG19_CONFIG:
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(cin, int(v), 3, padding=1), nn.ReLU(inplace=False)]
            cin = int(v)
    return nn.Sequential(*layers[:last + 1])


def vgg19_path(path: Optional[str] = None) -> Optional[Path]:
    """The weights file named by ``path`` or $GANFORGE_VGG19_WEIGHTS, or None when neither names a file."""
    chosen = path or os.environ.get(VGG19_ENV)
    if chosen and Path(chosen).expanduser().is_file():
        return Path(chosen).expanduser()
    return None


def missing_weights_message(path: Optional[str] = None) -> str:
    chosen = path or os.environ.get(VGG19_ENV)
    where = f"'{chosen}' does not exist; " if chosen else ""
    return (f"VGG19 weights not found: {where}download {VGG19_URL} once and set {VGG19_ENV} (or "
            f"objective.feature_net=auto to fall back to the random feature net)")


class VGG19Features(nn.Module):
    """(N, C, H, W) images in [-1, 1] -> conv5_4 features before activation (N, 512, H/16, W/16).

    One-channel images are repeated to RGB; inputs are mapped to [0, 1] and normalised with the
    ImageNet statistics the weights were trained with.
    """

    def __init__(self, path: Optional[str] = None, random_weights: bool = False):
        super().__init__()
        self.features = vgg19_layers()
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1), persistent=False)
        if not random_weights:
            self.load_torchvision(path)

    def load_torchvision(self, path: Optional[str] = None) -> None:
        """Load ``features.*`` of torchvision's vgg19 state dict (the classifier is ignored)."""
        file = vgg19_path(path)
        if file is None:
            raise ConfigError(missing_weights_message(path))
        try:
            state = torch.load(file, map_location="cpu", weights_only=True)
            wanted = {k[len("features."):]: v for k, v in state.items() if k.startswith("features.")}
            wanted = {k: v for k, v in wanted.items() if int(k.split(".")[0]) <= CONV5_4}
            self.features.load_state_dict(wanted, strict=True)
        except Exception as exc:  # unreadable file, another network's weights
            raise ConfigError(f"cannot load VGG19 weights from {file} ({type(exc).__name__}); it must be "
                              f"torchvision's {VGG19_FILE}") from None

    def forward(self, x: Tensor) -> Tensor:
        if x.shape[1] == 1:
            x = x.expand(-1, 3, -1, -1)
        x = ((x + 1) / 2 - self.mean.to(x.dtype)) / self.std.to(x.dtype)
        return self.features(x)
